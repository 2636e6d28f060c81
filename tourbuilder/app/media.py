"""Media files of stored tours, served by content hash (so they can be cached forever), to
signed-in users (a hash is known only to someone who has seen a tour that uses the file).
The learner preview does not use this route: it is served, with its media, from the sandbox."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from flask import Blueprint, Flask, abort, send_file, url_for

from ..tourfolder import media_type
from . import get_store
from .security import signed_in

bp = Blueprint("media", __name__, url_prefix="/media")
NAME = re.compile(r"^([0-9a-f]{64})(\.[a-z0-9]{1,5})?$")


@bp.get("/<name>")
@signed_in
def file(name: str):
    match = NAME.match(name)
    if not match:
        abort(404)
    path = get_store().media.path(match.group(1))
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=media_type(name), max_age=365 * 24 * 3600, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def media_url(sha256: str, key: str) -> str:
    return url_for("media.file", name=sha256 + PurePosixPath(key).suffix.lower())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
