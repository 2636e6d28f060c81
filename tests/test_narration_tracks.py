"""Making a tour's narration: engine choice and fallback, gTTS through its intercepted HTTP
layer, caching, incremental regeneration, failures that keep what was there, recordings,
the version-1 migration, the `narrate` command, exports and the demo.

The network is blocked for every test; gTTS's requests are answered by `responses`.
"""

from __future__ import annotations

import copy
import io
import json
import urllib.parse
from pathlib import Path

import pytest
import requests
import responses
import soundfile

from tests.gtts_web import GTTS_URL, batchexecute
from tests.samples import minimal_document, player_config_of, write_tiny_folder
from tourbuilder.check import check_tour
from tourbuilder.model import load_tour, migrate
from tourbuilder.narration import StoreMedia, narrate_folder, narrate_stored, narrate_tour
from tourbuilder.narration.audio import encode_mp3
from tourbuilder.narration.base import Cache
from tourbuilder.narration.captions import read_webvtt
from tourbuilder.narration.espeak import Espeak
from tourbuilder.narration.gtts import TIMEOUT, GoogleTTS
from tourbuilder.narration.text import split_sentences
from tourbuilder.tourfolder import read_folder

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"
YARD = {"mn": "Сайн байна уу! Энэ бол хашаа.", "en": "Hello! This is the yard, where the ore arrives."}
HALL = {"mn": "Энэ бол танхим. Энд чимээ их.", "en": "This is the hall. It is loud here."}


pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine


@pytest.fixture(scope="module")
def google_mp3(tmp_path_factory) -> bytes:
    """What Google would send for a sentence: a real MP3 of speech (espeak's, encoded with LAME)."""
    return encode_mp3(Espeak().speak("Hello there.", "en", Cache(tmp_path_factory.mktemp("g"))))


def sent_languages(calls) -> list[str]:
    """The language of each request gTTS made (from its f.req form field)."""
    found = []
    for call in calls:
        form = urllib.parse.parse_qs(call.request.body)
        rpc = json.loads(form["f.req"][0])
        found.append(json.loads(rpc[0][0][1])[1])
    return found


def tour_of(languages=("mn", "en"), yard=YARD, hall=HALL, **changes):
    doc = minimal_document(languages=list(languages))
    for key in ("title",):
        doc[key] = {lang: doc[key].get(lang, "Tour") for lang in languages}
    for scene in doc["scenes"].values():
        scene["title"] = {lang: scene["title"].get(lang, "Scene") for lang in languages}
        for spot in scene["hotspots"]:
            spot["title"] = {lang: spot["title"].get(lang, "Spot") for lang in languages}
    doc["quizzes"] = {}
    doc["completion"] = {"rule": "visit"}
    doc["scenes"]["yard"]["narration"] = {"text": {k: v for k, v in yard.items() if k in languages}}
    doc["scenes"]["hall"]["narration"] = {"text": {k: v for k, v in hall.items() if k in languages}}
    doc.update(changes)
    return load_tour(doc)


def track(tour, where="yard", lang="en"):
    return tour.scenes[where].narration.tracks.get(lang)


def status(report) -> dict[tuple[str, str], str]:
    return {(t.where, t.lang): t.status for t in report.tracks}


def assert_plays_with_its_captions(data: bytes, track) -> None:
    samples, rate = soundfile.read(io.BytesIO(data), dtype="float32")
    assert abs(len(samples) / rate - track.duration) < 0.05
    assert abs(track.cues[-1].end - track.duration) <= 0.3


# --- gTTS -------------------------------------------------------------------------

