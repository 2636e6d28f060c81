"""The player's view controls in Chromium over loopback: the gyroscope (DeviceOrientation events,
the iOS permission prompt, the screen's orientation), idle autorotate, the prefetch of the linked
scenes' previews, and the heading kept (or not) across a scene link.

The tour: yard (pose heading 0) links to hall (pose heading 90) and shed; hall links on to far.
Every panorama is painted in four colours by image yaw, so the screen's centre tells which way
the picture faces. Options and link arrivals the tour model does not carry are set by editing
the exported page's player configuration (`config.options`, a link's `arrival`).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageStat
from playwright.sync_api import expect

from tests.browser.axe import run_axe
from tests.browser.conftest import open_page
from tests.samples import page_variant, player_config_of, write_tiny_folder
from tourbuilder.export import export_tour

pytestmark = pytest.mark.exported_player

READY = '#tourbuilder-player[data-ready="true"]'
SHARP = '#tourbuilder-player[data-sharp="true"]'
HIDE_OVERLAYS = "#tourbuilder-player button[data-hotspot-id] { visibility: hidden !important; }"
GYRO = '[data-action="gyro"]'
GYRO_NAME = {"mn": "Утсаа хөдөлгөж эргэн тойрноо харах", "en": "Look around by moving the phone"}
#: Image yaw quadrants of every panorama: centre (image yaw 0) red, 90 green, 180 blue, -90 yellow.
QUADRANTS = {0: (220, 30, 30), 90: (30, 190, 40), 180: (30, 40, 220), -90: (230, 210, 30)}


def scene(title, panorama, hotspots, **extra):
    return {"title": {"mn": title, "en": title}, "panorama": panorama, "hotspots": hotspots, **extra}


def link(ident, yaw, target):
    return {"id": ident, "kind": "scene", "yaw": yaw, "pitch": 0,
            "title": {"mn": f"{target} руу", "en": f"To {target}"}, "target": target}


def linked_document() -> dict:
    return {
        "schema_version": 1, "id": "linked", "title": {"mn": "Холбоос", "en": "Links"},
        "languages": ["mn", "en"], "start_scene": "yard",
        "scenes": {
            "yard": scene("Yard", "media/yard.jpg", [link("to-hall", 90, "hall"), link("to-shed", -90, "shed")]),
            "hall": scene("Hall", "media/hall.jpg", [link("back", -90, "yard"), link("to-far", 180, "far")],
                          pose={"heading": 90, "pitch": 0, "roll": 0},
                          initial_view={"yaw": 0, "pitch": 0, "fov": 90}),
            "shed": scene("Shed", "media/shed.jpg", [link("shed-back", 0, "yard")]),
            "far": scene("Far", "media/far.jpg", [link("far-back", 0, "hall")]),
        },
        "quizzes": {},
        "completion": {"rule": "visit"},
    }


def quadrant_panorama(path: Path, number: int) -> None:
    """A 2048x1024 equirect, one colour per 90° of image yaw (centred on 0, 90, 180, -90); the
    nadir's grey tells the scenes apart (so each has its own files)."""
    yaw = (np.arange(2048) + 0.5) / 2048 * 360 - 180
    image = np.zeros((1024, 2048, 3), np.uint8)
    for centre, colour in QUADRANTS.items():
        image[:, (((yaw - centre + 180) % 360) - 180 >= -45) & (((yaw - centre + 180) % 360) - 180 < 45)] = colour
    image[-16:] = 40 * number
    Image.fromarray(image).save(path, quality=92)


@pytest.fixture(scope="module")
def linked_export(tmp_path_factory):
    base = tmp_path_factory.mktemp("controls")
    folder = write_tiny_folder(base / "linked", linked_document())
    for number, name in enumerate(("yard", "hall", "shed", "far")):
        quadrant_panorama(folder / "media" / f"{name}.jpg", number)
    out = base / "web"
    export_tour(str(folder), "web", out)
    return out


def with_options(**options):
    def change(config):
        config["options"] = options
    return change


def open_tour(page, url):
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)


def view(page) -> dict:
    return page.evaluate("window.tourbuilder.player.getView()")


