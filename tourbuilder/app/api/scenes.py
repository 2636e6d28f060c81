"""Scenes from panoramas: upload a photo, and a job runs it through the panorama pipeline.

POST /api/tours/<id>/panoramas checks the upload at once (Pillow reads its header: an image of a
kind we read, 2:1 equirectangular or a declared partial panorama, not too small or too large) and
refuses a bad file with a message that says what to do; nothing is stored then. A good file goes
to a job that makes the previews and tiles (into the store's panorama cache, which the exports
reuse) and only then stores the photo as a media file. The job's result says what the client adds
to its document: the scene is never added behind the client's back (it autosaves it).
"""

from __future__ import annotations

import io
import re
from pathlib import Path, PurePosixPath

from flask import g, request
from flask_babel import gettext

from ...accounts import Access
from ...jobs import Job, JobFailed, job_kind
from ...model import MediaInfo
from ...panorama.ingest import PanoramaError
from ..security import tour
from . import ApiError, bp, get_jobs, json_response, operation
from .jobs import JobEnvelope, job_json

TAGS = ("scenes",)
#: Pillow's format -> (media type, file extension) of the panoramas we accept.
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "MPO": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"),
           "WEBP": ("image/webp", ".webp"), "TIFF": ("image/tiff", ".tif")}
UPLOAD = "upload.bin"


def check_panorama_header(data: bytes, name: str) -> str:
    """Refuse (PanoramaError) what cannot be a panorama, reading only the header; returns Pillow's format."""
    from ...panorama import ingest

    header = ingest._open_header(data, name)  # the pipeline's own checks: kind of image, too large
    width, height = header.size
    if header.getexif().get(ingest.ORIENTATION_TAG, 1) in (5, 6, 7, 8):
        width, height = height, width
    gpano = ingest.read_gpano(header.info.get("xmp") or ingest._raw_xmp(data))
    ingest._check_geometry(name, width, height, gpano)  # 2:1 (or declared partial), big enough
    if header.format not in FORMATS:
        raise PanoramaError(f"{name}: use a JPEG, PNG, WebP or TIFF equirectangular photo")
    return header.format


def suggestions(filename: str) -> tuple[str, str, str]:
    """(scene id, scene title, file stem) suggested by a photo's file name."""
    stem = PurePosixPath(filename.replace("\\", "/")).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:48] or "scene"
    if not slug[0].isalnum():
        slug = f"scene-{slug}"
    title = re.sub(r"[_-]+", " ", stem).strip() or slug
    return slug, title[:1].upper() + title[1:], slug


def _free_key(media: dict, stem: str, extension: str, sha256: str) -> str:
    """media/<stem><ext>, or with -2, -3… when the document already uses that key for another file."""
    key = f"media/{stem}{extension}"
    number = 2
    while key in media and media[key].get("sha256") != sha256:
        key = f"media/{stem}-{number}{extension}"
        number += 1
    return key


@job_kind("panorama")
def run_panorama(job: Job) -> dict:
    """Make the previews and tiles of an uploaded panorama, then store the photo."""
    from ...files import sha256_file
    from ...panorama.pipeline import PanoramaSettings
    from ...panorama.scenes import panorama_cache
    from ...store import StoreError

    source = job.path(UPLOAD)
    name = job.params.get("filename") or "photo"
    job.progress(0.02, "checking")
    digest = sha256_file(source)
    try:
        result = panorama_cache(job.store).get(
            source, digest, PanoramaSettings(),
            progress=lambda fraction, stage: job.progress(0.05 + 0.9 * fraction, stage))
    except PanoramaError as exc:
        raise JobFailed(str(exc).replace(UPLOAD, name)) from None
    job.progress(0.96, "storing")
    stored, size = job.store.media.add_file(source)
    media_type, extension = FORMATS[job.params["format"]]
    try:
        media = {k: v.model_dump() for k, v in job.store.get_tour(job.tour_id).media.items()}
    except StoreError:
        media = {}
    suggested_id, suggested_title, stem = suggestions(name)
    manifest = result.manifest
    return {
        "key": _free_key(media, stem, extension, stored),
        "info": MediaInfo(sha256=stored, type=media_type, size=size).model_dump(),
        "pose": manifest.get("pose") if manifest.get("pose_from_photo") else None,
        "suggested_id": suggested_id,
        "suggested_title": suggested_title,
        "width": manifest["source"]["width"],
        "height": manifest["source"]["height"],
    }


@bp.post("/tours/<tour_id>/panoramas")
@tour(Access.EDIT)
@operation("Add a panorama: checked at once, then processed by a job whose result is the new scene's "
           "media key, media info, pose and suggested id and title (the client adds the scene and saves)",
           response=JobEnvelope, status=202, errors=(400, 413, 415, 422), tags=TAGS,
           form={"file": "an equirectangular photo (JPEG, PNG, WebP or TIFF, 2:1, at least 1024 px wide)"})
def add_panorama(tour_id: str):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(400, gettext("Send the panorama photo in the multipart field “file”."))
    data = upload.stream.read()
    if not data:
        raise ApiError(422, gettext("“%(name)s” is empty: choose the photo again.", name=upload.filename),
                       [{"path": "file", "message": gettext("empty file")}])
    try:
        format_ = check_panorama_header(data, upload.filename)
    except PanoramaError as exc:
        status = 415 if "not an image" in str(exc) or "are not accepted" in str(exc) else 422
        raise ApiError(status, gettext("This photo cannot be a scene: %(problem)s", problem=str(exc)),
                       [{"path": "file", "message": str(exc)}]) from None
    info = get_jobs().submit("panorama", {"filename": Path(upload.filename).name, "format": format_},
                             tour_id=tour_id, user_id=g.user.id, files={UPLOAD: io.BytesIO(data)})
    return json_response({"job": job_json(info)}, 202)
