"""Make a tour's narration tracks: only those whose text, language or engine changed.

For every narration (a scene's, a hotspot's) and every language with text, the track is:

- **unchanged** when its engine is the one asked for, it was made from the same text and its
  files are there (``--force`` makes it again anyway);
- **made** (again) otherwise, by the track's engine, or for a new track (``--engine auto``) by the
  best source that speaks the language: gTTS when the language has a gTTS voice and gTTS answers,
  else espeak-ng, else an error that says how to add a voice (never another language's voice);
- a **recording** is never replaced by a machine voice; when its text changed since it was
  recorded, it is reported as out of date.

A failure on one track is reported and leaves that track as it was (its previous audio stays);
the other tracks are made and saved. Files go to the store (content-addressed) or, for a tour
folder, under ``media/narration/`` (written only when the whole run is done).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import yaml

from ..files import atomic_write_bytes
from ..model import (SCHEMA_VERSION, Cue, MediaInfo, Narration, NarrationTrack, Tour, TourError, dump_tour,
                     iter_media_refs, iter_narrations, load_tour)
from ..model.tour import ROBOT_ENGINES
from .base import Cache, EngineFailed, Made, NarrationError, NoVoice, Request, Source
from .captions import webvtt
from .espeak import Espeak
from .gtts import GoogleTTS
from .none import NoSound
from .recording import Recording
from .text import TextError, text_sha256

ENGINE_CHOICES = ("auto", "gtts", "espeak", "none")
#: The order ``auto`` tries for a new track.
AUTO_ORDER = ("gtts", "espeak")
MEDIA_FOLDER = "media/narration"


def default_sources() -> dict[str, Source]:
    """Fresh sources for one run (gTTS remembers within a run that it is unreachable)."""
    return {"recording": Recording(), "gtts": GoogleTTS(), "espeak": Espeak(), "none": NoSound()}


# --- where files go ------------------------------------------------------

class MediaSink(Protocol):
    def read(self, key: str) -> bytes: ...
    def write(self, key: str, data: bytes, type: str) -> MediaInfo: ...
    def commit(self) -> None: ...


class StoreMedia:
    """The store's content-addressed files: a write is safe at once (nothing refers to it yet)."""

    def __init__(self, media, tour: Tour):
        self.media = media
        self.tour = tour

    def read(self, key: str) -> bytes:
        return self.media.read_bytes(self.tour.media[key].sha256)

    def write(self, key: str, data: bytes, type: str) -> MediaInfo:
        return MediaInfo(sha256=self.media.add_bytes(data), type=type, size=len(data))

    def commit(self) -> None:
        pass


