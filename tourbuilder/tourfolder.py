"""The tour folder: a tour a person can write by hand, and its round trip.

    tour.yaml               schema_version, id, title, description, languages,
                            start_scene, scenes: [ids in order], quizzes: [ids], completion
    scenes/<scene-id>.yaml  one scene (title, panorama, pose, initial_view, hotspots, narration)
    quizzes/<quiz-id>.yaml  one quiz (title, questions)
    media/...               the files the tour uses, referred to by their path from the folder root

``read_folder`` and ``write_folder`` are inverse: writing a tour and reading it
back gives the same document. The ``media`` table of the document is derived
from the files (sha256, type, size) and is never written by hand.
"""

from __future__ import annotations

import mimetypes
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from .model import MediaInfo, Tour, TourError, dump_tour, iter_media_refs, load_tour
from .files import atomic_write_bytes, sha256_file
from .uploads import UploadError, check_upload

TOUR_FILE = "tour.yaml"
#: The largest tour.yaml, scene or quiz file read (a scene with word timings is well under 1 MB).
MAX_YAML_BYTES = 10 * 1024 * 1024
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
KNOWN_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".tif": "image/tiff", ".tiff": "image/tiff", ".mp3": "audio/mpeg", ".ogg": "audio/ogg",
    ".opus": "audio/ogg", ".wav": "audio/wav", ".m4a": "audio/mp4", ".mp4": "video/mp4",
    ".webm": "video/webm", ".vtt": "text/vtt",
}


@dataclass
class FolderTour:
    """A tour read from a folder, with where each media file lies."""

    tour: Tour
    root: Path

    def media_path(self, key: str) -> Path:
        return self.root / key


