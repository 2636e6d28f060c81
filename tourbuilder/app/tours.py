"""The tours list, the learner preview and exports."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, Flask, abort, render_template, request, send_file, url_for

from ..check import check_tour
from ..export import TARGETS, ExportError, export_tour
from ..export.page import render_player_page
from ..model import TourError
from ..store import StoreError
from . import get_store
from .media import media_url

bp = Blueprint("tours", __name__)


def _tour_or_404(tour_id: str):
    try:
        return get_store().get_tour(tour_id)
    except StoreError:
        abort(404, description=f"There is no tour '{tour_id}'.")


@bp.get("/")
def index():
    store = get_store()
    rows = []
    for summary in store.list_tours():
        findings = check_tour(store.get_tour(summary.id))
        rows.append({
            "summary": summary,
            "errors": sum(f.level == "error" for f in findings),
            "warnings": sum(f.level == "warning" for f in findings),
        })
    return render_template("tours/index.html", rows=rows, targets=TARGETS)


@bp.get("/tours/<tour_id>/preview")
def preview(tour_id: str):
    tour = _tour_or_404(tour_id)
    language = request.args.get("lang")
    if language is not None and language not in tour.languages:
        abort(400, description=f"This tour has no language '{language}': use one of {', '.join(tour.languages)}.")
    urls = {key: media_url(info.sha256, key) for key, info in tour.media.items()}
    return render_player_page(tour, urls, asset_base=url_for("static", filename="build/player/"),
                              language=language)


@bp.post("/tours/<tour_id>/export")
def export(tour_id: str):
    _tour_or_404(tour_id)
    format_ = request.form.get("format", "")
    if format_ not in TARGETS:
        abort(400, description=f"Unknown export format '{format_}': choose one of {', '.join(TARGETS)}.")
    workdir = Path(tempfile.mkdtemp(prefix="tourbuilder-export-"))
    out = workdir / f"{tour_id}-{format_}.zip"
    try:
        export_tour(tour_id, format_, out, store=get_store())
    except (TourError, ExportError) as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        abort(422, description=f"The tour cannot be exported yet: {exc}")
    response = send_file(out, mimetype="application/zip", as_attachment=True, download_name=out.name)
    response.call_on_close(lambda: shutil.rmtree(workdir, ignore_errors=True))
    return response


def _error_page(error):
    return render_template("error.html", error=error), error.code


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    for code in (400, 404, 413, 422):
        app.register_error_handler(code, _error_page)
