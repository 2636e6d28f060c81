"""Bring a tour folder (or a zip of one) into the store: media first, then the document."""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from .model import Tour, TourError
from .panorama.scenes import panorama_cache, prepare_panoramas
from .store import Store
from .tourfolder import TOUR_FILE, read_folder

MAX_ZIP_FILES = 10_000
MAX_ZIP_BYTES = 4 * 1024**3


def import_tour(store: Store, path: str | Path, *, author: str | None = None) -> tuple[Tour, int]:
    """Import a tour folder or .zip; return the tour and its new revision number."""
    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="tourbuilder-import-") as tmp:
            return _import_folder(store, _unpack(path, Path(tmp)), author)
    if path.is_dir():
        return _import_folder(store, path, author)
    if path.exists():
        raise TourError([f"{path} is neither a tour folder nor a .zip of one"])
    raise TourError([f"{path} does not exist"])


def _import_folder(store: Store, folder: Path, author: str | None) -> tuple[Tour, int]:
    read = read_folder(folder)
    prepare_panoramas(read.tour, read.media_path, panorama_cache(store))
    for key, info in read.tour.media.items():
        digest, _ = store.media.add_file(read.media_path(key))
        if digest != info.sha256:
            raise TourError([f"{key} changed while it was being imported: import again"], str(folder))
    revision = store.save_tour(read.tour, author=author, message=f"imported from {folder.name}")
    return read.tour, revision


def _unpack(archive: Path, into: Path) -> Path:
    """Extract safely: no absolute paths, no '..', no links, bounded size and count."""
    with zipfile.ZipFile(archive) as zipped:
        members = zipped.infolist()
        if len(members) > MAX_ZIP_FILES:
            raise TourError([f"{archive.name} holds {len(members)} files; at most {MAX_ZIP_FILES} are accepted"])
        if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
            raise TourError([f"{archive.name} unpacks to more than {MAX_ZIP_BYTES // 1024**3} GB"])
        for member in members:
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                raise TourError([f"{archive.name}: entry '{member.filename}' points outside the tour folder"])
            if stat.S_ISLNK(member.external_attr >> 16):
                raise TourError([f"{archive.name}: entry '{member.filename}' is a link; links are not accepted"])
            target = into.joinpath(*name.parts)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as data, open(target, "wb") as out:
                shutil.copyfileobj(data, out, 1 << 20)
    if (into / TOUR_FILE).is_file():
        return into
    tops = [p for p in into.iterdir() if not p.name.startswith(".")]
    if len(tops) == 1 and (tops[0] / TOUR_FILE).is_file():
        return tops[0]
    raise TourError([f"{archive.name} has no {TOUR_FILE} at its top (or in its one top folder)"])
