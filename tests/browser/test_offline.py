"""The web export without a web server and without a network, in real Chromium.

- Opened straight from the folder (file://): the panorama is drawn from the script twins of
  its preview and tiles, scene links are followed, zooming in makes the view sharp, and the
  hotspots' pictures and sound play from plain relative URLs.
- Served over http: the service worker stores the tour; with the server stopped and the
  browser offline, a reload still draws the tour and follows a link.
- Inside another site's <iframe>: an "open in a new window" link; never in SCORM packages,
  which register no service worker either.
"""

from __future__ import annotations

import functools
import http.server
import io
import math
import re
import struct
import threading
import wave
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from tests.browser.conftest import QuietHandler, open_page
from tests.browser.test_tiles import centre_contrast, striped_tour  # noqa: F401 (a fixture)
from tests.samples import player_config_of
from tests.samples import minimal_document, write_tiny_folder
from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.export import export_tour

pytestmark = pytest.mark.exported_player

READY = '#tourbuilder-player[data-ready="true"]'


class Server:
    """A static server on loopback that a test can stop (the `serve` fixture's cannot be);
    .requests lists the paths it was asked for."""

    def __init__(self, folder: Path):
        self.requests: list[str] = []
        seen = self.requests

        class Recording(QuietHandler):
            def do_GET(self):
                seen.append(self.path)
                super().do_GET()

        handler = functools.partial(Recording, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    def stop(self):
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.running = False


@pytest.fixture
def sw_page(browser):
    """Like the `page` fixture, but service workers may register (the offline web app)."""
    page = open_page(browser, service_workers="allow")
    yield page
    page.context.close()


@pytest.fixture
def server():
    servers = []

    def start(folder: Path) -> Server:
        servers.append(Server(folder))
        return servers[-1]

    yield start
    for running in servers:
        running.stop()


def shows_a_picture(page) -> None:
    """The canvas shows a real panorama (hotspot buttons hidden for the screenshot only)."""
    style = page.add_style_tag(content="#tourbuilder-player button[data-hotspot-id] { visibility: hidden !important; }")
    page.wait_for_timeout(100)
    canvas = page.locator("canvas").bounding_box()
    shot = Image.open(io.BytesIO(page.screenshot(clip=canvas))).convert("RGB")
    style.evaluate("(node) => node.remove()")
    assert ImageStat.Stat(shot.convert("L")).stddev[0] > 20, "real picture content, not a blank canvas"
    assert len(shot.resize((64, 40)).getcolors(64 * 40)) > 200, "many distinct colours: a photo-like panorama"


def tab_to(page, hotspot_id: str) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.dataset.hotspotId || null") == hotspot_id:
            return
    pytest.fail(f"Tab never reached the hotspot '{hotspot_id}'")


def first_link(tour: dict) -> dict:
    return next(h for h in tour["scenes"][tour["start_scene"]]["hotspots"] if h["kind"] == "scene")


# --- file:// -------------------------------------------------------------

def test_the_tour_plays_from_its_folder(page, web_export):
    tour = player_config_of(web_export)["tour"]
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((web_export / "index.html").as_uri())
    page.wait_for_selector(READY, timeout=20_000)
    shows_a_picture(page)

    link = first_link(tour)
    tab_to(page, link["id"])
    page.keyboard.press("Enter")
    page.wait_for_selector(f'#tourbuilder-player[data-scene="{link["target"]}"][data-ready="true"]', timeout=20_000)
    shows_a_picture(page)

    # Zoom in with the keyboard: the tiles of the view arrive (from their script twins).
    page.focus(".tb-viewer")
    for _ in range(16):
        page.keyboard.press("+")
    page.wait_for_selector('#tourbuilder-player[data-sharp="true"]', timeout=20_000)
    stats = page.evaluate("window.tourbuilder.player.getTileStats()")
    assert stats["sharp"] and stats["loaded"] > 0 and stats["failed"] == 0, stats
    assert page.evaluate("window.tourbuilder.player.getView().fov") == pytest.approx(30)

    requests = [url for url in requests if not url.startswith(("data:", "blob:"))]
    assert all(url.startswith("file://") for url in requests), "nothing but the folder's files"
    images = [url for url in requests if "/panoramas/" in url and url.endswith((".jpg", ".webp", ".png"))]
    assert images == [], f"pictures come from their script twins, never as image files: {images[:3]}"
    twins = [url for url in requests if url.endswith(".jpg.js")]
    assert any("/preview.jpg.js" in url for url in twins) and any("/tiles/" in url for url in twins)
    total_tiles = sum(6 * level["tiles"] ** 2 for p in player_config_of(web_export)["panoramas"].values() for level in p["levels"])
    assert len(twins) < total_tiles, "twins are loaded on demand, not all at once"
    assert page.evaluate("document.querySelectorAll('script[src$=\".jpg.js\"]').length") == 0, "twin scripts are removed"
    assert page.evaluate("window.tourbuilder.offline") is None, "no service worker from a folder"
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_tiles_from_the_folder_really_sharpen_the_view(page, striped_tour):
    """2-px stripes, lost in the preview, are drawn by the tiles loaded through their twins."""
    page.goto((striped_tour / "index.html").as_uri())
    page.wait_for_selector(READY, timeout=20_000)
    page.add_style_tag(content="#tourbuilder-player button[data-hotspot-id] { visibility: hidden !important; }")
    page.evaluate("window.tourbuilder.player.lookAt(40, 0, 30)")
    page.wait_for_selector('#tourbuilder-player[data-sharp="true"]', timeout=20_000)
    page.wait_for_timeout(200)
    stats = page.evaluate("window.tourbuilder.player.getTileStats()")
    assert stats["level"] == stats["levels"] - 1 and stats["failed"] == 0, stats
    assert centre_contrast(page) > 60, "the finest tiles are drawn"
    assert page.watch.console_errors == []


def write_wav(path: Path, seconds: float = 0.5, rate: int = 8000) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                                 for i in range(int(seconds * rate))))


