"""The tours list (the dashboard: create, duplicate, rename, delete, undelete without JavaScript, through
the same functions as the API, tour_service.py), the learner preview (in the sandbox), exports, comments
and sharing."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext

from ..accounts import Access, AccountError
from ..export import TARGETS, ExportError, export_tour
from ..model import TourError
from ..store import StoreError
from . import get_accounts, get_store, tour_service
from .i18n import account_message
from .sandbox import grant_url
from .security import no_such_tour, signed_in, tour
from .tour_service import ServiceError

bp = Blueprint("tours", __name__)


def _tour_or_404(tour_id: str):
    try:
        return get_store().get_tour(tour_id)
    except StoreError:
        abort(404, description=no_such_tour(tour_id))


@bp.get("/")
@signed_in
def index():
    return _dashboard()


def _dashboard(error: str | None = None, status: int = 200, form: dict | None = None):
    """The tours the user may open, the deleted ones they may bring back, and the forms."""
    return render_template("tours/index.html", rows=tour_service.summaries(g.user),
                           trash=tour_service.trash(g.user), can_create=tour_service.can_create(g.user),
                           targets=TARGETS, Access=Access, error=error, form=form or {},
                           human_size=human_size), status


def human_size(size: int) -> str:
    """A size in bytes as a person reads it (kB, MB)."""
    if size < 1_000_000:
        return gettext("%(size)s kB", size=max(1, round(size / 1000)) if size else 0)
    return gettext("%(size)s MB", size=f"{size / 1_000_000:.1f}")


def _titles(form) -> dict[str, str]:
    """title_mn, title_en... fields as a title by language."""
    return {key.removeprefix("title_"): value for key, value in form.items() if key.startswith("title_")}


def _act(call, done: str):
    """Run a dashboard action: a message and back to the list, or the list again with the problem."""
    try:
        call()
    except ServiceError as exc:
        return _dashboard(error=exc.message, status=exc.status, form=request.form.to_dict())
    flash(done, "status")
    return redirect(url_for("tours.index"))


@bp.post("/tours")
@signed_in
def create():
    tour_id = request.form.get("id", "").strip()
    languages = request.form.getlist("languages")
    return _act(lambda: tour_service.create_tour(g.user, tour_id, _titles(request.form), languages),
                gettext("Tour “%(tour)s” made.", tour=tour_id))


@bp.post("/tours/<tour_id>/duplicate")
@tour(Access.EDIT)
def duplicate(tour_id: str):
    new_id = request.form.get("id", "").strip()
    return _act(lambda: tour_service.duplicate_tour(g.user, tour_id, new_id),
                gettext("Tour “%(tour)s” copied as “%(copy)s”.", tour=tour_id, copy=new_id))


@bp.post("/tours/<tour_id>/rename")
@tour(Access.EDIT)
def rename(tour_id: str):
    return _act(lambda: tour_service.rename_tour(g.user, tour_id, _titles(request.form)),
                gettext("Tour “%(tour)s” renamed.", tour=tour_id))


@bp.post("/tours/<tour_id>/delete")
@tour(Access.MANAGE)
def delete(tour_id: str):
    return _act(lambda: tour_service.delete_tour(g.user, tour_id),
                gettext("Tour “%(tour)s” deleted: you can bring it back from “Deleted tours”.", tour=tour_id))


@bp.post("/tours/<tour_id>/undelete")
@signed_in  # a deleted tour is unknown to tour(...): the service checks that the user manages it
def undelete(tour_id: str):
    return _act(lambda: tour_service.undelete_tour(g.user, tour_id),
                gettext("Tour “%(tour)s” is back.", tour=tour_id))


@bp.get("/tours/<tour_id>/preview")
@tour(Access.VIEW)
def preview(tour_id: str):
    """The learner's view, served from the sandbox so that the tour cannot act as the user."""
    language = request.args.get("lang")
    tour_ = _tour_or_404(tour_id)
    if language is not None and language not in tour_.languages:
        abort(400, description=gettext("This tour has no language “%(language)s”: use one of %(languages)s.",
                                       language=language, languages=", ".join(tour_.languages)))
    return redirect(grant_url(tour_id, g.user, language), code=303)