def test_gtts_speaks_english_with_a_timeout_and_each_sentence_is_fetched_once(store, tmp_path, google_mp3):
    tour = tour_of(languages=["en"])
    cache = tmp_path / "cache"
    with responses.RequestsMock() as http:
        http.add(responses.POST, GTTS_URL, body=batchexecute(google_mp3))
        report = narrate_tour(tour, StoreMedia(store.media, tour), cache_root=cache)
        sentences = len(split_sentences(YARD["en"])) + len(split_sentences(HALL["en"]))
        assert len(http.calls) == sentences
        assert all(call.request.req_kwargs["timeout"] == TIMEOUT for call in http.calls)
        made = track(report.tour)
        assert (made.engine, made.robot, made.timing) == ("gtts", True, "synthesis")
        assert made.voice == "en@translate.google.com"
        assert [c.text for c in made.cues] == split_sentences(YARD["en"])
        assert_plays_with_its_captions(store.media.read_bytes(report.tour.media[made.audio].sha256), made)

        # the same texts again (a tour without tracks): every sentence comes from the cache
        narrate_tour(tour, StoreMedia(store.media, tour), cache_root=cache)
        assert len(http.calls) == sentences
        # one sentence changed: only that one is fetched
        changed = tour_of(languages=["en"], yard={"en": "Hello! This is the new yard."})
        narrate_tour(changed, StoreMedia(store.media, changed), cache_root=cache)
        assert len(http.calls) == sentences + 1
        # --force fetches everything again
        narrate_tour(tour, StoreMedia(store.media, tour), cache_root=cache, force=True)
        assert len(http.calls) == 2 * sentences + 1


@pytest.mark.parametrize("answer, message, calls", [
    ({"status": 503}, "gTTS refused: 503 (Service Unavailable) from TTS API", 2),
    ({"body": requests.ConnectionError("refused")}, "gTTS is unreachable (no connection)", 1),
    ({"body": requests.ReadTimeout("too slow")}, "gTTS is unreachable (timed out)", 1),
    ({"body": requests.ConnectTimeout("no answer")}, "gTTS is unreachable (timed out)", 1),
], ids=["503", "connection-error", "read-timeout", "connect-timeout"])
def test_when_gtts_fails_a_new_track_falls_back_to_espeak(store, tmp_path, answer, message, calls):
    tour = tour_of(languages=["en"])
    with responses.RequestsMock() as http:
        http.add(responses.POST, GTTS_URL, **answer)
        report = narrate_tour(tour, StoreMedia(store.media, tour), cache_root=tmp_path)
        # once gTTS is unreachable, later tracks do not wait for it again
        assert len(http.calls) == calls
    for where in ("yard", "hall"):
        made = track(report.tour, where)
        assert (made.engine, made.robot, made.voice) == ("espeak", True, "en-us")
    [first, _] = report.tracks
    assert first.status == "made" and message in first.message and "used the next voice" in first.message


def test_a_track_that_asked_for_gtts_keeps_its_previous_audio_when_gtts_fails(store, tmp_path):
    tour = tour_of(languages=["en"])
    before = narrate_tour(tour, StoreMedia(store.media, tour), engine="espeak", cache_root=tmp_path).tour
    with responses.RequestsMock() as http:
        http.add(responses.POST, GTTS_URL, status=503)
        report = narrate_tour(before, StoreMedia(store.media, before), engine="gtts", cache_root=tmp_path)
    assert set(status(report).values()) == {"failed"}
    assert "gTTS refused: 503" in report.tracks[0].message
    assert "the previous audio is kept" in report.tracks[0].message
    assert not report.changed
    assert track(report.tour) == track(before) and report.tour.media == before.media


def test_mongolian_never_reaches_gtts(store, tmp_path, google_mp3):
    tour = tour_of()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        http.add(responses.POST, GTTS_URL, body=batchexecute(google_mp3))
        report = narrate_tour(tour, StoreMedia(store.media, tour), cache_root=tmp_path)
        assert set(sent_languages(http.calls)) == {"en"}
        assert not any("%D0" in call.request.body or "\u0441" in call.request.body for call in http.calls)
        assert (track(report.tour, lang="mn").engine, track(report.tour, lang="mn").voice) == ("espeak", "mn")
        assert track(report.tour, lang="en").engine == "gtts"

        asked = len(http.calls)
        forced = narrate_tour(tour, StoreMedia(store.media, tour), engine="gtts", languages=["mn"],
                              cache_root=tmp_path)
        assert {t.status for t in forced.tracks} == {"failed"}
        assert "gTTS has no 'mn' voice (Mongolian is never sent to gTTS)" in forced.tracks[0].message
        with pytest.raises(Exception, match="never sent to gTTS"):
            GoogleTTS().speak("Сайн байна уу", "mn", Cache(tmp_path), fresh=True)
        assert len(http.calls) == asked


