"""Narration for the editor: speech made by a machine voice (a job), and a person's recording
(uploaded, checked and shaped at once), both answered as a track and its files.

Neither route edits the tour: the answer is ``{"track": NarrationTrack JSON, "media": {key:
MediaInfo}}``, which the editor puts into its document (``narration.tracks[lang]`` and
``media``) and saves like any other edit, so undo and conflicts work as usual. The files are in
the store already (content-addressed, so an undone track costs nothing). Tracks are made exactly
as ``tourbuilder narrate`` makes them (tourbuilder/narration): one MP3 (mono, 32 kbit/s), one
WebVTT file and the cues inline.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from flask import g, request
from flask_babel import gettext
from pydantic import BaseModel, Field

from ...accounts import Access
from ...jobs import Job, JobFailed, job_kind
from ...model import Cue, NarrationTrack
from ...model.tour import ROBOT_ENGINES
from ...narration import NarrationError, NoVoice, RecordingError, default_sources
from ...narration.base import Cache, EngineFailed, Made, Request, Source
from ...narration.captions import webvtt
from ...narration.recording import MAX_BYTES, check_upload
from ...narration.text import TextError, text_sha256
from ...narration.tracks import AUTO_ORDER, MEDIA_FOLDER, NOTES
from .. import get_store
from ..security import tour
from . import ApiError, bp, json_response, operation

#: Longer texts belong to several hotspots (and would keep a job busy for minutes).
MAX_TEXT = 5000
WHERE = r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)?$"
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


class SpeechIn(BaseModel):
    """Make a track of ``text`` in ``language`` with a machine voice."""

    text: str = Field(min_length=1, max_length=MAX_TEXT, description="The narration text of that language.")
    language: str = Field(pattern=LANGUAGE, description="A language of the tour, e.g. 'mn' or 'en'.")
    engine: Literal["auto", "gtts", "espeak"] = Field(
        default="auto", description="'gtts' (online, never Mongolian), 'espeak' (offline), or 'auto': "
        "gTTS where it has the language and answers, else espeak.")
    where: str | None = Field(default=None, pattern=WHERE, description="The scene id, or scene/hotspot: "
                              "names the files (optional).")


class JobOut(BaseModel):
    job: dict


class TrackOut(BaseModel):
    """A track for ``narration.tracks[lang]`` and the entries it needs in the document's ``media``."""

    track: dict
    media: dict[str, dict]


def _engine_choice(engine: str, language: str) -> None:
    """Refuse at once a voice that cannot speak the language (never another language's voice)."""
    sources = default_sources()
    names = AUTO_ORDER if engine == "auto" else (engine,)
    reasons = []
    for name in names:
        try:
            sources[name].voice(language)
            return
        except NoVoice as exc:
            reasons.append(str(exc))
    raise ApiError(422, gettext("No voice here speaks this language (%(reasons)s): record it instead.",
                                reasons="; ".join(reasons)), [{"path": "language", "message": reasons[0]}])


def _file_keys(where: str | None, language: str, made: Made) -> tuple[str | None, str]:
    """Media keys of the track's files: by place when given (as `narrate` names them), else by content."""
    stem = where or hashlib.sha256(made.mp3 or repr(made.cues).encode("utf-8")).hexdigest()[:16]
    audio = f"{MEDIA_FOLDER}/{stem}.{language}.mp3" if made.mp3 is not None else None
    return audio, f"{MEDIA_FOLDER}/{stem}.{language}.vtt"


def store_track(store, source: Source, made: Made, text: str, language: str, where: str | None) -> dict:
    """Put the track's files in the store; return the TrackOut body (as tracks._store does for narrate)."""
    audio_key, captions_key = _file_keys(where, language, made)
    vtt = webvtt(made.cues, lang=language, note=NOTES.get(source.name)).encode("utf-8")
    media = {captions_key: {"sha256": store.media.add_bytes(vtt), "type": "text/vtt", "size": len(vtt)}}
    if audio_key is not None:
        media[audio_key] = {"sha256": store.media.add_bytes(made.mp3), "type": "audio/mpeg", "size": len(made.mp3)}
    track = NarrationTrack(
        engine=source.name, robot=source.name in ROBOT_ENGINES, voice=made.voice, audio=audio_key,
        captions=captions_key, duration=made.duration, text_sha256=text_sha256(text) if text.strip() else None,
        timing=made.timing, cues=[Cue(**c) for c in made.cues],
        words=[Cue(**w) for w in made.words] if made.words else None)
    return {"track": track.model_dump(mode="json", exclude_none=True), "media": media}


