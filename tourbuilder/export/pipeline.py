"""Export as a readable pipeline: load, validate, prepare media, render, package.

Each stage is a function; a target (web, scorm12, ...) supplies the render stage.
Nothing is written at ``out`` until the whole export has succeeded: the files
are made in a staging folder beside it and moved into place at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from ..check import Finding, check_tour, has_errors
from ..files import fsync_folder, replace_folder
from ..model import Tour, TourError
from ..panorama.pipeline import PanoramaCache
from ..panorama.scenes import panorama_cache, prepare_panoramas
from ..store import Store, StoreError
from ..tourfolder import read_folder

EXPORT_MARKER = ".tourbuilder-export"
# Already compressed: deflating them again costs time and saves nothing.
STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".mp3", ".mp4", ".m4a", ".ogg", ".opus", ".webm", ".zip"}


class ExportError(RuntimeError):
    pass


@dataclass
class Source:
    """A tour, where its media files lie (the store's files, or a tour folder's), and where
    the files made from them are cached."""

    tour: Tour
    media_path: Callable[[str], Path]
    origin: str
    panoramas: PanoramaCache = field(default_factory=panorama_cache)


class Target(Protocol):
    name: str
    help: str

    def render(self, source: Source, stage: Path) -> None:
        """Write every file of the export into ``stage``."""


@dataclass
class ExportReport:
    out: Path
    format: str
    files: int
    bytes: int
    findings: list[Finding] = field(default_factory=list)


# --- stage 1: load -------------------------------------------------------

def load_source(reference: str, store: Store | None) -> Source:
    """``reference`` is a tour folder's path or a stored tour's id."""
    path = Path(reference)
    cache = panorama_cache(store)
    if path.is_dir():
        folder = read_folder(path)
        return Source(folder.tour, folder.media_path, str(path), cache)
    if store is not None and store.has_tour(reference):
        tour = store.get_tour(reference)
        return Source(tour, lambda key: store.media.path(tour.media[key].sha256), f"stored tour {reference}", cache)
    if os.sep in reference or reference.startswith("."):
        raise ExportError(f"{reference} is not a folder: give a tour folder or a stored tour's id")
    raise StoreError(f"no stored tour '{reference}' and no folder of that name: "
                     "`tourbuilder list` shows the stored tours")


# --- stage 2: validate ---------------------------------------------------

def validate(source: Source, strict: bool = False) -> list[Finding]:
    findings = check_tour(source.tour)
    if has_errors(findings, strict):
        problems = [str(f) for f in findings if f.level == "error" or strict]
        raise TourError(problems, source.origin)
    return findings


# --- stage 3: prepare media ----------------------------------------------

def copy_panoramas(source: Source, stage: Path, folder: str = "panoramas") -> dict[str, dict]:
    """Run (or reuse) the panorama pipeline for every scene and copy its preview and tiles.

    Returns, per panorama media key, what the player needs (URLs relative to the page).
    """
    described: dict[str, dict] = {}
    for scene_id, result in prepare_panoramas(source.tour, source.media_path, source.panoramas).items():
        manifest = result.manifest
        base = f"{folder}/{manifest['source']['sha256'][:20]}"
        target = stage / base
        if not target.exists():
            shutil.copytree(result.folder, target, ignore=shutil.ignore_patterns("manifest.json", "thumbnail.jpg"))
        described[source.tour.scenes[scene_id].panorama] = {
            "placeholder": manifest["placeholder"],
            "preview": f"{base}/{manifest['preview']}",
            "tile_size": manifest["tile_size"],
            "faces": manifest["faces"],
            "levels": manifest["levels"],
            "tile_path": f"{base}/{manifest['tile_path']}",
        }
    return described


def copy_media(source: Source, stage: Path, folder: str = "media", skip: set[str] = frozenset()) -> dict[str, str]:
    """Copy each media file (but those in ``skip``) under a content-addressed name; return key -> relative URL."""
    urls: dict[str, str] = {}
    (stage / folder).mkdir(parents=True, exist_ok=True)
    for key, info in source.tour.media.items():
        if key in skip:
            continue
        name = f"{folder}/{info.sha256[:20]}{Path(key).suffix.lower()}"
        target = stage / name
        if not target.exists():
            shutil.copyfile(source.media_path(key), target)
        urls[key] = name
    return urls


# --- stage 5: package ----------------------------------------------------

def package(stage: Path, out: Path) -> None:
    """Move the staged files to ``out``: a .zip file, or a folder."""
    if out.suffix.lower() == ".zip":
        _write_zip(stage, out)
    else:
        _replace_folder(stage, out)


def _write_zip(stage: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with open(tmp_name, "r+b") as stream, zipfile.ZipFile(stream, "w") as archive:
            for path in sorted(p for p in stage.rglob("*") if p.is_file()):
                name = path.relative_to(stage).as_posix()
                if name == EXPORT_MARKER:
                    continue
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = (zipfile.ZIP_STORED if path.suffix.lower() in STORED_SUFFIXES
                                      else zipfile.ZIP_DEFLATED)
                with open(path, "rb") as data, archive.open(info, "w") as entry:
                    shutil.copyfileobj(data, entry, 1 << 20)
            archive.close()  # writes the central directory, then the bytes go to the disk
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp_name, out)  # a complete zip under its name, or none
        fsync_folder(out.parent)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def _replace_folder(stage: Path, out: Path) -> None:
    if out.exists():
        if not out.is_dir():
            raise ExportError(f"{out} exists and is not a folder: choose another --out")
        if any(out.iterdir()) and not (out / EXPORT_MARKER).exists():
            raise ExportError(f"{out} is not empty and was not made by tourbuilder: choose an empty or new folder")
    (stage / EXPORT_MARKER).write_text("Made by tourbuilder export; may be replaced by the next export.\n")
    replace_folder(stage, out)


# --- the whole pipeline --------------------------------------------------

def run_export(source: Source, target: Target, out: Path, *, strict: bool = False) -> ExportReport:
    findings = validate(source, strict)
    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.staging-"))
    try:
        target.render(source, stage)
        files = [p for p in stage.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        package(stage, out)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    if out.is_file():
        size = out.stat().st_size
    return ExportReport(out=out, format=target.name, files=len(files), bytes=size, findings=findings)
