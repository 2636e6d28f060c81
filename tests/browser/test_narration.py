"""Narration in the player, in Chromium, on the demo tour's web export (espeak tracks in
Mongolian and English for every scene).

- Nothing plays before the learner's first gesture: every `play()` call is recorded with the
  page's user activation (this headless Chromium would allow autoplay, so the rule is checked
  on the calls themselves), and no MP3 is even requested before the "Listen" button is clicked.
- Captions are shown in time: the caption on screen is the cue of `audio.currentTime`, at
  several points of the track; pause, replay and the captions toggle work; the next scene's
  narration starts by itself once the learner has interacted.
- The language switch changes the audio file and the captions' language, at the same sentence.
- The transcript opens in a dialog with the sentence being spoken marked, the robot-voice
  label, and no axe violation.
- A track without sound (`engine: none`) advances its cues at their own pace, with no audio.
- An info hotspot with a narration plays it when its dialog opens.
- The export opened from its folder (file://) plays narration from the MP3 files as they are.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.axe import run_axe
from tests.browser.conftest import LOOPBACK, PageWatch, QuietHandler, export_demo_once
from tests.samples import page_variant, player_config_of

pytestmark = pytest.mark.exported_player

READY = '#tourbuilder-player[data-ready="true"]'
LISTEN = {"mn": "Сонсох", "en": "Listen"}
PAUSE = {"mn": "Түр зогсоох", "en": "Pause"}
PLAY = {"mn": "Тоглуулах", "en": "Play"}
REPLAY = {"mn": "Дахин сонсох", "en": "Listen again"}
CAPTIONS = {"mn": "Хадмал", "en": "Captions"}
TRANSCRIPT = {"mn": "Бичвэр", "en": "Transcript"}
ROBOT = {"mn": "Робот дуу хоолой", "en": "Robot voice"}
CAPTION_BOX = ".tb-narration > .tb-captions"

# Every play() of a media element is recorded with the page's user activation at that moment.
RECORD_PLAYS = """
window.__plays = [];
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__plays.push({src: this.src, active: navigator.userActivation.isActive,
                       hasBeenActive: navigator.userActivation.hasBeenActive});
  return realPlay.apply(this, arguments);
};
"""


@pytest.fixture
def page(browser):
    """Like conftest's `page` (console errors and requests that leave loopback recorded), but
    without Playwright's request interception, which its `service_workers="block"` and
    `route()` both turn on: Chromium cannot seek in a media file that came through it, and
    seeking is part of what is tested here. So the pages served here do not register the
    export's service worker (`offline: false`, see `variant`)."""
    context = browser.new_context(viewport={"width": 1024, "height": 640})
    watch = PageWatch()

    def leaves_loopback(request):
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and (url.hostname or "") not in LOOPBACK:
            watch.outside_requests.append(request.url)

    context.on("request", leaves_loopback)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and watch.console_errors.append(m.text))
    page.on("pageerror", lambda e: watch.console_errors.append(str(e)))
    page.watch = watch
    yield page
    context.close()


@pytest.fixture(scope="module")
def web_export(demo_folder_master, tmp_path_factory):
    """The demo tour exported as a web tour once for this module (tests only add pages to it)."""
    return export_demo_once(demo_folder_master, tmp_path_factory.mktemp("narration"))


@pytest.fixture(scope="module")
def config(web_export):
    return player_config_of(web_export)


class RangeHandler(QuietHandler):
    """A static server that answers range requests, as web servers do (http.server does not:
    Chromium cannot seek in a sound file served without them)."""

    def send_head(self):
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start, end = int(match.group(1)), int(match.group(2) or size - 1)
        if start >= size:
            self.send_error(416)
            return None
        end = min(end, size - 1)
        body = path.read_bytes()[start:end + 1]
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture
def serve_ranges(serve):
    """serve_ranges(folder) -> base URL of a loopback server for that folder that answers range requests."""
    return lambda folder: serve(folder, RangeHandler)


