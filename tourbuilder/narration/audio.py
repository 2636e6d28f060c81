"""Sound in and out: decode, trim silence, even out loudness, join sentences, encode MP3.

Libraries, chosen for licence and footprint (see README.md in this folder):

- decoding: PyPI ``soundfile`` (BSD; its wheel bundles libsndfile 1.2, LGPL) reads WAV, FLAC,
  Ogg Vorbis/Opus and MP3 in-process. AAC in MP4 (``.m4a``, phones' voice memos) and WebM (a
  browser's MediaRecorder) are read by Debian's ``ffmpeg`` as a separate process, when installed;
- encoding: PyPI ``lameenc`` (LGPL, LAME) writes constant-bitrate mono MP3 without ffmpeg.

Inside, sound is ``Speech``: mono float32 samples in [-1, 1] and their sample rate.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: MP3 for the web: mono, constant bitrate (browsers estimate the duration of CBR files exactly).
MP3_KBPS = 32
#: Output rates LAME encodes at 32 kbit/s mono; other input rates are resampled to 22.05 kHz.
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000)
#: Loudness target (gated RMS of the speech, dBFS; about -20 LUFS for speech) and sample ceiling.
TARGET_DB = -20.0
CEILING = 0.89  # -1 dBFS
#: Below this (dBFS, in 20 ms frames) is silence; and relative to the loudest frame.
SILENCE_DB = -50.0
SILENCE_BELOW_PEAK_DB = 40.0
FRAME = 0.02
FFMPEG_TIMEOUT = 120


class AudioError(ValueError):
    """Sound that cannot be read or written; the message names the problem and the fix."""


@dataclass
class Speech:
    samples: np.ndarray  # float32, mono
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate

    @classmethod
    def silence(cls, seconds: float, rate: int) -> "Speech":
        return cls(np.zeros(int(round(seconds * rate)), dtype=np.float32), rate)


# --- reading -------------------------------------------------------------

def sniff(data: bytes) -> str | None:
    """The container from the first bytes (never the file name): wav, flac, ogg, mp3, mp4, webm."""
    head = data[:12]
    if head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0
                               and (head[1] & 0x06) != 0):
        return "mp3"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def decode(data: bytes, name: str = "the sound") -> Speech:
    """Decode a sound file's bytes to mono ``Speech``; AudioError says what is wrong."""
    kind = sniff(data)
    if kind is None:
        raise AudioError(f"{name} is not a sound file tourbuilder reads (mp3, wav, ogg, m4a): "
                         "save or export it as one of those")
    if kind in ("mp4", "webm"):
        return _decode_with_ffmpeg(data, name, kind)
    check_complete(data, name)
    import soundfile

    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as exc:
        raise AudioError(f"{name} looks like {kind} but cannot be read ({_short(exc)}): it may be damaged "
                         "or cut short; export it again") from None
    if samples.size == 0:
        raise AudioError(f"{name} holds no sound: it is empty or cut short; export it again")
    return Speech(np.ascontiguousarray(samples.mean(axis=1), dtype=np.float32), int(rate))


def check_complete(data: bytes, name: str) -> None:
    """AudioError when a WAV file holds less sound than its header says (libsndfile would read
    what is there without a word)."""
    if sniff(data) == "wav" and _wav_cut_short(data):
        raise AudioError(f"{name} is cut short (its header promises more sound than the file holds): "
                         "copy or export it again")


def _wav_cut_short(data: bytes) -> bool:
    """Whether a RIFF WAVE file's data chunk is shorter than its header says (a broken copy);
    libsndfile would read what is there without a word. A streamed file's unknown size is fine."""
    position = 12
    while position + 8 <= len(data):
        chunk, size = data[position:position + 4], int.from_bytes(data[position + 4:position + 8], "little")
        if chunk == b"data":
            available = len(data) - position - 8
            return size not in (0, 0xFFFFFFFF) and available < size - 16
        position += 8 + size + (size & 1)
    return False


def declared_duration(data: bytes) -> float | None:
    """The length a file's header declares (WAV, FLAC, Ogg, MP3 through libsndfile), without
    decoding it; None when unknown (m4a, WebM, or a header libsndfile does not read)."""
    if sniff(data) not in ("wav", "flac", "ogg", "mp3"):
        return None
    import soundfile

    try:
        info = soundfile.info(io.BytesIO(data))
    except (soundfile.LibsndfileError, RuntimeError, ValueError):
        return None
    return info.duration if info.samplerate > 0 and info.frames > 0 else None


