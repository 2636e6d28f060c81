"""Real Chromium (Debian's package) driven by Python Playwright, against pages served on loopback.

Every request that leaves loopback is refused and recorded, and console errors
are collected, so a test can assert that a tour works offline and cleanly.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync", "--disable-quic",
]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright():
    """The one Playwright of the session: a second sync_playwright() in the same process fails
    ("Sync API inside the asyncio loop"), so browsers with other flags launch from this one."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: `make test` installs Debian's package")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def export_demo_once(demo_folder_master: Path, base: Path) -> Path:
    """The demo tour (the session's copy) imported into a store of its own under `base` and
    exported as a web tour to `base / "web"`: for module-scoped fixtures whose tests only read
    the export or add pages to it."""
    from tourbuilder.demo.loader import DEMO_ID
    from tourbuilder.export import export_tour
    from tourbuilder.importing import import_tour
    from tourbuilder.store import Store

    from tests.pg import database_url_for

    folder = shutil.copytree(demo_folder_master, base / DEMO_ID)
    store = Store(database_url_for(base), base / "media")
    try:
        import_tour(store, folder)
        export_tour(DEMO_ID, "web", base / "web", store=store)
    finally:
        store.close()
    return base / "web"


@pytest.fixture
def web_export(demo_store, tmp_path):
    """The demo tour's web export, in a folder of its own."""
    from tourbuilder.demo.loader import DEMO_ID
    from tourbuilder.export import export_tour

    out = tmp_path / "web"
    export_tour(DEMO_ID, "web", out, store=demo_store)
    return out


@pytest.fixture
def live_app(tiny_app):
    """(base URL, app): the app over the tour 'tiny' served on loopback for the length of a test."""
    from tests.browser.app_server import serve_app

    with serve_app(tiny_app) as base:
        yield base, tiny_app


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture
def serve():
    """serve(folder, handler=QuietHandler) -> base URL of a static web server on loopback for
    that folder (`handler`: a SimpleHTTPRequestHandler subclass, e.g. one that answers ranges)."""
    servers = []

    def start(folder: Path, handler=None) -> str:
        handler = functools.partial(handler or QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class PageWatch:
    def __init__(self):
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []


@pytest.fixture
def page(browser):
    """A fresh page (new context) that refuses non-loopback requests; .watch holds what it saw.

    Service workers are blocked here: a web export's worker would serve requests that a test's
    page.route() means to intercept. Tests of the offline app use `open_page(browser,
    service_workers="allow")`.
    """
    page = open_page(browser, service_workers="block")
    yield page
    page.context.close()


def open_page(browser, **context_options):
    """A page in a new context that refuses non-loopback requests and records console errors."""
    context = browser.new_context(viewport={"width": 1024, "height": 640}, **context_options)
    watch = PageWatch()

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        scheme = urlparse(route.request.url).scheme
        if scheme in ("http", "https", "ws", "wss") and host not in LOOPBACK:
            watch.outside_requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and watch.console_errors.append(m.text))
    page.on("pageerror", lambda e: watch.console_errors.append(str(e)))
    page.watch = watch
    return page
