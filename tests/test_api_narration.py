"""The narration API (/api/tours/<id>/narration/...) and the checks API (/api/tours/<id>/check):
speech as a job (espeak for real, gTTS answered at its HTTP layer by `responses`), recordings
checked and shaped at once, and the findings the editor shows (out-of-date tracks), through the
real app on real SQLite. The network is blocked."""

from __future__ import annotations

import io

import numpy as np
import pytest
import responses
import soundfile

from tests.gtts_web import GTTS_URL, batchexecute
from tests.signin import make_user, sign_in
from tourbuilder.model import NarrationTrack, load_tour
from tourbuilder.narration.base import Cache
from tourbuilder.narration.espeak import Espeak
from tourbuilder.narration.audio import encode_mp3
from tourbuilder.narration.text import split_sentences

TOUR = "tiny"
EN = "Hello! This is the yard, where the ore arrives."
MN = "Сайн байна уу! Энэ бол хашаа."


pytestmark = pytest.mark.usefixtures("no_network")  # nothing may leave the machine


@pytest.fixture
def as_user(tiny_app):
    def signed(name: str, role: str = "author", shared: bool = True):
        user = make_user(tiny_app, name, role)
        if shared:
            tiny_app.extensions["tourbuilder.accounts"].share(TOUR, user.id)
        client = tiny_app.test_client()
        sign_in(client, name)
        return client

    return signed


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory) -> bytes:
    """A person's take, as a browser recorder sends it: WAV of real speech (espeak's voice)."""
    speech = Espeak().speak(EN, "en", Cache(tmp_path_factory.mktemp("e")))
    out = io.BytesIO()
    soundfile.write(out, np.concatenate([np.zeros(4000, "float32"), speech.samples, np.zeros(4000, "float32")]),
                    speech.rate, format="WAV")
    return out.getvalue()


def wait(tiny_app, client, answer) -> dict:
    assert answer.status_code == 202, answer.json
    job = answer.json["job"]
    tiny_app.extensions["tourbuilder.jobs"].wait(job["id"], timeout=120)
    done = client.get(f"/api/jobs/{job['id']}")
    assert done.status_code == 200
    return done.json


def stored(tiny_app, sha256: str) -> bytes:
    return tiny_app.extensions["tourbuilder.store"].media.read_bytes(sha256)


def assert_track(tiny_app, result: dict, engine: str, lang: str, text: str) -> NarrationTrack:
    track = NarrationTrack.model_validate(result["track"])
    assert track.engine == engine and track.robot == (engine in ("gtts", "espeak"))
    assert set(result["media"]) == {track.audio, track.captions}
    assert track.audio.endswith(f".{lang}.mp3") and track.captions.endswith(f".{lang}.vtt")
    mp3 = stored(tiny_app, result["media"][track.audio]["sha256"])
    assert len(mp3) == result["media"][track.audio]["size"] and result["media"][track.audio]["type"] == "audio/mpeg"
    samples, rate = soundfile.read(io.BytesIO(mp3), dtype="float32")
    assert abs(len(samples) / rate - track.duration) < 0.1
    vtt = stored(tiny_app, result["media"][track.captions]["sha256"]).decode("utf-8")
    assert vtt.startswith("WEBVTT")
    assert [c.text for c in track.cues] == split_sentences(text)
    for cue in track.cues:
        assert cue.text in vtt
    return track


def save_with(client, lang: str, text: str, result: dict, where: str = "yard") -> dict:
    """Put the track into the document and save it, as the editor does."""
    got = client.get(f"/api/tours/{TOUR}")
    document = got.json["document"]
    scene = document["scenes"][where]
    scene["narration"] = {"text": {lang: text}, "tracks": {lang: result["track"]}}
    document["media"].update(result["media"])
    saved = client.put(f"/api/tours/{TOUR}", json={"document": document, "message": "narration"},
                       headers={"If-Match": got.headers["ETag"]})
    assert saved.status_code == 200, saved.json
    return document


# --- speech ---------------------------------------------------------------------------

