"""The scene editor in Chromium, used as an author would: sign in, make a tour, add two panoramas
(one by the file input, one dropped), place an info hotspot by clicking the panorama and drag it,
link the scenes, write Mongolian and English texts, undo and redo, resolve a conflict, restore an
earlier revision, open the learner preview; axe on the page and its dialogs.

The app runs on loopback in a thread over a real SQLite store; the panorama job runs the real
pipeline on small generated equirectangular JPEGs.
"""

from __future__ import annotations

import base64
import io
import json
import math

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.app_server import sign_in_page
from tests.browser.axe import AXE, axe_violations
from tests.browser.conftest import open_page
from tests.signin import make_user

TOUR = "river-walk"


def panorama_jpeg(seed: int) -> bytes:
    """A 1024x512 equirectangular test picture: colour bands and a grid, different per seed."""
    height, width = 512, 1024
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([(x * 255 // width + seed * 60) % 256, (y * 255 // height), ((x // 64 + y // 64) % 2) * 200 + 30],
                   axis=-1).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def author_page(browser, live_app):
    base, app = live_app
    make_user(app, "saraa", "author", language="en")
    page = open_page(browser, locale="en-GB")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.context.add_init_script(path=str(AXE))
    sign_in_page(page, base, "saraa")
    yield page
    page.context.close()


def api(page, method: str, path: str, body=None, headers=None):
    """A JSON API call from the page (its session and CSRF token), as the editor makes them."""
    return page.evaluate(
        """async ([method, path, body, headers]) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const init = {method, headers: Object.assign({'X-CSRFToken': token, 'Accept': 'application/json'}, headers || {})};
            if (body !== null) { init.body = JSON.stringify(body); init.headers['Content-Type'] = 'application/json'; }
            const r = await fetch('/api' + path, init);
            return {status: r.status, body: await r.json().catch(() => null), etag: r.headers.get('ETag')};
        }""",
        [method, path, body, headers],
    )


def stored(page) -> dict:
    return api(page, "GET", f"/tours/{TOUR}")["body"]


def wait_saved(page):
    expect(page.locator("[data-role=save-status]")).to_have_attribute("data-status", "saved", timeout=15000)


def expected_direction(view: dict, width: float, height: float, dx: float, dy: float) -> tuple[float, float]:
    """The yaw/pitch a pinhole camera looking at `view` sees at (dx, dy) pixels from its centre
    (computed here independently of the player: horizontal fov gives the focal length)."""
    focal = (width / 2) / math.tan(math.radians(view["fov"]) / 2)
    # camera axes: right, up, forward for a camera turned by yaw then pitch
    yaw, pitch = math.radians(view["yaw"]), math.radians(view["pitch"])
    forward = np.array([math.sin(yaw) * math.cos(pitch), math.sin(pitch), -math.cos(yaw) * math.cos(pitch)])
    right = np.array([math.cos(yaw), 0.0, math.sin(yaw)])
    up = np.cross(right, forward)
    d = forward * focal + right * dx - up * dy
    d /= np.linalg.norm(d)
    return math.degrees(math.atan2(d[0], -d[2])), math.degrees(math.asin(d[1]))


def close_to(a: float, b: float, tolerance: float = 1.0) -> bool:
    return abs(((a - b + 180) % 360) - 180) <= tolerance


def test_an_author_builds_scenes_and_hotspots_in_the_editor(author_page, live_app, tmp_path):
    page = author_page
    base, _app = live_app
    made = api(page, "POST", "/tours", {"id": TOUR, "title": {"mn": "Голын аялал", "en": "River walk"},
                                        "languages": ["mn", "en"]})
    assert made["status"] == 201, made

    page.goto(f"{base}/tours/{TOUR}/edit")
    expect(page.locator("#tb-editor")).to_have_attribute("data-ready", "true")
    expect(page.locator(".tb-player")).to_have_attribute("data-ready", "true", timeout=20000)
    assert axe_violations(page) == []

    # Two panoramas: one through the file input, one dropped on the list; each is uploaded, processed, added.
    first = tmp_path / "mill-hall.jpg"
    first.write_bytes(panorama_jpeg(1))
    page.get_by_label("Choose panorama photos").set_input_files(str(first))
    expect(page.locator(".tbe-upload[data-state=done]")).to_have_count(1, timeout=30000)
    page.evaluate(
        """(b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], 'gold-room.jpg', {type: 'image/jpeg'}));
            const zone = document.querySelector('[data-role=panorama-drop]');
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        base64.b64encode(panorama_jpeg(2)).decode(),
    )
    expect(page.locator(".tbe-upload[data-state=done]")).to_have_count(2, timeout=30000)
    wait_saved(page)
    document = stored(page)["document"]
    assert list(document["scenes"]) == ["mill-hall", "gold-room"]  # the first took the placeholder's place
    assert "media/placeholder.jpg" not in document["media"]
    for scene_id in ("mill-hall", "gold-room"):
        key = document["scenes"][scene_id]["panorama"]
        assert document["media"][key]["type"] == "image/jpeg"
    after_uploads = stored(page)["revision"]

    # Reorder by keyboard buttons: gold room up one place, and back down.
    page.get_by_role("button", name="Move “Gold room” up").click()
    expect(page.locator(".tbe-scene").nth(0)).to_have_attribute("data-scene-id", "gold-room")
    page.get_by_role("button", name="Move “Gold room” down").click()
    expect(page.locator(".tbe-scene").nth(1)).to_have_attribute("data-scene-id", "gold-room")

    # The mill hall: place an info hotspot by clicking the panorama.
    page.get_by_role("button", name="Mill hall", exact=True).click()
    expect(page.locator(".tb-player")).to_have_attribute("data-scene", "mill-hall")
    expect(page.locator(".tb-player")).to_have_attribute("data-ready", "true", timeout=20000)
    page.get_by_role("tab", name="Hotspots").click()
    page.get_by_label("Information").check()
    page.get_by_role("button", name="Place by clicking the panorama").click()
    stage = page.locator(".tb-viewer").bounding_box()
    view = page.evaluate("window.tourbuilderEditor.player.getView()")
    click = (stage["x"] + stage["width"] / 2 + 120, stage["y"] + stage["height"] / 2 - 60)
    page.mouse.click(*click)
    wait_saved(page)
    spot = stored(page)["document"]["scenes"]["mill-hall"]["hotspots"][0]
    assert spot["kind"] == "info"
    yaw, pitch = expected_direction(view, stage["width"], stage["height"], 120, -60)
    assert close_to(spot["yaw"], yaw) and close_to(spot["pitch"], pitch), (spot, yaw, pitch)
    marker = page.locator(f'.tb-hotspot[data-hotspot-id="{spot["id"]}"]')
    box = marker.bounding_box()
    assert abs(box["x"] + box["width"] / 2 - click[0]) < 3 and abs(box["y"] + box["height"] / 2 - click[1]) < 3

    # Drag it somewhere else.
    page.mouse.move(*click)
    page.mouse.down()
    target = (click[0] - 200, click[1] + 90)
    page.mouse.move(click[0] - 100, click[1] + 40, steps=4)
    page.mouse.move(*target, steps=4)
    page.mouse.up()
    wait_saved(page)
    moved = stored(page)["document"]["scenes"]["mill-hall"]["hotspots"][0]
    yaw2, pitch2 = expected_direction(view, stage["width"], stage["height"], 120 - 200, -60 + 90)
    assert close_to(moved["yaw"], yaw2) and close_to(moved["pitch"], pitch2), (moved, yaw2, pitch2)
    assert not close_to(moved["yaw"], spot["yaw"], 5)

    # And by the keyboard: an arrow key on the focused hotspot turns it by 1°.
    marker.focus()
    page.keyboard.press("ArrowRight")
    wait_saved(page)
    nudged = stored(page)["document"]["scenes"]["mill-hall"]["hotspots"][0]
    assert close_to(nudged["yaw"], moved["yaw"] + 1, 0.01) and nudged["pitch"] == moved["pitch"]

    # The initial view and north come from the live view.
    page.evaluate("window.tourbuilderEditor.viewer.setView({yaw: 30, pitch: -10, fov: 80})")
    page.get_by_role("tab", name="Scene").click()
    page.get_by_role("button", name="Use the current view as the initial view").click()
    page.get_by_role("button", name="The current view faces north").click()
    wait_saved(page)
    hall = stored(page)["document"]["scenes"]["mill-hall"]
    assert hall["initial_view"] == {"yaw": 0.0, "pitch": -10.0, "fov": 80.0}  # turned with the scene
    assert close_to(hall["pose"]["heading"], -30, 0.01)
    assert close_to(hall["hotspots"][0]["yaw"], nudged["yaw"] - 30, 0.01)  # still on the same spot
    page.get_by_role("tab", name="Hotspots").click()
    page.get_by_role("button", name="Information: Information").click()

    # Texts in both languages, Mongolian first.
    page.get_by_label("Title (Mongolian)", exact=True).fill("Бутлуур")
    page.get_by_label("Title (English)", exact=True).fill("Jaw crusher")
    page.get_by_role("textbox", name="Text (Mongolian)").fill("Хүдрийг бутлана.")
    page.get_by_role("textbox", name="Text (English)").click()
    page.keyboard.type("Crushes the ore.")
    page.keyboard.press("Control+a")
    page.get_by_role("toolbar", name="Formatting (English)").get_by_role("button", name="Bold").click()
    wait_saved(page)
    info = stored(page)["document"]["scenes"]["mill-hall"]["hotspots"][0]
    assert info["title"] == {"mn": "Бутлуур", "en": "Jaw crusher"}
    assert info["text"]["mn"] == "<p>Хүдрийг бутлана.</p>"
    assert info["text"]["en"] == "<p><strong>Crushes the ore.</strong></p>"

    # A link to the gold room (the only other scene), added at the centre of the view: it takes
    # the scene's titles.
    page.get_by_label("Link to a scene").check()
    page.get_by_role("button", name="Add at the centre of the view").click()
    expect(page.get_by_label("Scene it leads to")).to_have_value("gold-room")
    wait_saved(page)
    link = stored(page)["document"]["scenes"]["mill-hall"]["hotspots"][1]
    assert link["kind"] == "scene" and link["target"] == "gold-room"
    assert link["title"] == {"mn": "Gold room", "en": "Gold room"}

    # Undo and redo, by the keyboard and by the buttons.
    count = "window.tourbuilderEditor.state.document.scenes['mill-hall'].hotspots.length"
    page.keyboard.press("Control+z")
    assert page.evaluate(count) == 1
    page.keyboard.press("Control+Shift+z")
    assert page.evaluate("window.tourbuilderEditor.state.document.scenes['mill-hall'].hotspots[1].target") == "gold-room"
    page.get_by_role("button", name="Undo").click()
    assert page.evaluate(count) == 1
    page.get_by_role("button", name="Redo").click()
    wait_saved(page)
    assert stored(page)["document"]["scenes"]["mill-hall"]["hotspots"][1]["target"] == "gold-room"

    # Someone else saves meanwhile: the next save is a conflict, shown with both versions.
    current = stored(page)
    theirs = json.loads(json.dumps(current["document"]))
    theirs["scenes"]["gold-room"]["title"] = {"mn": "Алтны өрөө", "en": "Their gold room"}
    saved = api(page, "PUT", f"/tours/{TOUR}", {"document": theirs, "message": "theirs"},
                {"If-Match": f'"{current["revision"]}"'})
    assert saved["status"] == 200, saved
    page.get_by_role("button", name="Information: Jaw crusher").click()
    page.get_by_label("Title (English)", exact=True).fill("Jaw crusher 2")
    dialog = page.get_by_role("dialog", name="Someone else changed this tour")
    expect(dialog).to_be_visible(timeout=15000)
    expect(dialog).to_contain_text("Their gold room")
    assert axe_violations(page) == []
    dialog.get_by_role("button", name="Keep my version").click()
    wait_saved(page)
    assert stored(page)["document"]["scenes"]["mill-hall"]["hotspots"][0]["title"]["en"] == "Jaw crusher 2"

    # History: preview the revision after the uploads (a dialog), then restore it.
    page.get_by_role("tab", name="History").click()
    row = page.locator(f'.tbe-revision[data-revision="{after_uploads}"]')
    row.get_by_role("button", name=f"Preview revision {after_uploads}").click()
    preview = page.get_by_role("dialog", name=f"Revision {after_uploads}")
    expect(preview).to_contain_text("Mill hall")
    assert axe_violations(page) == []
    preview.get_by_role("button", name="Close").click()
    before_restore = stored(page)["revision"]
    row.get_by_role("button", name=f"Restore revision {after_uploads}").click()
    # The status already said "Saved" before the click: wait for the restore's own revision.
    page.wait_for_function("([id, n]) => fetch(`/api/tours/${id}`).then((r) => r.json())"
                           ".then((body) => body.revision > n)", arg=[TOUR, before_restore], polling=200)
    expect(page.locator("[data-role=save-status]")).to_have_text("Saved")
    latest = stored(page)
    assert latest["revision"] > after_uploads
    assert latest["document"]["scenes"]["mill-hall"].get("hotspots", []) == []
    assert page.evaluate("window.tourbuilderEditor.state.document.scenes['mill-hall'].hotspots || []") == []
    assert axe_violations(page) == []

    # The learner preview opens in a new window, in English.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview as a learner (English)").click()
    learner = opened.value
    expect(learner.locator("#tourbuilder-player")).to_have_attribute("data-ready", "true", timeout=20000)
    assert "/sandbox/" in learner.url
    assert page.watch.outside_requests == []


def test_the_editor_speaks_mongolian_and_reorders_scenes_by_drag(browser, live_app):
    base, app = live_app
    user = make_user(app, "tuya", "author", language="mn")
    app.extensions["tourbuilder.accounts"].share("tiny", user.id)
    page = open_page(browser, locale="mn-MN")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.context.add_init_script(path=str(AXE))
    try:
        sign_in_page(page, base, "tuya")
        page.goto(f"{base}/tours/tiny/edit")
        expect(page.locator("#tb-editor")).to_have_attribute("data-ready", "true")
        expect(page.locator("html")).to_have_attribute("lang", "mn")
        expect(page.get_by_role("heading", name="Үзэгдлүүд")).to_be_visible()
        expect(page.get_by_role("tab", name="Цэгүүд")).to_be_visible()
        expect(page.locator("[data-role=save-status]")).to_have_text("Хадгалсан")
        assert axe_violations(page) == []

        # Drag the second scene above the first.
        page.locator('.tbe-scene[data-scene-id="hall"]').drag_to(page.locator('.tbe-scene[data-scene-id="yard"]'))
        expect(page.locator(".tbe-scene").first).to_have_attribute("data-scene-id", "hall")
        wait_saved(page)
        assert list(api(page, "GET", "/tours/tiny")["body"]["document"]["scenes"]) == ["hall", "yard"]

        # The delete dialog, in Mongolian, passes axe; cancelling keeps the scene.
        page.get_by_role("button", name="«Танхим» үзэгдлийг устгах").click()
        dialog = page.get_by_role("dialog", name="«Танхим» үзэгдлийг устгах уу?")
        expect(dialog).to_be_visible()
        assert axe_violations(page) == []
        dialog.get_by_role("button", name="Болих").click()
        expect(page.locator(".tbe-scene")).to_have_count(2)
    finally:
        page.context.close()
