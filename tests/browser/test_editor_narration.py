"""The editor's narration and checks panels in Chromium, used as an author would: record the
narration with the (fake) microphone, upload it, play it back and see its captions; generate
speech (espeak, real); see a track go out of date when the text changes; remove a scene and see
the checks panel report the broken link (its button selects the hotspot) and each scene's
bandwidth budget; axe on the page with each panel open.

Chromium gets a fake microphone (--use-fake-device-for-media-stream: a beeping tone) and grants
it without asking (--use-fake-ui-for-media-stream). The app runs on loopback in a thread over a
real SQLite store.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.app_server import sign_in_page
from tests.browser.axe import AXE, axe_violations
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, open_page
from tests.signin import make_user

TOUR = "tiny"
EN = "Hello! This is the yard."
MN = "Сайн байна уу! Энэ бол хашаа."
MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="module")
def media_browser(playwright):
    """Chromium with a fake microphone that needs no permission prompt."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def editor(media_browser, live_app):
    base, app = live_app
    user = make_user(app, "oyun", "author", language="en")
    app.extensions["tourbuilder.accounts"].share(TOUR, user.id)
    page = open_page(media_browser, locale="en-GB", permissions=["microphone"])
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.context.add_init_script(path=str(AXE))
    sign_in_page(page, base, "oyun")
    page.goto(f"{base}/tours/{TOUR}/edit")
    expect(page.locator("#tb-editor")).to_have_attribute("data-ready", "true", timeout=20000)
    yield page
    assert page.watch.outside_requests == []
    page.context.close()


def stored_document(page) -> dict:
    return page.evaluate("""async () => (await (await fetch('/api/tours/tiny')).json()).document""")


def wait_saved(page):
    expect(page.locator("[data-role=save-status]")).to_have_attribute("data-status", "saved", timeout=20000)


def test_record_generate_play_and_check(editor):
    page = editor
    page.locator("[data-tab=narration]").click()
    panel = page.locator("[data-panel=narration]")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Narration of the scene “Yard”")
    sections = panel.locator("section[data-lang]")
    expect(sections).to_have_count(2)
    assert sections.nth(0).get_attribute("data-lang") == "mn"  # Mongolian first
    en = panel.locator("section[data-lang=en]")
    mn = panel.locator("section[data-lang=mn]")
    expect(en.locator("[data-role=track-info]")).to_have_attribute("data-state", "none")
    assert axe_violations(page, "[data-panel=narration]") == []

    # --- record with the microphone, listen, record again, use it ---
    en.get_by_label("Narration text (English)").fill(EN)
    en.get_by_role("button", name="Record", exact=True).click()
    expect(en.locator("[data-role=level]")).to_be_visible()
    page.wait_for_function("""() => {
        const e = document.querySelector('section[data-lang=en] [data-role=elapsed]');
        return e && parseFloat(e.textContent.replace(/[^0-9.]/g, '')) >= 1.5; }""", timeout=15000)
    en.get_by_role("button", name="Stop").click()
    expect(en.get_by_role("button", name="Record again")).to_be_visible(timeout=15000)
    en.get_by_role("button", name="Record again").click()
    page.wait_for_function("""() => {
        const e = document.querySelector('section[data-lang=en] [data-role=elapsed]');
        return e && parseFloat(e.textContent.replace(/[^0-9.]/g, '')) >= 3; }""", timeout=15000)
    en.get_by_role("button", name="Stop").click()
    expect(en.get_by_text("A take of")).to_be_visible(timeout=15000)
    assert axe_violations(page, "[data-panel=narration]") == []
    en.get_by_role("button", name="Use this take").click()
    expect(panel.get_by_role("status")).to_have_text("The recording was added.", timeout=30000)
    info = en.locator("[data-role=track-info]")
    expect(info).to_have_attribute("data-engine", "recording")
    expect(info).to_have_attribute("data-state", "current")
    expect(info).to_contain_text("A person's recording")
    wait_saved(page)
    track = stored_document(page)["scenes"]["yard"]["narration"]["tracks"]["en"]
    assert track["engine"] == "recording" and track["timing"] == "estimated" and track["duration"] > 1.5
    assert [c["text"] for c in track["cues"]] == ["Hello!", "This is the yard."]

    # --- play it back: the captions follow the sound ---
    audio = en.locator("[data-role=narration-audio]")
    expect(audio.locator("track[kind=captions]")).to_have_attribute("srclang", "en")
    audio.evaluate("a => a.play()")
    expect(en.locator("[data-role=caption]")).to_have_text("Hello!", timeout=10000)
    expect(en.locator("[data-role=caption]")).to_have_text("This is the yard.", timeout=15000)
    assert audio.evaluate("a => a.currentTime") > 0

    # --- generate speech for Mongolian (espeak), then change the text: out of date ---
    mn.get_by_label("Narration text (Mongolian)").fill(MN)
    mn.get_by_label("Voice").select_option("espeak")
    mn.get_by_role("button", name="Generate speech").click()
    mn_info = mn.locator("[data-role=track-info]")
    expect(mn_info).to_have_attribute("data-engine", "espeak", timeout=60000)
    expect(mn_info).to_have_attribute("data-robot", "true")
    expect(mn_info).to_contain_text("Robot voice (espeak)")
    expect(mn.locator("[data-role=narration-audio]")).to_have_count(1)
    mn.get_by_label("Narration text (Mongolian)").fill(MN + " Энд хүдэр ирдэг.")
    expect(mn_info).to_have_attribute("data-state", "outdated")
    expect(mn_info).to_contain_text("Out of date")
    # undo takes the text change back: the track is current again
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(mn_info).to_have_attribute("data-state", "current")
    wait_saved(page)

    # --- checks: a removed scene leaves a broken link; the budget per scene ---
    page.locator("[data-tab=checks]").click()
    checks = page.locator("[data-panel=checks]")
    expect(checks.locator("[data-role=budget] tr[data-scene=yard]")).to_contain_text("KiB")
    page.locator("[data-scene-id=hall] [data-action=delete]").click()
    page.locator("dialog [data-value=delete]").click()
    wait_saved(page)
    broken = checks.locator("li[data-path='scenes.yard.hotspots.to-hall']")
    expect(broken).to_contain_text("links to scene 'hall', which does not exist", timeout=20000)
    expect(broken).to_have_attribute("data-level", "error")
    expect(checks.locator("[data-role=check-summary]")).to_contain_text("Errors: 1.")
    row = checks.locator("[data-role=budget] tr[data-scene=yard]")
    expect(row).to_contain_text("KiB")
    expect(checks.locator("[data-role=budget] tr[data-scene=hall]")).to_have_count(0)
    assert axe_violations(page, "[data-panel=checks]") == []
    broken.get_by_role("button").click()
    assert page.evaluate("() => window.tourbuilderEditor.state.selection") == {"scene": "yard", "hotspot": "to-hall"}
    assert page.watch.console_errors == []
