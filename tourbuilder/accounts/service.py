"""Accounts, roles, sign-in sessions, login rate limits, per-tour sharing and comments.

Everything is kept in the tours' database (see db.py), so several app workers (or
machines) share the same users, sessions and rate-limit counts.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Callable

from argon2 import PasswordHasher
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from ..store import Store
from ..store.db import Base, TourRow, utcnow
from . import passwords
from .db import CommentRow, LoginAttemptRow, SessionRow, SignInTokenRow, TourAccessRow, UserRow

ROLES = ("admin", "author", "reviewer")
LANGUAGES = ("mn", "en")
FIRST_ADMIN = "admin"
NAME = re.compile(r"^[\w][\w.@-]{0,63}$")
MAX_COMMENT = 5000
TABLES = [UserRow.__table__, SessionRow.__table__, TourAccessRow.__table__, LoginAttemptRow.__table__,
          SignInTokenRow.__table__, CommentRow.__table__]


class AccountError(ValueError):
    """A request that cannot be done as asked; ``code`` and ``params`` let the app say it in
    the reader's language, str() is the English sentence (for the CLI)."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


class RateLimited(AccountError):
    def __init__(self, retry_after: int):
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__("rate_limited", f"too many failed sign-ins: try again in {minutes} minutes",
                         minutes=minutes)
        self.retry_after = retry_after


class Access(IntEnum):
    """What a person may do with one tour; each level includes the ones below."""

    NONE = 0
    VIEW = 1     # preview, read and write comments (reviewers)
    EDIT = 2     # change and export (authors it is shared with)
    MANAGE = 3   # share it with others (its owners and the admins)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    language: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def of(cls, row: UserRow) -> "User":
        return cls(row.id, row.name, row.role, row.language, row.active, row.created_at, row.last_login_at)


@dataclass(frozen=True)
class Share:
    tour_id: str
    user: User
    owner: bool


@dataclass(frozen=True)
class Comment:
    id: int
    tour_id: str
    author_name: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class LoginLimits:
    """At most ``per_account`` failed sign-ins for one name and ``per_ip`` from one address
    within ``window``; a success clears the name's count (not the address's)."""

    per_account: int = 5
    per_ip: int = 30
    window: timedelta = field(default=timedelta(minutes=15))


