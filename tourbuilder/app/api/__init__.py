"""The JSON API (/api/): the blueprint, the error format, and the one way to declare an operation.

How to add an API module (e.g. ``api/scenes.py``):

1. Add its name to ``MODULES`` below (that is the whole registration).
2. In the module, put routes on the shared blueprint ``bp`` (URL prefix ``/api``), each with an
   access policy from ``tourbuilder.app.security`` AND ``@operation(...)``, which documents it in
   /api/openapi.json and parses the JSON body into a pydantic model::

       from pydantic import BaseModel
       from ...accounts import Access
       from ..security import tour
       from . import ApiError, bp, json_response, operation

       class SpeechIn(BaseModel):
           text: str
           language: str

       class JobOut(BaseModel): ...

       @bp.post("/tours/<tour_id>/narration/speech")
       @tour(Access.EDIT)
       @operation("Synthesise speech", request=SpeechIn, response=JobOut, status=202, errors=(422,))
       def speech(tour_id: str, body: SpeechIn):
           ...
           return json_response(JobOut(...), 202)

   ``request=Model`` parses the JSON body (400 when it is not JSON, 422 with ``problems`` when it does not
   fit the model) and passes it as the ``body`` keyword argument. For multipart uploads declare
   ``form={"file": "the picture", "key": "..."}`` (documentation only; read ``request.files`` yourself).
   ``if_match=True`` documents the required If-Match header; read it with ``if_match_revision()``.
3. Fail with ``raise ApiError(status, message, problems=[...])``: every error of an /api/ path (also
   401/403/404 from the access check, 413 from the upload limit, a refused CSRF token) is answered as
   ``{"error": {"message": ..., "problems": [{"path", "message"}]}}``.
4. Long work goes to a job: see tourbuilder/jobs.py (``job_kind`` and ``get_jobs().submit``).
5. tests/test_openapi.py checks that the route table and the spec agree; add your routes to
   tests/test_security_routes.py.
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from flask import Blueprint, Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from ..security import public

#: The API modules of this package, each adding its routes to ``bp`` when imported.
MODULES = ("tours", "jobs", "narration", "checks", "translations", "scenes")

bp = Blueprint("api", __name__, url_prefix="/api")


# --- errors -------------------------------------------------------------------------------

class Problem(BaseModel):
    """One thing wrong with a request, and where (a dotted path into the sent document)."""

    path: str = ""
    message: str


class ErrorBody(BaseModel):
    message: str
    problems: list[Problem] = []


class ErrorOut(BaseModel):
    """Every API error: what was wrong and how to fix it."""

    error: ErrorBody


class ApiError(Exception):
    """Raise in an API view to answer ``status`` with the error format; ``extra`` adds top-level keys."""

    def __init__(self, status: int, message: str, problems: Iterable[Problem | dict] = (), **extra: Any):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = [p if isinstance(p, Problem) else Problem(**p) for p in problems]
        self.extra = extra

    def response(self):
        """The error as a JSON response."""
        body = {"error": {"message": self.message, "problems": [p.model_dump() for p in self.problems]},
                **self.extra}
        response = jsonify(body)
        response.status_code = self.status
        return response


def problems_of(error: ValidationError, prefix: str = "") -> list[Problem]:
    """A pydantic ValidationError as problems with dotted paths (``scenes.mill.title``) under ``prefix``."""
    from ...model.errors import describe, place_of

    problems = []
    for item in error.errors():
        place = place_of(tuple(item.get("loc", ())))
        path = "" if place == "the top level" else place
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        problems.append(Problem(path=path, message=describe(item)))
    return problems


def problems_of_messages(messages: Iterable[str], prefix: str = "") -> list[Problem]:
    """Messages like ``scenes.mill.title: text is required`` (TourError.problems) as problems."""
    problems = []
    for message in messages:
        head, sep, _rest = message.partition(": ")
        path = head if sep and " " not in head else ""
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        problems.append(Problem(path=path, message=message))
    return problems


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _http_error(error: HTTPException):
    code = error.code or 500
    if isinstance(error, CSRFError):
        message = gettext("The request has no valid CSRF token: send the token of the page's "
                          "<meta name=\"csrf-token\"> in the X-CSRFToken header.")
    elif code == 401:
        message = gettext("Sign in first: this needs a signed-in user.")
    elif code == 403:
        message = gettext("You may not do this with this tour: ask its owner or an admin.")
    elif code == 413:
        message = gettext("The upload is too large: at most %(mb)s MB is accepted.",
                          mb=current_app.config.get("MAX_UPLOAD_MB", "?"))
    elif error.description and error.description != getattr(type(error), "description", None):
        message = str(error.description)
    else:
        message = f"{code} {error.name}"
    response = ApiError(code, message).response()
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _json_for_api(page_handler: Callable) -> Callable:
    """An app-wide error handler that answers /api/ paths in JSON and everything else as before."""

    @functools.wraps(page_handler)
    def handle(error):
        if is_api_request():
            return _http_error(error) if isinstance(error, HTTPException) else ApiError(
                500, gettext("Something went wrong on the server: try again, and tell an admin if it keeps "
                             "happening.")).response()
        return page_handler(error)

    return handle


def _install_error_handlers(app: Flask) -> None:
    # The app's error pages (errors.py) stay for pages; the same handlers answer JSON under /api/.
    for handlers in app.error_handler_spec[None].values():
        for exc_class, handler in list(handlers.items()):
            handlers[exc_class] = _json_for_api(handler)
    for code in (409, 415, 428):
        app.register_error_handler(code, _json_for_api(lambda error: (str(error), error.code)))
    app.register_error_handler(ApiError, lambda error: error.response())


@bp.after_request
def _no_redirect_to_sign_in(response):
    """The access check sends a signed-out GET to the sign-in page; an API client gets 401 instead."""
    if response.status_code == 302 and g.get("user") is None and "/login" in response.headers.get("Location", ""):
        return ApiError(401, gettext("Sign in first: this needs a signed-in user.")).response()
    return response


# --- operations ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says about one view."""

    summary: str
    description: str = ""
    request: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    if_match: bool = False
    etag: bool = False
    form: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    produces: str = "application/json"
    tags: tuple[str, ...] = ()


