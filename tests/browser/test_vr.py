"""VR in Chromium over loopback, with an emulated Meta Quest 3 (npm `iwer`, injected by the test
only: see iwer.py): the "Enter VR" button starts an immersive-vr session drawn at the headset's
frames; a scene link is chosen with the controller's ray and another by gaze dwell; an info
hotspot opens a panel in space that mirrors the DOM dialog and closes by ray and by gaze; a quiz's
form works in the panel; aiming at the sky chooses nothing; the leave button and the system's own
exit give the page its 2D view back, drawn on demand again.

The tour: yard (pose heading 0) links to hall (yaw 60) and shed (yaw -60) and has an info sign
(yaw 0, pitch -25) and a quiz (yaw 180); hall links back (yaw 180, pose heading 90). Every
panorama is painted in four colours by image yaw, as in test_controls.py.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.axe import check_toolbar_button
from tests.browser.conftest import open_page
from tests.browser.iwer import build_iwer
from tests.browser.test_controls import quadrant_panorama
from tests.samples import write_tiny_folder
from tourbuilder.export import export_tour

pytestmark = pytest.mark.exported_player

READY = '#tourbuilder-player[data-ready="true"]'
VR_BUTTON = '[data-action="vr"]'
CARDBOARD_BUTTON = '[data-action="cardboard"]'
ENTER_VR = {"mn": "VR горимд орох", "en": "Enter VR"}
LEAVE_VR = {"mn": "VR горимоос гарах", "en": "Leave VR"}
PLAYER = "window.tourbuilder.player"
SKY = {"x": 0.3, "y": 12, "z": -1}  # straight up from the head: no hotspot there
SIGN_TEXT = "Mercury vapour is poisonous: keep the retort closed."


def scene(title, panorama, hotspots, **extra):
    return {"title": {"mn": title, "en": title}, "panorama": panorama, "hotspots": hotspots, **extra}


def link(ident, yaw, target, pitch=0):
    return {"id": ident, "kind": "scene", "yaw": yaw, "pitch": pitch,
            "title": {"mn": f"{target} руу", "en": f"To {target}"}, "target": target}


def vr_document() -> dict:
    sign = {"id": "sign", "kind": "info", "yaw": 0, "pitch": -25,
            "title": {"mn": "Анхаар", "en": "Warning"},
            "text": {"mn": "Мөнгөн усны уур хортой.", "en": SIGN_TEXT}}
    quiz = {"id": "check", "kind": "quiz", "yaw": 180, "pitch": 0,
            "title": {"mn": "Сорил", "en": "Check"}, "quiz": "check"}
    return {
        "schema_version": 1, "id": "vr", "title": {"mn": "VR аялал", "en": "VR tour"},
        "languages": ["mn", "en"], "start_scene": "yard",
        "scenes": {
            "yard": scene("Yard", "media/yard.jpg", [link("to-hall", 60, "hall"), link("to-shed", -60, "shed"), sign, quiz]),
            "hall": scene("Hall", "media/hall.jpg", [link("back", 180, "yard")],
                          pose={"heading": 90, "pitch": 0, "roll": 0}),
            "shed": scene("Shed", "media/shed.jpg", [link("shed-back", 0, "yard")]),
        },
        "quizzes": {
            "check": {
                "title": {"mn": "Сорил", "en": "Check"},
                "questions": [{
                    "id": "q1", "kind": "single",
                    "prompt": {"mn": "Мөнгөн ус аюултай юу?", "en": "Is mercury dangerous?"},
                    "choices": [
                        {"id": "yes", "text": {"mn": "Тийм", "en": "Yes"}, "correct": True},
                        {"id": "no", "text": {"mn": "Үгүй", "en": "No"}},
                    ],
                }],
            },
        },
        "completion": {"rule": "visit"},
    }


@pytest.fixture(scope="module")
def vr_export(tmp_path_factory):
    base = tmp_path_factory.mktemp("vr")
    folder = write_tiny_folder(base / "tour", vr_document())
    for number, name in enumerate(("yard", "hall", "shed")):
        quadrant_panorama(folder / "media" / f"{name}.jpg", number)
    out = base / "web"
    export_tour(str(folder), "web", out)
    return out


@pytest.fixture(scope="session")
def iwer_script(tmp_path_factory):
    return build_iwer(tmp_path_factory.mktemp("iwer"))


@pytest.fixture
def headset(browser, iwer_script):
    """A page whose browser has an emulated Meta Quest 3 (window.iwer)."""
    page = open_page(browser, service_workers="block")
    page.add_init_script(path=str(iwer_script))
    yield page
    page.context.close()


# --- helpers ---------------------------------------------------------------------------------

def open_tour(page, base):
    page.goto(base + "index.html")
    page.wait_for_selector(READY, timeout=20_000)


def frames(page) -> int:
    return page.evaluate(f"{PLAYER}.vr.frames()")


def wait_frames(page, count=3):
    """Let the headset draw `count` more frames (the stage sees a pose a frame after it is set)."""
    page.wait_for_function(f"n => {PLAYER}.vr.frames() >= n || !{PLAYER}.vr.mode", arg=frames(page) + count, timeout=20_000)


def targets(page) -> dict:
    return {t["key"]: t for t in page.evaluate(f"{PLAYER}.vr.targets()")}


def position(page, key):
    found = targets(page)
    assert key in found, f"{key} is not among {sorted(found)}"
    return found[key]["position"]


def panel_button(page, label):
    for key, t in targets(page).items():
        if key.startswith("panel:") and t["label"] == label:
            return t["position"]
    raise AssertionError(f"no panel button {label!r} among {[t['label'] for t in targets(page).values()]}")


def aim(page, device, point):
    page.evaluate("([device, target]) => window.iwer.remote.dispatch('look_at', {device, target})", [device, point])
    wait_frames(page, 2)


def aimed(page, ray):
    return page.evaluate(f"{PLAYER}.vr.aim()").get(ray)


def select(page, device="controller-right"):
    """Press and release the trigger, a frame or more apart. (iwer's own `select` holds it for
    0.15 s of frame time; a slow software-rendered frame can swallow the press.)"""
    for value in (1, 0):
        if not page.evaluate(f"{PLAYER}.vr.mode"):
            return  # the press left VR
        page.evaluate("([device, value]) => window.iwer.remote.dispatch('set_select_value', {device, value})", [device, value])
        wait_frames(page, 2)


def enter_vr(page):
    page.locator(VR_BUTTON).click()
    expect(page.locator("#tourbuilder-player")).to_have_attribute("data-vr", "immersive")
    page.wait_for_function(f"{PLAYER}.vr.frames() > 5", timeout=20_000)


def wait_scene(page, scene_id):
    page.wait_for_selector(f'#tourbuilder-player[data-scene="{scene_id}"][data-ready="true"]', timeout=20_000)


def screenshot(page) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), dtype=np.int16)


# --- tests -----------------------------------------------------------------------------------

def test_enter_vr_choose_by_ray_and_by_gaze_then_leave(headset, serve, vr_export):
    page = headset
    open_tour(page, serve(vr_export))
    button = page.get_by_role("button", name=ENTER_VR["mn"], exact=True)
    expect(button).to_be_visible()
    expect(page.locator(CARDBOARD_BUTTON)).to_be_hidden()

    page.evaluate(f"{PLAYER}.lookAt(60, 0)")  # facing the hall link
    enter_vr(page)
    assert page.evaluate(f"{PLAYER}.viewer.renderer.xr.isPresenting") is True
    # The learner goes on facing the view's heading: the head's forward is world yaw 60.
    assert page.evaluate(f"{PLAYER}.getView().yaw") == pytest.approx(60, abs=0.5)
    assert aimed(page, "gaze") == "hotspot:to-hall"
    wait_frames(page, 10)
    assert aimed(page, "dwell") == 0, "what is under the gaze on entering is not chosen: it must rest on nothing first"
    assert page.get_attribute("#tourbuilder-player", "data-scene") == "yard"
    start = frames(page)
    page.wait_for_function(f"n => {PLAYER}.vr.frames() > n + 20", arg=start, timeout=20_000)
    stats = page.evaluate(f"{PLAYER}.getTileStats()")
    assert stats["level"] >= 0 and stats["visible"] > 0, "tiles for the headset's eyes"
    assert set(targets(page)) >= {"hotspot:to-hall", "hotspot:to-shed", "hotspot:sign", "hotspot:check", "leave"}

    # The controller's ray on the hall link, then its trigger.
    aim(page, "controller-right", position(page, "hotspot:to-hall"))
    assert aimed(page, "controller-right") == "hotspot:to-hall"
    select(page)
    wait_scene(page, "hall")
    wait_frames(page)
    assert set(targets(page)) >= {"hotspot:back"}
    # The hall's initial view is ahead of the learner now (yaw 0), its link back behind.
    assert page.evaluate(f"{PLAYER}.getView().yaw") == pytest.approx(0, abs=0.5)
    back = position(page, "hotspot:back")
    assert back["z"] > 3, "behind the head (+z)"

    # The gaze: first on nothing, then on the link back, held until the ring is full.
    aim(page, "headset", SKY)
    assert aimed(page, "gaze") is None
    aim(page, "headset", position(page, "hotspot:back"))
    now = page.evaluate(f"({{scene: {PLAYER}.getScene(), aim: {PLAYER}.vr.aim()}})")
    assert now["scene"] == "hall" and now["aim"]["gaze"] == "hotspot:back", "a glance does not choose"
    assert 0 < now["aim"]["dwell"] < 1, "the ring fills"
    wait_scene(page, "yard")

    # Aiming at the sky hits nothing, and the trigger there does nothing.
    aim(page, "headset", SKY)
    aim(page, "controller-right", SKY)
    assert aimed(page, "controller-right") is None
    select(page)
    wait_frames(page, 10)
    assert page.get_attribute("#tourbuilder-player", "data-scene") == "yard"
    assert page.locator("dialog[open]").count() == 0

    # The leave button below the line of sight.
    aim(page, "controller-right", position(page, "leave"))
    assert aimed(page, "controller-right") == "leave"
    select(page)
    page.wait_for_function("!document.querySelector('#tourbuilder-player').hasAttribute('data-vr')", timeout=10_000)
    assert_2d_again(page)


def assert_2d_again(page):
    assert page.evaluate(f"{PLAYER}.viewer.renderer.xr.isPresenting") is False
    stopped = frames(page)
    page.wait_for_timeout(300)
    assert frames(page) == stopped, "no frame loop after leaving"
    button = page.get_by_role("button", name=ENTER_VR["mn"], exact=True)
    expect(button).to_be_visible()
    expect(button).to_be_focused()
    # Drawn on demand again: turning the view draws the picture and places the hotspot buttons.
    page.evaluate(f"{PLAYER}.lookAt(60, 0, 90)")
    expect(page.locator('[data-hotspot-id="to-hall"]')).to_have_attribute("data-visible", "true")
    pixels = screenshot(page)
    assert pixels[100:-100].std() > 20, "the panorama is drawn"
    box = page.locator(".tb-viewer").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 4  # above the hotspot
    yaw = page.evaluate(f"{PLAYER}.getView().yaw")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y, steps=5)
    page.mouse.up()
    assert page.evaluate(f"{PLAYER}.getView().yaw") > yaw + 5, "dragging turns the view"
    assert page.watch.console_errors == []


def test_an_info_panel_opens_and_closes_in_vr(headset, serve, vr_export):
    page = headset
    open_tour(page, serve(vr_export))
    page.get_by_role("button", name="English", exact=True).click()
    enter_vr(page)
    aim(page, "controller-right", position(page, "hotspot:sign"))
    select(page)
    dialog = page.locator('dialog[open][data-dialog="info"]')
    expect(dialog).to_have_accessible_name("Warning")
    wait_frames(page, 5)
    # The DOM dialog is the source, out of sight and not modal; the panel mirrors it.
    assert "tb-dialog--mirrored" in dialog.get_attribute("class")
    assert page.evaluate("document.querySelector('dialog[open]').matches(':modal')") is False
    found = targets(page)
    assert not any(k.startswith("hotspot:") for k in found), "the panel is modal in space too"
    assert page.evaluate(f"{PLAYER}.vr.panelText()") == ["Warning", "Close", SIGN_TEXT]

    # Closed by the controller's ray on its close button.
    aim(page, "controller-right", panel_button(page, "Close"))
    select(page)
    expect(page.locator("dialog[open]")).to_have_count(0)
    wait_frames(page)
    assert "hotspot:sign" in targets(page)

    # Opened again by gaze, closed by gaze.
    aim(page, "controller-right", SKY)
    aim(page, "headset", SKY)
    aim(page, "headset", position(page, "hotspot:sign"))
    expect(dialog).to_be_attached(timeout=10_000)
    wait_frames(page, 5)
    aim(page, "headset", SKY)
    aim(page, "headset", panel_button(page, "Close"))
    expect(page.locator("dialog[open]")).to_have_count(0, timeout=10_000)
    assert page.watch.console_errors == []


def test_a_quiz_form_works_in_the_panel(headset, serve, vr_export):
    page = headset
    open_tour(page, serve(vr_export))
    page.get_by_role("button", name="English", exact=True).click()
    enter_vr(page)
    aim(page, "controller-right", position(page, "hotspot:check"))
    select(page)
    expect(page.locator('dialog[open][data-dialog="quiz"]')).to_be_attached()
    wait_frames(page, 5)
    radio = page.get_by_role("radio", name="Yes")
    expect(radio).not_to_be_checked()
    aim(page, "controller-right", panel_button(page, "Yes"))
    select(page)
    expect(radio).to_be_checked()
    wait_frames(page, 5)
    assert page.evaluate(f"{PLAYER}.vr.panelText()").count("Yes") == 1
    assert page.watch.console_errors == []


def test_the_system_exit_gives_the_2d_view_back(headset, serve, vr_export):
    page = headset
    open_tour(page, serve(vr_export))
    enter_vr(page)
    aim(page, "controller-right", position(page, "hotspot:sign"))
    select(page)
    expect(page.locator('dialog[open][data-dialog="info"]')).to_be_attached()
    page.evaluate("window.iwer.remote.dispatch('end_session')")
    page.wait_for_function("!document.querySelector('#tourbuilder-player').hasAttribute('data-vr')", timeout=10_000)
    # The open dialog is on the page again, modal.
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.querySelector('dialog[open]').matches(':modal')") is True
    assert "tb-dialog--mirrored" not in dialog.get_attribute("class")
    page.keyboard.press("Escape")
    expect(page.locator("dialog[open]")).to_have_count(0)
    assert page.evaluate(f"{PLAYER}.viewer.renderer.xr.isPresenting") is False
    assert page.watch.console_errors == []


@pytest.mark.parametrize("lang", ["mn", "en"])
def test_the_vr_button_passes_axe(headset, serve, vr_export, lang):

    page = headset
    open_tour(page, serve(vr_export))
    if lang == "en":
        page.get_by_role("button", name="English", exact=True).click()
    button = page.get_by_role("button", name=ENTER_VR[lang], exact=True)
    expect(button).to_be_visible()
    check_toolbar_button(page, button)