def ffmpeg_program() -> str | None:
    return shutil.which("ffmpeg")


def _decode_with_ffmpeg(data: bytes, name: str, kind: str) -> Speech:
    program = ffmpeg_program()
    label = "m4a (AAC)" if kind == "mp4" else "WebM"
    if program is None:
        raise AudioError(f"{name} is {label}: reading it needs ffmpeg (apt-get install ffmpeg), "
                         "or save it as mp3, wav or ogg")
    rate = 22050
    with tempfile.TemporaryDirectory(prefix="tourbuilder-sound-") as tmp:
        source = Path(tmp) / f"in.{'m4a' if kind == 'mp4' else 'webm'}"
        source.write_bytes(data)  # a file, not a pipe: an MP4's index may sit at its end
        command = [program, "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(source),
                   "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "pipe:1"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise AudioError(f"{name}: reading it took longer than {FFMPEG_TIMEOUT} s: "
                             "save it as mp3 or wav") from None
    if done.returncode != 0 or not done.stdout:
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f" ({problem[-1][:160]})" if problem else ""
        raise AudioError(f"{name} looks like {label} but holds no sound tourbuilder can read{detail}: "
                         "it may be damaged or cut short; export it again")
    return Speech(np.frombuffer(done.stdout, dtype="<f4").astype(np.float32), rate)


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__


# --- shaping -------------------------------------------------------------

def _frame_db(samples: np.ndarray, rate: int, frame: float = FRAME) -> tuple[np.ndarray, int]:
    """Level of each frame in dBFS (RMS) and the frame length in samples."""
    size = max(1, int(rate * frame))
    count = len(samples) // size
    if count == 0:
        level = np.sqrt(np.mean(samples.astype(np.float64) ** 2)) if len(samples) else 0.0
        return np.array([20 * np.log10(max(level, 1e-9))]), max(size, len(samples))
    frames = samples[: count * size].astype(np.float64).reshape(count, size)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-9)), size


def voiced_frames(speech: Speech) -> tuple[np.ndarray, int]:
    """Which 20 ms frames hold sound (above SILENCE_DB and within 40 dB of the loudest)."""
    db, size = _frame_db(speech.samples, speech.rate)
    threshold = max(SILENCE_DB, float(db.max()) - SILENCE_BELOW_PEAK_DB)
    return db > threshold, size


def is_silent(speech: Speech) -> bool:
    if not len(speech.samples):
        return True
    return float(np.max(np.abs(speech.samples))) < 10 ** (SILENCE_DB / 20)


def trim(speech: Speech, margin: float = 0.05) -> Speech:
    """Cut the silence before the first and after the last sound, keeping ``margin`` seconds."""
    if is_silent(speech):
        return Speech(speech.samples[:0], speech.rate)
    voiced, size = voiced_frames(speech)
    where = np.flatnonzero(voiced)
    if not len(where):
        return speech
    keep = int(margin * speech.rate)
    start = max(0, where[0] * size - keep)
    end = min(len(speech.samples), (where[-1] + 1) * size + keep)
    return Speech(speech.samples[start:end], speech.rate)


def pauses(speech: Speech, shortest: float = 0.2) -> list[tuple[float, float]]:
    """Silent stretches inside the sound, at least ``shortest`` seconds long: [(start, end)]."""
    voiced, size = voiced_frames(speech)
    found = []
    run_start = None
    for index, sounding in enumerate(voiced):
        if not sounding and run_start is None:
            run_start = index
        elif sounding and run_start is not None:
            if run_start > 0 and (index - run_start) * size >= shortest * speech.rate:
                found.append((run_start * size / speech.rate, index * size / speech.rate))
            run_start = None
    return found


def shorten_pauses(speech: Speech, longest: float = 1.0) -> Speech:
    """Cut every silence inside the sound down to ``longest`` seconds (a reader's long breaths)."""
    cuts = [(a, b) for a, b in pauses(speech, longest + 0.05)]
    if not cuts:
        return speech
    pieces, last = [], 0
    for start, end in cuts:
        middle = (start + end) / 2
        keep_to = int((middle - longest / 2) * speech.rate)
        resume = int((middle + longest / 2) * speech.rate)
        pieces.append(speech.samples[last:keep_to])
        last = resume
    pieces.append(speech.samples[last:])
    return Speech(np.concatenate(pieces).astype(np.float32), speech.rate)