# Control characters (NUL above all: PostgreSQL's text cannot hold it) are never meant in a name or
# a comment; they become U+FFFD in a name (which no valid name contains) and go from comments.
UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def normal_name(name: str) -> str:
    """Login names are compared in one form: NFKC, case-folded, trimmed."""
    return UNREADABLE.sub("\ufffd", unicodedata.normalize("NFKC", name or "").strip().casefold())


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class Accounts:
    def __init__(self, store: Store, *, hasher: PasswordHasher | None = None, limits: LoginLimits | None = None,
                 session_lifetime: timedelta = timedelta(hours=12), clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.hasher = hasher or passwords.hasher()
        self.limits = limits or LoginLimits()
        self.session_lifetime = session_lifetime
        self.clock = clock
        Base.metadata.create_all(store.engine, tables=TABLES)
        self._session = sessionmaker(store.engine, expire_on_commit=False)
        self._dummy_hash: str | None = None

    # --- users -----------------------------------------------------------

    def create_user(self, name: str, password: str, role: str = "author", language: str = "mn") -> User:
        key = normal_name(name)
        if not NAME.match(key):
            raise AccountError("bad_name", f"'{name}' is not a usable name: use 1 to 64 letters, digits, "
                               "'.', '-', '_' or '@', starting with a letter or digit", name=name)
        self._check_role(role)
        self._check_language(language)
        self._check_password(password, key)
        row = UserRow(name=key, role=role, password_hash=self.hasher.hash(password), language=language,
                      created_at=self.clock(), password_changed_at=self.clock())
        try:
            with self._session.begin() as session:
                session.add(row)
        except IntegrityError:
            raise AccountError("name_taken", f"there is already a user '{key}'", name=key) from None
        return User.of(row)

    def get_user(self, user_id: int) -> User | None:
        with self._session() as session:
            row = session.get(UserRow, user_id)
            return User.of(row) if row else None

    def find_user(self, name: str) -> User | None:
        with self._session() as session:
            row = session.scalars(select(UserRow).where(UserRow.name == normal_name(name))).one_or_none()
            return User.of(row) if row else None

    def user(self, name: str) -> User:
        found = self.find_user(name)
        if found is None:
            raise AccountError("no_user", f"there is no user '{name}': `tourbuilder user list` shows them",
                               name=name)
        return found

    def users(self) -> list[User]:
        with self._session() as session:
            return [User.of(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]

    def has_users(self) -> bool:
        with self._session() as session:
            return (session.scalar(select(func.count()).select_from(UserRow)) or 0) > 0

    def update_user(self, user_id: int, *, role: str | None = None, active: bool | None = None,
                    language: str | None = None) -> User:
        with self._session.begin() as session:
            row = self._row(session, user_id)
            if role is not None:
                self._check_role(role)
            if language is not None:
                self._check_language(language)
            losing_admin = row.role == "admin" and row.active and (
                (role is not None and role != "admin") or active is False)
            if losing_admin and self._active_admins(session) <= 1:
                raise AccountError("last_admin", "this is the last active admin: make another admin first")
            ends_sessions = (role is not None and role != row.role) or (active is False and row.active)
            if role is not None:
                row.role = role
            if active is not None:
                row.active = active
            if language is not None:
                row.language = language
            if ends_sessions:
                session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
            return User.of(row)

    def set_password(self, user_id: int, password: str, *, keep_session: str | None = None) -> None:
        """Give a user a new password and end every session of theirs but ``keep_session``."""
        with self._session.begin() as session:
            row = self._row(session, user_id)
            self._check_password(password, row.name)
            row.password_hash = self.hasher.hash(password)
            row.password_changed_at = self.clock()
            ended = delete(SessionRow).where(SessionRow.user_id == user_id)
            if keep_session:
                ended = ended.where(SessionRow.id_hash != _digest(keep_session))
            session.execute(ended)
            session.execute(delete(SignInTokenRow).where(SignInTokenRow.user_id == user_id))

    def change_password(self, user_id: int, current: str, new: str, *, keep_session: str | None = None) -> None:
        with self._session() as session:
            stored = self._row(session, user_id).password_hash
        if not passwords.verify(self.hasher, stored, current or ""):
            raise AccountError("wrong_password", "the current password is not right")
        self.set_password(user_id, new, keep_session=keep_session)

    def delete_user(self, user_id: int) -> None:
        with self._session.begin() as session:
            row = self._row(session, user_id)
            if row.role == "admin" and row.active and self._active_admins(session) <= 1:
                raise AccountError("last_admin", "this is the last active admin: make another admin first")
            for table in (SessionRow, SignInTokenRow, TourAccessRow):
                session.execute(delete(table).where(table.user_id == user_id))
            for comment in session.scalars(select(CommentRow).where(CommentRow.user_id == user_id)):
                comment.user_id = None
            session.delete(row)

    def ensure_first_admin(self, password: str | None = None) -> tuple[User, str | None] | None:
        """On a first start (no users at all): create the admin 'admin' with ``password``, or a
        generated one (returned, to be shown once). None when there are users already."""
        if self.has_users():
            return None
        generated = None if password else passwords.generate()
        try:
            user = self.create_user(FIRST_ADMIN, password or generated, role="admin")
        except AccountError as exc:
            if exc.code == "name_taken":  # another worker started at the same moment
                return None
            raise
        return user, generated

    # --- signing in ------------------------------------------------------

    def authenticate(self, name: str, password: str, ip: str) -> User:
        """The user with this name and password, or AccountError; RateLimited (before any
        password is checked) after too many failures for the name or from the address."""
        key = normal_name(name)[:64]
        ip = UNREADABLE.sub("\ufffd", ip or "unknown")[:64]
        now = self.clock()
        # The attempt is written down (as a failure) and committed BEFORE the counts are read: of
        # several workers trying the same name at the same moment, each sees the others' attempts,
        # so a burst of parallel guesses cannot get past the limit. It becomes a success only
        # once the password is right.
        attempt = self._record_attempt(key, ip, now)
        try:
            self._check_limits(key, ip, now, attempt)
        except RateLimited:
            self._forget_attempt(attempt)  # no password was checked: it does not lengthen the lock
            raise
        with self._session() as session:
            row = session.scalars(select(UserRow).where(UserRow.name == key)).one_or_none()
            stored = row.password_hash if row is not None else None
        if stored is None:
            passwords.verify(self.hasher, self._dummy(), password or "")  # same time as a real check
            ok = False
        else:
            ok = passwords.verify(self.hasher, stored, (password or "")[: passwords.MAX_LENGTH])
        ok = ok and row.active
        with self._session.begin() as session:
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < now - max(self.limits.window,
                                                                                         timedelta(days=1))))
            if ok:
                session.execute(update(LoginAttemptRow).where(LoginAttemptRow.id == attempt).values(ok=True))
                fresh = session.get(UserRow, row.id)
                fresh.last_login_at = now
                if self.hasher.check_needs_rehash(fresh.password_hash):
                    fresh.password_hash = self.hasher.hash(password)
                return User.of(fresh)
        raise AccountError("wrong_login", "wrong name or password")

    def _record_attempt(self, key: str, ip: str, now: datetime) -> int:
        row = LoginAttemptRow(at=now, name=key, ip=ip, ok=False)
        with self._session.begin() as session:
            session.add(row)
        return row.id

    def _forget_attempt(self, attempt: int) -> None:
        with self._session.begin() as session:
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.id == attempt))

    def _check_limits(self, key: str, ip: str, now: datetime, attempt: int) -> None:
        """RateLimited when the failures before ``attempt`` (including attempts still being checked
        elsewhere) reach a limit."""
        since = now - self.limits.window
        others = (LoginAttemptRow.id != attempt, LoginAttemptRow.ok.is_(False))
        with self._session() as session:
            last_ok = session.scalar(select(func.max(LoginAttemptRow.at))
                                     .where(LoginAttemptRow.name == key, LoginAttemptRow.ok.is_(True)))
            account_since = max(since, last_ok) if last_ok else since
            checks = ((LoginAttemptRow.name == key, account_since, self.limits.per_account),
                      (LoginAttemptRow.ip == ip, since, self.limits.per_ip))
            for where, start, limit in checks:
                failures = session.scalars(
                    select(LoginAttemptRow.at).where(where, *others, LoginAttemptRow.at > start)
                    .order_by(LoginAttemptRow.at.desc()).limit(limit)
                ).all()
                if len(failures) >= limit:
                    # Allowed again when the oldest of the last `limit` failures leaves the window.
                    retry = failures[-1] + self.limits.window - now
                    raise RateLimited(max(1, int(retry.total_seconds()) + 1))

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
        return self._dummy_hash

    def start_session(self, user_id: int) -> str:
        """A new sign-in session; returns the secret to keep in the (signed) cookie."""
        raw = secrets.token_urlsafe(32)
        now = self.clock()
        with self._session.begin() as session:
            session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            session.add(SessionRow(id_hash=_digest(raw), user_id=user_id, created_at=now,
                                   expires_at=now + self.session_lifetime))
        return raw

    def session_user(self, raw: str | None) -> User | None:
        if not raw or not isinstance(raw, str):
            return None
        with self._session() as session:
            row = session.get(SessionRow, _digest(raw))
            if row is None or row.expires_at < self.clock():
                return None
            user = session.get(UserRow, row.user_id)
            return User.of(user) if user is not None and user.active else None

    def end_session(self, raw: str | None) -> None:
        if raw and isinstance(raw, str):
            with self._session.begin() as session:
                session.execute(delete(SessionRow).where(SessionRow.id_hash == _digest(raw)))

    def issue_sign_in_token(self, user_id: int, lifetime: timedelta = timedelta(minutes=15)) -> str:
        """A one-time secret that signs ``user_id`` in (see `tourbuilder serve`)."""
        raw = secrets.token_urlsafe(32)
        now = self.clock()
        with self._session.begin() as session:
            session.execute(delete(SignInTokenRow).where(SignInTokenRow.expires_at < now))
            session.add(SignInTokenRow(token_hash=_digest(raw), user_id=user_id, expires_at=now + lifetime))
        return raw

    def redeem_sign_in_token(self, raw: str) -> User | None:
        """The token's user, once: the token is gone afterwards, used or expired."""
        with self._session.begin() as session:
            row = session.get(SignInTokenRow, _digest(raw or ""))
            if row is None:
                return None
            session.delete(row)
            if row.expires_at < self.clock():
                return None
            user = session.get(UserRow, row.user_id)
            if user is None or not user.active:
                return None
            user.last_login_at = self.clock()
            return User.of(user)

    # --- tours -----------------------------------------------------------

    def access(self, user: User | None, tour_id: str) -> Access:
        if user is None or not user.active:
            return Access.NONE
        if user.is_admin:
            return Access.MANAGE
        if "\x00" in tour_id:  # no stored id holds NUL (PostgreSQL refuses it in a query)
            return Access.NONE
        with self._session() as session:
            row = session.scalars(select(TourAccessRow).where(TourAccessRow.tour_id == tour_id,
                                                              TourAccessRow.user_id == user.id)).one_or_none()
        if row is None:
            return Access.NONE
        if user.role == "reviewer":
            return Access.VIEW
        return Access.MANAGE if row.owner else Access.EDIT

    def visible_tours(self, user: User) -> set[str] | None:
        """Ids of the tours ``user`` may open; None means all (an admin)."""
        if user.is_admin:
            return None
        with self._session() as session:
            return set(session.scalars(select(TourAccessRow.tour_id).where(TourAccessRow.user_id == user.id)))

    def share(self, tour_id: str, user_id: int, *, owner: bool = False) -> None:
        """Give ``user_id`` access to the tour (or change whether they own it)."""
        with self._session.begin() as session:
            target = self._row(session, user_id)
            tour = session.get(TourRow, tour_id)
            if tour is None or tour.deleted_at is not None:
                raise AccountError("no_tour", f"there is no tour '{tour_id}'", tour=tour_id)
            if owner and target.role == "reviewer":
                raise AccountError("reviewer_owner", f"'{target.name}' is a reviewer: a reviewer cannot own a tour",
                                   name=target.name)
            row = session.scalars(select(TourAccessRow).where(TourAccessRow.tour_id == tour_id,
                                                              TourAccessRow.user_id == user_id)).one_or_none()
            if row is None:
                session.add(TourAccessRow(tour_id=tour_id, user_id=user_id, owner=owner, created_at=self.clock()))
            else:
                row.owner = owner

    def unshare(self, tour_id: str, user_id: int) -> None:
        with self._session.begin() as session:
            session.execute(delete(TourAccessRow).where(TourAccessRow.tour_id == tour_id,
                                                        TourAccessRow.user_id == user_id))

    def shares(self, tour_id: str) -> list[Share]:
        with self._session() as session:
            rows = session.execute(
                select(TourAccessRow, UserRow).join(UserRow, UserRow.id == TourAccessRow.user_id)
                .where(TourAccessRow.tour_id == tour_id).order_by(UserRow.name)
            ).all()
            return [Share(tour_id, User.of(user), access.owner) for access, user in rows]

    def shares_of(self, user_id: int) -> list[Share]:
        with self._session() as session:
            user = session.get(UserRow, user_id)
            if user is None:
                return []
            rows = session.scalars(select(TourAccessRow).where(TourAccessRow.user_id == user_id)
                                   .order_by(TourAccessRow.tour_id)).all()
            return [Share(r.tour_id, User.of(user), r.owner) for r in rows]

    # --- comments --------------------------------------------------------

    def add_comment(self, tour_id: str, user: User, text: str) -> Comment:
        text = UNREADABLE.sub("", text or "").strip()
        if not text:
            raise AccountError("empty_comment", "write something first")
        if len(text) > MAX_COMMENT:
            raise AccountError("long_comment", f"a comment has at most {MAX_COMMENT} characters", limit=MAX_COMMENT)
        row = CommentRow(tour_id=tour_id, user_id=user.id, author_name=user.name, text=text, created_at=self.clock())
        with self._session.begin() as session:
            session.add(row)
        return Comment(row.id, tour_id, row.author_name, row.text, row.created_at)

    def comments(self, tour_id: str) -> list[Comment]:
        with self._session() as session:
            rows = session.scalars(select(CommentRow).where(CommentRow.tour_id == tour_id)
                                   .order_by(CommentRow.created_at, CommentRow.id))
            return [Comment(r.id, r.tour_id, r.author_name, r.text, r.created_at) for r in rows]

    # --- helpers ---------------------------------------------------------

    @staticmethod
    def _row(session, user_id: int) -> UserRow:
        row = session.get(UserRow, user_id)
        if row is None:
            raise AccountError("no_user", f"there is no user with id {user_id}", name=str(user_id))
        return row

    @staticmethod
    def _active_admins(session) -> int:
        return session.scalar(select(func.count()).select_from(UserRow)
                              .where(UserRow.role == "admin", UserRow.active.is_(True))) or 0

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise AccountError("bad_role", f"unknown role '{role}': choose one of {', '.join(ROLES)}", role=role)

    @staticmethod
    def _check_language(language: str) -> None:
        if language not in LANGUAGES:
            raise AccountError("bad_language", f"unknown language '{language}': choose one of "
                               f"{', '.join(LANGUAGES)}", language=language)

    @staticmethod
    def _check_password(password: str, name: str) -> None:
        if len(password or "") < passwords.MIN_LENGTH:
            raise AccountError("short_password", f"a password needs at least {passwords.MIN_LENGTH} characters",
                               min=passwords.MIN_LENGTH)
        if len(password) > passwords.MAX_LENGTH:
            raise AccountError("long_password", f"a password has at most {passwords.MAX_LENGTH} characters",
                               max=passwords.MAX_LENGTH)
        if normal_name(password) == name:
            raise AccountError("name_password", "the password cannot be the name")
