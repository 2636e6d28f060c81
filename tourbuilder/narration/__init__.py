"""Narration: every scene and hotspot speaks, in each of the tour's languages.

Sources behind one interface (:class:`base.Source`), chosen per track and stored with it:
``recording`` (a person's voice, uploaded), ``gtts`` (online robot voice, not Mongolian),
``espeak`` (offline robot voice; Mongolian through piper-tts's espeak-ng data) and ``none``
(text and captions only). :func:`narrate_tour` makes the tracks that are out of date. See
README.md in this folder.
"""

from __future__ import annotations

from .base import EngineFailed, Made, NarrationError, NoVoice, Request, Source
from .recording import RecordingError
from .tracks import (ENGINE_CHOICES, FolderMedia, NarrateReport, StoreMedia, TrackReport, default_sources,
                     narrate_folder, narrate_stored, narrate_tour)

__all__ = [
    "ENGINE_CHOICES", "EngineFailed", "FolderMedia", "Made", "NarrateReport", "NarrationError", "NoVoice",
    "RecordingError", "Request", "Source", "StoreMedia", "TrackReport", "default_sources", "narrate_folder",
    "narrate_stored", "narrate_tour",
]