def orient(page, alpha, beta, gamma):
    """A deviceorientation event, as a phone's sensor sends it (None: a desktop without one)."""
    page.evaluate(
        "([a, b, g]) => window.dispatchEvent(new DeviceOrientationEvent('deviceorientation',"
        " {alpha: a, beta: b, gamma: g, absolute: false}))",
        [alpha, beta, gamma],
    )


def frames(page, count=10) -> None:
    """Let the page draw `count` animation frames."""
    page.evaluate("n => new Promise(done => { const f = () => --n ? requestAnimationFrame(f) : done(); requestAnimationFrame(f); })", count)


def centre_quadrant(page) -> int:
    """The image yaw quadrant whose colour is at the screen's centre."""
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    cx, cy = shot.width // 2, shot.height // 2
    seen = ImageStat.Stat(shot.crop((cx - 8, cy + 20, cx + 8, cy + 36))).mean
    return min(QUADRANTS, key=lambda q: sum((a - b) ** 2 for a, b in zip(seen, QUADRANTS[q])))


# --- gyroscope -------------------------------------------------------------------------------

def test_the_gyroscope_button_appears_with_the_sensor_and_the_phone_turns_the_view(page, serve, linked_export):
    open_tour(page, serve(linked_export) + "index.html")
    gyro = page.locator(GYRO)
    expect(gyro).to_be_hidden()
    orient(page, None, None, None)  # what a desktop browser without the sensor sends
    expect(gyro).to_be_hidden()
    orient(page, 0, 90, 0)
    expect(gyro).to_be_visible()
    expect(page.get_by_role("button", name=GYRO_NAME["mn"], exact=True)).to_have_attribute("aria-pressed", "false")
    start = view(page)
    orient(page, 10, 90, 0)
    assert view(page) == start, "the phone does nothing until the button is pressed"

    gyro.click()
    expect(gyro).to_have_attribute("aria-pressed", "true")
    orient(page, 0, 90, 0)  # held upright: looking at the horizon
    assert view(page)["yaw"] == pytest.approx(start["yaw"], abs=0.01), "the view does not jump"
    assert view(page)["pitch"] == pytest.approx(0, abs=0.01)
    orient(page, 30, 120, 0)  # turned 30° left, tilted 30° up
    v = view(page)
    assert v["yaw"] == pytest.approx(start["yaw"] - 30, abs=0.01)
    assert v["pitch"] == pytest.approx(30, abs=0.01)

    # Dragging still turns the view; the phone carries on from there.
    box = page.locator(".tb-viewer").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y, steps=5)
    page.mouse.up()
    dragged = view(page)["yaw"]
    assert dragged > start["yaw"] - 30 + 5, "drag left turns the view right"
    orient(page, 30, 120, 0)
    assert view(page)["yaw"] == pytest.approx(dragged, abs=0.01), "the drag is kept"
    orient(page, 20, 120, 0)
    assert view(page)["yaw"] == pytest.approx(dragged + 10, abs=0.01)
    orient(page, 20, 180, 0)  # its back to the sky: the gyroscope may reach the pole
    assert view(page)["pitch"] == pytest.approx(90, abs=0.01)

    gyro.click()
    expect(gyro).to_have_attribute("aria-pressed", "false")
    before = view(page)
    orient(page, 90, 60, 10)
    assert view(page) == before, "turned off, the phone no longer moves the view"
    assert page.evaluate("window.tourbuilder.player.viewer.roll") == 0
    assert page.watch.console_errors == []


def test_the_screen_orientation_is_taken_into_account(page, serve, linked_export):
    open_tour(page, serve(linked_export) + "index.html")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setDeviceMetricsOverride", {
        "width": 900, "height": 500, "deviceScaleFactor": 1, "mobile": True,
        "screenOrientation": {"type": "landscapePrimary", "angle": 90}})
    page.wait_for_function("screen.orientation.angle === 90")
    orient(page, 0, 0, -90)
    page.locator(GYRO).click()
    expect(page.locator(GYRO)).to_have_attribute("aria-pressed", "true")
    # Landscape, the phone's left side down, its back to the horizon: level, not rolled.
    orient(page, 0, 0, -90)
    assert view(page)["pitch"] == pytest.approx(0, abs=0.01)
    assert page.evaluate("window.tourbuilder.player.viewer.roll") == pytest.approx(0, abs=0.01)
    orient(page, 0, 0, -60)  # its back tilted 30° down
    assert view(page)["pitch"] == pytest.approx(-30, abs=0.01)
    assert page.evaluate("window.tourbuilder.player.viewer.roll") == pytest.approx(0, abs=0.01)
    orient(page, 0, 20, -90)  # turned about the screen's axis: the picture rolls
    assert page.evaluate("window.tourbuilder.player.viewer.roll") == pytest.approx(-20, abs=0.01)