@bp.post("/tours/<tour_id>/export")
@tour(Access.EDIT)
def export(tour_id: str):
    _tour_or_404(tour_id)
    format_ = request.form.get("format", "")
    if format_ not in TARGETS:
        abort(400, description=gettext("Unknown export format “%(format)s”: choose one of %(formats)s.",
                                       format=format_, formats=", ".join(TARGETS)))
    workdir = Path(tempfile.mkdtemp(prefix="tourbuilder-export-"))
    out = workdir / f"{tour_id}-{format_}.zip"
    try:
        export_tour(tour_id, format_, out, store=get_store())
    except (TourError, ExportError) as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        abort(422, description=gettext("The tour cannot be exported yet: %(problem)s", problem=str(exc)))
    response = send_file(out, mimetype="application/zip", as_attachment=True, download_name=out.name)
    response.call_on_close(lambda: shutil.rmtree(workdir, ignore_errors=True))
    return response


def _comments_page(tour_id: str, error: str | None = None, text: str = "", status: int = 200):
    return render_template("tours/comments.html", tour=_tour_or_404(tour_id),
                           comments=get_accounts().comments(tour_id), error=error, text=text), status


@bp.get("/tours/<tour_id>/comments")
@tour(Access.VIEW)
def comments(tour_id: str):
    return _comments_page(tour_id)


@bp.post("/tours/<tour_id>/comments")
@tour(Access.VIEW)
def add_comment(tour_id: str):
    text = request.form.get("text", "")
    try:
        get_accounts().add_comment(tour_id, g.user, text)
    except AccountError as exc:
        return _comments_page(tour_id, error=account_message(exc), text=text, status=400)
    flash(gettext("Comment added."), "status")
    return redirect(url_for("tours.comments", tour_id=tour_id))


def _sharing_page(tour_id: str, error: str | None = None, status: int = 200):
    accounts = get_accounts()
    shares = accounts.shares(tour_id)
    shared = {s.user.id for s in shares}
    candidates = [u for u in accounts.users() if u.active and not u.is_admin and u.id not in shared]
    return render_template("tours/sharing.html", tour=_tour_or_404(tour_id), shares=shares,
                           candidates=candidates, error=error), status


@bp.get("/tours/<tour_id>/sharing")
@tour(Access.MANAGE)
def sharing(tour_id: str):
    return _sharing_page(tour_id)


@bp.post("/tours/<tour_id>/sharing")
@tour(Access.MANAGE)
def share(tour_id: str):
    """Share the tour with a user (authors then edit it, reviewers preview and comment), or
    make them an owner (owners share it further)."""
    accounts = get_accounts()
    user = accounts.find_user(request.form.get("name", ""))
    if user is None:
        return _sharing_page(tour_id, error=gettext("There is no user “%(name)s”.",
                                                    name=request.form.get("name", "")), status=400)
    try:
        accounts.share(tour_id, user.id, owner=request.form.get("owner") == "1")
    except AccountError as exc:
        return _sharing_page(tour_id, error=account_message(exc), status=400)
    flash(gettext("Shared with “%(name)s”.", name=user.name), "status")
    return redirect(url_for("tours.sharing", tour_id=tour_id))


@bp.post("/tours/<tour_id>/sharing/<int:user_id>/remove")
@tour(Access.MANAGE)
def unshare(tour_id: str, user_id: int):
    accounts = get_accounts()
    user = accounts.get_user(user_id)
    if user is None:
        abort(404, description=gettext("There is no such user."))
    if user.id == g.user.id and not g.user.is_admin:
        return _sharing_page(tour_id, error=gettext("You cannot take away your own access: ask an admin."),
                             status=400)
    accounts.unshare(tour_id, user_id)
    flash(gettext("“%(name)s” no longer has this tour.", name=user.name), "status")
    return redirect(url_for("tours.sharing", tour_id=tour_id))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
