"""The tours dashboard in Chromium against the real app: make, copy, rename, delete and bring back a
tour through its forms; import a zip and export SCORM 2004 as jobs with a progress bar that reaches
the end and a download that works; axe finds nothing, with every disclosure open; and in Mongolian."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.app_server import sign_in_page
from tests.browser.axe import AXE, axe_violations
from tests.browser.conftest import open_page
from tests.samples import minimal_document, write_tiny_folder
from tests.signin import make_user

#: Records the highest value any <progress> of the page showed (the bar may be replaced quickly).
WATCH_PROGRESS = """
window.__progressSeen = 0;
new MutationObserver(() => {
  document.querySelectorAll('progress').forEach((bar) => {
    window.__progressSeen = Math.max(window.__progressSeen, bar.value);
  });
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['value']});
"""


@pytest.fixture
def app_page(browser):
    page = open_page(browser, locale="en-GB", accept_downloads=True)
    page.context.add_init_script(path=str(AXE))
    yield page
    page.context.close()


def row(page, tour_id):
    return page.locator(f'tr[data-tour-id="{tour_id}"]')


def open_all_disclosures(page):
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def test_an_author_manages_tours_imports_and_exports_from_the_dashboard(app_page, live_app, tmp_path):
    base, app = live_app
    author = make_user(app, "dulmaa", "author", language="en")
    app.extensions["tourbuilder.accounts"].share("tiny", author.id, owner=True)
    page = app_page
    sign_in_page(page, base, "dulmaa")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tours")
    tiny = row(page, "tiny")
    expect(tiny.get_by_role("link", name="Edit")).to_have_attribute("href", "/tours/tiny/edit")
    expect(tiny.locator("td.size")).to_contain_text("kB")
    expect(tiny).to_contain_text("ready")
    open_all_disclosures(page)
    assert axe_violations(page) == []
    page.reload()

    # Make a tour.
    page.get_by_text("New tour").click()
    page.get_by_label("Title in Mongolian").fill("Гол")
    page.get_by_label("Title in English").fill("River walk!")
    expect(page.get_by_label("Id (lower-case letters")).to_have_value("river-walk")  # from the English title
    page.get_by_label("Id (lower-case letters").fill("river")  # an id of one's own wins
    page.get_by_label("Title in English").fill("River walk")
    expect(page.get_by_label("Id (lower-case letters")).to_have_value("river")
    page.get_by_role("button", name="Make the tour").click()
    expect(page.get_by_role("status").first).to_contain_text("Tour “river” made.")
    river = row(page, "river")
    expect(river).to_contain_text("River walk")
    expect(river).to_contain_text("dulmaa")
    # A taken id: the problem is said and the form keeps what was typed.
    page.get_by_text("New tour").click()
    page.get_by_label("Id (lower-case letters").fill("river")
    page.get_by_label("Title in English").fill("Again")
    page.get_by_role("button", name="Make the tour").click()
    expect(page.get_by_role("alert")).to_contain_text("is taken")
    expect(page.get_by_label("Title in English")).to_have_value("Again")
    assert axe_violations(page) == []

    # Copy, rename, delete, bring back.
    river.get_by_text("Duplicate").click()
    river.get_by_label("Id of the copy").fill("river-2")
    river.get_by_role("button", name="Make a copy").click()
    copy = row(page, "river-2")
    expect(copy).to_contain_text("River walk")
    copy.get_by_text("Rename").click()
    copy.get_by_label("Title (en)").fill("Second river")
    copy.get_by_role("button", name="Save the title").click()
    expect(row(page, "river-2")).to_contain_text("Second river")
    row(page, "river-2").get_by_role("button", name="Delete").click()
    expect(row(page, "river-2")).to_have_count(0)
    deleted = page.locator('[data-deleted-tour-id="river-2"]')
    expect(deleted).to_contain_text("Second river")
    assert axe_violations(page) == []
    deleted.get_by_role("button", name="Bring back").click()
    expect(row(page, "river-2")).to_contain_text("Second river")
    expect(page.locator('[data-deleted-tour-id="river-2"]')).to_have_count(0)

    # Import a zip: a job with a progress bar, then the list shows the tour.
    page.evaluate(WATCH_PROGRESS)
    archive = tmp_path / "lake.zip"
    folder = write_tiny_folder(tmp_path / "lake", minimal_document(id="lake", title={"en": "Lake", "mn": "Нуур"}))
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.rglob("*"):
            zipped.write(path, path.relative_to(folder).as_posix())
    importing = page.locator("#import-form")
    importing.get_by_label("Import a tour").set_input_files(archive)
    importing.get_by_role("button", name="Import", exact=True).click()
    expect(importing.get_by_role("status")).to_contain_text("The tour “lake” is imported.", timeout=60_000)
    assert page.evaluate("window.__progressSeen") == 1
    importing.get_by_role("link", name="Refresh the list").click()
    expect(row(page, "lake")).to_contain_text("Lake")

    # Export SCORM 2004: a job with a progress bar, then a working download link.
    page.evaluate(WATCH_PROGRESS)
    tiny = row(page, "tiny")
    tiny.get_by_label("Export as").select_option("scorm2004")
    tiny.get_by_role("button", name="Download").click()
    link = tiny.get_by_role("link", name="Download tiny-scorm2004.zip")
    expect(link).to_be_visible(timeout=90_000)
    assert page.evaluate("window.__progressSeen") == 1
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "download.zip"
    download_info.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert "imsmanifest.xml" in names and "index.html" in names
    # Only the refused form (the taken id, answered 409 on purpose) shows up in the console.
    assert [e for e in page.watch.console_errors if "409" not in e] == []


def test_the_dashboard_in_mongolian(app_page, live_app):
    base, app = live_app
    author = make_user(app, "bat", "author", language="mn")
    app.extensions["tourbuilder.accounts"].share("tiny", author.id, owner=True)
    page = app_page
    sign_in_page(page, base, "bat")
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Аяллууд")
    tiny = row(page, "tiny")
    expect(tiny.get_by_role("link", name="Засах")).to_be_visible()
    expect(page.get_by_text("Шинэ аялал", exact=True)).to_be_visible()
    open_all_disclosures(page)
    for english in ("New tour", "Rename", "Duplicate", "Make a copy", "Deleted tours", "Last change"):
        assert english not in page.locator("main").inner_text(), english
    assert axe_violations(page) == []
    # The script's own strings are Mongolian too.
    tiny.get_by_label("Экспортлох хэлбэр").select_option("web")
    tiny.get_by_role("button", name="Татах").click()
    expect(tiny.get_by_role("link", name="tiny-web.zip-г татах")).to_be_visible(timeout=90_000)
    assert axe_violations(page) == []


def test_the_api_documentation_page_is_accessible_and_lists_every_route(app_page, live_app):
    base, app = live_app
    page = app_page
    page.goto(base + "/api/docs")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    spec = page.evaluate("fetch('/api/openapi.json').then((r) => r.json())")
    for path in spec["paths"]:
        expect(page.locator("main")).to_contain_text(path)
    assert axe_violations(page) == []
