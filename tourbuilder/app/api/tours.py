"""Tours and their documents: list, create, duplicate, rename, delete/undelete, the document with
optimistic concurrency (ETag / If-Match; a refused save is kept), revisions and media uploads."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from flask import g, request
from flask_babel import gettext
from pydantic import BaseModel, Field

from ...accounts import Access
from ...model import MediaInfo, TourError, load_tour
from ...store import StoreConflict, StoreError
from ...tourfolder import KNOWN_TYPES
from .. import get_store
from .. import tour_service
from ..security import signed_in, tour
from ..tour_service import ServiceError, TourSummaryOut
from . import ApiError, bp, etag_of, if_match_revision, json_response, operation, problems_of_messages

TAGS = ("tours",)


# --- models -----------------------------------------------------------------------------------

class ToursOut(BaseModel):
    tours: list[TourSummaryOut]


class CreateIn(BaseModel):
    id: str = Field(description="The new tour's id: lower-case letters, digits, '-' and '_'.")
    title: dict[str, str] = Field(description="The title, by language code.")
    languages: list[str] = ["mn", "en"]


class DuplicateIn(BaseModel):
    id: str = Field(description="The copy's id.")
    title: dict[str, str] | None = None


class RenameIn(BaseModel):
    title: dict[str, str]


class DocumentOut(BaseModel):
    revision: int
    document: dict[str, Any] = Field(description="The tour document (see the tour JSON Schema).")


class SaveIn(BaseModel):
    document: dict[str, Any] = Field(description="The whole tour document as edited.")
    message: str = Field(default="", max_length=500, description="What changed, for the history.")


class RevisionOut(BaseModel):
    revision: int


class RevisionItem(BaseModel):
    number: int
    created_at: datetime
    author: str | None
    message: str


class RevisionsOut(BaseModel):
    revisions: list[RevisionItem]


class ConflictOut(BaseModel):
    """A refused save, kept so that nothing is lost."""

    id: int
    base_revision: int
    latest_revision: int
    created_at: datetime
    author: str | None
    message: str
    document: dict[str, Any]


class MediaOut(BaseModel):
    key: str
    info: MediaInfo


def _service(call):
    try:
        return call()
    except ServiceError as exc:
        raise ApiError(exc.status, exc.message, exc.problems) from None


# --- tours ------------------------------------------------------------------------------------

@bp.get("/tours")
@signed_in
@operation("The tours you may open", response=ToursOut, tags=TAGS)
def list_tours():
    return json_response(ToursOut(tours=tour_service.summaries(g.user)))


@bp.post("/tours")
@signed_in
@operation("Make a new tour (with one placeholder scene); you own it", request=CreateIn,
           response=TourSummaryOut, status=201, errors=(403, 409), tags=TAGS)
def create_tour(body: CreateIn):
    made = _service(lambda: tour_service.create_tour(g.user, body.id, body.title, body.languages))
    return json_response(made, 201)


@bp.post("/tours/<tour_id>/duplicate")
@tour(Access.EDIT)
@operation("Copy a tour under a new id; you own the copy", request=DuplicateIn, response=TourSummaryOut,
           status=201, errors=(409,), tags=TAGS)
def duplicate_tour(tour_id: str, body: DuplicateIn):
    made = _service(lambda: tour_service.duplicate_tour(g.user, tour_id, body.id, body.title))
    return json_response(made, 201)


@bp.post("/tours/<tour_id>/rename")
@tour(Access.EDIT)
@operation("Give a tour a new title (a new revision)", request=RenameIn, response=RevisionOut, errors=(409,),
           tags=TAGS)
def rename_tour(tour_id: str, body: RenameIn):
    revision = _service(lambda: tour_service.rename_tour(g.user, tour_id, body.title))
    return json_response(RevisionOut(revision=revision), headers={"ETag": etag_of(revision)})


@bp.delete("/tours/<tour_id>")
@tour(Access.MANAGE)
@operation("Delete a tour (it stays in the trash and can be brought back)", status=204, tags=TAGS)
def delete_tour(tour_id: str):
    _service(lambda: tour_service.delete_tour(g.user, tour_id))
    return "", 204


@bp.get("/trash")
@signed_in
@operation("Deleted tours you could bring back", response=ToursOut, tags=TAGS)
def trash():
    return json_response(ToursOut(tours=tour_service.trash(g.user)))


@bp.post("/tours/<tour_id>/undelete")
@signed_in  # a deleted tour is unknown to tour(...): the service checks that the user manages it
@operation("Bring back a deleted tour", response=TourSummaryOut, errors=(404,), tags=TAGS)
def undelete_tour(tour_id: str):
    _service(lambda: tour_service.undelete_tour(g.user, tour_id))
    return json_response(tour_service.summary(g.user, tour_id))


# --- the document -----------------------------------------------------------------------------

@bp.get("/tours/<tour_id>")
@tour(Access.VIEW)
@operation("A tour's latest document", response=DocumentOut, etag=True, tags=TAGS,
           description="The ETag is the revision: send it back as If-Match when saving.")
def get_document(tour_id: str):
    revision, document, _author = get_store().document(tour_id)
    return json_response(DocumentOut(revision=revision, document=document), headers={"ETag": etag_of(revision)})


@bp.put("/tours/<tour_id>")
@tour(Access.EDIT)
@operation("Save a tour's document as a new revision", request=SaveIn, response=RevisionOut, if_match=True,
           etag=True, tags=TAGS,
           description="409 when the tour changed since the If-Match revision: the answer holds the current "
                       "revision (`current`) and the id of the kept, refused document (`conflict.id`).")
def save_document(tour_id: str, body: SaveIn):
    base = if_match_revision()
    if body.document.get("id") != tour_id:
        raise ApiError(422, gettext("The document's id must stay “%(id)s”: use duplicate for a copy.", id=tour_id),
                       [{"path": "id", "message": gettext("must be “%(id)s”", id=tour_id)}])
    try:
        document = load_tour(body.document, source=None)
    except TourError as exc:
        raise ApiError(422, gettext("The tour is not valid: fix the problems listed."),
                       problems_of_messages(exc.problems)) from None
    store = get_store()
    missing = [key for key, info in document.media.items() if not store.media.has(info.sha256)]
    if missing:
        raise ApiError(422, gettext("Some media are not uploaded: upload them first (POST …/media)."),
                       [{"path": f"media.{key}", "message": gettext("not uploaded")} for key in missing])
    try:
        revision = store.save_tour(document, author=g.user.name, message=body.message, expected_revision=base)
    except StoreConflict as exc:
        number, current, author = store.document(tour_id)
        raise ApiError(409, gettext("Someone saved this tour since revision %(base)s (it is now at %(now)s): "
                                    "your version is kept; reload and apply your changes again.",
                                    base=base, now=number),
                       current={"revision": number, "document": current, "author": author},
                       conflict={"id": exc.conflict_id}) from None
    except StoreError as exc:
        raise ApiError(409, str(exc)) from None
    return json_response(RevisionOut(revision=revision), headers={"ETag": etag_of(revision)})


@bp.get("/tours/<tour_id>/conflicts/<int:conflict_id>")
@tour(Access.EDIT)
@operation("A refused save, as it was sent", response=ConflictOut, tags=TAGS)
def get_conflict(tour_id: str, conflict_id: int):
    try:
        kept = get_store().conflict(tour_id, conflict_id)
    except StoreError:
        raise ApiError(404, gettext("This tour has no refused save %(id)s.", id=conflict_id)) from None
    return json_response(ConflictOut(id=kept.id, base_revision=kept.base_revision,
                                     latest_revision=kept.latest_revision, created_at=kept.created_at,
                                     author=kept.author, message=kept.message, document=kept.document))


# --- revisions --------------------------------------------------------------------------------

@bp.get("/tours/<tour_id>/revisions")
@tour(Access.VIEW)
@operation("A tour's history", response=RevisionsOut, tags=TAGS)
def list_revisions(tour_id: str):
    found = get_store().revisions(tour_id)
    return json_response(RevisionsOut(revisions=[RevisionItem(number=r.number, created_at=r.created_at,
                                                              author=r.author, message=r.message)
                                                 for r in reversed(found)]))


@bp.get("/tours/<tour_id>/revisions/<int:number>")
@tour(Access.VIEW)
@operation("A tour's document at one revision", response=DocumentOut, tags=TAGS)
def get_revision(tour_id: str, number: int):
    try:
        revision, document, _author = get_store().document(tour_id, number)
    except StoreError:
        raise ApiError(404, gettext("This tour has no revision %(number)s.", number=number)) from None
    return json_response(DocumentOut(revision=revision, document=document))


@bp.post("/tours/<tour_id>/revisions/<int:number>/restore")
@tour(Access.EDIT)
@operation("Make an old revision current again (as a new revision)", response=RevisionOut, tags=TAGS)
def restore_revision(tour_id: str, number: int):
    store = get_store()
    try:
        store.document(tour_id, number)
        revision = store.restore(tour_id, number, author=g.user.name)
    except StoreConflict as exc:
        raise ApiError(409, str(exc)) from None
    except StoreError:
        raise ApiError(404, gettext("This tour has no revision %(number)s.", number=number)) from None
    return json_response(RevisionOut(revision=revision), headers={"ETag": etag_of(revision)})


# --- media ------------------------------------------------------------------------------------

MEDIA_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


def sniff_type(head: bytes) -> str | None:
    """The media type a file's first bytes show (None: not a kind of file tours use)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[4:8] == b"ftyp":
        return "audio/mp4" if head[8:12] in (b"M4A ", b"M4B ") else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        return "text/vtt"
    return None


