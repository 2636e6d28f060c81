"""Signing in and out, the one-time sign-in link, and the interface language."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from ..accounts import LANGUAGES, AccountError, RateLimited
from . import get_accounts
from .i18n import account_message
from .security import public, safe_next, signed_in

bp = Blueprint("auth", __name__)


def sign_in(user) -> None:
    """A new session for ``user``: nothing of the session before is kept (no fixation)."""
    session.clear()
    session["sid"] = get_accounts().start_session(user.id)
    session.permanent = True
    g.user = user  # from here on the account's language is the interface's


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    target = safe_next(request.values.get("next"))
    if g.user is not None:
        return redirect(target or url_for("tours.index"))
    error, status = None, 200
    name = ""
    headers = {}
    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            user = get_accounts().authenticate(name, request.form.get("password", ""), request.remote_addr or "")
        except RateLimited as exc:
            error, status = account_message(exc), 429
            headers["Retry-After"] = str(exc.retry_after)
        except AccountError as exc:
            error = account_message(exc)  # the form again, with the problem (200: nothing failed to load)
        else:
            sign_in(user)
            return redirect(target or url_for("tours.index"))
    return render_template("auth/login.html", error=error, name=name, next=target), status, headers


@bp.post("/logout")
@signed_in
def logout():
    get_accounts().end_session(session.get("sid"))
    language = g.user.language
    session.clear()
    session["lang"] = language
    flash(gettext("You are signed out."), "status")
    return redirect(url_for("auth.login"))


@bp.get("/login/once/<token>")
@public
def once(token: str):
    """The sign-in link `tourbuilder serve` prints for the local admin: works once, for minutes."""
    user = get_accounts().redeem_sign_in_token(token)
    if user is None:
        abort(404, description=gettext("This sign-in link has been used or has expired: sign in with "
                                       "the name and password, or start the server again for a new link."))
    sign_in(user)
    return redirect(url_for("tours.index"))


@bp.post("/language")
@public
def language():
    """Switch the interface language: the account's choice, or the session's before signing in."""
    chosen = request.form.get("language", "")
    if chosen not in LANGUAGES:
        abort(400, description=gettext("Unknown language “%(language)s”.", language=chosen))
    if g.user is not None:
        g.user = get_accounts().update_user(g.user.id, language=chosen)
    session["lang"] = chosen
    return redirect(safe_next(request.form.get("next")) or url_for("tours.index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
