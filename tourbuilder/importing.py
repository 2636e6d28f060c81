"""Bring a tour folder (or a zip of one) into the store: media first, then the document."""

from __future__ import annotations

import re
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .model import Tour, TourError
from .panorama.scenes import panorama_cache, prepare_panoramas
from .store import Store
from .tourfolder import TOUR_FILE, read_folder

MAX_ZIP_FILES = 10_000
MAX_ZIP_BYTES = 4 * 1024**3
#: An entry larger than MAX_ZIP_RATIO_FROM bytes may unpack to at most MAX_ZIP_RATIO times its
#: packed size (photos and sound barely compress; text compresses ~5-10 times).
MAX_ZIP_RATIO = 100
MAX_ZIP_RATIO_FROM = 1024 * 1024


def import_tour(store: Store, path: str | Path, *, author: str | None = None,
                max_file_mb: float | None = None) -> tuple[Tour, int]:
    """Import a tour folder or .zip; return the tour and its new revision number.

    Raises :class:`TourError` for anything wrong with what is imported (see :func:`_unpack` for
    zips; every media file is checked by content, at most ``max_file_mb`` each: pass the
    MAX_UPLOAD_MB setting). Nothing is stored unless the whole tour is good."""
    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="tourbuilder-import-") as tmp:
            return _import_folder(store, _unpack(path, Path(tmp)), author, max_file_mb)
    if path.is_dir():
        return _import_folder(store, path, author, max_file_mb)
    if path.exists():
        raise TourError([f"{path} is neither a tour folder nor a .zip of one"])
    raise TourError([f"{path} does not exist"])


def _import_folder(store: Store, folder: Path, author: str | None,
                   max_file_mb: float | None = None) -> tuple[Tour, int]:
    read = read_folder(folder, max_file_mb=max_file_mb)
    prepare_panoramas(read.tour, read.media_path, panorama_cache(store))
    for key, info in read.tour.media.items():
        digest, _ = store.media.add_file(read.media_path(key))
        if digest != info.sha256:
            raise TourError([f"{key} changed while it was being imported: import again"], str(folder))
    revision = store.save_tour(read.tour, author=author, message=f"imported from {folder.name}")
    return read.tour, revision


def _unpack(archive: Path, into: Path) -> Path:
    """Extract a tour zip into the empty folder ``into`` and return the tour folder in it.

    Nothing is written outside ``into``: entries with absolute paths, drive letters, '..',
    backslashes or control characters are refused, as are links and other special files
    (``external_attr``), encrypted entries, the same name twice (also differing only in case),
    a name that is both a file and a folder, more than MAX_ZIP_FILES entries, more than
    MAX_ZIP_BYTES unpacked, or an entry that unpacks to over MAX_ZIP_RATIO times its packed
    size (a zip bomb). The bytes are counted while they are written, whatever the zip claims.
    """
    where = archive.name
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            plan = _plan(members, where)
            written = 0
            for member, parts in plan:
                target = into.joinpath(*parts)
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as data, open(target, "xb") as out:
                    written = _copy_bounded(data, out, member, written, where)
    except zipfile.BadZipFile as exc:
        raise TourError([f"{where} is not a readable zip ({exc}): make the zip again"]) from None
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression method, encryption
        raise TourError([f"{where}: cannot be unpacked ({exc}): make the zip again with ordinary compression"]) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise TourError([f"{where}: cannot be unpacked ({exc}): make the zip again"]) from None
    if (into / TOUR_FILE).is_file():
        return into
    tops = [p for p in into.iterdir() if not p.name.startswith(".")]
    if len(tops) == 1 and (tops[0] / TOUR_FILE).is_file():
        return tops[0]
    raise TourError([f"{where} has no {TOUR_FILE} at its top (or in its one top folder)"])


def _plan(members: list[zipfile.ZipInfo], where: str) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """Check every entry's name and kind before anything is written; return (entry, path parts)."""
    if len(members) > MAX_ZIP_FILES:
        raise TourError([f"{where} holds {len(members)} files; at most {MAX_ZIP_FILES} are accepted"])
    if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
        raise TourError([f"{where} unpacks to more than {MAX_ZIP_BYTES // 1024**3} GB"])
    plan = []
    files: dict[str, str] = {}  # case-folded path -> name as written
    folders: set[str] = set()
    for member in members:
        name = member.filename
        refuse = _name_problem(name)
        if refuse:
            raise TourError([f"{where}: entry {name!r} {refuse}"])
        mode = member.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise TourError([f"{where}: entry {name!r} is a link; links are not accepted"])
        if mode and stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise TourError([f"{where}: entry {name!r} is not a file or a folder"])
        if member.flag_bits & 0x1:
            raise TourError([f"{where}: entry {name!r} is encrypted: make the zip without a password"])
        if (member.file_size > MAX_ZIP_RATIO_FROM
                and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1)):
            raise TourError([f"{where}: entry {name!r} unpacks to {member.file_size // (1024 * 1024)} MB from "
                             f"{member.compress_size} bytes; that is a zip bomb, not a tour"])
        parts = tuple(p for p in PurePosixPath(name).parts if p != ".")
        if not parts:
            continue  # the zip's own root folder entry
        key = "/".join(parts).casefold()
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth]).casefold()
            if folder in files:
                raise TourError([f"{where}: {files[folder]!r} is both a file and a folder"])
            folders.add(folder)
        if member.is_dir():
            if key in files:
                raise TourError([f"{where}: {files[key]!r} is both a file and a folder"])
            folders.add(key)
        else:
            if key in files:
                raise TourError([f"{where}: {name!r} is in the zip twice (or twice in different case): "
                                 "keep one"])
            if key in folders:
                raise TourError([f"{where}: {name!r} is both a file and a folder"])
            files[key] = name
        plan.append((member, parts))
    return plan


_DRIVE = re.compile(r"^[A-Za-z]:")


def _name_problem(name: str) -> str | None:
    """Why a zip entry's name cannot be unpacked inside the target, or None."""
    if not name:
        return "has no name"
    if name.startswith("/") or _DRIVE.match(name):
        return "is an absolute path; it must stay inside the tour folder"
    if "\\" in name:
        return "contains '\\' (a Windows path); it must use '/'"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        return "contains a control character"
    parts = PurePosixPath(name).parts
    if ".." in parts:
        return "points outside the tour folder ('..')"
    if len(name.encode("utf-8", "surrogateescape")) > 1024 or any(
            len(p.encode("utf-8", "surrogateescape")) > 255 for p in parts):
        return "is too long a path (at most 255 bytes a name, 1024 a path)"
    return None


def _copy_bounded(data, out, member: zipfile.ZipInfo, written: int, where: str) -> int:
    """Copy one entry, counting the bytes against what it claims and the total limit."""
    size = 0
    while chunk := data.read(1 << 20):
        size += len(chunk)
        written += len(chunk)
        if size > member.file_size or written > MAX_ZIP_BYTES:
            raise TourError([f"{where}: entry {member.filename!r} unpacks to more than it claims: "
                             "the zip is damaged or a zip bomb"])
        out.write(chunk)
    return written