def operation(summary: str, *, request: type[BaseModel] | None = None, response: type[BaseModel] | None = None,
              status: int = 200, errors: Iterable[int] = (), if_match: bool = False, etag: bool = False,
              form: dict[str, str] | None = None, query: dict[str, str] | None = None,
              produces: str = "application/json", description: str = "", tags: Iterable[str] = ()) -> Callable:
    """Declare an API view for the OpenAPI document (and parse its JSON body into ``request``).

    - ``request``: the JSON body's model, passed to the view as ``body=``;
    - ``response``: the success body's model, answered with ``status``;
    - ``errors``: the error statuses it answers beyond the access ones (401/403/404 come from the policy);
    - ``if_match``/``etag``: it needs If-Match (428 without) / answers an ETag;
    - ``form``: multipart fields (name -> description) of an upload; ``query``: query parameters;
    - ``produces``: the success media type when not JSON (e.g. a download).
    """
    declared = Operation(summary, description, request, response, status, tuple(errors), if_match, etag,
                         dict(form or {}), dict(query or {}), produces, tuple(tags))

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def parse_then_call(*args, **kwargs):
            if declared.request is not None:
                kwargs["body"] = parse_body(declared.request)
            return view(*args, **kwargs)

        parse_then_call.api_operation = declared
        return parse_then_call

    return decorate


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as ``model``: 400 when it is not JSON, 422 when it does not fit."""
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, gettext("Send a JSON body with the header Content-Type: application/json."))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, gettext("The request's content is not valid: fix the problems listed."),
                       problems_of(exc)) from None


def json_response(body: BaseModel | dict, status: int = 200, headers: dict | None = None):
    """``body`` (a model or a dict) as JSON with ``status``."""
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    response = jsonify(data)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


def etag_of(revision: int) -> str:
    return f'"{revision}"'


def if_match_revision() -> int:
    """The revision named by the If-Match header: 428 without it, 400 when it is not a revision."""
    value = request.headers.get("If-Match", "").strip()
    if not value:
        raise ApiError(428, gettext("Send the header If-Match with the revision you edited (the ETag you "
                                    "got with the document), so that no one's changes are overwritten."))
    match = ETAG.match(value)
    if not match:
        raise ApiError(400, gettext("If-Match must be the ETag of a revision, such as \"12\"; it was %(value)s.",
                                    value=value))
    return int(match.group(1))


# --- the OpenAPI document and its page ----------------------------------------------------

@bp.get("/openapi.json")
@public
@operation("The OpenAPI 3.1 description of this API", tags=("api",))
def openapi_json():
    from .openapi import build_document

    return json_response(build_document(current_app))


@bp.get("/docs")
@public
@operation("This API's documentation, as a page", produces="text/html", tags=("api",))
def docs():
    from .openapi import build_document

    return render_template("api/docs.html", spec=build_document(current_app))


def init_app(app: Flask) -> None:
    from ...jobs import Jobs

    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
    app.register_blueprint(bp)
    _install_error_handlers(app)
    app.extensions["tourbuilder.jobs"] = Jobs.for_app(app)
    app.json.sort_keys = False  # key order is meaningful: scenes and quizzes keep the author's order


def get_jobs():
    """The app's jobs (tourbuilder.jobs.Jobs)."""
    return current_app.extensions["tourbuilder.jobs"]
