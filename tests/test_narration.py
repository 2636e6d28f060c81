"""Narration sources, one by one, with the real programs: espeak-ng (Debian's, and Mongolian
through piper-tts's data), the recording pipeline (soundfile, lameenc, ffmpeg for m4a), no sound.

The network is blocked for every test here: nothing may leave the machine.
"""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
import soundfile

from tourbuilder.narration.audio import (CEILING, Speech, decode, encode_mp3, loudness_db, mp3_duration,
                                         normalise_loudness, sniff)
from tourbuilder.narration.base import Cache, NoVoice, Request
from tourbuilder.narration.captions import read_webvtt, webvtt
from tourbuilder.narration.espeak import Espeak, piper_data_folder
from tourbuilder.narration.none import NoSound
from tourbuilder.narration.recording import MAX_BYTES, MAX_SECONDS, Recording, RecordingError
from tourbuilder.narration.text import split_sentences, text_sha256

EN = ("This is the crushing and milling hall. The jaw crusher breaks big rocks into small pieces! "
      "Is it loud here? Wear ear protection.")
MN = ("Энэ бол бутлах, нунтаглах цех. Эрүү бутлуур том чулууг жижиглэнэ! Энд чимээ их үү? "
      "Чихэвчээ зүүгээрэй.")


pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine


def speech_of(mp3: bytes) -> Speech:
    samples, rate = soundfile.read(io.BytesIO(mp3), dtype="float32")
    return Speech(samples, rate)


def level(speech: Speech, start: float, end: float) -> float:
    part = speech.samples[int(start * speech.rate):int(end * speech.rate)]
    return float(20 * np.log10(max(np.sqrt(np.mean(part.astype(np.float64) ** 2)), 1e-9))) if len(part) else -200


def assert_cues_fit_the_sound(mp3: bytes, cues: list[dict], duration: float) -> None:
    """Each cue covers sound, the gaps between cues are silent, and the last cue ends within
    0.3 s of the end of the audio as a decoder plays it."""
    sound = speech_of(mp3)
    assert abs(sound.duration - duration) < 0.05
    assert abs(sound.duration - cues[-1]["end"]) <= 0.3
    assert cues[0]["start"] <= 0.3
    for cue in cues:
        assert level(sound, cue["start"], cue["end"]) > -40, cue
    for before, after in zip(cues, cues[1:]):
        assert before["end"] <= after["start"]
        if after["start"] - before["end"] > 0.2:
            assert level(sound, before["end"] + 0.05, after["start"] - 0.05) < -45, (before, after)


# --- sentences ---------------------------------------------------------------

def test_sentences_split_at_cyrillic_and_latin_marks_and_line_breaks():
    text = ("Сайн байна уу! Энэ бол үйлдвэр. Алт хаана байна? Тэгээд… Дараа нь ирнэ\n"
            "Шинэ мөр.\n\nБ. Батболд 2.65 г/см³ гэж хэлсэн. Ж.нь алт гэх мэт.")
    assert split_sentences(text) == [
        "Сайн байна уу!", "Энэ бол үйлдвэр.", "Алт хаана байна?", "Тэгээд…", "Дараа нь ирнэ",
        "Шинэ мөр.", "Б. Батболд 2.65 г/см³ гэж хэлсэн.", "Ж.нь алт гэх мэт.",
    ]
    assert split_sentences('He said "Stop." Then Dr. Smith left, e.g. at 5.30 pm.') == [
        'He said "Stop."', "Then Dr. Smith left, e.g. at 5.30 pm."]


def test_long_sentences_are_cut_at_a_clause_and_the_fingerprint_ignores_spacing():
    long = ", ".join(["алт угаах ширээ ажиллана"] * 20) + "."
    parts = split_sentences(long)
    assert len(parts) > 1 and all(len(p) <= 220 for p in parts)
    assert " ".join(parts) == long
    assert text_sha256("Сайн  байна\r\nуу") == text_sha256("Сайн байна\nуу")
    assert text_sha256("Сайн байна уу") != text_sha256("Сайн байна уу!")


# --- espeak-ng ---------------------------------------------------------------

