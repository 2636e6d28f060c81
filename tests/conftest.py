"""Shared fixtures: real databases (SQLite in temporary folders, or PostgreSQL: see tests/pg/),
the demo tour, the Flask app.

The demo tour is built once per test session at a small width (painting is
deterministic, so every test sees the same pictures) and copied where a test
changes it.
"""

from __future__ import annotations

import os
import shutil
import socket
import warnings
from pathlib import Path

import hypothesis
import pytest

from tourbuilder.app import create_app
from tourbuilder.demo.loader import DEMO_ID, build_demo_folder
from tourbuilder.importing import import_tour
from tourbuilder.store import Store

from tests import pg
from tests.samples import write_tiny_folder
from tests.signin import AppClient, make_user, sign_in

TEST_WIDTH = 1024
REPO = Path(__file__).resolve().parents[1]
DATABASE_URL_ENV = "TOURBUILDER_DATABASE_URL"


def pytest_addoption(parser):
    parser.addoption("--database", choices=pg.MODES, default=os.environ.get(pg.MODE_ENV) or "sqlite",
                     help=f"the database every test's store and app use (default: ${pg.MODE_ENV} or sqlite)")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): about SQLite itself; skipped on a PostgreSQL run")
    databases = pg.configure(config.getoption("--database"))
    if databases is not None:
        config.add_cleanup(databases.finish)
    # On CI, hypothesis replays the same examples on every run, so a red build always means a code
    # change (new examples are explored on developers' machines, where a find becomes a regression test).
    hypothesis.settings.register_profile("ci", derandomize=True, database=None)
    if os.environ.get("CI"):
        hypothesis.settings.load_profile("ci")


def pytest_collection_modifyitems(config, items):
    if pg.postgres() is not None:
        for item in items:
            marker = item.get_closest_marker("sqlite_only")
            if marker is not None:
                item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0] if marker.args else ''}"))
            elif item.get_closest_marker("exported_player") is not None:
                # These play a static export in Chromium; export from PostgreSQL is tested without a
                # browser (byte-identical output), and running them twice would double CI's slowest part.
                item.add_marker(pytest.mark.skip(reason="plays an exported tour: the database is not involved"))


def pytest_report_header(config):
    return f"database: {config.getoption('--database')}"


@pytest.fixture
def database_url(data_dir):
    """The test's own empty database: SQLite in the data folder, or a fresh PostgreSQL schema."""
    databases = pg.postgres()
    if databases is None:
        yield f"sqlite:///{data_dir / 'tourbuilder.sqlite3'}"
        return
    name, url = databases.create()
    yield url
    databases.drop(name)


@pytest.fixture
def no_network(monkeypatch):
    """Python's sockets refuse to connect, so nothing a test does may leave the machine (modules that
    must never reach a speech service use it for every test: `pytest.mark.usefixtures("no_network")`)."""
    def refuse(*args, **kwargs):
        raise OSError("the network is blocked in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(autouse=True)
def _apps_use_the_test_database(request, monkeypatch):
    """On PostgreSQL, every app and command a test starts (they read $TOURBUILDER_DATABASE_URL when
    no DATABASE_URL is given) uses the test's database; on SQLite, the data folder's file as always."""
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)  # never a developer's real database
    if pg.postgres() is None or "tmp_path" not in request.fixturenames:
        yield
        return
    monkeypatch.setenv(DATABASE_URL_ENV, request.getfixturevalue("database_url"))
    yield
    # A test that made a SQLite database anyway did not run on PostgreSQL: say so, not pass quietly
    # (tests/pg.database_url_for gives a fixture its own database in either mode).
    stray = sorted(str(p) for p in request.getfixturevalue("tmp_path").rglob("*.sqlite3"))
    if stray:
        warnings.warn(pg.StraySQLite(f"{request.node.nodeid} made SQLite databases on a PostgreSQL run: {stray}"))


@pytest.fixture(scope="session")
def demo_folder_master(tmp_path_factory) -> Path:
    return build_demo_folder(tmp_path_factory.mktemp("demo") / DEMO_ID, width=TEST_WIDTH)


@pytest.fixture
def demo_folder(demo_folder_master, tmp_path) -> Path:
    """A private copy of the complete demo tour folder (text and painted panoramas)."""
    return Path(shutil.copytree(demo_folder_master, tmp_path / DEMO_ID))


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(database_url, data_dir):
    s = Store(database_url, data_dir / "media")
    yield s
    s.close()


@pytest.fixture
def demo_store(store, demo_folder):
    import_tour(store, demo_folder)
    return store


@pytest.fixture
def app(demo_store, data_dir, tmp_path):
    # ARGON2_PROFILE: argon2's cheapest parameters keep the tests fast (the app's default is RFC 9106's).
    app = create_app({"DATA": str(data_dir), "EXPORT_DIR": str(tmp_path / "export"), "TESTING": True,
                      "ARGON2_PROFILE": "CHEAPEST"})
    app.test_client_class = AppClient  # sends the CSRF token like the app's forms (csrf=False: not)
    yield app
    app.extensions["tourbuilder.store"].close()


@pytest.fixture
def client(app):
    """A client that is not signed in."""
    return app.test_client()


@pytest.fixture
def login(app):
    """login(role="admin", name=None, language="en", tours=(), owner=False) -> a new client signed in
    (through the sign-in form) as the user ``name`` (default: the role's name), made with that role
    when absent and given ``tours`` (as owner when ``owner``); client.user is the user."""

    def login(role="admin", *, name=None, language="en", tours=(), owner=False, client=None):
        user = make_user(app, name or role, role, language)
        for tour_id in tours:
            app.extensions["tourbuilder.accounts"].share(tour_id, user.id, owner=owner)
        client = client or app.test_client()
        sign_in(client, user.name)
        client.user = user
        return client

    return login


@pytest.fixture
def admin_client(login):
    return login("admin")


@pytest.fixture
def tiny_app(tiny_folder, tmp_path):
    """The app over a store holding only the small tour 'tiny' (quicker than the demo)."""
    data = tmp_path / "tiny-data"
    store = Store(os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{data / 'tourbuilder.sqlite3'}", data / "media")
    import_tour(store, tiny_folder)
    store.close()
    app = create_app({"DATA": str(data), "TESTING": True, "ARGON2_PROFILE": "CHEAPEST"})
    app.test_client_class = AppClient
    yield app
    app.extensions["tourbuilder.store"].close()


@pytest.fixture
def runner():
    """Runs the real `tourbuilder` command in-process and returns click's Result."""
    from click.testing import CliRunner

    from tourbuilder.cli import cli

    class Runner:
        def invoke(self, *args: str):
            try:  # click < 8.2 mixes stderr into stdout unless told not to
                cli_runner = CliRunner(mix_stderr=False)
            except TypeError:
                cli_runner = CliRunner()
            return cli_runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return Runner()


@pytest.fixture
def tiny_folder(tmp_path) -> Path:
    return write_tiny_folder(tmp_path / "tiny")
