"""A whole instance in one archive, and back: ``tourbuilder backup OUT`` / ``tourbuilder restore IN``.

The archive is a zip file::

    manifest.json                 format, version, when, the tables (columns, kinds, row counts)
                                  and every other member's sha256 and size
    database/<table>.jsonl        one JSON array per row, in the table's column order
    media/<aa>/<sha256>           the media files, by content (as in the data folder)
    secret_key                    the key that signs cookies (when the data folder keeps one)

What is in it: every table of the database (tours with all their revisions, users and their
password hashes, shares, comments, kept conflicts...) but the transient ones in
:data:`SKIPPED_TABLES` (jobs, sessions, sign-in attempts and links: after a restore everyone
signs in again), and every media file. The derived cache (panorama tiles, narration) is left
out: it is remade from the media on demand.

Consistency while the app runs: the database is read in one snapshot (SQLite: the online backup
API copies it in one step; other databases: one REPEATABLE READ transaction, rows exported
through SQLAlchemy, so the same code serves SQLite and PostgreSQL). The media are copied after
the snapshot: media files are never changed or deleted, and a revision is saved only after its
files are stored, so every file the snapshot's revisions name is there.

Restore makes the new data folder under a temporary name beside the target, checks every
member's sha256 against the manifest (and every media file's content against its name), loads
the rows, and only then renames the folder into place: an interrupted or failed restore leaves
the target as it was.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import pkgutil
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath
from typing import IO, Any, Iterator

from sqlalchemy import MetaData, Table, create_engine, func, select, text
from sqlalchemy.engine import Connection, Engine

from . import __version__, settings
from .files import atomic_output, is_temporary, replace_folder

FORMAT = "tourbuilder-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILE = "tourbuilder.sqlite3"
#: Rows that only matter while the app runs: not worth keeping, and some (sessions) better not.
SKIPPED_TABLES = frozenset({"jobs", "user_sessions", "login_attempts", "sign_in_tokens"})
#: Files of the data folder copied as they are (besides media/).
DATA_FILES = ("secret_key",)
CHUNK = 1 << 20
BATCH = 500
HEX = set("0123456789abcdef")


class BackupError(ValueError):
    """A backup or restore that cannot be done; the message says what was wrong and how to fix it."""


@dataclass
class BackupReport:
    path: Path
    tables: dict[str, int]
    media_files: int
    bytes: int
    #: media files whose content no longer matches their name (left out, named here)
    damaged: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    data: Path
    tables: dict[str, int]
    media_files: int


# --- backup --------------------------------------------------------------------------------------

def backup(values: dict, out: str | os.PathLike) -> BackupReport:
    """Write the instance described by ``values`` (tourbuilder.settings.resolve()) to the zip ``out``.

    Safe while the app runs: see the module's docstring."""
    data = Path(values["DATA"])
    url = values["DATABASE_URL"]
    out = Path(out).absolute()
    if not data.is_dir():
        raise BackupError(f"{data} is not a data folder: give the instance's folder with --data "
                          "(or TOURBUILDER_DATA)")
    files: dict[str, dict] = {}
    tables: dict[str, dict] = {}
    damaged: list[str] = []
    media_count = 0
    with atomic_output(out, mode=0o600) as stream, zipfile.ZipFile(stream, "w", allowZip64=True) as archive, \
            _snapshot(url, out.parent) as engine:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():  # one snapshot for every table
                for table in _reflect(connection).sorted_tables:
                    if table.name in SKIPPED_TABLES:
                        continue
                    name = f"database/{table.name}.jsonl"
                    kinds = [_kind(column) for column in table.columns]
                    with _member(archive, name, files, compress=True) as member:
                        count = _write_rows(connection, table, kinds, member)
                    tables[table.name] = {"file": name, "columns": [c.name for c in table.columns],
                                          "kinds": kinds, "rows": count}
        for path in _media_files(data / "media"):
            name = f"media/{path.parent.name}/{path.name}"
            with open(path, "rb") as source, _member(archive, name, files, compress=False) as member:
                shutil.copyfileobj(source, member, CHUNK)
            if files[name]["sha256"] != path.name:
                damaged.append(name)  # stored but flagged; restore refuses it (its name is a promise)
                files[name]["damaged"] = True
            media_count += 1
        for name in DATA_FILES:
            if (data / name).is_file():
                with open(data / name, "rb") as source, _member(archive, name, files, compress=True) as member:
                    shutil.copyfileobj(source, member)
        manifest = {
            "format": FORMAT, "version": VERSION, "tourbuilder": __version__,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "database": {"dialect": engine.dialect.name, "tables": tables},
            "files": files,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
    return BackupReport(path=out, tables={k: v["rows"] for k, v in tables.items()}, media_files=media_count,
                        bytes=out.stat().st_size, damaged=damaged)


class _snapshot:
    """An engine over a consistent copy (SQLite: the online backup API into a temporary file beside
    the archive) or over the database itself (others: the caller reads in one transaction)."""

    def __init__(self, url: str, scratch: Path):
        self.url, self.scratch = url, scratch
        self.folder: str | None = None
        self.engine: Engine | None = None

    def __enter__(self) -> Engine:
        path = _sqlite_path(self.url)
        if path is None:
            self.engine = create_engine(self.url)
            return self.engine
        if not path.is_file():
            raise BackupError(f"there is no database at {path}: is --data the instance's folder?")
        self.folder = tempfile.mkdtemp(dir=self.scratch, prefix=".backup-snapshot.staging-")
        copy = Path(self.folder) / DATABASE_FILE
        source = sqlite3.connect(path, timeout=30)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # one step (pages=-1): a consistent copy even while others write
        finally:
            target.close()
            source.close()
        self.engine = create_engine(f"sqlite:///{copy}")
        return self.engine

    def __exit__(self, *exc) -> None:
        if self.engine is not None:
            self.engine.dispose()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _reflect(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return metadata


def _kind(column) -> str:
    """How a column's values are written in JSON: plain, datetime, date or bytes (base64)."""
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return "plain"
    if issubclass(python_type, datetime):
        return "datetime"
    if issubclass(python_type, date):
        return "date"
    if issubclass(python_type, (bytes, bytearray, memoryview)):
        return "bytes"
    return "plain"


def _write_rows(connection: Connection, table: Table, kinds: list[str], member: IO[bytes]) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    count = 0
    result = connection.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for row in result:
        values = [_encode(value, kind) for value, kind in zip(row, kinds)]
        member.write(json.dumps(values, ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    return count


def _encode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("datetime", "date"):
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return value


def _media_files(root: Path) -> Iterator[Path]:
    """Every stored media file (``<aa>/<sha256>``), in order; temporary files are not media."""
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or len(folder.name) != 2 or is_temporary(folder.name):
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and len(path.name) == 64 and set(path.name) <= HEX:
                yield path


class _member:
    """A zip member being written, hashed on the way; its sha256 and size land in ``files``."""

    def __init__(self, archive: zipfile.ZipFile, name: str, files: dict, compress: bool):
        self.info = zipfile.ZipInfo(name, date_time=datetime.now(timezone.utc).timetuple()[:6])
        self.info.external_attr = 0o600 << 16
        self.info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        self.archive, self.name, self.files = archive, name, files
        self.hasher = hashlib.sha256()
        self.size = 0

    def __enter__(self) -> "_member":
        self.stream = self.archive.open(self.info, "w", force_zip64=True)
        return self

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        self.size += len(data)
        return self.stream.write(data)

    def __exit__(self, *exc) -> None:
        self.stream.close()
        self.files[self.name] = {"sha256": self.hasher.hexdigest(), "size": self.size}


# --- restore -------------------------------------------------------------------------------------

def restore(archive_path: str | os.PathLike, data: str | os.PathLike, *, database_url: str | None = None,
            force: bool = False) -> RestoreReport:
    """Restore the archive into the data folder ``data`` (made; it must be absent or empty unless
    ``force``). ``database_url``: another database than the data folder's SQLite file (it must be
    empty unless ``force``, which deletes its rows in the same transaction)."""
    archive_path = Path(archive_path)
    target = Path(data).absolute()
    if target.exists() and not target.is_dir():
        raise BackupError(f"{target} is a file: give a folder (new or empty) to restore into")
    if target.exists() and any(target.iterdir()) and not force:
        raise BackupError(f"{target} is not empty: restore into a new or empty folder, or add --force to "
                          "replace what is there (it is kept until the restore has succeeded, then deleted)")
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{archive_path} is not a tourbuilder backup ({exc}): give a file made by "
                          "`tourbuilder backup`") from None
    with archive:
        manifest = _read_manifest(archive, archive_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.staging-"))
        try:
            media = _extract_files(archive, manifest, stage, archive_path)
            external = database_url is not None and _sqlite_path(database_url) is None
            url = database_url if external else f"sqlite:///{stage / DATABASE_FILE}"
            if database_url is not None and not external:
                raise BackupError("restore a SQLite database into the data folder itself: leave the database "
                                  "URL at its default")
            counts = _load_database(archive, manifest, url, archive_path, force=force, empty_check=external)
            replace_folder(stage, target)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    return RestoreReport(data=target, tables=counts, media_files=media)


def _read_manifest(archive: zipfile.ZipFile, archive_path: Path) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(f"{archive_path} has no readable {MANIFEST}: it is not a tourbuilder backup, or "
                          "it was cut short (copy it again)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path} is not a tourbuilder backup (format {manifest.get('format')!r})")
    if manifest.get("version", 0) > VERSION:
        raise BackupError(f"{archive_path} was made by a newer tourbuilder ({manifest.get('tourbuilder')}, "
                          f"backup format {manifest['version']}): restore it with that version or later")
    names = set(archive.namelist())
    missing = sorted(set(manifest["files"]) - names)
    if missing:
        raise BackupError(f"{archive_path} is incomplete: {len(missing)} files of its manifest are missing "
                          f"(first: {missing[0]}); use another copy of the backup")
    for name in manifest["files"]:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or "\\" in name:
            raise BackupError(f"{archive_path}: entry '{name}' points outside the data folder")
    return manifest


def _verified(archive: zipfile.ZipFile, name: str, expected: dict, archive_path: Path,
              into: IO[bytes] | None = None) -> None:
    """Read the member ``name`` (copying it to ``into``) and check its sha256 and size."""
    hasher = hashlib.sha256()
    size = 0
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                hasher.update(chunk)
                size += len(chunk)
                if into is not None:
                    into.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # e.g. a CRC error
        raise BackupError(f"{archive_path}: {name} cannot be read ({exc}): the backup is damaged; "
                          "use another copy") from None
    if hasher.hexdigest() != expected["sha256"] or size != expected["size"]:
        raise BackupError(f"{archive_path}: {name} does not match its sha256 in the manifest: the backup is "
                          "damaged; use another copy")


def _extract_files(archive: zipfile.ZipFile, manifest: dict, stage: Path, archive_path: Path) -> int:
    media = 0
    for name, expected in manifest["files"].items():
        if name.startswith("database/"):
            _verified(archive, name, expected, archive_path)  # loaded from the archive later
            continue
        if name.startswith("media/"):
            if expected.get("damaged") or PurePosixPath(name).name != expected["sha256"]:
                raise BackupError(f"{archive_path}: {name} was already damaged when the backup was made (its "
                                  "content does not match its name): use an older backup, or add the file again")
            media += 1
        elif name not in DATA_FILES:
            continue  # something a later version adds: ignored
        target = stage.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            _verified(archive, name, expected, archive_path, into=out)
        if name in DATA_FILES:
            os.chmod(target, 0o600)
    return media


def _load_database(archive: zipfile.ZipFile, manifest: dict, url: str, archive_path: Path, *,
                   force: bool, empty_check: bool) -> dict[str, int]:
    metadata = schema_metadata()
    archived: dict[str, dict] = manifest["database"]["tables"]
    unknown = sorted(set(archived) - set(metadata.tables))
    if unknown:
        raise BackupError(f"{archive_path} holds tables this tourbuilder does not know ({', '.join(unknown)}): "
                          f"restore it with the version that made it ({manifest.get('tourbuilder')}) or later")
    engine = create_engine(url)
    try:
        metadata.create_all(engine)
        counts: dict[str, int] = {}
        with engine.begin() as connection:  # all rows or none
            if empty_check:
                _empty_or_forced(connection, metadata, force)
            for table in metadata.sorted_tables:
                if table.name in archived:
                    counts[table.name] = _insert_rows(connection, table, archived[table.name], archive, archive_path)
            if engine.dialect.name == "postgresql":
                _reset_sequences(connection, metadata)
    finally:
        engine.dispose()
    return counts


def _empty_or_forced(connection: Connection, metadata: MetaData, force: bool) -> None:
    filled = [t.name for t in metadata.sorted_tables
              if connection.scalar(select(func.count()).select_from(t)) and t.name not in SKIPPED_TABLES]
    if filled and not force:
        raise BackupError(f"the database is not empty (rows in {', '.join(filled)}): restore into an empty "
                          "database, or add --force to delete its rows in the same transaction")
    for table in reversed(metadata.sorted_tables):
        connection.execute(table.delete())


def _insert_rows(connection: Connection, table: Table, archived: dict, archive: zipfile.ZipFile,
                 archive_path: Path) -> int:
    columns, kinds = archived["columns"], archived["kinds"]
    extra = [c for c in columns if c not in table.columns]
    if extra:
        raise BackupError(f"{archive_path}: table {table.name} has columns this tourbuilder does not know "
                          f"({', '.join(extra)}): restore it with a version at least as new as the one that made it")
    count = 0
    batch: list[dict] = []
    with archive.open(archived["file"]) as stream:
        for line in stream:
            values = json.loads(line)
            batch.append({c: _decode(v, k) for c, v, k in zip(columns, values, kinds)})
            if len(batch) >= BATCH:
                connection.execute(table.insert(), batch)
                count += len(batch)
                batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    if count != archived["rows"]:
        raise BackupError(f"{archive_path}: table {table.name} holds {count} rows, its manifest says "
                          f"{archived['rows']}: the backup is damaged; use another copy")
    return count


def _reset_sequences(connection: Connection, metadata: MetaData) -> None:
    """Rows came with their ids: move each id sequence past the largest (PostgreSQL)."""
    for table in metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not keys[0].autoincrement or keys[0].type.python_type is not int:
            continue
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                     {"t": table.name, "c": keys[0].name})
        if sequence:
            connection.execute(text(f"SELECT setval(:s, COALESCE((SELECT MAX({keys[0].name}) FROM {table.name}), 0) + 1, "
                                    "false)"), {"s": sequence})


def schema_metadata() -> MetaData:
    """The app's tables: every module of tourbuilder that declares tables is imported, so tables
    other parts add (jobs, conflicts...) are known without a list to keep up to date."""
    from .store.db import Base

    for package in ("tourbuilder.store", "tourbuilder.accounts", "tourbuilder.app"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            _import_quietly(info.name)
    for info in pkgutil.iter_modules(importlib.import_module("tourbuilder").__path__, prefix="tourbuilder."):
        if not info.ispkg and info.name not in ("tourbuilder.wsgi", "tourbuilder.__main__"):
            _import_quietly(info.name)
    return Base.metadata


def _import_quietly(name: str) -> None:
    try:
        importlib.import_module(name)
    except ImportError:
        pass  # an optional part whose own dependency is missing declares no table we need


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def default_database_url(data: str | os.PathLike) -> str:
    """The database URL a data folder has when TOURBUILDER_DATABASE_URL is not set."""
    return settings._default_database({"DATA": str(Path(data).absolute())})
