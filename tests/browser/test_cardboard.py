"""The cardboard mode in Chromium over loopback, on an emulated touch screen without WebXR (as
iOS Safari is): its toolbar button, two views side by side turned by the phone's orientation
(DeviceOrientation events, as in test_controls.py), a gaze reticle in each eye, gaze dwell and a
tap choosing hotspots and panel buttons, and the way out.

The tour is test_vr.py's: yard links to hall (yaw 60) and shed (yaw -60), has an info sign
(yaw 0, pitch -25) and a quiz (yaw 180); hall links back (yaw 180).
"""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_page
from tests.browser.axe import check_toolbar_button, run_axe
from tests.browser.test_controls import page_variant, with_options
from tests.browser.test_vr import PLAYER, READY, VR_BUTTON, screenshot, targets, vr_export  # noqa: F401

pytestmark = pytest.mark.exported_player

CARDBOARD = {"mn": "Картон VR шилээр үзэх", "en": "View in a cardboard headset"}
LEAVE = {"mn": "Картон шилний горимоос гарах", "en": "Leave the cardboard view"}
ROOT = "#tourbuilder-player"


@pytest.fixture
def phone(browser):
    """A touch screen held sideways, without WebXR."""
    page = open_page(browser, service_workers="block", has_touch=True)
    yield page
    page.context.close()


class Phone:
    """Turns the emulated phone: DeviceOrientation events whose changes turn the view.

    Like a real sensor it keeps reporting (every 100 ms, and at once on each change), so a
    listener that starts a little later, after the permission prompt, still hears it.
    """

    def __init__(self, page):
        self.page = page
        self.alpha = 0.0
        page.evaluate(
            """() => {
                window.__phone = {alpha: 0, beta: 90};
                window.__phoneSend = () => window.dispatchEvent(new DeviceOrientationEvent('deviceorientation',
                    {alpha: window.__phone.alpha, beta: window.__phone.beta, gamma: 0, absolute: false}));
                setInterval(window.__phoneSend, 100);
            }"""
        )
        self.send(0, 90)

    def send(self, alpha, beta):
        self.alpha = alpha
        self.page.evaluate("([a, b]) => { window.__phone = {alpha: a, beta: b}; window.__phoneSend(); }", [alpha, beta])

    def look(self, yaw, pitch=0.0):
        """Turn the phone so that the view looks at (yaw, pitch): alpha grows turning left."""
        now = self.page.evaluate(f"{PLAYER}.getView().yaw")
        turn = (yaw - now + 180) % 360 - 180
        self.send(self.alpha - turn, 90 + pitch)
        view = self.page.evaluate(f"{PLAYER}.getView()")
        assert abs((view["yaw"] - yaw + 180) % 360 - 180) < 0.01 and abs(view["pitch"] - pitch) < 0.01

    def look_at_point(self, point):
        x, y, z = point["x"], point["y"], point["z"]
        self.look(math.degrees(math.atan2(x, -z)), math.degrees(math.asin(y / math.sqrt(x * x + y * y + z * z))))


def frames(page):
    return page.evaluate(f"{PLAYER}.vr.frames()")


def wait_frames(page, count=3):
    page.wait_for_function(f"n => {PLAYER}.vr.frames() >= n", arg=frames(page) + count, timeout=20_000)


def enter(page, lang="mn"):
    button = page.get_by_role("button", name=CARDBOARD[lang], exact=True)
    expect(button).to_be_visible()
    button.click()
    phone = Phone(page)  # the sensor answers at once (else the gyroscope gives up after 2 s)
    expect(page.locator(ROOT)).to_have_attribute("data-vr", "cardboard")
    expect(page.locator(ROOT)).to_have_class("tb-player tb-player--cardboard")
    wait_frames(page, 5)
    return phone


def scene_of(page):
    return page.get_attribute(ROOT, "data-scene")


