"""Translations against the store: read the current revision, save edited texts or an imported
XLIFF file as a new revision, refusing (and changing nothing) when the tour moved on since the
revision the translator started from. Shared by the page and the API."""

from __future__ import annotations

from typing import Iterable

from ..model import Tour
from ..store import Store, StoreError
from .texts import all_texts, set_texts
from .xliff import ImportReport, read_xliff


class RevisionConflict(Exception):
    """The edit started from ``expected``, but the tour is at ``current`` now."""

    def __init__(self, expected: int, current: int):
        self.expected = expected
        self.current = current
        super().__init__(f"the tour changed since revision {expected} (now {current}): reload it and apply "
                         "your translation again")


def current_tour(store: Store, tour_id: str) -> tuple[int, Tour]:
    """(latest revision number, the tour at it). StoreError for an unknown tour."""
    number = store.revisions(tour_id)[-1].number
    return number, store.get_tour(tour_id, number)


def _save(store: Store, tour: Tour, expected: int, author: str | None, message: str) -> int:
    try:
        return store.save_tour(tour, author=author, message=message, expected_revision=expected)
    except StoreError:
        # Someone saved between our check and our write: the store wrote nothing.
        latest = store.revisions(tour.id)[-1].number
        if latest != expected:
            raise RevisionConflict(expected, latest) from None
        raise


def save_texts(store: Store, tour_id: str, changes: Iterable[tuple[str, str, str]], *, expected_revision: int,
               author: str | None = None) -> tuple[int, int]:
    """Apply (path, language, text) changes on top of ``expected_revision`` as a new revision.
    Returns (revision, number of texts changed); nothing is saved when nothing changed.
    Raises RevisionConflict or TranslationError (nothing saved)."""
    latest, tour = current_tour(store, tour_id)
    changes = list(changes)
    if not changes:  # nothing to apply: nothing to conflict with
        return latest, 0
    if latest != expected_revision:
        raise RevisionConflict(expected_revision, latest)
    translated = set_texts(tour, changes)
    before = {text.path: text.texts for text in all_texts(tour)}
    count = sum(before[text.path].get(lang, "") != text.texts.get(lang, "")
                for text in all_texts(translated) for lang in translated.languages)
    if not count:
        return latest, 0
    revision = _save(store, translated, latest, author, f"translations: {count} texts edited")
    return revision, count


def import_xliff(store: Store, tour_id: str, data: bytes, *, expected_revision: int,
                 author: str | None = None) -> tuple[int, ImportReport]:
    """Read an XLIFF file against ``expected_revision`` and save its translations as a new revision
    (all or nothing). Returns (revision, report). Raises RevisionConflict or TranslationError."""
    latest, tour = current_tour(store, tour_id)
    if latest != expected_revision:
        raise RevisionConflict(expected_revision, latest)
    report = read_xliff(tour, data)
    if report.tour is None:
        return latest, report
    revision = _save(store, report.tour, latest, author,
                     f"translations: {report.changed} {report.target} texts from XLIFF")
    return revision, report