class FolderMedia:
    """A tour folder's files: new files are kept in memory and written by commit()."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.pending: dict[str, bytes] = {}

    def read(self, key: str) -> bytes:
        return self.pending.get(key) or (self.root / key).read_bytes()

    def write(self, key: str, data: bytes, type: str) -> MediaInfo:
        self.pending[key] = data
        return MediaInfo(sha256=hashlib.sha256(data).hexdigest(), type=type, size=len(data))

    def commit(self) -> None:
        for key, data in self.pending.items():
            atomic_write_bytes(self.root / key, data)
        self.pending.clear()


# --- the report ----------------------------------------------------------

@dataclass
class TrackReport:
    where: str        # "mill" or "mill/jaw-crusher"
    lang: str
    status: str       # made | unchanged | failed | missing | removed | outdated
    engine: str | None = None
    robot: bool = False
    has_audio: bool = False
    duration: float | None = None
    message: str = ""

    @property
    def kind(self) -> str:
        """robot voice | recording | captions only | missing."""
        if self.engine is None or (self.engine != "none" and not self.has_audio):
            return "missing"
        if self.engine == "recording":
            return "recording"
        if self.engine == "none":
            return "captions only"
        return "robot voice"


@dataclass
class NarrateReport:
    tour: Tour
    tracks: list[TrackReport] = field(default_factory=list)
    changed: bool = False

    def count(self, **wanted) -> int:
        return sum(all(getattr(t, k) == v for k, v in wanted.items()) for t in self.tracks)

    @property
    def failed(self) -> list[TrackReport]:
        return [t for t in self.tracks if t.status == "failed"]

    def summary(self) -> str:
        kinds = [t.kind for t in self.tracks if t.status != "removed"]
        made = self.count(status="made")
        parts = [f"{len(kinds)} tracks", f"{made} made", f"{self.count(status='unchanged')} unchanged"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        parts += [f"{kinds.count('robot voice')} robot voices", f"{kinds.count('recording')} recordings",
                  f"{kinds.count('captions only')} captions only", f"{kinds.count('missing')} missing"]
        return ", ".join(parts)


# --- planning and making -------------------------------------------------

@dataclass
class _Job:
    place: str
    where: str
    narration: Narration
    lang: str
    text: str
    engine: str | None            # None: auto
    recording: tuple[bytes, str] | None = None


def where_of(place: str) -> str:
    """'scenes.mill.narration' -> 'mill'; 'scenes.mill.hotspots.crusher.narration' -> 'mill/crusher'."""
    parts = place.split(".")
    return parts[1] if len(parts) == 3 else f"{parts[1]}/{parts[3]}"


def media_key(where: str, lang: str, suffix: str) -> str:
    return f"{MEDIA_FOLDER}/{where}.{lang}{suffix}"


def narrate_tour(tour: Tour, media: MediaSink, *, languages: list[str] | None = None, engine: str = "auto",
                 force: bool = False, cache_root: str | Path | None = None,
                 recordings: dict[tuple[str, str], tuple[bytes, str]] | None = None,
                 sources: dict[str, Source] | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> NarrateReport:
    """Bring the tour's tracks up to date; return the new tour (a copy) and what happened.

    ``recordings`` maps (where, language) to (file bytes, file name): a person's take for that track.
    """
    if engine not in ENGINE_CHOICES:
        raise NarrationError(f"unknown engine '{engine}': choose one of {', '.join(ENGINE_CHOICES)}")
    languages = list(languages or tour.languages)
    unknown = [lang for lang in languages if lang not in tour.languages]
    if unknown:
        raise NarrationError(f"the tour has no language {', '.join(unknown)}: "
                             f"its languages are {', '.join(tour.languages)}")
    sources = {**default_sources(), **(sources or {})}
    tour = tour.model_copy(deep=True)
    report = NarrateReport(tour)
    recordings = dict(recordings or {})
    places = {where_of(place): (place, narration) for place, narration in iter_narrations(tour)}
    for where, lang in recordings:
        if where not in places:
            raise NarrationError(f"no narration text at '{where}': give a scene id or scene/hotspot "
                                 "with narration text")
        if lang not in tour.languages:
            raise NarrationError(f"'{where}:{lang}': the tour has no language '{lang}'")

    jobs = _plan(tour, report, places, languages, engine, force, recordings)
    cache = Cache(cache_root)
    replaced: set[str] = set()
    for index, job in enumerate(jobs):
        if progress:
            progress(index, len(jobs), f"{job.where} {job.lang}")
        old = job.narration.tracks.get(job.lang)
        try:
            source, made, notes = _make(job, sources, cache, force, media)
            track = _store(job, source, made, media, tour)
        except Exception as exc:  # one track's failure never stops the others
            problem = str(exc) if isinstance(exc, (NarrationError, TextError)) else (
                f"could not be made ({type(exc).__name__}: {exc})")
            report.tracks.append(_reported(job, old, "failed", problem + (
                " (the previous audio is kept)" if old is not None and old.audio else "")))
            continue
        if old is not None:
            replaced.update(k for k in (old.audio, old.captions) if k)
        job.narration.tracks[job.lang] = track
        report.changed = True
        report.tracks.append(_reported(job, track, "made", "; ".join(notes + made.notes)))
    if progress:
        progress(len(jobs), len(jobs), "")
    _forget_unused_media(tour, replaced)
    tour.media = dict(sorted(tour.media.items()))
    if report.changed:
        media.commit()
    try:
        report.tour = load_tour(dump_tour(tour), source=tour.id)
    except TourError as exc:  # pragma: no cover - every track is built through the model
        raise NarrationError(f"the narrated tour is not valid: {exc}") from None
    return report


def _plan(tour: Tour, report: NarrateReport, places, languages, engine, force, recordings) -> list[_Job]:
    jobs = []
    for where, (place, narration) in places.items():
        for lang in tour.languages:
            text = narration.text.get(lang, "").strip()
            track = narration.tracks.get(lang)
            if (where, lang) in recordings:  # a take given for this track: always used
                jobs.append(_Job(place, where, narration, lang, text, "recording", recordings[(where, lang)]))
                continue
            if lang not in languages:
                continue
            if not text:
                if track is not None and track.engine == "recording":
                    report.tracks.append(_reported_track(
                        where, lang, "outdated", track, tour,
                        "this recording has no text any more: write the text, or remove the track"))
                elif track is not None:
                    del narration.tracks[lang]
                    report.changed = True
                    report.tracks.append(TrackReport(where, lang, "removed", track.engine, track.robot,
                                                     message="no text in this language: track removed"))
                continue
            if track is not None and track.engine == "recording":
                if track.audio and (track.duration is None or track.captions is None):
                    # An author's file not yet shaped (e.g. from a version-1 tour): shape and caption it.
                    jobs.append(_Job(place, where, narration, lang, text, "recording",
                                     (None, track.audio)))  # type: ignore[arg-type]
                    continue
                outdated = track.text_sha256 is not None and track.text_sha256 != text_sha256(text)
                message = ("the text changed since it was recorded: record it again" if outdated else
                           "a person's recording: kept" if engine != "auto" else "")
                report.tracks.append(_reported_track(where, lang, "outdated" if outdated else "unchanged",
                                                     track, tour, message))
                continue
            wanted = engine if engine != "auto" else (track.engine if track is not None else None)
            if force or track is None or _stale(track, wanted, text, tour):
                jobs.append(_Job(place, where, narration, lang, text, wanted))
            else:
                report.tracks.append(_reported_track(where, lang, "unchanged", track, tour))
    return jobs


def _stale(track: NarrationTrack, wanted: str | None, text: str, tour: Tour) -> bool:
    if wanted is not None and track.engine != wanted:
        return True
    if track.text_sha256 != text_sha256(text) or track.duration is None or track.captions not in tour.media:
        return True
    return track.engine != "none" and track.audio not in tour.media


def _make(job: _Job, sources: dict[str, Source], cache: Cache, force: bool,
          media: MediaSink) -> tuple[Source, Made, list[str]]:
    if job.engine == "recording":
        data, name = job.recording
        if data is None:  # an existing file of the track
            try:
                data = media.read(name)
            except (OSError, KeyError):
                raise NarrationError(f"the recording {name} is missing: upload it again") from None
        if not job.text:
            raise NarrationError(f"there is no {job.lang} text at {job.where}: write the text first "
                                 "(the captions are made from it)")
        request = Request(job.text, job.lang, data, Path(name).name)
        return sources["recording"], sources["recording"].make(request, cache, fresh=force), []
    request = Request(job.text, job.lang)
    if job.engine is not None:
        source = sources[job.engine]
        return source, source.make(request, cache, fresh=force), []
    # auto: the best source that speaks the language and answers
    reasons, notes = [], []
    for name in AUTO_ORDER:
        source = sources[name]
        try:
            source.voice(job.lang)
        except NoVoice as exc:
            reasons.append(str(exc))
            continue
        try:
            made = source.make(request, cache, fresh=force)
        except EngineFailed as exc:
            reasons.append(str(exc))
            notes.append(f"{name} failed ({exc}); used the next voice")
            continue
        return source, made, notes
    raise NoVoice(f"no voice speaks '{job.lang}' here ({'; '.join(reasons)}): record it "
                  "(--recording), or choose --engine none for text and captions only")


NOTES = {
    "gtts": "robot voice (gTTS): a draft until a person records this text",
    "espeak": "robot voice (espeak-ng): a draft until a person records this text",
    "none": "no sound: text and captions only",
    "recording": "a person's recording; cue times estimated from its pauses",
}


def _store(job: _Job, source: Source, made: Made, media: MediaSink, tour: Tour) -> NarrationTrack:
    """Write the track's files and return the track; the tour's media table changes only when
    everything is written and the track is valid (so a failure leaves the old track whole)."""
    audio_key = media_key(job.where, job.lang, ".mp3") if made.mp3 is not None else None
    captions_key = media_key(job.where, job.lang, ".vtt")
    track = NarrationTrack(
        engine=source.name, robot=source.name in ROBOT_ENGINES, voice=made.voice, audio=audio_key,
        captions=captions_key, duration=made.duration, text_sha256=text_sha256(job.text),
        timing=made.timing, cues=[Cue(**c) for c in made.cues],
        words=[Cue(**w) for w in made.words] if made.words else None,
    )
    vtt = webvtt(made.cues, lang=job.lang, note=NOTES.get(source.name)).encode("utf-8")
    written = {captions_key: media.write(captions_key, vtt, "text/vtt")}
    if audio_key is not None:
        written[audio_key] = media.write(audio_key, made.mp3, "audio/mpeg")
    tour.media.update(written)
    return track


def _reported(job: _Job, track: NarrationTrack | None, status: str, message: str = "") -> TrackReport:
    if track is None:
        return TrackReport(job.where, job.lang, "failed" if status == "failed" else "missing", message=message)
    return TrackReport(job.where, job.lang, status, track.engine, track.robot, bool(track.audio),
                       track.duration, message)


def _reported_track(where, lang, status, track: NarrationTrack, tour: Tour, message: str = "") -> TrackReport:
    present = bool(track.audio) and track.audio in tour.media
    return TrackReport(where, lang, status, track.engine, track.robot, present, track.duration, message)


def _forget_unused_media(tour: Tour, replaced: set[str]) -> None:
    """Drop media entries that were narration files and are no longer referred to."""
    used = {key for _, key in iter_media_refs(tour)}
    for key in list(tour.media):
        if key not in used and (key in replaced or key.startswith(f"{MEDIA_FOLDER}/")):
            del tour.media[key]


# --- stored tours and tour folders ------------------------------------------

def narrate_folder(root: str | Path, **options) -> NarrateReport:
    """Narrate a tour folder in place: files under media/narration/, changed scene files rewritten."""
    from ..tourfolder import TOUR_FILE, read_folder

    root = Path(root)
    before = read_folder(root).tour
    report = narrate_tour(before, FolderMedia(root), **options)
    head_text = (root / TOUR_FILE).read_text(encoding="utf-8")
    head = yaml.safe_load(head_text)
    old_version = head.get("schema_version")
    upgrade = old_version != SCHEMA_VERSION
    if not report.changed:
        return report
    after = dump_tour(report.tour)
    previous = dump_tour(before)
    for ident, scene in after["scenes"].items():
        if upgrade or scene != previous["scenes"].get(ident):
            atomic_write_bytes(root / "scenes" / f"{ident}.yaml", _yaml_text(scene).encode("utf-8"))
    if upgrade:
        for ident, quiz in after.get("quizzes", {}).items():
            atomic_write_bytes(root / "quizzes" / f"{ident}.yaml", _yaml_text(quiz).encode("utf-8"))
        # Only the version line changes in tour.yaml (its comments stay).
        bumped = re.sub(r"(?m)^schema_version:\s*\d+\s*$", f"schema_version: {SCHEMA_VERSION}", head_text, count=1)
        atomic_write_bytes(root / TOUR_FILE, bumped.encode("utf-8"))
    return report


def _yaml_text(data: dict) -> str:
    # The style of tourfolder.write_folder, so a folder narrated and one exported look alike.
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def narrate_stored(store, tour_id: str, *, author: str = "tourbuilder narrate",
                   **options) -> tuple[NarrateReport, int | None]:
    """Narrate a stored tour; save a new revision when a track changed. Returns (report, revision)."""
    latest = store.revisions(tour_id)[-1].number
    tour = store.get_tour(tour_id, latest)
    report = narrate_tour(tour, StoreMedia(store.media, tour), **options)
    if not report.changed:
        return report, None
    made = report.count(status="made")
    revision = store.save_tour(report.tour, author=author, expected_revision=latest,
                               message=f"narration: {made} track{'s' if made != 1 else ''} made")
    return report, revision