@pytest.fixture
def tour_page(page, serve_ranges, web_export):
    """open() -> the page with the export's tour open (without its service worker) and its
    narration events recorded."""
    base = serve_ranges(web_export)

    def open_():
        return open_tour(page, base + variant(web_export, "tour.html", lambda config: None))

    return open_


def open_tour(page, url):
    page.add_init_script(RECORD_PLAYS)
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    page.evaluate("window.__events = []; window.tourbuilder.player.on('narration', (d) => window.__events.push(d))")
    return page


def variant(web_export: Path, name: str, change) -> str:
    """A copy of the export's index.html whose player config `change(config)` modified, without
    the service worker (see `page`)."""

    def without_worker(config):
        config["offline"] = False
        change(config)

    return page_variant(web_export, name, without_worker)


def start_track(config, lang):
    tour = config["tour"]
    return tour["scenes"][tour["start_scene"]]["narration"]["tracks"][lang]


def cue_at(cues, t):
    """The cue shown at a time: the last one that has started (the player's rule)."""
    shown = -1
    for index, cue in enumerate(cues):
        if cue["start"] <= t:
            shown = index
    return shown


def wait_event(page, condition: str, timeout=15_000):
    """Wait for a recorded `narration` event matching a JS condition on `e`; return it."""
    page.wait_for_function(f"window.__events.some((e) => {condition})", timeout=timeout)
    return page.evaluate(f"window.__events.filter((e) => {condition}).pop()")


def sample(page):
    """The audio's time and the caption on screen, read together."""
    return page.evaluate(f"""() => {{
        const box = document.querySelector('{CAPTION_BOX}');
        const audio = window.tourbuilder.player.narration.audio;
        return {{t: audio.currentTime, caption: box.hidden ? '' : box.textContent, lang: box.getAttribute('lang'),
                 src: audio.src, paused: audio.paused}};
    }}""")


def captions_follow_the_audio(page, cues, indices):
    """At the middle of each cue of `indices`, the caption shown is the cue of audio.currentTime."""
    seen = []
    for index in indices:
        middle = (cues[index]["start"] + cues[index]["end"]) / 2
        page.wait_for_function(f"window.tourbuilder.player.narration.audio.currentTime >= {middle}", timeout=20_000)
        now = sample(page)
        shown = cue_at(cues, now["t"])
        assert now["caption"] == cues[shown]["text"], (now, shown)
        seen.append(shown)
    assert len(set(seen)) >= 2, f"captions changed with the audio: {seen}"
    return seen


def state(page):
    return page.evaluate("window.tourbuilder.player.narration.getState()")