def test_espeak_speaks_both_languages_as_a_job_and_the_track_saves_into_the_tour(tiny_app, as_user):
    client = as_user("ann")
    for lang, text in (("mn", MN), ("en", EN)):
        job = wait(tiny_app, client, client.post(f"/api/tours/{TOUR}/narration/speech",
                                                 json={"text": text, "language": lang, "engine": "espeak",
                                                       "where": "yard"}))
        assert job["state"] == "done", job
        track = assert_track(tiny_app, job["result"], "espeak", lang, text)
        assert track.timing == "synthesis" and track.audio == f"media/narration/yard.{lang}.mp3"
    document = save_with(client, "en", EN, job["result"])
    load_tour(document)  # the saved document is valid with the track in it
    checked = client.post(f"/api/tours/{TOUR}/check", json={})
    assert checked.status_code == 200
    assert not [f for f in checked.json["findings"] if ".tracks." in f["path"]]

    # the text changes after the track was made: the check says the track is out of date
    document["scenes"]["yard"]["narration"]["text"]["en"] = "Hello! This is another text now."
    checked = client.post(f"/api/tours/{TOUR}/check", json={"document": document})
    outdated = [f for f in checked.json["findings"] if f["path"] == "scenes.yard.narration.tracks.en"]
    assert outdated and "out of date" in outdated[0]["message"] and "generate the speech again" in outdated[0]["message"]


def test_gtts_is_reached_through_its_http_layer_and_never_for_mongolian(tiny_app, as_user, tmp_path):
    client = as_user("ann")
    google_mp3 = encode_mp3(Espeak().speak("Hello there.", "en", Cache(tmp_path)))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        http.add(responses.POST, GTTS_URL, body=batchexecute(google_mp3))
        job = wait(tiny_app, client, client.post(f"/api/tours/{TOUR}/narration/speech",
                                                 json={"text": EN, "language": "en", "engine": "gtts"}))
        assert job["state"] == "done", job
        track = assert_track(tiny_app, job["result"], "gtts", "en", EN)
        assert track.voice == "en@translate.google.com"
        assert len(http.calls) == len(split_sentences(EN))
        calls = len(http.calls)
        refused = client.post(f"/api/tours/{TOUR}/narration/speech", json={"text": MN, "language": "mn", "engine": "gtts"})
        assert refused.status_code == 422
        assert "never sent to gTTS" in refused.json["error"]["message"]
        assert len(http.calls) == calls


def test_auto_falls_back_to_espeak_when_gtts_fails_and_a_forced_gtts_job_says_why(tiny_app, as_user):
    client = as_user("ann")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        http.add(responses.POST, GTTS_URL, status=503)
        job = wait(tiny_app, client, client.post(f"/api/tours/{TOUR}/narration/speech",
                                                 json={"text": EN, "language": "en"}))
        assert job["state"] == "done", job
        assert_track(tiny_app, job["result"], "espeak", "en", EN)
        failed = wait(tiny_app, client, client.post(f"/api/tours/{TOUR}/narration/speech",
                                                    json={"text": EN, "language": "en", "engine": "gtts"}))
        assert failed["state"] == "failed" and "503" in failed["error"] and "choose espeak" in failed["error"]


def test_speech_requests_are_checked(tiny_app, as_user):
    client = as_user("ann")
    url = f"/api/tours/{TOUR}/narration/speech"
    assert client.post(url, json={"text": "", "language": "en"}).status_code == 422
    bad = client.post(url, json={"text": EN, "language": "en", "engine": "piper"})
    assert bad.status_code == 422 and bad.json["error"]["problems"][0]["path"] == "engine"
    assert client.post(url, json={"text": EN, "language": "english"}).status_code == 422
    assert client.post(url, data="text").status_code == 400
    reviewer = as_user("rita", role="reviewer")
    assert reviewer.post(url, json={"text": EN, "language": "en"}).status_code == 403
    assert reviewer.post(f"/api/tours/{TOUR}/check", json={}).status_code == 200


# --- recordings -----------------------------------------------------------------------

def upload(client, data: bytes, name: str = "take.wav", lang: str = "en", text: str = EN, **extra):
    form = {"file": (io.BytesIO(data), name), "language": lang, "text": text, **extra}
    return client.post(f"/api/tours/{TOUR}/narration/recording", data=form, content_type="multipart/form-data")


def test_a_recording_is_shaped_into_a_track_with_estimated_captions(tiny_app, as_user, spoken_wav):
    client = as_user("ann")
    answer = upload(client, spoken_wav, where="yard")
    assert answer.status_code == 201, answer.json
    track = assert_track(tiny_app, answer.json, "recording", "en", EN)
    assert track.timing == "estimated" and not track.robot
    assert track.audio == "media/narration/yard.en.mp3"
    # the silence around the take was cut
    samples, rate = soundfile.read(io.BytesIO(spoken_wav))
    assert track.duration < len(samples) / rate - 0.2
    save_with(client, "en", EN, answer.json)