def test_a_language_nobody_speaks_is_an_error_and_the_others_are_still_made(store, tmp_path):
    tour = tour_of(languages=["en", "tlh"], yard={"en": "Hello.", "tlh": "nuqneH."},
                   hall={"en": "The hall.", "tlh": "qa'vIn."})
    store.save_tour(tour)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:  # nothing registered: offline
        report, revision = narrate_stored(store, tour.id, engine="auto", cache_root=tmp_path)
        assert sent_languages(http.calls) == ["en"]  # tried once for English, never for tlh
    by = {(t.where, t.lang): t for t in report.tracks}
    assert by[("yard", "tlh")].status == "failed"
    assert "no voice speaks 'tlh' here" in by[("yard", "tlh")].message
    assert "record it (--recording), or choose --engine none" in by[("yard", "tlh")].message
    assert by[("yard", "en")].status == "made" and by[("yard", "en")].engine == "espeak"
    assert revision == 2
    saved = store.get_tour(tour.id)
    assert track(saved, lang="en").audio and track(saved, lang="tlh") is None


# --- incremental ------------------------------------------------------------------

def test_only_tracks_whose_text_language_or_engine_changed_are_made_again(store, tmp_path):
    tour = tour_of()
    store.save_tour(tour)
    report, revision = narrate_stored(store, tour.id, engine="espeak", cache_root=tmp_path)
    assert set(status(report).values()) == {"made"} and revision == 2
    first = store.get_tour(tour.id)

    report, revision = narrate_stored(store, tour.id, cache_root=tmp_path)
    assert set(status(report).values()) == {"unchanged"} and revision is None

    edited = first.model_copy(deep=True)
    edited.scenes["yard"].narration.text["en"] = "Hello! This yard is where miners bring the ore."
    store.save_tour(edited)
    report, revision = narrate_stored(store, tour.id, cache_root=tmp_path)
    assert [k for k, v in status(report).items() if v == "made"] == [("yard", "en")]
    second = store.get_tour(tour.id)
    assert second.media[track(second).audio] != first.media[track(first).audio]
    assert track(second, "hall") == track(first, "hall") and track(second, lang="mn") == track(first, lang="mn")

    report, _ = narrate_stored(store, tour.id, engine="none", languages=["en"], cache_root=tmp_path)
    assert status(report) == {("yard", "en"): "made", ("hall", "en"): "made"}
    third = store.get_tour(tour.id)
    assert track(third).engine == "none" and track(third).audio is None and track(third).robot is False
    assert track(third).cues and track(third).captions in third.media
    assert track(first).audio not in third.media  # the machine voice's file is no longer listed
    assert track(third, lang="mn") == track(first, lang="mn")

    report, _ = narrate_stored(store, tour.id, force=True, languages=["mn"], cache_root=tmp_path)
    assert status(report) == {("yard", "mn"): "made", ("hall", "mn"): "made"}

    without = store.get_tour(tour.id).model_copy(deep=True)
    del without.scenes["hall"].narration.text["mn"]
    store.save_tour(without)
    report, _ = narrate_stored(store, tour.id, languages=["mn"], cache_root=tmp_path)
    assert status(report) == {("yard", "mn"): "unchanged", ("hall", "mn"): "removed"}
    assert track(store.get_tour(tour.id), "hall", "mn") is None


# --- recordings -------------------------------------------------------------------

@pytest.fixture(scope="module")
def take(tmp_path_factory) -> bytes:
    """A WAV 'recording' of YARD['en'] (espeak's voice, sentence by sentence, with pauses)."""
    import numpy as np

    engine = Espeak()
    cache = Cache(tmp_path_factory.mktemp("take"))
    parts = [engine.speak(s, "en", cache) for s in split_sentences(YARD["en"])]
    gap = np.zeros(int(0.6 * parts[0].rate), dtype=np.float32)
    samples = np.concatenate([gap, parts[0].samples, gap, parts[1].samples, gap]) * 0.3
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, parts[0].rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def test_a_recording_is_never_replaced_by_a_robot_and_is_dated_by_its_text(store, tmp_path, take):
    tour = tour_of(languages=["en"])
    report = narrate_tour(tour, StoreMedia(store.media, tour), engine="espeak", cache_root=tmp_path,
                          recordings={("yard", "en"): (take, "take1.wav")})
    made = track(report.tour)
    assert (made.engine, made.robot, made.timing, made.voice) == ("recording", False, "estimated", None)
    assert [c.text for c in made.cues] == split_sentences(YARD["en"])
    assert_plays_with_its_captions(store.media.read_bytes(report.tour.media[made.audio].sha256), made)
    assert track(report.tour, "hall").engine == "espeak"

    again = narrate_tour(report.tour, StoreMedia(store.media, report.tour), engine="espeak", cache_root=tmp_path)
    assert status(again)[("yard", "en")] == "unchanged" and "kept" in again.tracks[0].message
    assert track(again.tour) == made

    edited = again.tour.model_copy(deep=True)
    edited.scenes["yard"].narration.text["en"] = "Hello! This text was rewritten."
    later = narrate_tour(edited, StoreMedia(store.media, edited), engine="espeak", cache_root=tmp_path)
    assert status(later)[("yard", "en")] == "outdated"
    assert "the text changed since it was recorded: record it again" in later.tracks[0].message
    assert track(later.tour) == made