def test_nothing_plays_before_a_gesture_and_the_listen_button_starts_the_narration_with_captions_in_time(
        tour_page, config):
    mp3 = []
    page = tour_page()
    page.on("request", lambda r: r.url.endswith(".mp3") and mp3.append(r.url))
    page.wait_for_selector('#tourbuilder-player[data-sharp="true"]', timeout=20_000)
    assert page.evaluate("window.__plays") == [], "play() is never called before a gesture"
    assert mp3 == [], "no sound is downloaded before it is wanted"
    assert state(page)["state"] == "idle" and not state(page)["unlocked"]
    expect(page.locator(CAPTION_BOX)).to_be_hidden()

    listen = page.get_by_role("button", name=LISTEN["mn"], exact=True)
    expect(listen).to_be_visible()
    box = listen.bounding_box()
    assert box["width"] >= 56 and box["height"] >= 56, box
    listen.click()
    event = wait_event(page, "e.state === 'playing'")
    assert (event["scene"], event["hotspot"], event["lang"]) == ("ore-arrival", None, "mn")
    plays = page.evaluate("window.__plays")
    assert plays and all(p["active"] for p in plays), f"play() only inside the gesture: {plays}"
    track = start_track(config, "mn")
    assert page.evaluate("window.tourbuilder.player.narration.audio.src").endswith(config["media"][track["audio"]])

    seen = captions_follow_the_audio(page, track["cues"], [1, 2, 3])
    assert page.locator(CAPTION_BOX).get_attribute("lang") == "mn"
    assert page.locator(CAPTION_BOX).get_attribute("aria-live") == "off"
    cue_events = page.evaluate("window.__events.filter((e) => e.state === 'playing').map((e) => e.cue)")
    assert cue_events[: seen[-1] + 2] == list(range(-1, seen[-1] + 1)) or cue_events[: seen[-1] + 1] == list(range(seen[-1] + 1)), cue_events
    expect(page.get_by_role("button", name=PAUSE["mn"], exact=True)).to_be_visible()

    # The end: the state is "ended", the captions go away.
    page.evaluate("(d) => { window.tourbuilder.player.narration.audio.currentTime = d - 0.3; }", track["duration"])
    wait_event(page, "e.state === 'ended' && e.scene === 'ore-arrival'")
    expect(page.locator(CAPTION_BOX)).to_be_hidden()
    expect(page.get_by_role("button", name=PLAY["mn"], exact=True)).to_be_visible()
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_pause_replay_captions_toggle_and_the_next_scene_speaks_by_itself(tour_page, config):
    page = tour_page()
    page.get_by_role("button", name=LISTEN["mn"], exact=True).click()
    wait_event(page, "e.state === 'playing' && e.cue === 1")
    page.get_by_role("button", name=PAUSE["mn"], exact=True).click()
    wait_event(page, "e.state === 'paused'")
    held = sample(page)
    assert held["paused"] and held["caption"], held
    page.wait_for_timeout(400)
    assert sample(page)["t"] == pytest.approx(held["t"], abs=0.01), "paused means paused"

    # Replay: from the start again.
    page.get_by_role("button", name=REPLAY["mn"], exact=True).click()
    page.wait_for_function("window.__events.filter((e) => e.state === 'playing').pop().cue === 0")
    assert sample(page)["t"] < held["t"]

    # Captions off: the box is hidden while the narration goes on; on again: back in time.
    toggle = page.get_by_role("button", name=CAPTIONS["mn"], exact=True)
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator(CAPTION_BOX)).to_be_hidden()
    assert state(page)["state"] == "playing"
    toggle.click()
    expect(page.locator(CAPTION_BOX)).to_be_visible()

    # A scene link: this narration stops and the next scene's starts without another "Listen".
    tour = config["tour"]
    link = next(h for h in tour["scenes"][tour["start_scene"]]["hotspots"] if h["kind"] == "scene")
    page.locator(f'.tb-hotspots [data-hotspot-id="{link["id"]}"]').focus()
    page.keyboard.press("Enter")
    wait_event(page, "e.state === 'stopped' && e.scene === 'ore-arrival'")
    event = wait_event(page, f"e.state === 'playing' && e.scene === '{link['target']}'")
    assert event["lang"] == "mn"
    target = tour["scenes"][link["target"]]["narration"]["tracks"]["mn"]
    page.wait_for_function("window.tourbuilder.player.narration.audio.currentTime > 0.2")
    assert sample(page)["src"].endswith(config["media"][target["audio"]])
    assert all(p["hasBeenActive"] for p in page.evaluate("window.__plays"))
    assert page.watch.console_errors == []