@bp.post("/tours/<tour_id>/media")
@tour(Access.EDIT)
@operation("Upload a media file (checked by its content); put `info` into document.media[key] and save",
           response=MediaOut, status=201, errors=(400, 413, 415, 422), tags=TAGS,
           form={"file": "the file", "key": "where the document refers to it, e.g. media/hall.jpg (optional)"})
def upload_media(tour_id: str):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(400, gettext("Send the file in the multipart field “file”."))
    key = (request.form.get("key") or f"media/{_safe_name(upload.filename)}").strip()
    if not MEDIA_KEY.match(key) or ".." in PurePosixPath(key).parts:
        raise ApiError(422, gettext("“%(key)s” cannot be a media key: use letters, digits, “.”, “-”, “_” and "
                                    "“/” between folders, e.g. media/hall.jpg.", key=key),
                       [{"path": "key", "message": gettext("not a media key")}])
    head = upload.stream.read(64)
    upload.stream.seek(0)
    found = sniff_type(head)
    expected = KNOWN_TYPES.get(PurePosixPath(key).suffix.lower())
    if found is None:
        raise ApiError(415, gettext("“%(name)s” is not a picture, sound, video or caption file a tour can use "
                                    "(JPEG, PNG, WebP, MP3, Ogg, WAV, MP4, WebM, WebVTT).", name=upload.filename))
    if expected != found:
        raise ApiError(415, gettext("“%(name)s” holds %(found)s, but its name says %(expected)s: give it the "
                                    "right extension.", name=upload.filename, found=found,
                                    expected=expected or gettext("an unknown type")))
    if found.startswith("image/"):
        _check_picture(upload.stream, upload.filename)
    digest, size = get_store().media.add_stream(upload.stream)
    return json_response(MediaOut(key=key, info=MediaInfo(sha256=digest, type=found, size=size)), 201)


def _safe_name(filename: str) -> str:
    stem = PurePosixPath(filename.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "file"
    return cleaned.lower()


def _check_picture(stream, name: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(stream) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ApiError(422, gettext("“%(name)s” is damaged or cut short: export it again and upload that.",
                                    name=name)) from None
    finally:
        stream.seek(0)

