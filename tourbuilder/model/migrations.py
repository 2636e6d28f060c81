"""Bring a stored or hand-written tour document up to the current schema version.

Each step turns version N into N+1 and is registered in ``STEPS[N]``. When the
format changes: bump ``SCHEMA_VERSION`` in :mod:`.tour`, add the step here, and
add a fixture of the old version under ``tests/fixtures/migrations/``.
"""

from __future__ import annotations

import copy
from typing import Callable

from .errors import TourError
from .richtext import paragraphs_html
from .tour import SCHEMA_VERSION

Step = Callable[[dict], dict]


def _narration_tracks(document: dict) -> dict:
    """1 -> 2: ``narration.audio`` (language -> media key) became ``narration.tracks`` (language ->
    track: engine, audio, captions, duration, cues...). A version-1 file is an author's file, so it
    becomes a recording; `tourbuilder narrate` later measures it and makes its captions."""

    def convert(narration):
        if not isinstance(narration, dict) or "audio" not in narration:
            return
        audio = narration.pop("audio")
        if isinstance(audio, dict) and audio:
            narration["tracks"] = {lang: {"engine": "recording", "audio": key} for lang, key in audio.items()}
        elif not isinstance(audio, dict):
            narration["audio"] = audio  # not a mapping: leave it for validation to name

    scenes = document.get("scenes")
    if isinstance(scenes, dict):
        for scene in scenes.values():
            if not isinstance(scene, dict):
                continue
            convert(scene.get("narration"))
            spots = scene.get("hotspots")
            for spot in spots if isinstance(spots, list) else []:
                if isinstance(spot, dict):
                    convert(spot.get("narration"))
    return document


def _rich_info_texts(document: dict) -> dict:
    """2 -> 3: an info hotspot's ``text`` was plain text (a blank line started a paragraph) and is
    now rich text (an HTML subset): each paragraph becomes a ``<p>``, a single line break a
    ``<br>``, and ``<``, ``>`` and ``&`` are escaped, so the text reads exactly as before."""
    scenes = document.get("scenes")
    for scene in scenes.values() if isinstance(scenes, dict) else []:
        spots = scene.get("hotspots") if isinstance(scene, dict) else None
        for spot in spots if isinstance(spots, list) else []:
            if not isinstance(spot, dict) or spot.get("kind") != "info" or not isinstance(spot.get("text"), dict):
                continue
            spot["text"] = {lang: paragraphs_html(value) if isinstance(value, str) else value
                            for lang, value in spot["text"].items()}
    return document


#: version N -> function that returns the document in version N+1
STEPS: dict[int, Step] = {
    1: _narration_tracks,
    2: _rich_info_texts,
}


def migrate(document: dict, steps: dict[int, Step] | None = None, current: int = SCHEMA_VERSION) -> dict:
    """Return a copy of ``document`` in the current version; the input is left untouched."""
    steps = STEPS if steps is None else steps
    if not isinstance(document, dict):
        raise TourError([f"a tour document is a mapping of keys to values, not {type(document).__name__}"])
    version = document.get("schema_version")
    if version is None:
        raise TourError([f"schema_version is missing: add 'schema_version: {current}' at the top"])
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TourError([f"schema_version {version!r} is not a version number (1, 2, ...)"])
    if version > current:
        raise TourError([
            f"schema_version {version} is newer than this tourbuilder understands ({current}): "
            "upgrade tourbuilder to open it"
        ])
    document = copy.deepcopy(document)
    while version < current:
        if version not in steps:
            raise TourError([f"no migration from schema_version {version}: this version was never released"])
        document = steps[version](document)
        version += 1
        document["schema_version"] = version
    return document
