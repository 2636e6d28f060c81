"""Error pages in the reader's language; a refused CSRF check says what to do."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .i18n import error_title

CODES = (400, 401, 403, 404, 405, 413, 422, 429, 500)


def _page(error: HTTPException):
    code = error.code or 500
    description = error.description
    if isinstance(error, CSRFError):
        description = gettext("This form has expired or did not come from this app: go back, reload the page "
                              "and try again.")
    elif description == getattr(type(error), "description", None):
        description = None  # werkzeug's English default: the title says it
    return render_template("error.html", code=code, title=error_title(code), description=description), code


def init_app(app: Flask) -> None:
    for code in CODES:
        app.register_error_handler(code, _page)
    app.register_error_handler(CSRFError, _page)
