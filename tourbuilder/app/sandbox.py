"""Tour content served sandboxed: the player with a tour, and that tour's media.

A tour's texts and files are the author's input, and a tour could one day carry a script
(an uploaded HTML file, a bug in a sanitiser). So the app never shows a tour as one of its
own pages: /tours/<id>/preview checks the user's access and redirects to
/sandbox/<grant>/, whose responses carry ``Content-Security-Policy: sandbox allow-scripts
...`` without allow-same-origin. The browser then runs the page in an opaque origin: it
cannot read the app's cookies or pages, its requests to the app carry no session (the
session cookie is SameSite=Lax), and it has no CSRF token, so it cannot act as the
signed-in author.

Such a page cannot send the session cookie with its own requests, so the grant is in the
URL: a signed, expiring (8 hours) token naming the tour and the user. Every request checks
it again (the user must still exist, be active and may still see the tour) and serves only
that tour's media, with ``Access-Control-Allow-Origin: *`` so the player (an opaque origin)
may draw them in WebGL.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from flask import Blueprint, Flask, abort, current_app, request, send_file, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..accounts import Access
from ..export.page import render_player_page
from ..store import StoreError
from ..tourfolder import media_type
from . import get_accounts, get_store
from .security import capability

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox")
GRANT_SECONDS = 8 * 3600
NAME = re.compile(r"^([0-9a-f]{64})(\.[a-z0-9]{1,5})?$")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="tourbuilder.sandbox-grant")


def grant_url(tour_id: str, user, language: str | None = None) -> str:
    token = _serializer().dumps([tour_id, user.id])
    return url_for("sandbox.player", grant=token, lang=language)


def _granted(grant: str):
    """The tour the grant is for, if it is genuine, fresh, and its user may still see it."""
    try:
        tour_id, user_id = _serializer().loads(grant, max_age=GRANT_SECONDS)
    except (BadSignature, ValueError, TypeError):
        abort(404)
    accounts = get_accounts()
    user = accounts.get_user(user_id) if isinstance(user_id, int) else None
    if user is None or accounts.access(user, tour_id) < Access.VIEW:
        abort(404)
    try:
        return get_store().get_tour(tour_id)
    except StoreError:
        abort(404)


@bp.get("/<grant>/")
@capability
def player(grant: str):
    tour = _granted(grant)
    language = request.args.get("lang")
    if language is not None and language not in tour.languages:
        abort(400)
    urls = {key: url_for("sandbox.media", grant=grant, name=info.sha256 + PurePosixPath(key).suffix.lower())
            for key, info in tour.media.items()}
    return render_player_page(tour, urls, asset_base=url_for("static", filename="build/player/"),
                              language=language)


@bp.get("/<grant>/media/<name>")
@capability
def media(grant: str, name: str):
    match = NAME.match(name)
    if not match:
        abort(404)
    tour = _granted(grant)
    if match.group(1) not in {info.sha256 for info in tour.media.values()}:
        abort(404)
    path = get_store().media.path(match.group(1))
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=media_type(name), max_age=GRANT_SECONDS, conditional=True)
    response.headers["Cache-Control"] = f"private, max-age={GRANT_SECONDS}, immutable"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