def write_webm(path: Path) -> None:
    """One second of VP8 video, 64x48 (OpenCV's FFmpeg, a dependency of the panorama pipeline)."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"VP80"), 10, (64, 48))
    assert writer.isOpened()
    for i in range(10):
        writer.write(np.full((48, 64, 3), 20 * i, np.uint8))
    writer.release()


@pytest.fixture
def media_tour(tmp_path):
    """A tiny tour with an info picture, a sound clip and a video."""
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"] += [
        {"id": "crusher", "kind": "info", "yaw": -30, "pitch": 0, "title": {"mn": "Бутлуур", "en": "Crusher"},
         "text": {"mn": "Бутлуур.", "en": "A crusher."}, "image": "media/crusher.png"},
        {"id": "sound", "kind": "media", "yaw": 30, "pitch": 0, "title": {"mn": "Дуу", "en": "Sound"},
         "media": "media/sound.wav", "caption": {"mn": "Дуу", "en": "Sound"}},
        {"id": "clip", "kind": "media", "yaw": 60, "pitch": 0, "title": {"mn": "Бичлэг", "en": "Clip"},
         "media": "media/clip.webm", "caption": {"mn": "Бичлэг", "en": "Clip"}},
    ]
    folder = write_tiny_folder(tmp_path / "media-tour", doc)
    Image.new("RGB", (320, 200), (200, 120, 40)).save(folder / "media" / "crusher.png")
    write_wav(folder / "media" / "sound.wav")
    write_webm(folder / "media" / "clip.webm")
    out = tmp_path / "media-web"
    export_tour(str(folder), "web", out)
    return out


def check_hotspot_media(page, *, seek: bool = False) -> None:
    """Open the media tour's picture, sound and video hotspots and see each really load
    (and, with ``seek``, that sound and video can jump to 0.3 s)."""
    page.evaluate("window.tourbuilder.player.activateHotspot('crusher')")
    image = page.locator("dialog img").first
    image.wait_for()
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 320", arg=image.element_handle(),
                           timeout=10_000)
    page.keyboard.press("Escape")
    for spot, check in (("sound", "a.duration > 0.4"), ("clip", "a.videoWidth === 64")):
        page.evaluate(f"window.tourbuilder.player.activateHotspot('{spot}')")
        media = page.locator("dialog audio, dialog video").first
        media.wait_for(state="attached")
        page.wait_for_function(f"(a) => a.readyState >= 1 && {check}", arg=media.element_handle(), timeout=10_000)
        if seek:
            media.evaluate("(a) => { a.currentTime = 0.3; }")
            page.wait_for_function("(a) => !a.seeking && a.readyState >= 1", arg=media.element_handle(),
                                   timeout=10_000)
        page.keyboard.press("Escape")


def test_pictures_sound_and_video_of_hotspots_work_from_the_folder(page, media_tour):
    page.goto((media_tour / "index.html").as_uri())
    page.wait_for_selector(READY, timeout=20_000)
    check_hotspot_media(page)
    assert page.watch.console_errors == []


# --- installable offline web app ----------------------------------------

def test_the_tour_plays_offline_once_visited(sw_page, server, web_export):
    page = sw_page
    tour = player_config_of(web_export)["tour"]
    site = server(web_export)
    page.goto(site.url + "index.html")
    page.wait_for_selector(READY, timeout=20_000)
    assert page.evaluate("window.tourbuilder.offline") is not None
    page.wait_for_selector('#tourbuilder-player[data-offline-ready="true"]', timeout=30_000)
    assert page.evaluate("window.tourbuilder.offline") is True
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == site.url + "sw.js"
    assert page.evaluate("document.querySelector('link[rel=manifest]').href") == site.url + "manifest.webmanifest"

    site.stop()
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector(READY, timeout=20_000)
        shows_a_picture(page)
        link = first_link(tour)
        tab_to(page, link["id"])
        page.keyboard.press("Enter")
        page.wait_for_selector(f'#tourbuilder-player[data-scene="{link["target"]}"][data-ready="true"]',
                               timeout=20_000)
        page.wait_for_selector('#tourbuilder-player[data-sharp="true"]', timeout=20_000)
        shows_a_picture(page)
        assert page.evaluate("window.tourbuilder.player.getTileStats().failed") == 0
    finally:
        page.context.set_offline(False)
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_pictures_sound_and_video_play_offline_once_visited(sw_page, server, media_tour):
    """Sound and video ask for byte ranges: the worker answers them from the stored files."""
    page = sw_page
    site = server(media_tour)
    page.goto(site.url + "index.html")
    page.wait_for_selector('#tourbuilder-player[data-offline-ready="true"]', timeout=30_000)
    site.stop()
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector(READY, timeout=20_000)
        check_hotspot_media(page, seek=True)
    finally:
        page.context.set_offline(False)
    assert page.watch.console_errors == []


def test_a_new_export_replaces_the_stored_copy(sw_page, server, demo_store, tmp_path):
    """A changed tour gets a new cache version; unchanged pictures are not downloaded again and
    the old version's cache is deleted."""
    page = sw_page
    out = tmp_path / "site"
    export_tour(DEMO_ID, "web", out, store=demo_store)
    site = server(out)
    page.goto(site.url + "index.html")
    page.wait_for_selector('#tourbuilder-player[data-offline-ready="true"]', timeout=30_000)
    names = page.evaluate("caches.keys()")
    assert len(names) == 1 and names[0].startswith(f"tourbuilder:{site.url}:")
    old = names[0]

    tour = demo_store.get_tour(DEMO_ID)
    tour.title["en"] = "Gold without mercury"
    demo_store.save_tour(tour)
    export_tour(DEMO_ID, "web", out, store=demo_store)
    new = "tourbuilder:" + site.url + ":" + re.search(r'"version":"(\w+)"', (out / "sw.js").read_text()).group(1)
    assert new != old
    site.requests.clear()
    page.reload()
    page.wait_for_selector(READY, timeout=20_000)
    # The browser looks for a new worker after the page loads: wait for the new version's cache alone.
    for _ in range(150):
        if page.evaluate("caches.keys()") == [new]:
            break
        page.wait_for_timeout(200)
    else:
        pytest.fail(f"the caches are {page.evaluate('caches.keys()')}, not [{new}]")
    assert "/sw.js" in site.requests and "/index.html" in site.requests
    assert not [p for p in site.requests if p.startswith("/panoramas/")], "unchanged pictures are kept"
    page.reload()
    page.wait_for_selector(READY, timeout=20_000)
    assert page.evaluate("window.tourbuilder.player.tour.title.en") == "Gold without mercury"
    assert page.watch.console_errors == []