def test_the_language_switch_changes_audio_and_captions_at_the_same_sentence(tour_page, config):
    page = tour_page()
    page.get_by_role("button", name=LISTEN["mn"], exact=True).click()
    mn, en = start_track(config, "mn"), start_track(config, "en")
    wait_event(page, "e.state === 'playing' && e.cue === 2")
    page.get_by_role("button", name="English", exact=True).click()
    event = wait_event(page, "e.state === 'playing' && e.lang === 'en'")
    assert event["cue"] == 2, ("the same sentence, in English",
                               [(e["state"], e["lang"], e["cue"]) for e in page.evaluate("window.__events")])
    page.wait_for_function("!window.tourbuilder.player.narration.audio.paused")
    now = sample(page)
    assert now["src"].endswith(config["media"][en["audio"]]) and not now["src"].endswith(config["media"][mn["audio"]])
    assert now["t"] >= en["cues"][2]["start"] - 0.05, now
    assert now["t"] < en["cues"][3]["start"], "it goes on from that sentence, not from the start or the end"
    assert now["lang"] == "en" and now["caption"] == en["cues"][cue_at(en["cues"], now["t"])]["text"]
    captions_follow_the_audio(page, en["cues"], [2, 3])
    # The interface follows: the buttons' names are English now.
    expect(page.get_by_role("button", name=PAUSE["en"], exact=True)).to_be_visible()
    expect(page.locator("[data-narration-label]").first).to_have_text(ROBOT["en"])

    # Paused, then back to Mongolian: it stays paused, at the same sentence in Mongolian.
    page.get_by_role("button", name=PAUSE["en"], exact=True).click()
    wait_event(page, "e.state === 'paused' && e.lang === 'en'")
    index = state(page)["cue"]
    page.get_by_role("button", name="Монгол", exact=True).click()
    expect(page.locator(CAPTION_BOX)).to_have_attribute("lang", "mn")
    st = state(page)
    assert st["state"] == "paused" and st["lang"] == "mn" and st["cue"] == index
    assert st["time"] == pytest.approx(mn["cues"][index]["start"])
    expect(page.locator(CAPTION_BOX)).to_have_text(mn["cues"][index]["text"])
    page.get_by_role("button", name=PLAY["mn"], exact=True).click()
    wait_event(page, "e.state === 'playing' && e.lang === 'mn'")
    page.wait_for_function("window.tourbuilder.player.narration.audio.currentTime > 0")
    assert sample(page)["src"].endswith(config["media"][mn["audio"]])
    assert page.watch.console_errors == []


@pytest.mark.parametrize("lang", ["mn", "en"])
def test_the_transcript_marks_the_sentence_spoken_and_passes_axe(tour_page, config, lang):
    page = tour_page()
    if lang == "mn":
        page.get_by_role("button", name=LISTEN[lang], exact=True).click()
    else:
        # Choosing the language is the first gesture here: the narration starts, in English.
        page.get_by_role("button", name="English", exact=True).click()
    wait_event(page, "e.state === 'playing' && e.cue === 1")
    # The bar and the captions over the panorama pass axe while speaking.
    result = run_axe(page)
    assert result["violations"] == [], result["violations"]

    page.get_by_role("button", name=TRANSCRIPT[lang], exact=True).click()
    tour = config["tour"]
    title = tour["scenes"][tour["start_scene"]]["title"][lang]
    dialog = page.get_by_role("dialog", name=f"{TRANSCRIPT[lang]}: {title}")
    dialog.wait_for()
    cues = start_track(config, lang)["cues"]
    for cue in cues:
        expect(dialog.locator("[data-transcript]")).to_contain_text(cue["text"])
    expect(dialog.locator("[data-narration-label]")).to_have_text(ROBOT[lang])
    page.wait_for_function("window.__events.filter((e) => e.state === 'playing').pop().cue === 2")
    current = dialog.locator('[data-transcript] [aria-current="true"]')
    expect(current).to_have_text(cues[2]["text"])
    # The narration goes on behind the dialog, and its buttons are in it.
    expect(dialog.get_by_role("button", name=PAUSE[lang], exact=True)).to_be_visible()
    result = run_axe(page)
    report = [(v["id"], v["targets"]) for v in result["violations"]]
    assert result["violations"] == [], f"axe violations in the transcript ({lang}): {report}"
    assert result["passes"] > 10
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    expect(page.get_by_role("button", name=TRANSCRIPT[lang], exact=True)).to_be_focused()
    assert page.watch.console_errors == []


