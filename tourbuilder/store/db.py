"""Tables: a tour is a row; every save of it is a new, immutable revision row; refused saves and jobs."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class TourRow(Base):
    __tablename__ = "tours"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class RevisionRow(Base):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("tour_id", "number", name="one_number_per_tour"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tour_id: Mapped[str] = mapped_column(ForeignKey("tours.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[str | None] = mapped_column(String(200), default=None)
    message: Mapped[str] = mapped_column(String(500), default="")


class ConflictRow(Base):
    """A save refused because the tour had changed since the revision it started from: the refused
    document is kept here, so nothing anyone wrote is lost."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tour_id: Mapped[str] = mapped_column(ForeignKey("tours.id"), index=True)
    base_revision: Mapped[int] = mapped_column(Integer)     # what the edit started from
    latest_revision: Mapped[int] = mapped_column(Integer)   # what was current when it was refused
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[str | None] = mapped_column(String(200), default=None)
    message: Mapped[str] = mapped_column(String(500), default="")


class JobRow(Base):
    """One piece of long work (an export, an import...): see tourbuilder/jobs.py."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="queued")   # queued|running|done|failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text, default=None)
    params: Mapped[str] = mapped_column(Text, default="{}")    # JSON
    result: Mapped[str | None] = mapped_column(Text, default=None)  # JSON
    tour_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    runner: Mapped[str] = mapped_column(String(200), default="")  # "host:pid" of the process that runs it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
