"""The OpenAPI 3.1 document, made from the app's route table and each view's ``@operation``.

Made here rather than by a library: spectree and flask-openapi3 each bring their own request
validation, error format and (CDN-hosted) docs pages, and flask-openapi3 its own blueprint class;
our views already have one error format and one access declaration. OpenAPI 3.1 schemas are JSON
Schema 2020-12, which is what pydantic writes, so the models' schemas go in unchanged.
"""

from __future__ import annotations

import re

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..security import policy_of
from . import ErrorOut, Operation

ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}, "path": {"type": "string"}}
METHODS = ("get", "put", "post", "patch", "delete")
ACCESS_ERRORS = {"public": (), "capability": (), "signed_in": (401,), "admin": (401, 403),
                 "tour": (401, 403, 404)}
REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No content", 400: "Malformed request",
           401: "Not signed in", 403: "Not allowed", 404: "Not found (or not shared with you)",
           409: "Conflict", 413: "Too large", 415: "Wrong file type", 422: "Invalid content",
           428: "If-Match missing"}


def api_operations(app: Flask):
    """(rule, method, endpoint, Operation or None) for every /api/ route of ``app``."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method.lower(), rule.endpoint, getattr(view, "api_operation", None)


def openapi_path(rule: str) -> str:
    """/api/tours/<tour_id>/revisions/<int:number> -> /api/tours/{tour_id}/revisions/{number}"""
    return ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule)


def build_document(app: Flask) -> dict:
    """The OpenAPI 3.1 document of every /api/ route (a route without @operation is an error)."""
    entries = list(api_operations(app))
    undeclared = sorted(endpoint for _rule, _method, endpoint, op in entries if op is None)
    if undeclared:
        raise RuntimeError(f"API routes without @operation: {', '.join(undeclared)}")
    models: list[tuple[type[BaseModel], str]] = [(ErrorOut, "serialization")]
    for _rule, _method, _endpoint, op in entries:
        if op.request is not None:
            models.append((op.request, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    refs, definitions = models_json_schema(list(dict.fromkeys(models)),
                                           ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for rule, method, endpoint, op in sorted(entries, key=lambda e: (e[0].rule, e[1])):
        policy = policy_of(app, endpoint)
        paths.setdefault(openapi_path(rule.rule), {})[method] = _operation(
            rule, method, endpoint, op, str(policy), policy.kind if policy else "public", refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "tourbuilder API", "version": "1",
                 "description": "The authoring app's JSON API: the editor and the dashboard are its clients. "
                                "Sign in through the app (a session cookie); state-changing requests carry "
                                "the page's CSRF token in X-CSRFToken."},
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "tourbuilder_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
    }


def _operation(rule, method: str, endpoint: str, op: Operation, access: str, kind: str, refs: dict) -> dict:
    error_ref = refs[(ErrorOut, "serialization")]
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": dict(TYPES.get(converter or "", {"type": "string"}))}
        for converter, name in ARGUMENT.findall(rule.rule)
    ]
    parameters += [{"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
                   for name, text in op.query.items()]
    if op.if_match:
        parameters.append({"name": "If-Match", "in": "header", "required": True,
                           "description": 'The revision the edit started from, as its ETag ("12").',
                           "schema": {"type": "string"}})
    success: dict = {"description": REASONS.get(op.status, "OK")}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
    elif op.produces != "application/json":
        success["content"] = {op.produces: {"schema": {"type": "string"}}}
    elif op.status != 204:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    if op.etag:
        success["headers"] = {"ETag": {"description": "The revision, for If-Match.", "schema": {"type": "string"}}}
    responses = {str(op.status): success}
    codes = set(op.errors) | set(ACCESS_ERRORS.get(kind, ()))
    if op.request is not None:
        codes |= {400, 422}
    if op.if_match:
        codes |= {409, 428}
    if method != "get" and kind != "public":
        codes.add(400)  # a missing or stale CSRF token
    for code in sorted(codes):
        responses[str(code)] = {"description": REASONS.get(code, "Error"),
                                "content": {"application/json": {"schema": error_ref}}}
    result = {
        "operationId": endpoint.removeprefix("api.").replace(".", "_") + ("" if method == "get" else f"_{method}"),
        "summary": op.summary,
        "x-access": access,
        "parameters": parameters,
        "responses": responses,
        "security": [] if kind == "public" else ([{"session": [], "csrf": []}] if method != "get" else
                                                  [{"session": []}]),
    }
    if op.description:
        result["description"] = op.description
    if op.tags:
        result["tags"] = list(op.tags)
    if op.request is not None:
        result["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": refs[(op.request, "validation")]}}}
    elif op.form:
        result["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "properties": {name: ({"type": "string", "format": "binary", "description": text} if name == "file"
                                  else {"type": "string", "description": text}) for name, text in op.form.items()},
            "required": ["file"] if "file" in op.form else [],
        }}}}
    if not parameters:
        del result["parameters"]
    return result
