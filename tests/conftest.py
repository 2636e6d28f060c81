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
    app = create_app({"DATA": str(data_dir), "EXPORT_DIR": str(tmp_path / "export"), "TESTING": True})
    yield app
    app.extensions["tourbuilder.store"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    """Runs the real `tourbuilder` command in-process and returns click's Result."""
    from click.testing import CliRunner

    from tourbuilder.cli import cli

    class Runner:
        def invoke(self, *args: str):
            return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return Runner()


def minimal_document(**changes) -> dict:
    """A small valid tour document; keyword arguments replace top-level keys."""
    doc = {
        "schema_version": 1,
        "id": "tiny",
        "title": {"mn": "Жижиг аялал", "en": "Tiny tour"},
        "languages": ["mn", "en"],
        "start_scene": "yard",
        "scenes": {
            "yard": {
                "title": {"mn": "Хашаа", "en": "Yard"},
                "panorama": "media/yard.jpg",
                "hotspots": [
                    {"id": "to-hall", "kind": "scene", "yaw": 90, "pitch": 0,
                     "title": {"mn": "Танхим руу", "en": "To the hall"}, "target": "hall"},
                ],
            },
            "hall": {
                "title": {"mn": "Танхим", "en": "Hall"},
                "panorama": "media/hall.jpg",
                "hotspots": [
                    {"id": "back", "kind": "scene", "yaw": -90, "pitch": 0,
                     "title": {"mn": "Буцах", "en": "Back"}, "target": "yard"},
                    {"id": "quiz", "kind": "quiz", "yaw": 0, "pitch": -10,
                     "title": {"mn": "Сорил", "en": "Quiz"}, "quiz": "final"},
                ],
            },
        },
        "quizzes": {
            "final": {
                "title": {"mn": "Сорил", "en": "Quiz"},
                "questions": [{
                    "id": "q1", "kind": "single", "prompt": {"mn": "Мөнгөн ус аюултай юу?", "en": "Is mercury dangerous?"},
                    "choices": [
                        {"id": "yes", "text": {"mn": "Тийм", "en": "Yes"}, "correct": True},
                        {"id": "no", "text": {"mn": "Үгүй", "en": "No"}},
                    ],
                }],
            }
        },
        "completion": {"rule": "quiz", "quiz": "final", "pass_mark": 80},
    }
    doc.update(changes)
    return doc
