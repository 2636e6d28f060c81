"""The signed-in user's own page: the interface language and the password."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from ..accounts import AccountError
from . import get_accounts
from .i18n import account_message
from .security import signed_in

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("")
@signed_in
def index():
    return render_template("account/index.html", error=None, shares=get_accounts().shares_of(g.user.id))


@bp.post("/password")
@signed_in
def password():
    """Change one's own password: the current one is asked; every other session ends."""
    new = request.form.get("new_password", "")
    error = None
    if new != request.form.get("confirm_password", ""):
        error = gettext("The two new passwords are not the same.")
    else:
        try:
            get_accounts().change_password(g.user.id, request.form.get("current_password", ""), new,
                                           keep_session=session.get("sid"))
        except AccountError as exc:
            error = account_message(exc)
    if error:
        return render_template("account/index.html", error=error,
                               shares=get_accounts().shares_of(g.user.id)), 400
    flash(gettext("Your password is changed. You are signed out everywhere else."), "status")
    return redirect(url_for("account.index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