FAKE_PERMISSION = """
window.permissionAsked = [];
DeviceOrientationEvent.requestPermission = () => {
  // Recorded: was it asked inside the tap, as iOS requires?
  window.permissionAsked.push(navigator.userActivation.isActive);
  return Promise.resolve(window.permissionAnswer || 'granted');
};
"""


@pytest.fixture
def touch_page(browser):
    """A touch screen whose browser asks for the motion sensor (as iOS 13+ Safari does)."""
    page = open_page(browser, service_workers="block", has_touch=True)
    page.add_init_script(FAKE_PERMISSION)
    yield page
    page.context.close()


def test_ios_asks_for_permission_in_the_tap(touch_page, serve, linked_export):
    page = touch_page
    open_tour(page, serve(linked_export) + "index.html")
    gyro = page.locator(GYRO)
    expect(gyro).to_be_visible()  # no event can come before permission: offered at once
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.get_by_role("button", name=GYRO_NAME["en"], exact=True)).to_be_visible()
    gyro.click()
    expect(gyro).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.permissionAsked") == [True]
    start = view(page)
    orient(page, 0, 90, 0)
    orient(page, -45, 90, 0)
    assert view(page)["yaw"] == pytest.approx(start["yaw"] + 45, abs=0.01)
    assert page.watch.console_errors == []


def test_a_touch_screen_without_the_sensor_loses_the_button(touch_page, serve, linked_export):
    page = touch_page
    open_tour(page, serve(linked_export) + "index.html")
    page.locator(GYRO).click()
    expect(page.locator(GYRO)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(GYRO)).to_be_hidden(timeout=10_000)  # no angles within 2 s
    expect(page.locator(GYRO)).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.tourbuilder.player.viewer.freePitch") is False


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_gyroscope_button_passes_axe_in_both_languages(touch_page, serve, linked_export, width):
    """Icon only (narrower than 72rem) and with its text; off and on; Mongolian and English."""

    page = touch_page
    page.set_viewport_size({"width": width, "height": 640})
    open_tour(page, serve(linked_export) + "index.html")
    for lang, pressed in (("mn", "false"), ("en", "true")):
        if lang == "en":
            page.get_by_role("button", name="English", exact=True).click()
            page.locator(GYRO).click()
            orient(page, 0, 90, 0)  # the sensor answers (else the button goes after 2 s)
        button = page.get_by_role("button", name=GYRO_NAME[lang], exact=True)
        expect(button).to_have_attribute("aria-pressed", pressed)
        result = run_axe(page)
        assert result["violations"] == [], result["violations"]
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44


def test_a_refused_permission_leaves_the_gyroscope_off(touch_page, serve, linked_export):
    page = touch_page
    open_tour(page, serve(linked_export) + "index.html")
    page.evaluate("window.permissionAnswer = 'denied'")
    page.locator(GYRO).click()
    expect(page.locator('[data-notice="gyroDenied"]')).to_be_visible()
    expect(page.locator(GYRO)).to_have_attribute("aria-pressed", "false")
    before = view(page)
    orient(page, 0, 90, 0)
    orient(page, 40, 110, 0)
    assert view(page) == before


# --- idle autorotate ---------------------------------------------------------------------------

