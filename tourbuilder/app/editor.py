"""The scene editor page: the tour's scenes, its live panorama in edit mode and the inspector.

The page is a shell: the editor (web/src/editor/, built into static/build/editor/) loads the tour
through the JSON API and saves it there (it is one of the API's clients).
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, render_template, url_for

from ..accounts import Access
from ..store import StoreError
from . import get_store
from .security import no_such_tour, tour

bp = Blueprint("editor", __name__)


@bp.get("/tours/<tour_id>/edit")
@tour(Access.EDIT)
def edit(tour_id: str):
    """The editor of one tour."""
    try:
        tour_ = get_store().get_tour(tour_id)
    except StoreError:
        abort(404, description=no_such_tour(tour_id))
    return render_template("editor/edit.html", tour=tour_,
                           preview_url=url_for("tours.preview", tour_id=tour_id))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
