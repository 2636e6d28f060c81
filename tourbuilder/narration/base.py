"""The one interface every narration source has, and what all synthesized voices share.

A source (``recording``, ``gtts``, ``espeak``, ``none``) says whether it can speak a language
(:meth:`Source.voice`, which raises :class:`NoVoice` otherwise: never a wrong voice) and makes a
track from a text (:meth:`Source.make`), returning a :class:`Made`: MP3 bytes (or none), duration,
one cue per sentence, how the cues were timed. The batch in :mod:`.tracks` stores the files,
the track data and the report.

A synthesized voice (:class:`Synthesizer`) only has to speak one sentence
(:meth:`Synthesizer.speak`): sentences are spoken one at a time, trimmed, joined with a pause,
evened out in loudness and encoded, so every cue's time is measured, not guessed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..files import atomic_write_bytes
from .audio import Speech, encode_mp3, join, mp3_duration, normalise_loudness, trim
from .captions import cue
from .text import split_sentences

#: Changes when the shaping below changes, so cached tracks are made again.
PIPELINE_VERSION = "1"
#: Silence between sentences, and kept before and after each sentence's sound.
SENTENCE_GAP = 0.45
SENTENCE_MARGIN = 0.04


class NarrationError(ValueError):
    """A track that cannot be made; the message names the problem and the fix."""


class NoVoice(NarrationError):
    """This source has no voice for this language (it is never given another language's)."""


class EngineFailed(NarrationError):
    """The source was unavailable this time (no network, a server error, a timeout)."""


@dataclass
class Request:
    """What a track is made from: the text, its language, and for a recording the file."""

    text: str
    lang: str
    recording: bytes | None = None
    recording_name: str = "the recording"


@dataclass
class Made:
    mp3: bytes | None
    duration: float
    cues: list[dict]
    timing: str  # "synthesis" | "estimated"
    voice: str | None = None
    words: list[dict] | None = None
    notes: list[str] = field(default_factory=list)


class Cache:
    """Files made from content, by a hash of what made them: safe to delete, remade on demand."""

    def __init__(self, root: str | Path | None):
        self.root = Path(root) if root else None

    @staticmethod
    def key(*parts: object) -> str:
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()

    def _path(self, kind: str, key: str, suffix: str) -> Path | None:
        return self.root / kind / key[:2] / f"{key}{suffix}" if self.root else None

    def get(self, kind: str, key: str, suffix: str) -> bytes | None:
        path = self._path(kind, key, suffix)
        return path.read_bytes() if path is not None and path.is_file() else None

    def put(self, kind: str, key: str, suffix: str, data: bytes) -> None:
        path = self._path(kind, key, suffix)
        if path is not None:
            atomic_write_bytes(path, data)


class Source:
    """A narration source. Subclasses set ``name``, ``robot`` and implement voice() and make()."""

    name = "source"
    robot = False
    #: Shown to authors in reports.
    label = ""

    def voice(self, lang: str) -> str | None:
        """The voice used for ``lang``; raises NoVoice when there is none."""
        raise NotImplementedError

    def make(self, request: Request, cache: Cache, *, fresh: bool = False) -> Made:
        raise NotImplementedError


class Synthesizer(Source):
    """A machine voice: subclasses implement ``speak`` (one sentence) and ``identity``."""

    robot = True

    def identity(self, lang: str) -> str:
        """What makes the sound differ: program, version, voice, settings (part of cache keys)."""
        raise NotImplementedError

    def speak(self, sentence: str, lang: str, cache: Cache, *, fresh: bool = False) -> Speech:
        raise NotImplementedError

    def make(self, request: Request, cache: Cache, *, fresh: bool = False,
             progress: Callable[[int, int], None] | None = None) -> Made:
        voice = self.voice(request.lang)
        sentences = split_sentences(request.text)
        if not sentences:
            raise NarrationError("the text is empty: write the narration first")
        key = Cache.key("track", PIPELINE_VERSION, self.identity(request.lang), sentences)
        if not fresh:
            cached = cache.get("tracks", key, ".json")
            mp3 = cache.get("tracks", key, ".mp3")
            if cached is not None and mp3 is not None:
                meta = json.loads(cached)
                return Made(mp3, meta["duration"], meta["cues"], "synthesis", voice)
        parts = []
        for index, sentence in enumerate(sentences):
            spoken = trim(self.speak(sentence, request.lang, cache, fresh=fresh), SENTENCE_MARGIN)
            if not len(spoken.samples):
                raise EngineFailed(f"{self.name} made no sound for the sentence “{sentence[:60]}”")
            parts.append(spoken)
            if progress:
                progress(index + 1, len(sentences))
        whole, spans = join(parts, SENTENCE_GAP)
        mp3 = encode_mp3(normalise_loudness(whole))
        duration = round(mp3_duration(mp3), 3)  # as a player plays it (the encoder adds a little)
        cues = [cue(start, end, sentence) for sentence, (start, end) in zip(sentences, spans)]
        cache.put("tracks", key, ".mp3", mp3)
        cache.put("tracks", key, ".json", json.dumps({"duration": duration, "cues": cues},
                                                     ensure_ascii=False).encode("utf-8"))
        return Made(mp3, duration, cues, "synthesis", voice)
