"""Signing in to the real app in Chromium, through its pages; axe finds nothing on them in either
language; the preview runs sandboxed: the player works, but its page has no access to the
signed-in author's session.

The app runs in a thread (werkzeug's server) on loopback, over a store with the small tour
'tiny'. axe-core (web/node_modules) is added to each page as an init script, which the app's
Content-Security-Policy (no inline scripts) does not stop and the app never serves.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.app_server import sign_in_page
from tests.browser.axe import AXE, axe_violations
from tests.browser.conftest import open_page
from tests.signin import PASSWORD, make_user


@pytest.fixture
def app_page(browser):
    page = open_page(browser, locale="en-GB")
    page.context.add_init_script(path=str(AXE))
    yield page
    page.context.close()


def test_an_author_signs_in_through_the_page_and_every_page_passes_axe(app_page, live_app):
    base, app = live_app
    author = make_user(app, "dulmaa", "author", language="en")
    app.extensions["tourbuilder.accounts"].share("tiny", author.id, owner=True)
    page = app_page

    page.goto(base + "/")
    expect(page).to_have_url(base + "/login?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert axe_violations(page) == []

    # A wrong password: the page says so, in an alert, and keeps the name.
    page.get_by_label("Name").fill("dulmaa")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong name or password.")
    expect(page.get_by_label("Name")).to_have_value("dulmaa")
    assert axe_violations(page) == []

    # Mongolian before signing in, then English again.
    page.get_by_role("button", name="Монгол").click()
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Нэвтрэх")
    assert axe_violations(page) == []
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    page.get_by_label("Name").fill("dulmaa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tours")
    expect(page.locator('tr[data-tour-id="tiny"]')).to_be_visible()
    expect(page.get_by_role("link", name="Account: dulmaa")).to_be_visible()
    assert axe_violations(page) == []

    for link, heading in (("Sharing", "Who has “Tiny tour”"), ("Comments", "Comments on “Tiny tour”")):
        page.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert axe_violations(page) == [], link
        page.go_back()

    page.get_by_role("link", name="Account: dulmaa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    assert axe_violations(page) == []
    # The interface switches to Mongolian for this user, and stays so on the next page.
    page.get_by_role("button", name="Монгол").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Таны бүртгэл")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Аяллууд").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Аяллууд")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Гарах").click()
    expect(page).to_have_url(base + "/login")
    expect(page.get_by_role("status")).to_have_text("Та системээс гарлаа.")
    page.goto(base + "/account")
    expect(page).to_have_url(base + "/login?next=/account")
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_the_admin_pages_pass_axe(app_page, live_app):
    base, app = live_app
    make_user(app, "boss", "admin", language="en")
    make_user(app, "saraa", "reviewer", language="mn")
    page = app_page
    sign_in_page(page, base, "boss")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    assert axe_violations(page) == []
    # A new user with a generated password, shown once.
    page.get_by_label("Name").fill("bat")
    page.get_by_role("button", name="Add the user").click()
    expect(page.get_by_role("status")).to_contain_text("User “bat” added.")
    assert len(page.locator("[data-password]").inner_text()) == 16
    assert axe_violations(page) == []
    page.get_by_role("link", name="saraa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("User “saraa”")
    assert axe_violations(page) == []
    assert page.watch.console_errors == []


def test_the_preview_plays_in_a_sandbox_that_cannot_act_as_the_author(browser, live_app):
    base, app = live_app
    make_user(app, "boss", "admin", language="en")
    page = open_page(browser)  # no init script: the player page as it is
    try:
        sign_in_page(page, base, "boss")
        with page.expect_request(base + "/account") as control:  # a request of the app's own page
            page.goto(base + "/account")
        assert "tourbuilder_session=" in control.value.all_headers()["cookie"]
        page.goto(base + "/")
        page.get_by_role("link", name="Preview (en)").click()
        page.wait_for_selector('#tourbuilder-player[data-ready="true"]', timeout=20_000)
        assert page.url.startswith(base + "/sandbox/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        # The player itself had no trouble: no CSP violation, every picture drawn.
        assert page.watch.console_errors == [], page.watch.console_errors
        assert page.watch.outside_requests == []
        sent = []
        page.on("request", lambda request: "/account" in request.url and sent.append(request))
        # What a script in the tour could try: it runs in an opaque origin, without the session.
        probe = page.evaluate("""async () => {
            const out = {origin: self.origin};
            try { out.cookie = document.cookie; } catch (e) { out.cookie = e.name; }
            try { localStorage.length; out.storage = 'open'; } catch (e) { out.storage = e.name; }
            try {
                const r = await fetch('/account', {credentials: 'include'});
                out.account = r.status + ' ' + (await r.text()).slice(0, 200);
            } catch (e) { out.account = e.name; }
            try {
                const r = await fetch('/account', {mode: 'no-cors', credentials: 'include'});
                out.opaque = r.type;
            } catch (e) { out.opaque = e.name; }
            return out;
        }""")
        assert probe["origin"] == "null"
        assert probe["cookie"] == "SecurityError"
        assert probe["storage"] == "SecurityError"
        assert probe["account"] == "TypeError", probe  # cross-origin to the app: unreadable
        assert probe["opaque"] == "opaque"
        # And the requests carried no session cookie (it is SameSite=Lax; the page's site is opaque).
        # (the no-cors one went on to the sign-in page: the app did not know who it was).
        assert [r.url.removeprefix(base) for r in sent] == ["/account", "/account", "/login?next=/account"]
        assert all("cookie" not in request.all_headers() for request in sent)
        assert any("tourbuilder_session" in c["name"] for c in page.context.cookies()), "the author is signed in"
    finally:
        page.context.close()