def test_autorotate_turns_the_idle_view_and_stops_at_once_on_input(page, serve, linked_export):
    name = page_variant(linked_export, "autorotate.html", with_options(autorotateDelay=2, autorotateSpeed=20))
    open_tour(page, serve(linked_export) + name)
    root = page.locator("#tourbuilder-player")
    expect(root).to_have_attribute("data-autorotate", "waiting")
    start = view(page)
    page.wait_for_selector('[data-autorotate="turning"]', timeout=10_000)
    page.wait_for_function("y => window.tourbuilder.player.getView().yaw > y + 2", arg=start["yaw"])
    assert view(page)["pitch"] == start["pitch"] and view(page)["fov"] == start["fov"], "only the yaw turns"
    assert page.locator("[data-announcer]").text_content() == "", "nothing is announced"

    page.keyboard.press("Shift")
    assert root.get_attribute("data-autorotate") == "waiting", "a key stops it at once"
    stopped = view(page)["yaw"]
    frames(page)
    assert view(page)["yaw"] == stopped

    page.wait_for_selector('[data-autorotate="turning"]', timeout=10_000)  # idle again: it goes on
    page.wait_for_function("y => window.tourbuilder.player.getView().yaw !== y", arg=stopped)
    page.mouse.move(200, 300)
    assert root.get_attribute("data-autorotate") == "waiting", "a pointer stops it at once"
    stopped = view(page)["yaw"]
    frames(page)
    assert view(page)["yaw"] == stopped
    assert page.watch.console_errors == []


def test_autorotate_waits_while_the_gyroscope_drives_the_view(page, serve, linked_export):
    name = page_variant(linked_export, "autorotate-gyro.html", with_options(autorotateDelay=0.5))
    open_tour(page, serve(linked_export) + name)
    orient(page, 0, 90, 0)
    page.locator(GYRO).click()
    expect(page.locator(GYRO)).to_have_attribute("aria-pressed", "true")
    orient(page, 0, 90, 0)
    yaw = view(page)["yaw"]
    # Two waits end while the gyroscope is on: each time it waits again instead of turning.
    page.wait_for_function("window.tourbuilder.player.controls.autorotate.endedWaits >= 2", timeout=10_000)
    assert root_state(page) == "waiting"
    assert view(page)["yaw"] == yaw
    page.locator(GYRO).click()
    expect(page.locator(GYRO)).to_have_attribute("aria-pressed", "false")
    page.wait_for_selector('[data-autorotate="turning"]', timeout=10_000)


def root_state(page):
    return page.get_attribute("#tourbuilder-player", "data-autorotate")


def test_autorotate_is_off_for_reduced_motion_and_for_delay_zero(page, serve, linked_export):
    base = serve(linked_export)
    open_tour(page, base + "index.html")
    assert root_state(page) == "waiting", "on by default"
    assert page.evaluate("window.tourbuilder.player.options.autorotateDelay") == 30
    name = page_variant(linked_export, "no-autorotate.html", with_options(autorotateDelay=0))
    open_tour(page, base + name)
    assert root_state(page) == "off"
    page.emulate_media(reduced_motion="reduce")
    open_tour(page, base + page_variant(linked_export, "fast-autorotate.html", with_options(autorotateDelay=0.2)))
    assert root_state(page) == "off"


# --- prefetch of the linked scenes' previews ---------------------------------------------------

def test_the_linked_scenes_previews_are_prefetched_after_the_view_is_sharp(page, serve, linked_export):
    config = player_config_of(linked_export)
    previews = {ident: config["panoramas"][s["panorama"]]["preview"] for ident, s in config["tour"]["scenes"].items()}
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    base = serve(linked_export)
    open_tour(page, base + "index.html")
    page.wait_for_selector(SHARP, timeout=20_000)
    linked = [base + previews["hall"], base + previews["shed"]]
    page.wait_for_function(
        "urls => urls.every(u => performance.getEntriesByType('resource').some(e => e.name === u))",
        arg=linked, timeout=10_000)
    assert all(requests.count(url) == 1 for url in linked)
    first = min(requests.index(url) for url in linked)
    tiles = [i for i, url in enumerate(requests) if "/tiles/" in url]
    assert tiles and max(tiles) < first, "the current view's tiles are asked for first"
    timing = page.evaluate("""urls => {
        const entries = performance.getEntriesByType('resource');
        return {tilesDone: Math.max(...entries.filter(e => e.name.includes('/tiles/')).map(e => e.responseEnd)),
                prefetchStart: Math.min(...entries.filter(e => urls.includes(e.name)).map(e => e.startTime))};
    }""", linked)
    assert timing["prefetchStart"] >= timing["tilesDone"], f"prefetch waits until the view is sharp: {timing}"
    assert requests.count(base + previews["far"]) == 0, "a scene two links away is not loaded"
    assert requests.count(base + previews["yard"]) == 1, "the current scene's preview is loaded once"
    assert not any("/tiles/" in url for url in requests[first:]), "no tiles of the linked scenes"

    # Following a link, its preview is there already; from there the next links are prefetched.
    page.evaluate("window.tourbuilder.player.lookAt(90, 0)")
    page.locator('[data-hotspot-id="to-hall"]').click()
    page.wait_for_selector('#tourbuilder-player[data-scene="hall"][data-ready="true"]', timeout=20_000)
    page.wait_for_selector(SHARP, timeout=20_000)
    page.wait_for_function(
        "u => performance.getEntriesByType('resource').some(e => e.name === u)", arg=base + previews["far"],
        timeout=10_000)
    assert page.watch.console_errors == []


