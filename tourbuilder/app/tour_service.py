"""What the dashboard's forms and the JSON API both do to tours: list, create, duplicate, rename,
delete and undelete, with the access rules in one place. Failures are ServiceError with an HTTP
status and a message for the user (translated), so each caller only chooses how to show it."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Literal

from flask_babel import gettext
from pydantic import BaseModel

from ..accounts import Access, User
from ..check import check_tour
from ..model import SCHEMA_VERSION, MediaInfo, Tour, TourError, load_tour
from ..store import Store, StoreError, TourSummary
from . import get_accounts, get_store
from .security import no_such_tour

IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
PLACEHOLDER_KEY = "media/placeholder.jpg"
#: The first scene of a new tour, in the languages we know; others get the English title.
FIRST_SCENE = {"mn": "Эхний үзэгдэл", "en": "First scene"}


class ServiceError(Exception):
    """Refused: ``status`` is the HTTP status, the message says what to do; ``problems`` as in the API."""

    def __init__(self, status: int, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []


class CheckCounts(BaseModel):
    errors: int
    warnings: int


class TourSummaryOut(TourSummary):
    """One tour as the dashboard lists it: the store's summary, the check's counts and what the
    user may do with it."""

    check: CheckCounts
    access: Literal["none", "view", "edit", "manage"]


def can_create(user: User) -> bool:
    """Authors and admins make tours; reviewers only look and comment."""
    return user.role in ("author", "admin")


def summaries(user: User) -> list[TourSummaryOut]:
    """The tours ``user`` may open, by id."""
    return _visible(user, get_store().list_tours())


def trash(user: User) -> list[TourSummaryOut]:
    """The deleted tours ``user`` could bring back (those they manage)."""
    return [s for s in _visible(user, get_store().deleted_tours(), check=False) if s.access == "manage"]


def summary(user: User, tour_id: str) -> TourSummaryOut:
    found = get_store().list_tours(tour_id)
    if not found:
        raise ServiceError(404, no_such_tour(tour_id))
    return _visible(user, found)[0]


def create_tour(user: User, tour_id: str, title: dict[str, str], languages: list[str]) -> TourSummaryOut:
    """A new tour with one placeholder scene (the editor replaces its panorama); ``user`` owns it."""
    if not can_create(user):
        raise ServiceError(403, gettext("Reviewers cannot make tours: ask an admin for the author role."))
    store = get_store()
    _check_new_id(store, tour_id)
    title = _clean_title(title)
    languages = [code.strip() for code in languages if code.strip()]
    if not languages:
        raise ServiceError(422, gettext("Choose at least one language for the tour."),
                           [{"path": "languages", "message": gettext("Choose at least one language for the tour.")}])
    info = _placeholder(store)
    document = {
        "schema_version": SCHEMA_VERSION, "id": tour_id, "title": title, "languages": languages, "start_scene": "start",
        "scenes": {"start": {"title": {code: FIRST_SCENE.get(code, FIRST_SCENE["en"]) for code in languages},
                             "panorama": PLACEHOLDER_KEY}},
        "media": {PLACEHOLDER_KEY: info.model_dump()},
        "completion": {"rule": "visit"},  # no quiz yet: visiting the scenes completes it
    }
    tour = _valid(document, tour_id)
    _store_call(lambda: store.save_tour(tour, author=user.name, message="created"))
    get_accounts().share(tour_id, user.id, owner=True)
    return summary(user, tour_id)


def duplicate_tour(user: User, source_id: str, new_id: str, title: dict[str, str] | None = None) -> TourSummaryOut:
    """A copy of the latest revision of ``source_id`` under ``new_id``; ``user`` owns the copy."""
    _need(user, source_id, Access.EDIT)
    if not can_create(user):
        raise ServiceError(403, gettext("Reviewers cannot make tours: ask an admin for the author role."))
    store = get_store()
    _check_new_id(store, new_id)
    _store_call(lambda: store.duplicate(source_id, new_id, title=_clean_title(title) if title else None,
                                        author=user.name), new_id)
    get_accounts().share(new_id, user.id, owner=True)
    return summary(user, new_id)


def rename_tour(user: User, tour_id: str, title: dict[str, str]) -> int:
    """A new title (a new revision); returns its number."""
    _need(user, tour_id, Access.EDIT)
    return _store_call(lambda: get_store().rename(tour_id, _clean_title(title), author=user.name), tour_id)


def delete_tour(user: User, tour_id: str) -> None:
    """Hide the tour (its owners and admins can bring it back from the trash)."""
    _need(user, tour_id, Access.MANAGE)
    _store_call(lambda: get_store().delete_tour(tour_id))


def undelete_tour(user: User, tour_id: str) -> None:
    """Bring a deleted tour back."""
    store = get_store()
    if get_accounts().access(user, tour_id) < Access.MANAGE or not store.exists(tour_id) or store.has_tour(tour_id):
        raise ServiceError(404, gettext("There is no deleted tour “%(tour)s” that you could bring back.",
                                        tour=tour_id))
    _store_call(lambda: store.undelete(tour_id))


# --- helpers ----------------------------------------------------------------------------------

def _visible(user: User, found: list[TourSummary], check: bool = True) -> list[TourSummaryOut]:
    accounts, store = get_accounts(), get_store()
    visible = accounts.visible_tours(user)
    rows = []
    for s in found:
        if visible is not None and s.id not in visible:
            continue
        errors, warnings = _check_counts(store, s.id, s.revision) if check else (0, 0)
        rows.append(TourSummaryOut(**s.model_dump(), check=CheckCounts(errors=errors, warnings=warnings),
                                   access=accounts.access(user, s.id).name.lower()))
    return rows


@lru_cache(maxsize=1024)
def _check_counts(store: Store, tour_id: str, revision: int) -> tuple[int, int]:
    """(errors, warnings) of one revision: revisions never change, so this is cached."""
    try:
        findings = check_tour(store.get_tour(tour_id, revision))
    except (StoreError, TourError):
        return 1, 0
    return sum(f.level == "error" for f in findings), sum(f.level == "warning" for f in findings)


def _need(user: User, tour_id: str, level: Access) -> None:
    access = get_accounts().access(user, tour_id)
    if access == Access.NONE or not get_store().has_tour(tour_id):
        raise ServiceError(404, no_such_tour(tour_id))
    if access < level:
        raise ServiceError(403, gettext("You may not do this with this tour: ask its owner or an admin."))


def _check_new_id(store: Store, tour_id: str) -> None:
    if not IDENTIFIER.match(tour_id or ""):
        message = gettext("The id “%(id)s” cannot be used: use lower-case letters a–z, digits, “-” and “_”, "
                          "starting with a letter or digit (at most 64), e.g. “old-town”.", id=tour_id)
        raise ServiceError(422, message, [{"path": "id", "message": message}])
    if store.exists(tour_id):
        message = gettext("The id “%(id)s” is taken by another tour (or a deleted one): choose another.",
                          id=tour_id)
        raise ServiceError(409, message, [{"path": "id", "message": message}])


def _clean_title(title: dict[str, str] | None) -> dict[str, str]:
    cleaned = {code: text.strip() for code, text in (title or {}).items() if text and text.strip()}
    if not cleaned:
        message = gettext("Give the tour a title in at least one of its languages.")
        raise ServiceError(422, message, [{"path": "title", "message": message}])
    return cleaned


def _valid(document: dict, tour_id: str) -> Tour:
    try:
        return load_tour(document, source=tour_id)
    except TourError as exc:
        raise ServiceError(422, gettext("The tour is not valid: %(problems)s", problems="; ".join(exc.problems)),
                           [{"path": "", "message": p} for p in exc.problems]) from None


def _store_call(call, tour_id: str = ""):
    try:
        return call()
    except TourError as exc:
        raise ServiceError(422, gettext("The tour is not valid: %(problems)s", problems="; ".join(exc.problems)),
                           [{"path": "", "message": p} for p in exc.problems]) from None
    except StoreError as exc:
        raise ServiceError(409, gettext("The tour could not be saved: %(problem)s", problem=str(exc))) from None


def _placeholder(store: Store) -> MediaInfo:
    """A plain grey 2:1 panorama, stored once, for a new tour's first scene."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2048, 1024), (128, 132, 138)).save(buffer, "JPEG", quality=85)
    data = buffer.getvalue()
    return MediaInfo(sha256=store.media.add_bytes(data), type="image/jpeg", size=len(data))