def test_a_track_without_sound_shows_its_cues_at_their_own_pace(page, serve_ranges, web_export, config):
    def no_sound(cfg):
        tour = cfg["tour"]
        tracks = tour["scenes"][tour["start_scene"]]["narration"]["tracks"]
        for lang, track in tracks.items():
            cues = [{"start": 0.9 * i, "end": 0.9 * i + 0.8, "text": cue["text"]} for i, cue in enumerate(track["cues"][:3])]
            tracks[lang] = {"engine": "none", "robot": False, "captions": track["captions"], "duration": 2.8,
                            "timing": "estimated", "cues": cues}

    name = variant(web_export, "no-sound.html", no_sound)
    page = open_tour(page, serve_ranges(web_export) + name)
    cues = start_track(player_config_of((web_export / name).read_text(encoding="utf-8")), "mn")["cues"]
    expect(page.locator("[data-narration-label]").first).to_have_text("Дуугүй, зөвхөн хадмал")
    page.get_by_role("button", name="Унших", exact=True).click()
    shown = []
    for index in range(3):
        event = wait_event(page, f"e.state === 'playing' && e.cue === {index}")
        assert event["text"] == cues[index]["text"]
        expect(page.locator(CAPTION_BOX)).to_have_text(cues[index]["text"])
        shown.append(page.evaluate("performance.now()"))
    wait_event(page, "e.state === 'ended'")
    assert shown[2] - shown[0] > 1500, "at the cues' pace, not all at once"
    assert page.evaluate("window.__plays") == [], "no audio at all"
    assert page.evaluate("window.tourbuilder.player.narration.audio.getAttribute('src')") is None
    assert page.watch.console_errors == []


def test_a_sound_file_that_cannot_be_played_leaves_the_captions_at_their_times(page, serve_ranges, web_export, config):
    def missing_sound(cfg):
        cfg["media"][start_track(cfg, "mn")["audio"]] = "media/missing.mp3"

    page = open_tour(page, serve_ranges(web_export) + variant(web_export, "missing-sound.html", missing_sound))
    page.get_by_role("button", name=LISTEN["mn"], exact=True).click()
    cues = start_track(config, "mn")["cues"]
    event = wait_event(page, "e.state === 'playing' && e.cue === 1", timeout=20_000)
    assert event["text"] == cues[1]["text"]
    expect(page.locator(CAPTION_BOX)).to_have_text(cues[1]["text"])
    assert state(page)["mode"] == "timed"
    page.watch.console_errors[:] = [e for e in page.watch.console_errors if "404" not in e]
    assert page.watch.console_errors == []


def test_an_info_hotspot_speaks_its_narration_when_it_opens(page, serve_ranges, web_export, config):
    tour = config["tour"]
    info = next(h for h in tour["scenes"][tour["start_scene"]]["hotspots"] if h["kind"] == "info")
    spoken = tour["scenes"]["gold-room"]["narration"]  # any narration of the tour, with its files

    def speaking_hotspot(cfg):
        scene = cfg["tour"]["scenes"][cfg["tour"]["start_scene"]]
        next(h for h in scene["hotspots"] if h["id"] == info["id"])["narration"] = spoken

    page = open_tour(page, serve_ranges(web_export) + variant(web_export, "speaking-hotspot.html", speaking_hotspot))
    # Opening the hotspot is the first gesture: its narration plays, not the scene's.
    page.locator(f'.tb-hotspots [data-hotspot-id="{info["id"]}"]').click()
    dialog = page.get_by_role("dialog", name=info["title"]["mn"])
    dialog.wait_for()
    event = wait_event(page, f"e.state === 'playing' && e.hotspot === '{info['id']}'")
    assert event["scene"] == tour["start_scene"]
    cues = spoken["tracks"]["mn"]["cues"]
    page.wait_for_function(f"window.tourbuilder.player.narration.audio.currentTime >= {(cues[1]['start'] + cues[1]['end']) / 2}",
                           timeout=20_000)
    now = sample(page)
    assert now["src"].endswith(config["media"][spoken["tracks"]["mn"]["audio"]])
    caption = dialog.locator("[data-captions]")
    expect(caption).to_have_text(cues[cue_at(cues, now["t"])]["text"])
    expect(dialog.get_by_role("button", name=PAUSE["mn"], exact=True)).to_be_visible()
    expect(dialog.locator("[data-narration-label]")).to_have_text(ROBOT["mn"])
    result = run_axe(page)
    assert result["violations"] == [], [(v["id"], v["targets"]) for v in result["violations"]]
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    wait_event(page, f"e.state === 'stopped' && e.hotspot === '{info['id']}'")
    assert page.evaluate("window.tourbuilder.player.narration.audio.paused")
    assert state(page)["hotspot"] is None, "the scene's narration is the current one again"
    expect(page.get_by_role("button", name=PLAY["mn"], exact=True)).to_be_visible()
    assert page.watch.console_errors == []


