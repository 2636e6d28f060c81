"""Shared fixtures: real SQLite stores in temporary folders, the demo tour, the Flask app.

The demo tour is built once per test session at a small width (painting is
deterministic, so every test sees the same pictures) and copied where a test
changes it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tourbuilder.app import create_app
from tourbuilder.demo.loader import DEMO_ID, build_demo_folder
from tourbuilder.importing import import_tour
from tourbuilder.store import Store

from tests.samples import write_tiny_folder
from tests.signin import AppClient, make_user, sign_in

TEST_WIDTH = 1024
REPO = Path(__file__).resolve().parents[1]


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
def store(data_dir):
    s = Store(f"sqlite:///{data_dir / 'tourbuilder.sqlite3'}", data_dir / "media")
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
    store = Store(f"sqlite:///{data / 'tourbuilder.sqlite3'}", data / "media")
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
