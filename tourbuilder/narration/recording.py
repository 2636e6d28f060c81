"""A person's recording: checked, trimmed, evened out and encoded like every other track.

Accepted: MP3, WAV, Ogg (Vorbis or Opus), FLAC, and with Debian's ffmpeg installed M4A (AAC; a
phone's voice memo) and WebM (a browser's recorder). The container is read from the file's first
bytes, never trusted from its name. Refused, with the problem and the fix: files over
:data:`MAX_BYTES`, shorter than :data:`MIN_SECONDS` or longer than :data:`MAX_SECONDS` of sound,
damaged or cut-short files, and silence.

Shaping: the silence before and after is cut, pauses longer than a second are shortened, the
loudness is evened out (slow gain within ±6 dB, then the whole to -20 dBFS with a soft ceiling),
and the result is encoded as mono MP3 at 32 kbit/s. The sentences' cues are estimated: placed by
their length and moved to the nearest pause in the speech (``timing: estimated``).
"""

from __future__ import annotations

from .audio import (AudioError, Speech, check_complete, declared_duration, decode, encode_mp3, is_silent,
                    level_out, mp3_duration, normalise_loudness, pauses, shorten_pauses, sniff, trim)
from .base import Cache, Made, NarrationError, Request, Source
from .captions import spread_cues
from .text import split_sentences

MAX_BYTES = 50 * 1024 * 1024
MIN_SECONDS = 0.5
MAX_SECONDS = 15 * 60
FORMATS = "mp3, wav, ogg, m4a"


class RecordingError(NarrationError):
    """An upload that is not a usable recording; the message names the file, problem and fix."""


def check_upload(data: bytes, name: str) -> str:
    """Refuse what is plainly not a recording before decoding it; return its container."""
    if len(data) > MAX_BYTES:
        raise RecordingError(f"{name} is {len(data) / 1e6:.0f} MB; at most {MAX_BYTES // (1024 * 1024)} MB "
                             "is accepted: record a shorter take, or save it as mp3")
    if not data:
        raise RecordingError(f"{name} is empty: record it again")
    kind = sniff(data)
    if kind is None:
        raise RecordingError(f"{name} is not a sound file tourbuilder reads ({FORMATS}): "
                             "save or export it as one of those")
    return kind


def prepare(data: bytes, name: str) -> Speech:
    """Decode and shape an uploaded recording; RecordingError when it cannot be used."""
    check_upload(data, name)
    try:
        check_complete(data, name)
        declared = declared_duration(data)  # refuse a long file before decoding all of it
        if declared is not None and declared > MAX_SECONDS:
            raise _too_long(name, declared)
        speech = decode(data, name)
    except AudioError as exc:
        raise RecordingError(str(exc)) from None
    if speech.duration > MAX_SECONDS:
        raise _too_long(name, speech.duration)
    if is_silent(speech):
        raise RecordingError(f"{name} is silent: check the microphone and record it again")
    shaped = shorten_pauses(trim(speech, 0.15))
    if shaped.duration < MIN_SECONDS:
        raise RecordingError(f"{name} holds {shaped.duration:.1f} s of sound; at least {MIN_SECONDS} s is "
                             "needed: record the whole text")
    return normalise_loudness(level_out(shaped))


def _too_long(name: str, seconds: float) -> RecordingError:
    return RecordingError(f"{name} lasts {seconds / 60:.0f} min; at most {MAX_SECONDS // 60} min is accepted: "
                          "split the text across hotspots and record each part")


class Recording(Source):
    name = "recording"
    label = "recording (a person's voice)"

    def voice(self, lang: str) -> None:
        return None

    def make(self, request: Request, cache: Cache, *, fresh: bool = False, progress=None) -> Made:
        if request.recording is None:
            raise RecordingError("a recording track needs its sound file: upload or record it")
        speech = prepare(request.recording, request.recording_name)
        sentences = split_sentences(request.text)
        cues = spread_cues(sentences, round(speech.duration, 3), pauses(speech, 0.18)) if sentences else []
        mp3 = encode_mp3(speech)
        return Made(mp3, round(mp3_duration(mp3), 3), cues, "estimated", None)