def test_two_views_turned_by_the_phone_and_gaze_dwell_chooses(phone, serve, vr_export):  # noqa: F811
    page = phone
    page.goto(serve(vr_export) + "index.html")
    page.wait_for_selector(READY, timeout=20_000)
    expect(page.locator(VR_BUTTON)).to_be_hidden()
    phone_ = enter(page)
    expect(page.locator(".tb-toolbar")).to_be_hidden()
    expect(page.get_by_role("button", name=LEAVE["mn"], exact=True)).to_be_visible()

    # Two views: each half shows the panorama (red ahead), nearly the same (the eyes are 64 mm
    # apart), each with the reticle at its centre.
    pixels = screenshot(page)
    height, width, _ = pixels.shape
    half = width // 2
    left, right = pixels[80:, :half], pixels[80:, half:2 * half]
    for eye in (left, right):
        assert eye.std() > 20, "panorama content in each eye"
        middle = eye[eye.shape[0] // 2 - 80, half // 2 - 40:half // 2 + 40].mean(axis=0)
        assert middle[0] > 150 and middle[1] < 90 and middle[2] < 90, f"red ahead, got {middle}"
        cy, cx = height // 2 - 80, half // 2
        around = eye[cy - 20:cy + 20, cx - 20:cx + 20]
        assert (around.min(axis=2) > 200).any() and (around.max(axis=2) < 60).any(), "a reticle in each eye"
    assert abs(left - right).mean() < 8, "both eyes see the same picture"

    # The phone turns the view.
    phone_.look(30, 10)
    wait_frames(page)
    assert page.evaluate(f"{PLAYER}.getView()")["yaw"] == pytest.approx(30, abs=0.01)

    # Gaze: on nothing first, then on the hall link, held until the ring is full.
    phone_.look(0, 0)
    wait_frames(page)
    assert page.evaluate(f"{PLAYER}.vr.aim()")["gaze"] is None
    phone_.look(60, 0)
    wait_frames(page)
    now = page.evaluate(f"({{scene: {PLAYER}.getScene(), aim: {PLAYER}.vr.aim()}})")
    assert now["scene"] == "yard" and now["aim"]["gaze"] == "hotspot:to-hall", "a glance does not choose"
    assert 0 < now["aim"]["dwell"] < 1, "the ring fills"
    page.wait_for_selector(f'{ROOT}[data-scene="hall"][data-ready="true"]', timeout=20_000)
    assert page.watch.console_errors == []


def test_a_panel_by_gaze_and_the_way_out(phone, serve, vr_export):  # noqa: F811
    page = phone
    page.goto(serve(vr_export) + "index.html")
    page.wait_for_selector(READY, timeout=20_000)
    page.get_by_role("button", name="English", exact=True).click()
    gyro = page.locator('[data-action="gyro"]')
    phone_ = enter(page, "en")
    expect(gyro).to_have_attribute("aria-pressed", "true")

    phone_.look(0, -25)  # the info sign
    dialog = page.locator('dialog[open][data-dialog="info"]')
    expect(dialog).to_be_attached(timeout=10_000)
    assert "tb-dialog--mirrored" in dialog.get_attribute("class")
    wait_frames(page, 3)
    assert page.evaluate(f"{PLAYER}.vr.panelText()")[0] == "Warning"
    close = next(t for t in targets(page).values() if t["label"] == "Close")
    phone_.look(0, 0)  # on the panel's text: nothing to choose
    wait_frames(page)
    phone_.look_at_point(close["position"])
    expect(page.locator("dialog[open]")).to_have_count(0, timeout=10_000)

    result = run_axe(page)
    assert result["violations"] == [], result["violations"]

    # The way out: the button on the screen (not inert while a panel is open: the dialog is
    # not modal while mirrored).
    phone_.look(0, -25)
    expect(dialog).to_be_attached(timeout=10_000)
    page.get_by_role("button", name=LEAVE["en"], exact=True).click()
    expect(page.locator(ROOT)).not_to_have_attribute("data-vr", "cardboard")
    expect(page.locator(".tb-toolbar")).to_be_visible()
    expect(gyro).to_have_attribute("aria-pressed", "false")
    # The open dialog is on the page again, modal.
    expect(page.locator("dialog[open]")).to_be_visible()
    assert page.evaluate("document.querySelector('dialog[open]').matches(':modal')") is True
    page.keyboard.press("Escape")
    stopped = frames(page)
    page.wait_for_timeout(300)
    assert frames(page) == stopped, "drawn on demand again"
    page.evaluate(f"{PLAYER}.lookAt(60, 0, 90)")
    expect(page.locator('[data-hotspot-id="to-hall"]')).to_have_attribute("data-visible", "true")
    assert page.watch.console_errors == []


def test_a_tap_chooses_what_the_reticle_is_on(phone, serve, vr_export):  # noqa: F811
    page = phone
    name = page_variant(vr_export, "no-dwell.html", with_options(gazeDwell=0))
    page.goto(serve(vr_export) + name)
    page.wait_for_selector(READY, timeout=20_000)
    phone_ = enter(page)
    phone_.look(-60, 0)  # the shed link: gaze alone never chooses here
    wait_frames(page, 10)
    assert scene_of(page) == "yard"
    box = page.locator(".tb-stage").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    page.wait_for_selector(f'{ROOT}[data-scene="shed"][data-ready="true"]', timeout=20_000)
    page.keyboard.press("Escape")
    expect(page.locator(ROOT)).not_to_have_attribute("data-vr", "cardboard")
    assert page.watch.console_errors == []


@pytest.mark.parametrize("lang", ["mn", "en"])
def test_the_cardboard_button_passes_axe(phone, serve, vr_export, lang):  # noqa: F811
    page = phone
    page.goto(serve(vr_export) + "index.html")
    page.wait_for_selector(READY, timeout=20_000)
    if lang == "en":
        page.get_by_role("button", name="English", exact=True).click()
    button = page.get_by_role("button", name=CARDBOARD[lang], exact=True)
    expect(button).to_be_visible()
    check_toolbar_button(page, button)
