"""Storage of tours (a database behind a URL) and their media (content-addressed files)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..model import Tour, dump_tour, load_tour
from .db import Base, ConflictRow, RevisionRow, TourRow, utcnow
from .media import MediaStore, atomic_write_bytes, open_media_store

__all__ = ["Store", "StoreError", "StoreConflict", "MediaStore", "RevisionInfo", "TourSummary", "ConflictInfo",
           "atomic_write_bytes"]


class StoreError(LookupError):
    """A request the store cannot serve: an unknown tour or revision, a conflict."""


class StoreConflict(StoreError):
    """A save that started from an older revision than the latest. The refused document is kept:
    ``conflict_id`` names it (see Store.conflict), ``latest`` is the revision that is current."""

    def __init__(self, message: str, *, tour_id: str, latest: int, conflict_id: int | None = None):
        super().__init__(message)
        self.tour_id = tour_id
        self.latest = latest
        self.conflict_id = conflict_id


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    created_at: datetime
    author: str | None
    message: str


class TourSummary(BaseModel):
    """A stored tour as lists show it: its latest revision's title, languages and size (the
    dashboard's and the API's TourSummaryOut adds the viewer's access and the check's counts)."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: dict[str, str]
    languages: list[str]
    scenes: int
    revision: int
    updated_at: datetime
    updated_by: str | None = None
    size_bytes: int = 0            # the tour's media, each file counted once
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class ConflictInfo:
    """A refused save (see StoreConflict) with its document as it was sent."""

    id: int
    tour_id: str
    base_revision: int
    latest_revision: int
    created_at: datetime
    author: str | None
    message: str
    document: dict


