"""Regenerate docs/screenshot.png: the demo tour's web export in Chromium.

    .venv/bin/python docs/screenshot.py [SCENE]
"""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from tourbuilder.demo.loader import DEMO_ID, build_demo_folder
from tourbuilder.export import export_tour

ARGS = ["--headless=new", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
        "--disable-background-networking", "--disable-component-update", "--no-first-run"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(scene: str | None = None) -> None:
    out = Path(__file__).resolve().parent / "screenshot.png"
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_demo_folder(Path(tmp) / DEMO_ID)
        site = Path(tmp) / "web"
        export_tour(str(folder), "web", site)
        handler = functools.partial(QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 700})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            page.wait_for_selector('#tourbuilder-player[data-ready="true"]')
            if scene:
                page.evaluate("id => window.tourbuilder.player.loadScene(id)", scene)
                page.wait_for_selector(f'#tourbuilder-player[data-scene="{scene}"][data-ready="true"]')
            page.wait_for_timeout(300)
            page.screenshot(path=str(out))
            browser.close()
        server.shutdown()
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:2])
