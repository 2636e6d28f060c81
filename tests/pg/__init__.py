"""The suite on PostgreSQL: `pytest --database=postgresql` (or TOURBUILDER_TEST_DATABASE=postgresql).

Each test gets a fresh, empty schema of its own on one server (CREATE SCHEMA is quicker than
CREATE DATABASE and leaves nothing to copy); its URL carries the schema as the search_path, so the
app and the store see only that schema's tables. The server is TOURBUILDER_TEST_POSTGRES (an admin
URL, e.g. from `python -m tests.pg.server start`) or one this module starts for the session.
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

MODE_ENV = "TOURBUILDER_TEST_DATABASE"
SERVER_ENV = "TOURBUILDER_TEST_POSTGRES"
MODES = ("sqlite", "postgresql")


class StraySQLite(UserWarning):
    """A test made a SQLite database on a PostgreSQL run (so that part did not run on PostgreSQL)."""


class Databases:
    """Empty PostgreSQL schemas on demand, on a server shared by the session."""

    def __init__(self, admin_url: str | None = None):
        self._admin_url = admin_url
        self._server_folder: Path | None = None
        self._engine = None
        self._numbers = itertools.count(1)
        self._kept: list[str] = []
        self._run = uuid.uuid4().hex[:8]  # runs sharing one server never meet

    def _admin(self):
        if self._engine is None:
            from sqlalchemy import create_engine

            if not self._admin_url:
                from . import server

                self._server_folder, self._admin_url = server.start()
            self._engine = create_engine(self._admin_url, isolation_level="AUTOCOMMIT", pool_size=1)
        return self._engine

    def create(self) -> tuple[str, str]:
        """A new empty schema: (its name, the SQLAlchemy URL whose connections use it)."""
        from sqlalchemy import text

        name = f"t_{self._run}_{next(self._numbers)}"
        with self._admin().connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {name}"))
        separator = "&" if "?" in self._admin_url else "?"
        # application_name marks the test's connections, so that drop() can end those a test leaked.
        return name, f"{self._admin_url}{separator}options=-csearch_path%3D{name}&application_name={name}"

    def create_for_session(self) -> str:
        """A schema kept until the end of the session (for module-scoped fixtures)."""
        name, url = self.create()
        self._kept.append(name)
        return url

    def drop(self, name: str) -> None:
        from sqlalchemy import text
        from sqlalchemy.exc import OperationalError

        with self._admin().connect() as connection:
            # Connections a test left open (an app it never closed) would pile up over a run and
            # could hold locks: end them first.
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE application_name = :name AND pid <> pg_backend_pid()"), {"name": name})
            connection.execute(text("SET lock_timeout = '5s'"))
            try:
                connection.execute(text(f"DROP SCHEMA {name} CASCADE"))
            except OperationalError:
                pass  # left behind on a shared server; gone with a private one

    def finish(self) -> None:
        if self._engine is not None:
            for name in self._kept:
                self.drop(name)
            self._engine.dispose()
        if self._server_folder is not None:
            from . import server

            server.stop(self._server_folder)

    @property
    def admin_url(self) -> str | None:
        return self._admin_url


_current: Databases | None = None


def configure(mode: str) -> Databases | None:
    """Called once by the test session (tests/conftest.py) with the chosen mode."""
    global _current
    if mode not in MODES:
        raise ValueError(f"unknown test database '{mode}': choose one of {', '.join(MODES)}")
    _current = Databases(os.environ.get(SERVER_ENV) or None) if mode == "postgresql" else None
    return _current


def postgres() -> Databases | None:
    """The session's PostgreSQL schemas, or None when the suite runs on SQLite."""
    return _current


def database_url_for(folder: Path) -> str:
    """A fresh database for a fixture that builds its own store (kept until the session ends):
    SQLite in ``folder``, or a new PostgreSQL schema when the suite runs on PostgreSQL."""
    if _current is None:
        return f"sqlite:///{Path(folder) / 'tourbuilder.sqlite3'}"
    return _current.create_for_session()