def test_a_bad_recording_fails_its_track_only(store, tmp_path):
    tour = tour_of(languages=["en"])
    report = narrate_tour(tour, StoreMedia(store.media, tour), engine="espeak", cache_root=tmp_path,
                          recordings={("yard", "en"): (b"not sound at all", "take.mp3")})
    by = {(t.where, t.lang): t for t in report.tracks}
    assert by[("yard", "en")].status == "failed"
    assert "take.mp3 is not a sound file tourbuilder reads (mp3, wav, ogg, m4a)" in by[("yard", "en")].message
    assert by[("hall", "en")].status == "made"


# --- version 1 -----------------------------------------------------------------------

def test_version_1_audio_becomes_recording_tracks():
    old = json.loads((FIXTURES / "v1-narration.json").read_text(encoding="utf-8"))
    original = copy.deepcopy(old)
    new = migrate(old)
    assert old == original and new["schema_version"] == 3
    yard = new["scenes"]["yard"]
    assert yard["narration"] == {"text": old["scenes"]["yard"]["narration"]["text"],
                                 "tracks": {"en": {"engine": "recording", "audio": "media/voice/yard-en.wav"}}}
    gate, fence = yard["hotspots"]
    assert gate["narration"]["tracks"] == {"mn": {"engine": "recording", "audio": "media/voice/gate-mn.ogg"}}
    assert fence["narration"] == {"text": {"en": "A fence."}}
    tour = load_tour(old)
    assert track(tour).robot is False and track(tour).duration is None


def test_a_version_1_folder_is_narrated_its_recording_shaped_and_the_folder_upgraded(tmp_path, take):
    doc = minimal_document()
    doc["scenes"]["yard"]["narration"] = {"text": {"en": YARD["en"], "mn": YARD["mn"]},
                                          "audio": {"en": "media/voice/yard-en.wav"}}
    folder = write_tiny_folder(tmp_path / "tour", doc)
    (folder / "media" / "voice").mkdir()
    (folder / "media" / "voice" / "yard-en.wav").write_bytes(take)
    head = (folder / "tour.yaml").read_text(encoding="utf-8")
    (folder / "tour.yaml").write_text("# my notes\n" + head, encoding="utf-8")

    report = narrate_folder(folder, engine="espeak", cache_root=tmp_path / "cache")
    assert status(report) == {("yard", "mn"): "made", ("yard", "en"): "made"}
    text = (folder / "tour.yaml").read_text(encoding="utf-8")
    assert text.startswith("# my notes\n") and "schema_version: 3" in text
    tour = read_folder(folder).tour
    recording = track(tour)
    assert recording.engine == "recording" and recording.audio == "media/narration/yard.en.mp3"
    assert [c.text for c in recording.cues] == split_sentences(YARD["en"])
    cues = read_webvtt((folder / recording.captions).read_text(encoding="utf-8"))
    assert cues == [c.model_dump() for c in recording.cues]
    assert track(tour, lang="mn").engine == "espeak"
    assert (folder / "media" / "voice" / "yard-en.wav").is_file()  # the author's file stays
    assert not [f for f in check_tour(tour) if f.level == "error"]


# --- the command, exports, the demo ---------------------------------------------------

def narrated_folder(tmp_path) -> Path:
    doc = minimal_document()
    doc["scenes"]["yard"]["narration"] = {"text": dict(YARD)}
    doc["scenes"]["hall"]["hotspots"][1]["narration"] = {"text": {"en": "Answer three questions."}}
    return write_tiny_folder(tmp_path / "tiny", doc)