def test_scorm_packages_register_no_service_worker(sw_page, serve, demo_store, tmp_path):
    page = sw_page
    out = tmp_path / "scorm"
    export_tour(DEMO_ID, "scorm2004", out, store=demo_store)
    page.goto(serve(out) + "index.html")
    page.wait_for_selector(READY, timeout=20_000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.tourbuilder.offline") is None
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    assert page.locator('[data-action="open-window"]').count() == 0


# --- embedding -----------------------------------------------------------

def test_inside_another_sites_iframe_the_tour_offers_a_new_window(sw_page, server, web_export, tmp_path):
    page = sw_page
    tour_site = server(web_export)
    host = tmp_path / "host"
    host.mkdir()
    embed = (web_export / "embed.html").read_text(encoding="utf-8")
    assert 'allow="fullscreen; xr-spatial-tracking; gyroscope; accelerometer"' in embed
    (host / "index.html").write_text(
        f'<!doctype html><html lang="en"><title>School</title><h1>School</h1>'
        f'<iframe src="{tour_site.url}index.html" title="Tour" width="900" height="560" '
        f'allow="fullscreen; xr-spatial-tracking; gyroscope; accelerometer"></iframe>', encoding="utf-8")
    host_site = server(host)  # another port: another origin

    page.goto(tour_site.url + "index.html")
    page.wait_for_selector(READY, timeout=20_000)
    assert page.locator('[data-action="open-window"]').count() == 0, "not offered at the top level"

    page.goto(host_site.url + "index.html")
    frame = page.frame_locator("iframe")
    frame.locator(READY).wait_for(timeout=20_000)
    link = frame.locator('[data-action="open-window"]')
    assert link.text_content().strip() == "Шинэ цонхонд нээх"
    assert frame.get_by_role("link", name="Шинэ цонхонд нээх").count() == 1
    assert link.get_attribute("href") == tour_site.url + "index.html"
    assert link.get_attribute("target") == "_blank"
    frame.locator('button[data-lang="en"]').click()
    assert link.text_content().strip() == "Open in a new window"

    with page.context.expect_page() as opened:
        link.click()
    window = opened.value
    window.wait_for_selector(READY, timeout=20_000)
    assert window.url == tour_site.url + "index.html"
    assert window.locator('[data-action="open-window"]').count() == 0
    assert page.watch.console_errors == []
