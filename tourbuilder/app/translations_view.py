"""The translation page of a tour: every text side by side in the tour's languages (Mongolian
first), grouped by scene and quiz, missing ones marked; edited in place and saved as a new
revision (a plain form, no script needed); XLIFF 1.2 downloaded for a translation tool and
uploaded back with a report per unit. The work is done by tourbuilder/translations.

Saving posts every shown text with the revision the page was made from. Only the texts the
user changed (against that revision) are applied; when someone saved the tour in between, nothing
is applied, and the page comes back with the latest texts, the user's changes kept on top of
them, and a message saying so (409).
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..accounts import Access
from ..store import StoreError
from ..translations import MAX_XLIFF_BYTES, MEDIA_TYPE, Problem, TranslationError, list_texts, ordered_languages
from ..translations.service import RevisionConflict, current_tour, import_xliff, save_texts
from ..translations.xliff import write_xliff
from . import get_store
from .i18n import N_, current_language
from .security import no_such_tour, tour

bp = Blueprint("translations", __name__)

#: The problems tourbuilder.translations reports, in the interface's language.
PROBLEM_MESSAGES = {
    "unknown_language": N_("The tour has no language “%(language)s” (it has %(languages)s)."),
    "same_language": N_("The source and the target language are the same: choose two different languages."),
    "unknown_path": N_("The tour has no such text (deleted or renamed since?): download the XLIFF file again."),
    "invalid_document": N_("The tour would not be valid: %(problem)s"),
    "too_large": N_("The file is too large: an XLIFF file of a tour has at most %(mb)s MB. Translate the tour "
                    "in parts."),
    "not_xml": N_("This is not an XML file (XLIFF is XML): choose the .xlf file your translation tool saved."),
    "malformed": N_("The file is not well-formed XML: save it again as XLIFF 1.2 from your translation tool."),
    "doctype": N_("The file declares a DOCTYPE (entities): XLIFF needs none, and it is refused for safety. "
                  "Save the file again from your translation tool."),
    "version": N_("This is XLIFF %(version)s: save it as XLIFF 1.2, the version of the file you downloaded."),
    "not_xliff": N_("This is not an XLIFF 1.2 file: upload the file you downloaded here, translated."),
    "files": N_("The file has %(count)s <file> elements; the XLIFF file of a tour has exactly one."),
    "wrong_tour": N_("This file was made for another tour (“%(original)s”): upload it on that tour’s page."),
    "wrong_language": N_("The file’s language “%(language)s” is not one of the tour’s languages (%(languages)s): "
                         "check the project’s languages in your translation tool."),
    "empty": N_("The file has no texts to translate (no trans-unit)."),
    "no_id": N_("A unit has no id: keep the ids of the file you downloaded."),
    "duplicate_unit": N_("This text appears twice in the file: keep it once."),
    "no_source": N_("The unit has no source text: keep the source texts in the file."),
    "stale_source": N_("The %(language)s text changed since this file was made: download the XLIFF file again "
                       "and translate the new text."),
    "bad_markup": N_("The tags of the translation do not match the source: keep only the tags of the source "
                     "(%(detail)s)."),
}

#: What a text is, for the first column.
FIELD_NAMES = {
    "title": N_("Title"), "description": N_("Description"), "text": N_("Text"), "caption": N_("Caption"),
    "prompt": N_("Question"), "feedback": N_("Feedback"), "feedback.correct": N_("Feedback after a right answer"),
    "feedback.wrong": N_("Feedback after a wrong answer"), "narration.text": N_("Narration"),
}
CRUMB_NAMES = {
    "hotspots": N_("Hotspot “%(id)s”"), "questions": N_("Question “%(id)s”"), "choices": N_("Choice “%(id)s”"),
    "places": N_("Place “%(id)s”"), "items": N_("Step “%(id)s”"),
}
LANGUAGE_NAMES = {"mn": N_("Mongolian"), "en": N_("English")}
UNIT_STATUS = {"changed": N_("changed"), "unchanged": N_("unchanged"), "untranslated": N_("not translated"),
               "refused": N_("refused")}


def problem_message(problem: Problem) -> str:
    """A problem in the interface's language (its English text when the code is not known)."""
    template = PROBLEM_MESSAGES.get(problem.code)
    if template is None:
        return problem.message
    try:
        return gettext(template, **problem.params)
    except (KeyError, ValueError):
        return problem.message