def test_prefetch_is_skipped_from_a_folder(page, linked_export):
    page.goto((linked_export / "index.html").as_uri())
    page.wait_for_selector(READY, timeout=20_000)
    assert page.evaluate("window.tourbuilder.player.controls.prefetch.enabled") is False


# --- heading across a scene link ---------------------------------------------------------------

def follow_to_hall(page, url):
    """Open the yard, face the hall's link (world yaw 90) and follow it by clicking it."""
    open_tour(page, url)
    page.evaluate("window.tourbuilder.player.lookAt(90, 0, 90)")
    page.locator('[data-hotspot-id="to-hall"]').click()
    page.wait_for_selector('#tourbuilder-player[data-scene="hall"][data-ready="true"]', timeout=20_000)
    page.add_style_tag(content=HIDE_OVERLAYS)
    frames(page, 3)


def test_without_arrival_a_link_shows_the_targets_initial_view(page, serve, linked_export):
    follow_to_hall(page, serve(linked_export) + "index.html")
    assert view(page)["yaw"] == pytest.approx(0, abs=0.01)
    # World yaw 0 in the hall (pose heading 90) is its image yaw -90.
    assert centre_quadrant(page) == -90


def keep_heading_on_link(config):
    spot = next(h for h in config["tour"]["scenes"]["yard"]["hotspots"] if h["id"] == "to-hall")
    spot["arrival"] = "keep_heading"


def test_keep_heading_keeps_the_world_yaw_across_poses(page, serve, linked_export):
    name = page_variant(linked_export, "keep-link.html", keep_heading_on_link)
    follow_to_hall(page, serve(linked_export) + name)
    v = view(page)
    assert v["yaw"] == pytest.approx(90, abs=0.01), "the learner still faces world yaw 90"
    assert v["pitch"] == pytest.approx(0, abs=0.01) and v["fov"] == pytest.approx(90, abs=0.01)
    # The hall's photo faces world yaw 90 with its centre (image yaw 0): red.
    assert centre_quadrant(page) == 0


def test_keep_heading_as_the_tours_default_and_an_authors_arrival_wins(page, serve, linked_export):
    def change(config):
        config["options"] = {"arrival": "keep_heading"}
        back = next(h for h in config["tour"]["scenes"]["hall"]["hotspots"] if h["id"] == "back")
        back["arrival"] = {"yaw": 180, "pitch": 0, "fov": 90}

    name = page_variant(linked_export, "keep-default.html", change)
    follow_to_hall(page, serve(linked_export) + name)
    assert view(page)["yaw"] == pytest.approx(90, abs=0.01)
    assert centre_quadrant(page) == 0
    page.evaluate("window.tourbuilder.player.activateHotspot('back')")
    page.wait_for_selector('#tourbuilder-player[data-scene="yard"][data-ready="true"]', timeout=20_000)
    frames(page, 3)
    assert view(page)["yaw"] == pytest.approx(-180, abs=0.01), "the link's own arrival view"
    assert centre_quadrant(page) == 180
    # The API takes "keep_heading" too.
    page.evaluate("window.tourbuilder.player.lookAt(-30, 0)")
    page.evaluate("window.tourbuilder.player.loadScene('shed', 'keep_heading')")
    page.wait_for_selector('#tourbuilder-player[data-scene="shed"][data-ready="true"]', timeout=20_000)
    assert view(page)["yaw"] == pytest.approx(-30, abs=0.01)