def loudness_db(speech: Speech) -> float:
    """Gated loudness of the speech (dBFS RMS of 400 ms blocks above -60 dB and within 10 dB of
    their mean: the gating of ITU-R BS.1770, without its frequency weighting)."""
    db, _ = _frame_db(speech.samples, speech.rate, 0.4)
    blocks = db[db > -60]
    if not len(blocks):
        return -120.0
    mean = 10 * np.log10(np.mean(10 ** (blocks / 10)))
    gated = blocks[blocks > mean - 10]
    return float(10 * np.log10(np.mean(10 ** (gated / 10)))) if len(gated) else float(mean)


def normalise_loudness(speech: Speech, target_db: float = TARGET_DB, max_gain_db: float = 30.0) -> Speech:
    """Bring the speech to ``target_db`` and keep every sample under the ceiling (a soft knee)."""
    level = loudness_db(speech)
    if level <= -120:
        return speech
    gain = 10 ** (min(target_db - level, max_gain_db) / 20)
    return Speech(soft_limit(speech.samples * gain), speech.rate)


def level_out(speech: Speech, window: float = 2.0, limit_db: float = 6.0) -> Speech:
    """Even out a recording whose loudness wanders (a speaker turning away): each ``window`` of
    speech is moved towards the whole's loudness by at most ``limit_db``, with smooth gain."""
    size = int(window * speech.rate)
    if len(speech.samples) < 2 * size:
        return speech
    overall = loudness_db(speech)
    centres, gains = [], []
    for start in range(0, len(speech.samples) - size // 2, size // 2):
        part = Speech(speech.samples[start:start + size], speech.rate)
        level = loudness_db(part)
        if level <= -60:
            continue
        centres.append(start + size / 2)
        gains.append(float(np.clip(overall - level, -limit_db, limit_db)))
    if len(centres) < 2:
        return speech
    curve = np.interp(np.arange(len(speech.samples)), centres, gains)
    return Speech((speech.samples * 10 ** (curve / 20)).astype(np.float32), speech.rate)


def soft_limit(samples: np.ndarray, knee: float = 0.7, ceiling: float = CEILING) -> np.ndarray:
    """Samples above ``knee`` are bent smoothly towards ``ceiling``, never over it."""
    out = samples.astype(np.float32, copy=True)
    magnitude = np.abs(out)
    over = magnitude > knee
    if over.any():
        room = ceiling - knee
        bent = knee + room * np.tanh((magnitude[over] - knee) / room)
        out[over] = np.sign(out[over]) * bent
    return out


def join(parts: list[Speech], gap: float, lead: float = 0.1,
         tail: float = 0.1) -> tuple[Speech, list[tuple[float, float]]]:
    """Parts one after another with ``gap`` seconds between; returns the whole and each part's
    (start, end) in seconds. Every part must have the same rate."""
    if not parts:
        raise AudioError("nothing to join")
    rate = parts[0].rate
    if any(p.rate != rate for p in parts):
        raise AudioError("sentences came back at different sample rates")
    pieces = [Speech.silence(lead, rate).samples]
    spans = []
    position = len(pieces[0])
    for index, part in enumerate(parts):
        if index:
            silence = Speech.silence(gap, rate).samples
            pieces.append(silence)
            position += len(silence)
        spans.append((position / rate, (position + len(part.samples)) / rate))
        pieces.append(part.samples)
        position += len(part.samples)
    pieces.append(Speech.silence(tail, rate).samples)
    return Speech(np.concatenate(pieces).astype(np.float32), rate), spans


# --- writing -------------------------------------------------------------

def mp3_rate(rate: int) -> int:
    if rate in MP3_RATES:
        return rate
    return 22050 if rate > 22050 else 16000


def encode_mp3(speech: Speech, kbps: int = MP3_KBPS) -> bytes:
    """Mono constant-bitrate MP3 (LAME through lameenc); resampled by LAME when needed."""
    import lameenc

    pcm = np.clip(speech.samples, -1.0, 1.0)
    pcm = (pcm * 32767.0).round().astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(speech.rate)
    encoder.set_out_sample_rate(mp3_rate(speech.rate))
    encoder.set_channels(1)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm.tobytes())) + bytes(encoder.flush())


def mp3_duration(data: bytes) -> float:
    """Length in seconds of MP3 bytes, as a decoder plays them."""
    return decode(data, "the MP3").duration