def test_the_export_opened_from_its_folder_plays_narration(page, web_export, config):
    page = open_tour(page, (web_export / "index.html").as_uri())
    page.get_by_role("button", name=LISTEN["mn"], exact=True).click()
    wait_event(page, "e.state === 'playing'")
    track = start_track(config, "mn")
    captions_follow_the_audio(page, track["cues"], [1, 2])
    now = sample(page)
    assert now["src"].startswith("file://") and now["src"].endswith(config["media"][track["audio"]])
    # The files of a folder can be sought: the other language goes on at the same sentence.
    index = state(page)["cue"]
    page.get_by_role("button", name="English", exact=True).click()
    event = wait_event(page, "e.state === 'playing' && e.lang === 'en'")
    en = start_track(config, "en")
    page.wait_for_function("!window.tourbuilder.player.narration.audio.paused")
    now = sample(page)
    assert event["cue"] == index and now["src"].endswith(config["media"][en["audio"]])
    assert en["cues"][index]["start"] - 0.05 <= now["t"] < en["cues"][index + 1]["start"], now
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_a_narration_hotspot_plays_the_scenes_narration_again_from_its_start(page, serve_ranges, web_export, config):
    tour = config["tour"]
    listen = {"id": "listen-again", "kind": "narration", "yaw": 0, "pitch": -30,
              "title": {"mn": "Дахин сонсох", "en": "Listen again"}}

    def with_listen_button(cfg):
        cfg["tour"]["scenes"][cfg["tour"]["start_scene"]]["hotspots"].append(listen)

    page = open_tour(page, serve_ranges(web_export) + variant(web_export, "listen-again.html", with_listen_button))
    button = page.locator('.tb-hotspots [data-hotspot-id="listen-again"]')
    expect(button).to_have_accessible_name("Дахин сонсох")
    expect(button.locator('[data-icon="audio"]')).to_have_count(1)  # a loudspeaker, understood without reading
    # The first gesture is the hotspot itself, by keyboard: the scene's narration plays from its start.
    button.focus()
    page.keyboard.press("Enter")
    first = wait_event(page, "e.state === 'playing'")
    assert first["scene"] == tour["start_scene"] and first["hotspot"] is None and first["cue"] <= 0
    cues = start_track(config, "mn")["cues"]
    page.wait_for_function(f"window.tourbuilder.player.narration.audio.currentTime >= {cues[1]['start']}", timeout=20_000)
    page.evaluate("window.__events = []")
    button.focus()
    page.keyboard.press("Enter")  # again: back to the first sentence
    again = wait_event(page, "e.state === 'playing'")
    assert again["cue"] <= 0 and again["hotspot"] is None, "from the first sentence"
    assert page.evaluate("window.tourbuilder.player.narration.audio.currentTime") < cues[1]["start"]
    assert page.watch.console_errors == []
