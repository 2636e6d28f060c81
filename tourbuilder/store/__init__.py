"""Storage of tours (a database behind a URL) and their media (content-addressed files)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..model import Tour, dump_tour, load_tour
from .db import Base, RevisionRow, TourRow, utcnow
from .media import MediaStore, atomic_write_bytes

__all__ = ["Store", "StoreError", "MediaStore", "RevisionInfo", "TourSummary", "atomic_write_bytes"]


class StoreError(LookupError):
    """A request the store cannot serve: an unknown tour or revision, a conflict."""


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    created_at: datetime
    author: str | None
    message: str


@dataclass(frozen=True)
class TourSummary:
    id: str
    title: dict[str, str]
    languages: list[str]
    scenes: int
    revision: int
    updated_at: datetime


class Store:
    """Tours and media of one installation (one data folder or database)."""

    def __init__(self, database_url: str, media_root: str | Path, derived_root: str | Path | None = None):
        if database_url.startswith("sqlite:///"):
            Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(database_url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.media = MediaStore(media_root)
        # Files made from media (panorama tiles...), by content: safe to delete, remade on demand.
        self.derived_root = Path(derived_root) if derived_root else Path(media_root).parent / "derived"

    @classmethod
    def from_settings(cls, settings: dict) -> "Store":
        return cls(settings["DATABASE_URL"], Path(settings["DATA"]) / "media")

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
        except (IntegrityError, OperationalError):
            # Two saves raced for the same revision number (or the database was busy).
            raise StoreError(f"tour {tour.id} was saved by someone else at the same moment: try again") from None
        return latest + 1

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
            raise StoreError(
                f"tour {tour.id} changed since revision {expected_revision} (now {latest}): "
                "reload it and apply your edit again"
            )
        session.add(RevisionRow(tour_id=tour.id, number=latest + 1, document=document,
                                author=author, message=message))
        session.flush()
        return latest

    def has_tour(self, tour_id: str) -> bool:
        with self._session() as session:
            row = session.get(TourRow, tour_id)
            return row is not None and row.deleted_at is None

    def get_tour(self, tour_id: str, revision: int | None = None) -> Tour:
        """The tour at ``revision`` (default: the latest)."""
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
            return load_tour(json.loads(rev.document), source=f"{tour_id} revision {number}")

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

    def list_tours(self) -> list[TourSummary]:
        with self._session() as session:
            latest = (
                select(RevisionRow.tour_id, func.max(RevisionRow.number).label("number"))
                .group_by(RevisionRow.tour_id).subquery()
            )
            rows = session.execute(
                select(RevisionRow)
                .join(latest, (RevisionRow.tour_id == latest.c.tour_id) & (RevisionRow.number == latest.c.number))
                .join(TourRow, TourRow.id == RevisionRow.tour_id)
                .where(TourRow.deleted_at.is_(None))
                .order_by(RevisionRow.tour_id)
            ).scalars().all()
            summaries = []
            for rev in rows:
                doc = json.loads(rev.document)
                summaries.append(TourSummary(rev.tour_id, doc.get("title", {}), doc.get("languages", []),
                                             len(doc.get("scenes", {})), rev.number, rev.created_at))
            return summaries


def _latest_number(session: Session, tour_id: str) -> int:
    return session.scalar(select(func.max(RevisionRow.number)).where(RevisionRow.tour_id == tour_id)) or 0


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