def test_narrate_command_reports_robot_voices_and_is_incremental(runner, tmp_path):
    folder = narrated_folder(tmp_path)
    first = runner.invoke("--data", tmp_path / "d", "narrate", folder, "--engine", "espeak")
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [["yard", "mn"], ["yard", "en"], ["hall/quiz", "en"]]
    assert all("espeak" in line and "robot voice" in line and "made" in line for line in lines)
    assert "3 tracks, 3 made, 0 unchanged, 3 robot voices, 0 recordings, 0 captions only, 0 missing" in first.stderr
    assert "Robot voices are drafts" in first.stderr
    assert (folder / "media" / "narration" / "hall" / "quiz.en.mp3").is_file()
    second = runner.invoke("--data", tmp_path / "d", "narrate", folder)
    assert second.exit_code == 0 and second.stdout.count("unchanged") == 3

    refused = runner.invoke("narrate", folder, "--lang", "mn", "--engine", "gtts")
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [
        "error: gTTS has no Mongolian voice (Mongolian is never sent to gTTS): "
        "use --engine espeak for a robot draft, or record it"]
    notes = tmp_path / "notes.txt"
    notes.write_text("not a recording", encoding="utf-8")
    bad = runner.invoke("narrate", folder, "--recording", "yard:en", notes)
    assert bad.exit_code == 2
    assert bad.stderr.strip() == ("error: notes.txt is not a sound file tourbuilder reads (mp3, wav, ogg, m4a): "
                                  "save or export it as one of those")
    wav = tmp_path / "take.wav"
    wav.write_bytes(b"RIFF\x00\x00\x00\x00WAVE" + bytes(64))
    nowhere = runner.invoke("narrate", folder, "--recording", "cellar:en", wav)
    assert nowhere.exit_code == 2 and "no narration text at 'cellar'" in nowhere.stderr
    unknown = runner.invoke("--data", tmp_path / "d", "narrate", "no-such-tour")
    assert unknown.exit_code == 2 and "no stored tour 'no-such-tour'" in unknown.stderr


def test_narrate_command_exits_1_when_a_track_fails_and_keeps_the_rest(runner, tmp_path):
    folder = narrated_folder(tmp_path)
    result = runner.invoke("narrate", folder, "--engine", "espeak", "--lang", "en")
    assert result.exit_code == 0, result.output
    with responses.RequestsMock() as http:
        http.add(responses.POST, GTTS_URL, status=503)
        failed = runner.invoke("narrate", folder, "--engine", "gtts", "--lang", "en")
    assert failed.exit_code == 1
    assert "failed" in failed.stdout and "the previous audio is kept" in failed.stdout
    assert track(read_folder(folder).tour).engine == "espeak"


def test_a_web_export_carries_the_narration_for_the_player(runner, tmp_path):
    folder = narrated_folder(tmp_path)
    assert runner.invoke("narrate", folder, "--engine", "espeak").exit_code == 0
    out = tmp_path / "web"
    assert runner.invoke("export", folder, "--format", "web", "--out", out).exit_code == 0
    config = player_config_of(out)
    tracks = config["tour"]["scenes"]["yard"]["narration"]["tracks"]
    assert set(tracks) == {"mn", "en"}
    for lang, spoken in tracks.items():
        assert spoken["robot"] is True and spoken["engine"] == "espeak"
        assert (out / config["media"][spoken["audio"]]).read_bytes() == (folder / spoken["audio"]).read_bytes()
        assert read_webvtt((out / config["media"][spoken["captions"]]).read_text(encoding="utf-8")) == spoken["cues"]
    precached = (out / "sw.js").read_text(encoding="utf-8")
    assert config["media"][tracks["mn"]["audio"]] in precached


def test_the_demo_speaks_every_scene_in_both_languages(demo_folder_master):
    tour = read_folder(demo_folder_master).tour
    for scene_id, scene in tour.scenes.items():
        for lang in ("mn", "en"):
            spoken = scene.narration.tracks[lang]
            assert (spoken.engine, spoken.robot, spoken.timing) == ("espeak", True, "synthesis"), scene_id
            assert spoken.audio in tour.media and spoken.captions in tour.media
            assert [c.text for c in spoken.cues] == split_sentences(scene.narration.text[lang])
            assert 5 < spoken.duration < 30
    assert not check_tour(tour)
