"""Backup and restore of a whole instance: the real commands, real SQLite, real files."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile

import pytest
from pathlib import Path

from sqlalchemy import MetaData, create_engine, select

from tourbuilder.app import create_app
from tourbuilder.backup import SKIPPED_TABLES
from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.store import Store

from tests import pg
from tests.signin import AppClient, sign_in

DATABASE_URL_ENV = "TOURBUILDER_DATABASE_URL"
#: On a PostgreSQL run these tests restore into SQLite on purpose (a backup moves between databases).
into_sqlite = pytest.mark.filterwarnings("ignore::tests.pg.StraySQLite")


def _sqlite(data: Path) -> str:
    return f"sqlite:///{data / 'tourbuilder.sqlite3'}"


def _rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table kept by a backup, in primary-key order."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {t.name: [tuple(r) for r in connection.execute(
                select(t).order_by(*(t.primary_key.columns or t.columns)))]
                for t in metadata.sorted_tables if t.name not in SKIPPED_TABLES}
    finally:
        engine.dispose()


def _media(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (data / "media").rglob("*") if p.is_file()}


def _build_instance(app) -> None:
    """The demo tour with several revisions, users, shares and comments."""
    store = app.extensions["tourbuilder.store"]
    accounts = app.extensions["tourbuilder.accounts"]
    tuya = accounts.create_user("tuya", "tuya's long password", role="author", language="mn")
    bold = accounts.create_user("bold", "bold's long password", role="reviewer", language="en")
    accounts.create_user("admin", "the admin's long password", role="admin")
    accounts.share(DEMO_ID, tuya.id, owner=True)
    accounts.share(DEMO_ID, bold.id)
    accounts.add_comment(DEMO_ID, bold, "Сайн байна уу: the mill scene is too dark")
    for number in range(3):
        tour = store.get_tour(DEMO_ID)
        tour.title["en"] = f"Mercury-free gold processing, take {number}"
        store.save_tour(tour, author="tuya", message=f"edit {number}")
    extra = store.media.add_bytes(b"a file only an old revision used")
    assert store.media.has(extra)


@into_sqlite
def test_round_trip_keeps_everything(app, data_dir, database_url, tmp_path, runner, monkeypatch):
    """Backed up from the test's database (SQLite, or PostgreSQL on a --database postgresql run),
    restored into a new data folder with its SQLite database."""
    _build_instance(app)
    store = app.extensions["tourbuilder.store"]
    archive = tmp_path / "backups" / "instance.zip"
    result = runner.invoke("backup", "--data", data_dir, archive)
    assert result.exit_code == 0, result.stderr
    assert archive.is_file() and "media files" in result.stderr

    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        for name, entry in manifest["files"].items():  # the manifest's hashes are the members'
            assert hashlib.sha256(zipped.read(name)).hexdigest() == entry["sha256"], name
        assert not any(n.startswith("database/user_sessions") for n in zipped.namelist())

    restored = tmp_path / "elsewhere" / "data"
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    result = runner.invoke("restore", "--data", restored, archive)
    assert result.exit_code == 0, result.stderr

    assert _rows(_sqlite(restored)) == _rows(database_url)
    assert _media(restored) == _media(data_dir)
    assert (restored / "secret_key").read_text() == (data_dir / "secret_key").read_text()
    copy = Store(f"sqlite:///{restored / 'tourbuilder.sqlite3'}", restored / "media")
    try:
        assert [r.number for r in copy.revisions(DEMO_ID)] == [r.number for r in store.revisions(DEMO_ID)] == [1, 2, 3, 4]
        for number in (1, 2, 4):
            assert copy.get_tour(DEMO_ID, number) == store.get_tour(DEMO_ID, number)
        tour = copy.get_tour(DEMO_ID)
        for info in tour.media.values():  # every file of the tour, byte for byte
            assert hashlib.sha256(copy.media.read_bytes(info.sha256)).hexdigest() == info.sha256
        # The restored store goes on: the next save is revision 5.
        assert copy.save_tour(tour, author="tuya", message="after the restore") == 5
    finally:
        copy.close()

    restored_app = create_app({"DATA": str(restored), "TESTING": True, "ARGON2_PROFILE": "CHEAPEST"})
    restored_app.test_client_class = AppClient
    try:
        client = restored_app.test_client()
        sign_in(client, "tuya", "tuya's long password")
        page = client.get("/")
        assert page.status_code == 200 and "take 2" in page.get_data(as_text=True)
        refused = restored_app.test_client().post("/login", data={"name": "bold", "password": "wrong password"})
        assert refused.status_code != 302
        sign_in(restored_app.test_client(), "bold", "bold's long password")
        accounts = restored_app.extensions["tourbuilder.accounts"]
        assert [c.text for c in accounts.comments(DEMO_ID)] == ["Сайн байна уу: the mill scene is too dark"]
        assert {(s.user.name, s.owner) for s in accounts.shares(DEMO_ID)} >= {("tuya", True), ("bold", False)}
    finally:
        restored_app.extensions["tourbuilder.store"].close()


@into_sqlite
def test_restore_refuses_a_folder_in_use_and_a_damaged_archive(app, data_dir, tmp_path, runner, monkeypatch):
    archive = tmp_path / "instance.zip"
    assert runner.invoke("backup", "--data", data_dir, archive).exit_code == 0
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)  # restore into new folders' SQLite

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    result = runner.invoke("restore", "--data", busy, archive)
    assert result.exit_code == 2
    assert "is not empty" in result.stderr and "--force" in result.stderr
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]
    assert runner.invoke("restore", "--data", busy, archive, "--force").exit_code == 0
    assert not (busy / "notes.txt").exists() and (busy / "tourbuilder.sqlite3").is_file()

    # One media file's bytes changed inside the archive: the restore is refused and makes nothing.
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as copy:
        media = sorted(n for n in source.namelist() if n.startswith("media/"))
        for info in source.infolist():
            data = source.read(info)
            if info.filename == media[0]:
                data = bytes([data[0] ^ 1]) + data[1:]
            copy.writestr(info, data)
    target = tmp_path / "from-damaged"
    result = runner.invoke("restore", "--data", target, damaged)
    assert result.exit_code == 2
    assert media[0] in result.stderr and "damaged" in result.stderr
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".from-damaged")]

    not_a_backup = tmp_path / "photo.zip"
    not_a_backup.write_bytes(b"not a zip")
    result = runner.invoke("restore", "--data", tmp_path / "x", not_a_backup)
    assert result.exit_code == 2 and "not a tourbuilder backup" in result.stderr


@into_sqlite
def test_backup_while_saving_is_consistent(app, data_dir, tmp_path, runner, monkeypatch):
    """Saves keep coming while the backup runs: the archive holds a snapshot whose revisions are
    complete and numbered without gaps, and whose media are all there."""
    store = app.extensions["tourbuilder.store"]
    stop = threading.Event()
    saved = []

    def keep_saving():
        while not stop.is_set():
            tour = store.get_tour(DEMO_ID)
            key = f"media/note-{len(saved)}.txt"
            digest = store.media.add_bytes(f"note {len(saved)}".encode())
            tour.media[key] = tour.media[next(iter(tour.media))].model_copy(
                update={"sha256": digest, "size": len(f"note {len(saved)}")})
            saved.append(store.save_tour(tour, author="writer"))

    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        archives = []
        for number in range(3):
            archives.append(tmp_path / f"during-{number}.zip")
            assert runner.invoke("backup", "--data", data_dir, archives[-1]).exit_code == 0
    finally:
        stop.set()
        writer.join()
    assert len(saved) > 1
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    for number, archive in enumerate(archives):
        restored = tmp_path / f"restored-{number}"
        assert runner.invoke("restore", "--data", restored, archive).exit_code == 0
        copy = Store(f"sqlite:///{restored / 'tourbuilder.sqlite3'}", restored / "media")
        try:
            numbers = [r.number for r in copy.revisions(DEMO_ID)]
            assert numbers == list(range(1, len(numbers) + 1))
            for revision in numbers:
                for info in copy.get_tour(DEMO_ID, revision).media.values():
                    assert copy.media.has(info.sha256)
        finally:
            copy.close()


def test_restore_into_postgresql(app, data_dir, database_url, tmp_path, runner, monkeypatch):
    """Into an empty PostgreSQL database (TOURBUILDER_DATABASE_URL): rows, then ids that go on."""
    databases = pg.postgres()
    if databases is None:
        pytest.skip("a PostgreSQL run only (pytest --database postgresql)")
    _build_instance(app)
    archive = tmp_path / "instance.zip"
    assert runner.invoke("backup", "--data", data_dir, archive).exit_code == 0
    name, url = databases.create()
    try:
        monkeypatch.setenv(DATABASE_URL_ENV, url)
        restored = tmp_path / "restored"
        result = runner.invoke("restore", "--data", restored, archive)
        assert result.exit_code == 0, result.stderr
        assert _rows(url) == _rows(database_url)
        again = runner.invoke("restore", "--data", tmp_path / "other", archive)
        assert again.exit_code == 2 and "database is not empty" in again.stderr
        assert runner.invoke("restore", "--data", tmp_path / "other", archive, "--force").exit_code == 0
        restored_app = create_app({"DATA": str(restored), "TESTING": True, "ARGON2_PROFILE": "CHEAPEST"})
        try:
            accounts = restored_app.extensions["tourbuilder.accounts"]
            newcomer = accounts.create_user("newcomer", "a new long password", role="author")
            assert newcomer.id > max(u.id for u in accounts.users() if u.name != "newcomer")
            accounts.add_comment(DEMO_ID, newcomer, "after the restore")
        finally:
            restored_app.extensions["tourbuilder.store"].close()
    finally:
        databases.drop(name)
