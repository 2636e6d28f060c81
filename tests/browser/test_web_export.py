"""The web export in Chromium over loopback: the panorama is really drawn, the
right way round, and a scene link is followed with the keyboard alone."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat

from tests.samples import player_config_of
from tourbuilder.model.richtext import plain_text

pytestmark = pytest.mark.exported_player

HIDE_OVERLAYS = "#tourbuilder-player button[data-hotspot-id] { visibility: hidden !important; }"




def open_tour(page, url):
    page.goto(url)
    page.wait_for_selector('#tourbuilder-player[data-ready="true"]', timeout=20_000)


def screenshot(page) -> Image.Image:
    return Image.open(io.BytesIO(page.screenshot())).convert("RGB")


def panorama_colour(image: Image.Image, yaw: float, pitch: float) -> tuple[float, ...]:
    """Mean colour of the equirect around (yaw, pitch), by the tour's convention."""
    u = (0.5 + yaw / 360.0) % 1.0
    v = 0.5 - pitch / 180.0
    x, y = int(u * image.width), int(v * image.height)
    box = (max(x - 1, 0), max(y - 1, 0), min(x + 2, image.width), min(y + 2, image.height))
    return tuple(ImageStat.Stat(image.crop(box)).mean)


def screen_centre_colour(shot: Image.Image) -> tuple[float, ...]:
    cx, cy = shot.width // 2, shot.height // 2
    return tuple(ImageStat.Stat(shot.crop((cx - 3, cy - 3, cx + 4, cy + 4))).mean)


def distance(a, b) -> float:
    return max(abs(x - y) for x, y in zip(a, b))


def test_the_panorama_is_drawn_with_real_pixels(page, serve, web_export):
    open_tour(page, serve(web_export) + "index.html")
    shot = screenshot(page)
    grey = shot.convert("L")
    assert ImageStat.Stat(grey).stddev[0] > 20, "the page shows real picture content, not a blank canvas"
    assert len(shot.resize((64, 40)).getcolors(64 * 40)) > 200, "many distinct colours: a photo-like panorama"
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_the_view_shows_the_panorama_the_right_way_round(page, serve, web_export):
    config = player_config_of(web_export)
    start = config["tour"]["start_scene"]
    # The equirect preview the player shows first: tiles drawn over it must agree with it.
    key = config["tour"]["scenes"][start]["panorama"]
    panorama = Image.open(web_export / config["panoramas"][key]["preview"]).convert("RGB")
    open_tour(page, serve(web_export) + "index.html")
    page.add_style_tag(content=HIDE_OVERLAYS)
    matched = mirrored_matched = 0
    directions = [(yaw, pitch) for yaw in (-150, -100, -40, 20, 80, 140) for pitch in (-55, -35, 35, 60)]
    for yaw, pitch in directions:
        page.evaluate("([y, p]) => window.tourbuilder.player.lookAt(y, p, 60)", [yaw, pitch])
        page.wait_for_timeout(120)
        view = page.evaluate("window.tourbuilder.player.getView()")
        assert view["yaw"] == pytest.approx(yaw, abs=0.01) and view["pitch"] == pytest.approx(pitch, abs=0.01)
        seen = screen_centre_colour(screenshot(page))
        matched += distance(seen, panorama_colour(panorama, yaw, pitch)) < 40
        mirrored_matched += distance(seen, panorama_colour(panorama, -yaw, pitch)) < 40
    assert matched >= 0.8 * len(directions), f"only {matched} of {len(directions)} directions show the right pixels"
    assert mirrored_matched < matched, "a mirrored panorama would not pass"


def test_a_scene_link_is_followed_with_the_keyboard(page, serve, web_export):
    config = player_config_of(web_export)
    tour = config["tour"]
    open_tour(page, serve(web_export) + "index.html")
    assert page.get_attribute("#tourbuilder-player", "data-scene") == tour["start_scene"]
    first_link = next(h for h in tour["scenes"][tour["start_scene"]]["hotspots"] if h["kind"] == "scene")
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.dataset.hotspotId || null")
        if focused == first_link["id"]:
            break
    else:
        pytest.fail(f"Tab never reached the scene link '{first_link['id']}'")
    name = page.evaluate("document.activeElement.getAttribute('aria-label') || document.activeElement.textContent")
    assert tour["scenes"][first_link["target"]]["title"]["mn"] in name, "the link says where it leads"
    page.keyboard.press("Enter")
    page.wait_for_selector(f'#tourbuilder-player[data-scene="{first_link["target"]}"][data-ready="true"]',
                           timeout=20_000)
    assert page.evaluate("window.tourbuilder.player.getScene()") == first_link["target"]
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_an_info_hotspot_opens_a_dialog_that_closes_with_escape(page, serve, web_export):
    tour = player_config_of(web_export)["tour"]
    info = next(h for h in tour["scenes"][tour["start_scene"]]["hotspots"] if h["kind"] == "info")
    open_tour(page, serve(web_export) + "index.html")
    button = page.locator(f'[data-hotspot-id="{info["id"]}"]')
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=info["title"]["mn"])
    dialog.wait_for()
    first_paragraph = plain_text(info["text"]["mn"]).split("\n\n")[0].strip()  # rich text (HTML)
    assert first_paragraph[:40] in dialog.inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.dataset.hotspotId") == info["id"]