def media_type(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return KNOWN_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is a regular file of the folder itself: no link on the way, not outside."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a link loop
        return False
    return root in resolved.parents and resolved == root / path.relative_to(root) and resolved.is_file()


def _read_yaml(path: Path, root: Path) -> dict:
    where = path.relative_to(root).as_posix()
    if not path.exists() and not path.is_symlink():
        raise TourError([f"{where} does not exist"], str(root))
    if not _inside(path, root):
        raise TourError([f"{where} must be a regular file inside the tour folder (not a link)"], str(root))
    if path.stat().st_size > MAX_YAML_BYTES:
        raise TourError([f"{where} is larger than {MAX_YAML_BYTES // 1024 // 1024} MB: a tour file is "
                         "text only (media files go under media/)"], str(root))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TourError([f"{where} is not UTF-8 text: save it as UTF-8"], str(root)) from None
    try:
        data = yaml.safe_load(text)  # safe_load only: no Python objects from a tour file
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TourError([f"{where}{line}: not valid YAML ({problem})"], str(root)) from None
    except RecursionError:
        raise TourError([f"{where}: nested too deeply to be a tour file"], str(root)) from None
    if not isinstance(data, dict):
        raise TourError([f"{where}: expected keys and values at the top, found {type(data).__name__}"], str(root))
    _refuse_aliases(data, where, root)
    return data


def _refuse_aliases(data, where: str, root: Path) -> None:
    """YAML aliases (*name) make one list or mapping appear in many places: a few lines can
    stand for billions of entries ("billion laughs"). A tour file has no use for them."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)):
            if id(node) in seen:
                raise TourError([f"{where}: uses a YAML alias (*name) for a list or mapping: write the "
                                 "text out in full instead"], str(root))
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)


def _listed_ids(head: dict, key: str, root: Path) -> list[str]:
    ids = head.get(key, [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise TourError([f"{TOUR_FILE}: '{key}' must be a list of ids, e.g. [ore-arrival, mill]"], str(root))
    return ids


_SECTION_PLACE = re.compile(r"\b(scenes|quizzes)\.([a-z0-9][a-z0-9_-]*)")


def _place_to_file(problem: str) -> str:
    """Prefix a problem with the file a person opens to fix it."""
    match = _SECTION_PLACE.search(problem)
    where = f"{match.group(1)}/{match.group(2)}.yaml" if match else TOUR_FILE
    return f"{where}: {problem}"


def read_folder(root: str | os.PathLike, *, max_file_mb: float | None = None) -> FolderTour:
    """Read and validate a tour folder; every problem found is reported at once.

    Only regular files inside the folder are read (no links); YAML with ``safe_load`` and no
    aliases; every media file is checked by its content (:func:`tourbuilder.uploads.check_upload`,
    at most ``max_file_mb`` each, default the MAX_UPLOAD_MB default)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise TourError([f"{root} is not a folder: give the folder that holds {TOUR_FILE}"])
    head = _read_yaml(root / TOUR_FILE, root)
    if "media" in head:
        raise TourError([f"{TOUR_FILE}: remove 'media': it is made from the files under media/"], str(root))
    document = dict(head)
    problems: list[str] = []
    for section in ("scenes", "quizzes"):
        ids = _listed_ids(head, section, root)
        document[section] = {}
        for ident in ids:
            if not isinstance(ident, str) or not _ID.match(ident):
                problems.append(f"{TOUR_FILE}: {ident!r} in {section} is not an id (lower-case letters, "
                                "digits, '-' and '_', at most 64)")
                continue
            if ident in document[section]:
                problems.append(f"{TOUR_FILE}: {section} lists '{ident}' twice")
                continue
            path = root / section / f"{ident}.yaml"
            if not path.is_file() and not path.is_symlink():
                problems.append(f"{TOUR_FILE}: {section} lists '{ident}' but {section}/{ident}.yaml does not exist")
                continue
            document[section][ident] = _read_yaml(path, root)
        folder = root / section
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                if path.stem not in ids:
                    problems.append(f"{section}/{path.name} is not listed in {TOUR_FILE} '{section}': "
                                    "add its id there or delete the file")
    if problems:
        raise TourError(problems, str(root))
    document["media"] = {}
    try:
        tour = load_tour(document)
    except TourError as exc:
        raise TourError([_place_to_file(p) for p in exc.problems], str(root)) from None
    tour.media = _describe_media(tour, root, max_file_mb)
    return FolderTour(tour, root)


def _describe_media(tour: Tour, root: Path, max_file_mb: float | None = None) -> dict[str, MediaInfo]:
    problems: list[str] = []
    media: dict[str, MediaInfo] = {}
    for place, key in iter_media_refs(tour):
        if key in media:
            continue
        path = root / key
        try:
            resolved = path.resolve(strict=True)
        except FileNotFoundError:
            problems.append(f"{place}: file {key} does not exist in the tour folder")
            continue
        except (OSError, RuntimeError):  # a link loop, a name too long, a folder where a file is expected
            problems.append(f"{place}: {key} cannot be read as a file of the tour folder")
            continue
        if not _inside(path, root):
            problems.append(f"{place}: {key} must be a regular file inside the tour folder (not a link)")
            continue
        try:  # by content, not by name: a .jpg that is a page or a script is refused
            checked = check_upload(resolved, key, max_mb=max_file_mb)
        except UploadError as exc:
            problems.append(f"{place}: {exc}")
            continue
        media[key] = MediaInfo(sha256=sha256_file(resolved), type=checked.type, size=checked.size)
    if problems:
        raise TourError([_place_to_file(p) for p in problems], str(root))
    return dict(sorted(media.items()))


def _yaml_text(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def write_folder(tour: Tour, media_path: Callable[[str], Path], out: str | os.PathLike) -> list[Path]:
    """Write ``tour`` as a tour folder into ``out`` (which must exist); return the files written."""
    out = Path(out)
    document = dump_tour(tour)
    scenes = document.pop("scenes")
    quizzes = document.pop("quizzes", {})
    document.pop("media", None)
    head = {}
    for key, value in document.items():
        head[key] = value
        if key == "start_scene":
            head["scenes"] = list(scenes)
            head["quizzes"] = list(quizzes)
    written = []

    def write(relative: str, text: str) -> None:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, text.encode("utf-8"))
        written.append(path)

    write(TOUR_FILE, _yaml_text(head))
    for ident, scene in scenes.items():
        write(f"scenes/{ident}.yaml", _yaml_text(scene))
    for ident, quiz in quizzes.items():
        write(f"quizzes/{ident}.yaml", _yaml_text(quiz))
    for key in tour.media:
        target = out / key
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(media_path(key), tmp)
        os.replace(tmp, target)
        written.append(target)
    return written