class Store:
    """Tours and media of one installation (one data folder or database)."""

    def __init__(self, database_url: str, media_root: str | Path, derived_root: str | Path | None = None,
                 media=None):
        """``media``: another media backend (see media.open_media_store) instead of files in ``media_root``."""
        if database_url.startswith("sqlite:///"):
            Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # A database server may drop idle connections (a restart, a proxy): test each before use.
        self.engine = create_engine(database_url, pool_pre_ping=not database_url.startswith("sqlite"))
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.media = media if media is not None else MediaStore(media_root)
        # Files made from media (panorama tiles...), by content: safe to delete, remade on demand.
        self.derived_root = Path(derived_root) if derived_root else Path(media_root).parent / "derived"

    @classmethod
    def from_settings(cls, settings: dict) -> "Store":
        return cls(settings["DATABASE_URL"], Path(settings["DATA"]) / "media", media=open_media_store(settings))

    def close(self) -> None:
        self.engine.dispose()

    # --- tours -----------------------------------------------------------

    def save_tour(self, tour: Tour, *, author: str | None = None, message: str = "",
                  expected_revision: int | None = None) -> int:
        """Store ``tour`` as a new revision and return its number.

        ``expected_revision`` is the revision the edit started from; when
        another save came in between, nothing is written and StoreError says so.
        """
        missing = [key for key, info in tour.media.items() if not self.media.has(info.sha256)]
        if missing:
            raise StoreError(f"tour {tour.id}: media not in the store: {', '.join(missing)}; add the files first")
        # Key order is meaningful (scenes and quizzes keep the author's order): never sort keys.
        document = json.dumps(dump_tour(tour), ensure_ascii=False)
        try:
            with self._session.begin() as session:
                latest = self._add_revision(session, tour, document, author, message, expected_revision)
        except StoreConflict as stale:
            raise self._keep_conflict(tour.id, document, author, message, expected_revision, str(stale)) from None
        except (IntegrityError, OperationalError):
            # Two saves raced for the same revision number (or the database was busy).
            text = f"tour {tour.id} was saved by someone else at the same moment: reload it and apply your edit again"
            if expected_revision is not None:
                raise self._keep_conflict(tour.id, document, author, message, expected_revision, text) from None
            raise StoreError(text) from None
        return latest + 1

    def _keep_conflict(self, tour_id: str, document: str, author: str | None, message: str,
                       base: int | None, text: str) -> StoreConflict:
        """Keep a refused document (in its own transaction) and return the error that names it."""
        with self._session.begin() as session:
            latest = _latest_number(session, tour_id)
            if session.get(TourRow, tour_id) is None:
                return StoreConflict(text, tour_id=tour_id, latest=latest)
            row = ConflictRow(tour_id=tour_id, base_revision=base or 0, latest_revision=latest,
                              document=document, author=author, message=message[:500])
            session.add(row)
            session.flush()
            return StoreConflict(text, tour_id=tour_id, latest=latest, conflict_id=row.id)

    def conflict(self, tour_id: str, conflict_id: int) -> ConflictInfo:
        """A refused save of ``tour_id`` kept by save_tour."""
        with self._session() as session:
            row = session.get(ConflictRow, conflict_id)
            if row is None or row.tour_id != tour_id:
                raise StoreError(f"tour '{tour_id}' has no refused save {conflict_id}")
            return ConflictInfo(row.id, row.tour_id, row.base_revision, row.latest_revision, row.created_at,
                                row.author, row.message, json.loads(row.document))

    @staticmethod
    def _add_revision(session: Session, tour: Tour, document: str, author: str | None, message: str,
                      expected_revision: int | None) -> int:
        row = session.get(TourRow, tour.id)
        if row is None:
            session.add(TourRow(id=tour.id))
            session.flush()  # the revision's foreign key needs the tour row first
            latest = 0
        else:
            row.deleted_at = None
            latest = _latest_number(session, tour.id)
        if expected_revision is not None and expected_revision != latest:
            raise StoreConflict(
                f"tour {tour.id} changed since revision {expected_revision} (now {latest}): "
                "reload it and apply your edit again", tour_id=tour.id, latest=latest
            )
        session.add(RevisionRow(tour_id=tour.id, number=latest + 1, document=document,
                                author=author, message=message))
        session.flush()
        return latest

    def has_tour(self, tour_id: str) -> bool:
        if "\x00" in tour_id:  # no text in the database holds NUL (PostgreSQL refuses it in a query)
            return False
        with self._session() as session:
            row = session.get(TourRow, tour_id)
            return row is not None and row.deleted_at is None

    def get_tour(self, tour_id: str, revision: int | None = None) -> Tour:
        """The tour at ``revision`` (default: the latest)."""
        number, document, _author = self.document(tour_id, revision)
        return load_tour(document, source=f"{tour_id} revision {number}")

    def revisions(self, tour_id: str) -> list[RevisionInfo]:
        with self._session() as session:
            rows = session.scalars(
                select(RevisionRow).where(RevisionRow.tour_id == tour_id).order_by(RevisionRow.number)
            ).all()
            if not rows:
                raise StoreError(f"no tour with id '{tour_id}'")
            return [RevisionInfo(r.number, r.created_at, r.author, r.message) for r in rows]

    def restore(self, tour_id: str, number: int, *, author: str | None = None) -> int:
        """Make revision ``number`` current again, as a new revision (history is never rewritten)."""
        tour = self.get_tour(tour_id, number)
        return self.save_tour(tour, author=author, message=f"restored revision {number}")

    def delete_tour(self, tour_id: str) -> None:
        """Hide a tour; its revisions stay, and saving it again brings it back."""
        with self._session.begin() as session:
            row = session.get(TourRow, tour_id)
            if row is None or row.deleted_at is not None:
                raise StoreError(f"no tour with id '{tour_id}'")
            row.deleted_at = utcnow()

    def document(self, tour_id: str, revision: int | None = None) -> tuple[int, dict, str | None]:
        """(revision, the stored document as a dict, its author) at ``revision`` (default: the latest)."""
        with self._session() as session:
            row = session.get(TourRow, tour_id)
            if row is None or row.deleted_at is not None:
                raise StoreError(f"no tour with id '{tour_id}': `tourbuilder list` shows the stored tours")
            number = revision if revision is not None else _latest_number(session, tour_id)
            rev = session.scalars(
                select(RevisionRow).where(RevisionRow.tour_id == tour_id, RevisionRow.number == number)
            ).one_or_none()
            if rev is None:
                raise StoreError(f"tour '{tour_id}' has no revision {number}")
            return number, json.loads(rev.document), rev.author

    def exists(self, tour_id: str) -> bool:
        """Whether the id is taken, by a tour or by a deleted one (ids are never reused)."""
        if "\x00" in tour_id:
            return False
        with self._session() as session:
            return session.get(TourRow, tour_id) is not None

    def duplicate(self, source_id: str, new_id: str, *, title: dict[str, str] | None = None,
                  author: str | None = None) -> int:
        """Copy the latest revision of ``source_id`` as the new tour ``new_id`` (same media, no history)."""
        if self.exists(new_id):
            raise StoreError(f"the id '{new_id}' is taken by another tour (or a deleted one): choose another")
        _number, document, _author = self.document(source_id)
        document = {**document, "id": new_id, **({"title": title} if title is not None else {})}
        tour = load_tour(document, source=new_id)
        return self.save_tour(tour, author=author, message=f"duplicated from {source_id}")

    def rename(self, tour_id: str, title: dict[str, str], *, author: str | None = None) -> int:
        """Give the tour a new title (a new revision)."""
        number, document, _author = self.document(tour_id)
        tour = load_tour({**document, "title": title}, source=tour_id)
        return self.save_tour(tour, author=author, message="renamed", expected_revision=number)

    def undelete(self, tour_id: str) -> None:
        """Bring back a deleted tour as it was."""
        with self._session.begin() as session:
            row = session.get(TourRow, tour_id)
            if row is None or row.deleted_at is None:
                raise StoreError(f"there is no deleted tour '{tour_id}'")
            row.deleted_at = None

    def list_tours(self, tour_id: str | None = None) -> list[TourSummary]:
        """Every tour that is not deleted, by id; with ``tour_id``, only that one (if it is there),
        without reading every other tour's document."""
        condition = TourRow.deleted_at.is_(None)
        if tour_id is not None:
            if "\x00" in tour_id:  # as in has_tour: no stored id holds NUL
                return []
            condition = condition & (TourRow.id == tour_id)
        return self._summaries(condition)

    def deleted_tours(self) -> list[TourSummary]:
        """Every deleted tour (they can be brought back with undelete), by id."""
        return self._summaries(TourRow.deleted_at.is_not(None))

    def _summaries(self, condition) -> list[TourSummary]:
        with self._session() as session:
            latest = (
                select(RevisionRow.tour_id, func.max(RevisionRow.number).label("number"))
                .group_by(RevisionRow.tour_id).subquery()
            )
            rows = session.execute(
                select(RevisionRow, TourRow.deleted_at)
                .join(latest, (RevisionRow.tour_id == latest.c.tour_id) & (RevisionRow.number == latest.c.number))
                .join(TourRow, TourRow.id == RevisionRow.tour_id)
                .where(condition)
                .order_by(RevisionRow.tour_id)
            ).all()
            summaries = []
            for rev, deleted_at in rows:
                doc = json.loads(rev.document)
                sizes = {info.get("sha256"): info.get("size", 0) for info in doc.get("media", {}).values()}
                summaries.append(TourSummary(
                    id=rev.tour_id, title=doc.get("title", {}), languages=doc.get("languages", []),
                    scenes=len(doc.get("scenes", {})), revision=rev.number, updated_at=rev.created_at,
                    updated_by=rev.author, size_bytes=sum(sizes.values()), deleted_at=deleted_at))
            return summaries


def _latest_number(session: Session, tour_id: str) -> int:
    return session.scalar(select(func.max(RevisionRow.number)).where(RevisionRow.tour_id == tour_id)) or 0


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