# --- speech: a job -----------------------------------------------------------------------

@job_kind("narration-speech")
def run_speech(job: Job) -> dict:
    """Speak the text with the chosen engine (auto: gTTS, then espeak) and store the track's files."""
    params = job.params
    text, language, engine = params["text"], params["language"], params["engine"]
    sources = default_sources()
    cache = Cache(Path(job.store.derived_root) / "narration")
    names = AUTO_ORDER if engine == "auto" else (engine,)
    reasons = []

    def progress(done: int, total: int) -> None:
        job.progress(0.05 + 0.85 * done / max(total, 1), f"sentence {done} of {total}")

    for name in names:
        source = sources[name]
        try:
            source.voice(language)
            job.progress(0.05, name)
            made = source.make(Request(text, language), cache, progress=progress)
        except NoVoice as exc:
            reasons.append(str(exc))
            continue
        except EngineFailed as exc:
            reasons.append(str(exc))
            if engine == "auto":
                continue
            raise JobFailed(f"{exc}: try again later, or choose espeak") from None
        except (NarrationError, TextError) as exc:
            raise JobFailed(str(exc)) from None
        job.progress(0.95, "saving")
        return store_track(job.store, source, made, text, language, params.get("where"))
    raise JobFailed(f"no voice could speak it ({'; '.join(reasons)}): record it instead")


@bp.post("/tours/<tour_id>/narration/speech")
@tour(Access.EDIT)
@operation("Make a narration track with a machine voice (a job)", request=SpeechIn, response=JobOut,
           status=202, errors=(400, 422), tags=("narration",),
           description="The job's result is {track, media}: put the track into narration.tracks[language] "
                       "and the media entries into the document's media, then save. Robot voices are drafts.")
def speech(tour_id: str, body: SpeechIn):
    from .jobs import job_json
    from . import get_jobs

    _engine_choice(body.engine, body.language)
    job = get_jobs().submit("narration-speech", body.model_dump(), tour_id=tour_id, user_id=g.user.id)
    return json_response({"job": job_json(job)}, 202)


# --- a person's recording: at once ---------------------------------------------------------

@bp.post("/tours/<tour_id>/narration/recording")
@tour(Access.EDIT)
@operation("Upload a person's recording as a narration track", response=TrackOut, status=201,
           errors=(400, 413, 415, 422), tags=("narration",),
           form={"file": "the recording: mp3, wav, ogg, flac, m4a or webm, at most 50 MB, 0.5 s to 15 min",
                 "language": "the track's language", "text": "the narration text it speaks (for the captions)",
                 "where": "scene id or scene/hotspot (optional: names the files)"},
           description="The sound is checked (format from its bytes, not damaged, not silent), trimmed, "
                       "evened out and encoded as MP3; the captions' times are estimated from its pauses.")
def recording(tour_id: str):
    upload = request.files.get("file")
    language = (request.form.get("language") or "").strip()
    text = request.form.get("text") or ""
    where = (request.form.get("where") or "").strip() or None
    problems = []
    if upload is None:
        problems.append({"path": "file", "message": gettext("Choose a sound file, or record one.")})
    if not _matches(LANGUAGE, language):
        problems.append({"path": "language", "message": gettext("Give the track's language, e.g. mn or en.")})
    if where is not None and not _matches(WHERE, where):
        problems.append({"path": "where", "message": gettext("Give a scene id, or scene/hotspot.")})
    if len(text) > MAX_TEXT:
        problems.append({"path": "text", "message": gettext("The text is longer than %(n)s characters: "
                                                            "split it across hotspots.", n=MAX_TEXT)})
    if problems:
        raise ApiError(400 if upload is None else 422, gettext("The recording cannot be used: fix the problems "
                                                               "listed."), problems)
    name = Path(upload.filename or "recording").name or "recording"
    data = upload.read(MAX_BYTES + 1)
    try:
        check_upload(data, name)
    except RecordingError as exc:
        status = 413 if len(data) > MAX_BYTES else 415 if data else 422
        raise ApiError(status, str(exc), [{"path": "file", "message": str(exc)}]) from None
    source = default_sources()["recording"]
    try:
        made = source.make(Request(text, language, data, name), Cache(None))
    except (NarrationError, TextError) as exc:
        raise ApiError(422, str(exc), [{"path": "file", "message": str(exc)}]) from None
    return json_response(store_track(get_store(), source, made, text, language, where), 201)


def _matches(pattern: str, value: str) -> bool:
    import re

    return re.match(pattern, value) is not None