@pytest.mark.parametrize("lang, text, voice", [("en", EN, "en-us"), ("mn", MN, "mn")])
def test_espeak_speaks_each_sentence_and_times_the_captions_from_the_sound(tmp_path, lang, text, voice):
    made = Espeak().make(Request(text, lang), Cache(tmp_path))
    assert made.voice == voice and made.timing == "synthesis"
    assert [c["text"] for c in made.cues] == split_sentences(text)
    assert made.mp3[:2] == b"\xff\xf3" or made.mp3[:3] == b"ID3"
    info = soundfile.info(io.BytesIO(made.mp3))
    assert info.channels == 1 and info.samplerate == 22050
    # about 32 kbit/s: 4 kB a second
    assert 3500 < len(made.mp3) / made.duration < 4500
    assert_cues_fit_the_sound(made.mp3, made.cues, made.duration)
    vtt = webvtt(made.cues, lang=lang, note="robot voice")
    assert read_webvtt(vtt) == made.cues


def test_mongolian_needs_the_piper_data_and_never_gets_another_voice(tmp_path):
    assert piper_data_folder() is not None, "install piper-tts's data: pip install --no-deps piper-tts"
    empty = tmp_path / "empty"
    (empty / "espeak-ng-data").mkdir(parents=True)
    with pytest.raises(NoVoice, match="no voice for 'mn'"):
        Espeak(mongolian_data=empty).voice("mn")
    # Debian's own data has no Mongolian: without piper's folder the answer is no, never Russian.
    with pytest.raises(NoVoice, match="no voice for 'tlh'"):
        Espeak().voice("tlh")
    with pytest.raises(NoVoice, match="espeak-ng could not list its voices"):
        Espeak(program=str(tmp_path / "no-such-espeak")).voice("en")


def test_espeak_tracks_are_cached_by_text_voice_and_version(tmp_path):
    engine = Espeak()
    first = engine.make(Request(EN, "en"), Cache(tmp_path))
    cached = list((tmp_path / "tracks").rglob("*.mp3"))
    assert len(cached) == 1
    again = engine.make(Request(EN, "en"), Cache(tmp_path))
    assert again.mp3 == first.mp3 and again.cues == first.cues
    changed = engine.make(Request(EN.replace("big", "large"), "en"), Cache(tmp_path))
    assert changed.mp3 != first.mp3 and len(list((tmp_path / "tracks").rglob("*.mp3"))) == 2


# --- no sound ------------------------------------------------------------------

def test_none_gives_captions_at_reading_pace_and_no_sound(tmp_path):
    made = NoSound().make(Request(MN, "mn"), Cache(tmp_path))
    assert made.mp3 is None and made.timing == "estimated"
    assert [c["text"] for c in made.cues] == split_sentences(MN)
    assert made.cues[-1]["end"] == made.duration > 4


# --- recordings ----------------------------------------------------------------

@pytest.fixture(scope="module")
def voice_take(tmp_path_factory) -> tuple[np.ndarray, int]:
    """A 'person' reading EN: espeak's sound, quiet, at 44.1 kHz stereo, with 1.5 s of room noise
    before and 2 s after, and a long breath (2.5 s) between the second and third sentences."""
    folder = tmp_path_factory.mktemp("take")
    engine = Espeak()
    parts = [engine.speak(s, "en", Cache(folder)) for s in split_sentences(EN)]
    rate = parts[0].rate
    rng = np.random.default_rng(1)

    def room(seconds):
        return (rng.standard_normal(int(seconds * rate)) * 0.0005).astype(np.float32)

    pieces = [room(1.5)]
    for index, part in enumerate(parts):
        pieces += [part.samples * 0.1, room(2.5 if index == 1 else 0.5)]
    pieces.append(room(2.0))
    mono = np.concatenate(pieces)
    up = np.interp(np.arange(0, len(mono), rate / 44100), np.arange(len(mono)), mono).astype(np.float32)
    return np.stack([up, up * 0.8], axis=1), 44100


def encoded(samples: np.ndarray, rate: int, format: str, subtype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate, format=format, subtype=subtype)
    return buffer.getvalue()


@pytest.mark.parametrize("format, subtype", [("WAV", "PCM_16"), ("OGG", "VORBIS"), ("MP3", None), ("FLAC", None)])
def test_a_recording_is_trimmed_evened_out_encoded_and_captioned(tmp_path, voice_take, format, subtype):
    samples, rate = voice_take
    data = encoded(samples, rate, format, subtype)
    raw = len(samples) / rate
    made = Recording().make(Request(EN, "en", data, f"take.{format.lower()}"), Cache(tmp_path))
    assert made.timing == "estimated" and made.voice is None
    sound = speech_of(made.mp3)
    assert sound.rate == 22050
    # 1.5 s before, 2 s after and 1.5 s of the long breath are gone; the speech is all there
    assert raw - 6.0 < made.duration < raw - 4.0
    assert -23 < loudness_db(sound) < -17  # evened out from about -40 dB
    assert float(np.max(np.abs(sound.samples))) <= CEILING + 0.02
    assert [c["text"] for c in made.cues] == split_sentences(EN)
    assert_cues_fit_the_sound(made.mp3, made.cues, made.duration)