def language_name(code: str) -> str:
    return gettext(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else code


def text_label(text) -> str:
    parts = [gettext(CRUMB_NAMES[kind], id=ident) for kind, ident in text.crumbs if kind in CRUMB_NAMES]
    field = FIELD_NAMES.get(text.field)
    parts.append(gettext(field) if field else text.field)
    return " · ".join(parts)


def _local(texts: dict, languages: list[str]) -> str:
    """A tour text in the interface's language when it has it, else in the first language it has."""
    for lang in [current_language(), *languages]:
        if texts.get(lang, "").strip():
            return texts[lang]
    return ""


def group_heading(tour_, group: str) -> str:
    kind, _, ident = group.partition(".")
    if kind == "scenes" and ident in tour_.scenes:
        return gettext("Scene “%(title)s”", title=_local(tour_.scenes[ident].title, tour_.languages) or ident)
    if kind == "quizzes" and ident in tour_.quizzes:
        return gettext("Quiz “%(title)s”", title=_local(tour_.quizzes[ident].title, tour_.languages) or ident)
    return gettext("The tour")


def _field_name(path: str, language: str) -> str:
    return f"text:{path}:{language}"


def _posted_texts() -> dict[tuple[str, str], str]:
    """The texts the form sent, as (path, language) -> text (line ends as in the document)."""
    posted = {}
    for name, value in request.form.items():
        if name.startswith("text:"):
            path, _, language = name[len("text:"):].rpartition(":")
            if path and language:
                posted[(path, language)] = value.replace("\r\n", "\n").replace("\r", "\n")
    return posted


def _page(tour_id: str, *, status: int = 200, typed: dict | None = None, problems=(), error: str | None = None,
          report=None, revision: int | None = None):
    """The page at the latest revision; ``typed`` texts (the user's) shown instead of the stored ones."""
    try:
        latest, tour_ = current_tour(get_store(), tour_id)
    except StoreError:
        abort(404, description=no_such_tour(tour_id))
    languages = ordered_languages(tour_)
    only_missing = request.values.get("missing") == "1"
    typed = typed or {}
    groups: dict[str, dict] = {}
    total_missing = {lang: 0 for lang in languages}
    for index, text in enumerate(list_texts(tour_)):
        missing = text.missing(languages)
        for lang in missing:
            total_missing[lang] += 1
        if only_missing and not missing:
            continue
        values = {lang: typed.get((text.path, lang), text.texts.get(lang, "")) for lang in languages}
        group = groups.setdefault(text.group, {"heading": group_heading(tour_, text.group), "rows": []})
        group["rows"].append({"text": text, "index": index, "label": text_label(text), "shown": values,
                              "missing": missing})
    pairs = [(source, target) for source in languages for target in languages if source != target]
    return render_template(
        "translations/index.html", tour=tour_, revision=revision or latest, latest=latest, languages=languages,
        groups=list(groups.values()), only_missing=only_missing, total_missing=total_missing,
        can_edit=g.get("tour_access", Access.NONE) >= Access.EDIT, pairs=pairs, problems=list(problems),
        error=error, report=report, language_name=language_name, problem_message=problem_message,
        field_name=_field_name, unit_status=lambda s: gettext(UNIT_STATUS.get(s, s)),
        max_mb=MAX_XLIFF_BYTES // (1024 * 1024)), status


def _form_revision() -> int:
    try:
        return int(request.form.get("revision", ""))
    except ValueError:
        abort(400, description=gettext("The form has no revision: open the translation page again."))


def _conflict_message(conflict: RevisionConflict) -> str:
    return gettext("Someone else saved this tour (revision %(current)s) after you opened this page (revision "
                   "%(base)s), so nothing was saved. Your texts are kept below, on top of the latest ones: check "
                   "them and save again.", current=conflict.current, base=conflict.expected)


@bp.get("/tours/<tour_id>/translations")
@tour(Access.VIEW)
def index(tour_id: str):
    return _page(tour_id)


@bp.post("/tours/<tour_id>/translations")
@tour(Access.EDIT)
def save(tour_id: str):
    """Save the texts the user changed since the revision the page was made from."""
    base = _form_revision()
    store = get_store()
    try:
        base_tour = store.get_tour(tour_id, base)
    except StoreError:
        abort(400, description=gettext("The form names a revision this tour does not have: open the translation "
                                       "page again."))
    stored = {(text.path, lang): value for text in list_texts(base_tour) for lang, value in text.texts.items()}
    posted = _posted_texts()
    changes = []
    for (path, lang), value in posted.items():
        old = stored.get((path, lang), "")
        if value != old and (value.strip() or old.strip()):  # blank stays blank: no change
            changes.append((path, lang, value))
    typed = {(path, lang): value for path, lang, value in changes}
    try:
        revision, count = save_texts(store, tour_id, changes, expected_revision=base, author=g.user.name)
    except RevisionConflict as conflict:
        return _page(tour_id, status=409, typed=typed, error=_conflict_message(conflict))
    except TranslationError as exc:
        return _page(tour_id, status=422, typed=typed, revision=base, problems=exc.problems,
                     error=gettext("Nothing was saved: fix the problems listed."))
    if count:
        flash(gettext("Saved: %(count)s texts changed (revision %(revision)s).", count=count, revision=revision))
    else:
        flash(gettext("Nothing to save: no text was changed."))
    return redirect(url_for("translations.index", tour_id=tour_id,
                            **({"missing": "1"} if request.form.get("missing") == "1" else {})))


@bp.get("/tours/<tour_id>/translations/xliff")
@tour(Access.VIEW)
def download(tour_id: str):
    """The tour's texts as an XLIFF 1.2 file, from ``source`` to ``target``."""
    try:
        _revision, response = xliff_download(tour_id)
    except TranslationError as exc:
        abort(400, description=" ".join(problem_message(p) for p in exc.problems))
    return response


def xliff_download(tour_id: str) -> tuple[int, Response]:
    """(the revision, the download of its texts as an XLIFF 1.2 file) for the page's and the API's
    XLIFF links: from the request's ``source`` language (default: the tour's first) to its ``target``
    (default: the next). TranslationError when those are not two different languages of the tour."""
    revision, tour_ = current_tour(get_store(), tour_id)
    languages = ordered_languages(tour_)
    source = request.args.get("source", languages[0])
    target = request.args.get("target", next((lang for lang in languages if lang != source), ""))
    data = write_xliff(tour_, source, target, revision=revision)
    filename = f"{tour_id}-{source}-{target}.xlf"  # ids and language codes only: no quoting needed
    return revision, Response(data, mimetype=MEDIA_TYPE,
                              headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/tours/<tour_id>/translations/xliff")
@tour(Access.EDIT)
def upload(tour_id: str):
    """Apply a translated XLIFF file (all or nothing) and show the report."""
    base = _form_revision()
    upload_ = request.files.get("file")
    if upload_ is None or not upload_.filename:
        return _page(tour_id, status=400, error=gettext("Choose an XLIFF file to upload first."))
    data = upload_.stream.read(MAX_XLIFF_BYTES + 1)
    try:
        revision, report = import_xliff(get_store(), tour_id, data, expected_revision=base, author=g.user.name)
    except RevisionConflict as conflict:
        return _page(tour_id, status=409, error=gettext(
            "Someone else saved this tour (revision %(current)s) after you opened this page (revision %(base)s), "
            "so the file was not applied: upload it again.", current=conflict.current, base=conflict.expected))
    except TranslationError as exc:
        return _page(tour_id, status=exc.status, revision=base, problems=exc.problems,
                     error=gettext("The file was not applied, nothing was changed: fix the problems listed."))
    if report.changed:
        message = gettext("The file was applied: %(count)s texts changed (revision %(revision)s).",
                          count=report.changed, revision=revision)
    else:
        message = gettext("The file changed nothing: it has no new translations.")
    return _page(tour_id, report={"message": message, "units": report.units, "target": report.target})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