@pytest.mark.parametrize("data, name, status, says", [
    (b"", "empty.wav", 422, "empty.wav is empty: record it again"),
    (b"\xff\xd8\xff\xe0" + b"JFIF" * 100, "photo.mp3", 415, "photo.mp3 is not a sound file tourbuilder reads"),
    ("silence", "quiet.wav", 422, "quiet.wav is silent: check the microphone"),
    ("cut", "cut.wav", 422, "cut.wav"),
    ("short", "short.wav", 422, "at least 0.5 s is needed"),
], ids=["empty", "not-sound", "silent", "cut-short", "too-short"])
def test_bad_recordings_are_refused_with_the_problem_and_the_fix(tiny_app, as_user, spoken_wav, data, name, status, says):
    client = as_user("ann")
    if data == "silence":
        data = wav_of(np.zeros(22050 * 2, "float32"))
    elif data == "cut":
        data = spoken_wav[: len(spoken_wav) // 3]
    elif data == "short":
        data = wav_of(0.5 * np.sin(np.arange(22050 // 5) * 0.2).astype("float32"))
    answer = upload(client, data, name)
    assert answer.status_code == status, answer.json
    message = answer.json["error"]["message"]
    assert says in message
    assert answer.json["error"]["problems"][0]["path"] == "file"
    before = tiny_app.extensions["tourbuilder.store"].revisions(TOUR)
    assert len(before) == 1  # nothing was saved


def test_a_recording_over_50_mb_is_413_and_the_form_is_checked(tiny_app, as_user):
    client = as_user("ann")
    huge = b"RIFF" + b"\0" * (50 * 1024 * 1024 + 10)
    answer = upload(client, huge, "long.wav")
    assert answer.status_code == 413 and "at most 50 MB" in answer.json["error"]["message"]
    no_file = client.post(f"/api/tours/{TOUR}/narration/recording", data={"language": "en"},
                          content_type="multipart/form-data")
    assert no_file.status_code == 400 and no_file.json["error"]["problems"][0]["path"] == "file"
    bad_language = upload(client, b"RIFF", lang="English")
    assert bad_language.status_code == 422 and bad_language.json["error"]["problems"][0]["path"] == "language"


def wav_of(samples: np.ndarray, rate: int = 22050) -> bytes:
    out = io.BytesIO()
    soundfile.write(out, samples, rate, format="WAV")
    return out.getvalue()


# --- checks ---------------------------------------------------------------------------

def test_check_reports_the_unsaved_document_and_its_budget(tiny_app, as_user):
    client = as_user("ann")
    stored_check = client.post(f"/api/tours/{TOUR}/check", json={})
    assert stored_check.status_code == 200 and stored_check.json["revision"] == 1
    budget = stored_check.json["budget"]
    assert budget["link"]["down_kbps"] == 1600 and budget["link"]["rtt_ms"] == 150
    for scene_id in ("yard", "hall"):
        scene = budget["scenes"][scene_id]
        assert scene["bytes"] == sum(scene["parts"][k] for k in ("page", "player", "preview", "tiles"))
        assert 0 < scene["ready_seconds"] < scene["seconds"] and scene["over"] is False

    document = client.get(f"/api/tours/{TOUR}").json["document"]
    # a "listen again" hotspot in a scene without narration; a scene removed: a broken link
    document["scenes"]["hall"]["hotspots"].append({"id": "listen", "kind": "narration", "yaw": 10, "pitch": 0,
                                                   "title": {"mn": "Сонсох", "en": "Listen"}})
    document["scenes"]["yard"]["hotspots"].append({"id": "to-cellar", "kind": "scene", "yaw": 0, "pitch": 0,
                                                   "title": {"mn": "Зоорь", "en": "Cellar"}, "target": "cellar"})
    unsaved = client.post(f"/api/tours/{TOUR}/check", json={"document": document})
    assert unsaved.status_code == 200 and unsaved.json["revision"] is None
    found = {(f["level"], f["path"]): f["message"] for f in unsaved.json["findings"]}
    assert found[("error", "scenes.yard.hotspots.to-cellar")] == "links to scene 'cellar', which does not exist"
    assert "the scene has none" in found[("warning", "scenes.hall.hotspots.listen")]
    assert len(tiny_app.extensions["tourbuilder.store"].revisions(TOUR)) == 1  # checking saves nothing

    document["id"] = "other"
    assert client.post(f"/api/tours/{TOUR}/check", json={"document": document}).status_code == 422
    document["id"] = TOUR
    document["scenes"]["yard"]["panorama"] = 42
    invalid = client.post(f"/api/tours/{TOUR}/check", json={"document": document})
    assert invalid.status_code == 422 and invalid.json["error"]["problems"]
