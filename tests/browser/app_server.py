"""The authoring app served on loopback for Chromium tests, and signing in through its page.

Used by the `live_app` fixture (tests/browser/conftest.py), by tests that serve an app of their
own (the quiz editor's, the walk-through's) and by bench/walkthrough.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.signin import PASSWORD


@contextmanager
def serve_app(app) -> Iterator[str]:
    """The app on loopback in a thread (werkzeug's server): yields its base URL (no trailing
    slash); after, stops the server and waits for the app's jobs, so none outlives its store."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["tourbuilder.jobs"].close(wait=True)


def sign_in_page(page, base_url: str, name: str, password: str = PASSWORD) -> None:
    """Sign in through the app's sign-in page, in whatever language it shows (the fields are found
    by their names), and wait for the tours page it leads to."""
    page.goto(base_url + "/login")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(base_url + "/")
