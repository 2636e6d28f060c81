"""Users, for admins: add, change role and language, disable, reset password, delete.

A password an admin leaves empty is generated and shown once, in the response to that
request (never kept in the session or a flash message). Sharing tours is on each tour's
sharing page (tours.py); a user's page lists their tours.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..accounts import LANGUAGES, ROLES, AccountError
from ..accounts.passwords import generate
from . import get_accounts
from .i18n import account_message
from .security import admin_only

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: int):
    user = get_accounts().get_user(user_id)
    if user is None:
        abort(404, description=gettext("There is no such user."))
    return user


def _users_page(error=None, created=None, password=None, form=None, status=200):
    return render_template("admin/users.html", users=get_accounts().users(), roles=ROLES, error=error,
                           created=created, password=password, form=form or {}), status


def _user_page(user, error=None, password=None, status=200):
    return render_template("admin/user.html", user=user, roles=ROLES, error=error, password=password,
                           shares=get_accounts().shares_of(user.id)), status


@bp.get("/users")
@admin_only
def users():
    return _users_page()


@bp.post("/users")
@admin_only
def create_user():
    form = request.form
    given = form.get("password", "")
    password = given or generate()
    try:
        user = get_accounts().create_user(form.get("name", ""), password, role=form.get("role", "author"),
                                          language=form.get("language", "mn"))
    except AccountError as exc:
        return _users_page(error=account_message(exc), form=form, status=400)
    if not given:
        return _users_page(created=user, password=password)  # shown once, here
    flash(gettext("User “%(name)s” added.", name=user.name), "status")
    return redirect(url_for("admin.users"))


@bp.get("/users/<int:user_id>")
@admin_only
def user(user_id: int):
    return _user_page(_user_or_404(user_id))


@bp.post("/users/<int:user_id>")
@admin_only
def update_user(user_id: int):
    user = _user_or_404(user_id)
    role = request.form.get("role", user.role)
    active = request.form.get("active", "1" if user.active else "0") == "1"
    language = request.form.get("language", user.language)
    if user.id == g.user.id and (role != user.role or not active):
        return _user_page(user, error=gettext("You cannot change your own role or disable yourself: "
                                              "ask another admin."), status=400)
    try:
        updated = get_accounts().update_user(user.id, role=role, active=active,
                                             language=language if language in LANGUAGES else None)
    except AccountError as exc:
        return _user_page(user, error=account_message(exc), status=400)
    flash(gettext("User “%(name)s” saved.", name=updated.name), "status")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
@admin_only
def reset_password(user_id: int):
    """A new password for someone who lost theirs: all their sessions end."""
    user = _user_or_404(user_id)
    given = request.form.get("password", "")
    password = given or generate()
    try:
        get_accounts().set_password(user.id, password)
    except AccountError as exc:
        return _user_page(user, error=account_message(exc), status=400)
    if given:
        flash(gettext("The password of “%(name)s” is changed.", name=user.name), "status")
        return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, password=password)


@bp.post("/users/<int:user_id>/delete")
@admin_only
def delete_user(user_id: int):
    user = _user_or_404(user_id)
    if user.id == g.user.id:
        return _user_page(user, error=gettext("You cannot delete yourself: ask another admin."), status=400)
    try:
        get_accounts().delete_user(user.id)
    except AccountError as exc:
        return _user_page(user, error=account_message(exc), status=400)
    flash(gettext("User “%(name)s” deleted.", name=user.name), "status")
    return redirect(url_for("admin.users"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
