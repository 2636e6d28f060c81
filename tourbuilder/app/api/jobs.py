"""Imports and exports as jobs, a job's state, and its download (see tourbuilder/jobs.py)."""

from __future__ import annotations

import shutil
import zipfile
from typing import Any, Literal

from flask import g, request, send_file, url_for
from flask_babel import gettext
from pydantic import BaseModel

from ...accounts import Access
from ...export import TARGETS
from ...export.pipeline import load_source, package, validate
from ...importing import _unpack, import_tour
from ...jobs import Job, JobFailed, JobInfo, job_kind
from ...model import TourError
from ...store import StoreError
from ...tourfolder import read_folder
from .. import get_accounts
from ..security import signed_in, tour
from ..tour_service import can_create
from . import ApiError, bp, get_jobs, json_response, operation

TAGS = ("jobs",)


class JobOut(BaseModel):
    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed"]
    progress: float
    stage: str
    error: str | None
    result: dict[str, Any] | None


class JobEnvelope(BaseModel):
    job: JobOut


class ExportIn(BaseModel):
    format: str


def job_json(info: JobInfo) -> dict:
    """A job as the API answers it; a result with a file gets its download URL."""
    result = dict(info.result) if info.result is not None else None
    if result is not None and result.get("file"):
        result["download"] = url_for("api.download_job", job_id=info.id)
    return JobOut(id=info.id, kind=info.kind, state=info.state, progress=info.progress, stage=info.stage,
                  error=info.error, result=result).model_dump(mode="json")


def _own_job(job_id: str) -> JobInfo:
    """The job, when it is the signed-in user's (or the user is an admin); else 404."""
    info = get_jobs().get(job_id)
    if info is None or not (g.user.is_admin or info.user_id == g.user.id):
        raise ApiError(404, gettext("There is no job “%(job)s” of yours.", job=job_id))
    return info


# --- routes -----------------------------------------------------------------------------------

@bp.post("/imports")
@signed_in
@operation("Import a tour from a zip of its folder (a job)", response=JobEnvelope, status=202,
           errors=(400, 403, 413, 415), form={"file": "a .zip of a tour folder (tour.yaml at its top)"}, tags=TAGS)
def start_import():
    if not can_create(g.user):
        raise ApiError(403, gettext("Reviewers cannot import tours: ask an admin for the author role."))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(400, gettext("Send the tour's .zip in the multipart field “file”."))
    if not zipfile.is_zipfile(upload.stream):
        raise ApiError(415, gettext("“%(name)s” is not a .zip file: zip the tour's folder and upload that.",
                                    name=upload.filename))
    upload.stream.seek(0)
    info = get_jobs().submit("import", {"filename": upload.filename}, user_id=g.user.id,
                             files={"upload.zip": upload.stream})
    return json_response({"job": job_json(info)}, 202)


@bp.post("/tours/<tour_id>/exports")
@tour(Access.EDIT)
@operation("Export a tour (a job); when done, result.download is the file", request=ExportIn,
           response=JobEnvelope, status=202, tags=TAGS)
def start_export(tour_id: str, body: ExportIn):
    if body.format not in TARGETS:
        raise ApiError(422, gettext("Unknown export format “%(format)s”: choose one of %(formats)s.",
                                    format=body.format, formats=", ".join(TARGETS)),
                       [{"path": "format", "message": gettext("one of %(formats)s", formats=", ".join(TARGETS))}])
    info = get_jobs().submit("export", {"format": body.format}, tour_id=tour_id, user_id=g.user.id)
    return json_response({"job": job_json(info)}, 202)


@bp.get("/jobs/<job_id>")
@signed_in
@operation("A job's state, progress and result", response=JobOut, errors=(404,), tags=TAGS)
def get_job(job_id: str):
    return json_response(job_json(_own_job(job_id)))


@bp.get("/jobs/<job_id>/download")
@signed_in
@operation("The file a finished job made", produces="application/octet-stream", errors=(404,), tags=TAGS)
def download_job(job_id: str):
    info = _own_job(job_id)
    name = (info.result or {}).get("file")
    path = get_jobs().folder(job_id) / name if info.state == "done" and name else None
    if path is None or not path.is_file():
        raise ApiError(404, gettext("This job has no file to download (yet)."))
    return send_file(path, as_attachment=True, download_name=name, mimetype="application/zip"
                     if name.endswith(".zip") else None)


# --- the kinds of job -------------------------------------------------------------------------

@job_kind("export")
def run_export(job: Job) -> dict:
    """Export job.tour_id as job.params["format"] into a .zip in the job's folder."""
    format_ = job.params["format"]
    job.progress(0.05, gettext("Loading the tour"))
    try:
        source = load_source(job.tour_id, job.store)
        job.progress(0.15, gettext("Checking the tour"))
        validate(source)
        job.progress(0.25, gettext("Making the files"))
        stage = job.folder / "stage"
        stage.mkdir()
        TARGETS[format_].render(source, stage)
        job.progress(0.85, gettext("Packing the zip"))
        name = f"{job.tour_id}-{format_}.zip"
        package(stage, job.path(name))
    except (TourError, StoreError) as exc:
        raise JobFailed(gettext("The tour cannot be exported yet: %(problem)s", problem=str(exc))) from None
    finally:
        shutil.rmtree(job.folder / "stage", ignore_errors=True)
    return {"file": name, "tour": job.tour_id, "format": format_, "bytes": job.path(name).stat().st_size}


@job_kind("import")
def run_import(job: Job) -> dict:
    """Import the uploaded zip: a new tour (the importer owns it), or a new revision of one they may edit."""
    accounts = get_accounts()
    user = accounts.get_user(job.user_id) if job.user_id is not None else None
    job.progress(0.1, gettext("Unpacking"))
    unpacked = job.folder / "unpacked"
    try:
        folder = _unpack(job.path("upload.zip"), unpacked)
        job.progress(0.3, gettext("Reading the tour"))
        tour_id = read_folder(folder).tour.id
        existed = job.store.exists(tour_id)
        if user is not None and existed and accounts.access(user, tour_id) < Access.EDIT:
            raise JobFailed(gettext("A tour “%(tour)s” exists and you may not change it: ask its owner, or "
                                    "change the id in tour.yaml.", tour=tour_id))
        job.progress(0.4, gettext("Preparing the panoramas"))
        tour_, revision = import_tour(job.store, folder, author=user.name if user else None)
    except TourError as exc:
        raise JobFailed(gettext("The tour cannot be imported: %(problem)s", problem=str(exc))) from None
    except (zipfile.BadZipFile, StoreError) as exc:
        raise JobFailed(gettext("The tour cannot be imported: %(problem)s", problem=str(exc))) from None
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    if user is not None and not existed:
        accounts.share(tour_id, user.id, owner=True)
    job.progress(1.0, gettext("Saved"))
    return {"tour": tour_.id, "revision": revision, "new": not existed}