def test_an_m4a_recording_is_read_with_ffmpeg(tmp_path, voice_take):
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "Debian's ffmpeg reads m4a: apt-get install ffmpeg"
    import subprocess

    wav = tmp_path / "take.wav"
    soundfile.write(wav, *voice_take)
    m4a = tmp_path / "take.m4a"
    subprocess.run([ffmpeg, "-nostdin", "-loglevel", "error", "-i", str(wav), "-c:a", "aac", "-b:a", "64k",
                    str(m4a)], check=True, timeout=60)
    data = m4a.read_bytes()
    assert sniff(data) == "mp4"
    made = Recording().make(Request(EN, "en", data, "take.m4a"), Cache(tmp_path))
    assert_cues_fit_the_sound(made.mp3, made.cues, made.duration)


def test_m4a_without_ffmpeg_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    data = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(100)
    expected = r"take\.m4a is m4a \(AAC\): reading it needs ffmpeg \(apt-get install ffmpeg\)"
    with pytest.raises(RecordingError, match=expected):
        Recording().make(Request(EN, "en", data, "take.m4a"), Cache(tmp_path))


def _wav(seconds: float, amplitude: float = 0.3, rate: int = 16000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return encoded((amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate, "WAV", "PCM_16")


BAD_UPLOADS = {  # name: (how to make the bytes, what the message says)
    "empty.wav": (lambda: b"", "empty.wav is empty: record it again"),
    "notes.mp3": (lambda: "Сайн байна уу".encode(),
                  "notes.mp3 is not a sound file tourbuilder reads (mp3, wav, ogg, m4a): save or export it"),
    "slides.ogg": (lambda: b"%PDF-1.7 " + bytes(200), "slides.ogg is not a sound file tourbuilder reads"),
    "cut.wav": (lambda: _wav(2.0)[:60], "cut.wav is cut short (its header promises more sound than the file holds)"),
    "broken.ogg": (lambda: b"OggS" + bytes(300), "broken.ogg looks like ogg but cannot be read"),
    "quiet.wav": (lambda: _wav(3.0, amplitude=0.0), "quiet.wav is silent: check the microphone"),
    "blip.wav": (lambda: _wav(0.2), "blip.wav holds 0.2 s of sound; at least 0.5 s is needed"),
    "lecture.wav": (lambda: _wav(MAX_SECONDS + 60, rate=8000), "lecture.wav lasts 16 min; at most 15 min"),
    "huge.wav": (lambda: b"RIFF" + bytes(MAX_BYTES), "huge.wav is 52 MB; at most 50 MB is accepted"),
}


@pytest.mark.parametrize("name", BAD_UPLOADS)
def test_bad_uploads_are_refused_with_the_file_the_problem_and_the_fix(tmp_path, name):
    make, message = BAD_UPLOADS[name]
    with pytest.raises(RecordingError) as caught:
        Recording().make(Request(EN, "en", make(), name), Cache(tmp_path))
    text = str(caught.value)
    assert message in text
    assert text.startswith(name) and ": " in text  # the file, the problem, then the fix


def test_loudness_is_brought_to_the_target_and_kept_under_the_ceiling():
    rate = 22050
    t = np.arange(rate * 2) / rate
    quiet = Speech((0.01 * np.sin(2 * np.pi * 200 * t)).astype(np.float32), rate)
    loud = Speech((0.99 * np.sign(np.sin(2 * np.pi * 200 * t))).astype(np.float32), rate)
    for speech in (quiet, loud):
        out = normalise_loudness(speech)
        assert abs(loudness_db(out) - (-20)) < 1.5
        assert float(np.max(np.abs(out.samples))) <= CEILING
    # encoding keeps the length (plus the encoder's few milliseconds)
    assert abs(mp3_duration(encode_mp3(quiet)) - 2.0) < 0.1
    assert decode(encode_mp3(quiet)).rate == 22050
