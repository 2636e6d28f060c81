"""Translations through the API: every text with its missing languages, and XLIFF 1.2 out and in.

The XLIFF format, its inline codes for rich text and the import's rules (match by id and by source
text, all or nothing) are described in tourbuilder/translations/xliff.py. The import needs
If-Match with the revision the file is applied to, like every other edit.
"""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext
from pydantic import BaseModel, Field

from ...accounts import Access
from ...translations import MAX_XLIFF_BYTES, MEDIA_TYPE, TranslationError, list_texts, ordered_languages
from ...translations.service import RevisionConflict, current_tour, import_xliff
from .. import get_store
from ..security import tour
from ..translations_view import problem_message, xliff_download
from . import ApiError, bp, etag_of, if_match_revision, json_response, operation


class TextOut(BaseModel):
    path: str = Field(description="The text's stable place in the tour, e.g. 'scenes.mill.hotspots.pump.title'.")
    translatable: dict[str, str] = Field(description="The text in each language it has.")
    missing: list[str] = Field(description="The tour's languages this text has no text in.")
    rich: bool = Field(description="The text is HTML of the rich-text subset (else plain text).")
    group: str = Field(description="'tour', or the scene or quiz it belongs to: 'scenes.mill', 'quizzes.final'.")


class TranslationsOut(BaseModel):
    languages: list[str] = Field(description="The tour's languages, Mongolian first.")
    revision: int
    texts: list[TextOut]


class UnitOut(BaseModel):
    path: str
    status: str = Field(description="changed | unchanged | untranslated (empty target) | refused")
    message: str = ""


class ImportOut(BaseModel):
    revision: int = Field(description="The tour's revision after the import (the same when nothing changed).")
    changed: int = Field(description="How many texts the file changed.")
    units: list[UnitOut]


def _problems(exc: TranslationError) -> list[dict]:
    return [{"path": p.path, "message": problem_message(p)} for p in exc.problems]


@bp.get("/tours/<tour_id>/translations")
@tour(Access.VIEW)
@operation("Every translatable text of the tour, with the languages it is missing in",
           response=TranslationsOut, etag=True, tags=("translations",))
def translations_list(tour_id: str):
    revision, tour_ = current_tour(get_store(), tour_id)
    languages = ordered_languages(tour_)
    body = TranslationsOut(languages=languages, revision=revision, texts=[
        TextOut(path=t.path, translatable=t.texts, missing=t.missing(languages), rich=t.rich, group=t.group)
        for t in list_texts(tour_)])
    return json_response(body, headers={"ETag": etag_of(revision)})


@bp.get("/tours/<tour_id>/translations.xliff")
@tour(Access.VIEW)
@operation("The tour's texts as an XLIFF 1.2 file for a translation tool", produces=MEDIA_TYPE,
           query={"source": "the language translated from (default: the tour's first)",
                  "target": "the language translated to (default: the tour's next)"},
           errors=(400,), etag=True, tags=("translations",))
def translations_xliff(tour_id: str):
    try:
        revision, response = xliff_download(tour_id)
    except TranslationError as exc:
        raise ApiError(400, gettext("Choose two different languages of the tour as source and target."),
                       _problems(exc)) from None
    response.headers["ETag"] = etag_of(revision)
    return response


@bp.post("/tours/<tour_id>/translations.xliff")
@tour(Access.EDIT)
@operation("Apply a translated XLIFF file (all or nothing) as a new revision", response=ImportOut,
           form={"file": "the XLIFF 1.2 file, as downloaded and translated"}, if_match=True, etag=True,
           errors=(400, 409, 413, 415, 422, 428), tags=("translations",))
def translations_import(tour_id: str):
    expected = if_match_revision()
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, gettext("Send the XLIFF file as the multipart field “file”."),
                       [{"path": "file", "message": gettext("missing")}])
    data = upload.stream.read(MAX_XLIFF_BYTES + 1)
    try:
        revision, report = import_xliff(get_store(), tour_id, data, expected_revision=expected, author=g.user.name)
    except RevisionConflict as conflict:
        raise ApiError(409, gettext("The tour changed since revision %(base)s (it is at %(current)s now): get it "
                                    "again and upload the file again.", base=conflict.expected,
                                    current=conflict.current), current={"revision": conflict.current}) from None
    except TranslationError as exc:
        raise ApiError(exc.status, gettext("The file was not applied, nothing was changed: fix the problems "
                                           "listed."), _problems(exc)) from None
    body = ImportOut(revision=revision, changed=report.changed,
                     units=[UnitOut(**unit.as_json()) for unit in report.units])
    return json_response(body, headers={"ETag": etag_of(revision)})
