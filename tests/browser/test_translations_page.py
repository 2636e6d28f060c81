"""The translation page in Chromium, in Mongolian: a missing translation is marked (seen and read
out), filled in and saved with the plain form; the XLIFF file is downloaded through its link,
translated (a target changed), uploaded back, and the change shows; axe finds nothing."""

from __future__ import annotations

from lxml import etree
from playwright.sync_api import expect

from tests.browser.app_server import sign_in_page
from tests.browser.axe import AXE, axe_violations
from tests.browser.conftest import open_page
from tests.signin import make_user
from tourbuilder.model import dump_tour, load_tour

NS = "urn:oasis:names:tc:xliff:document:1.2"


def test_translate_on_the_page_and_through_xliff_in_mongolian(browser, live_app, tmp_path):
    base, app = live_app
    store = app.extensions["tourbuilder.store"]
    doc = dump_tour(store.get_tour("tiny"))
    del doc["scenes"]["hall"]["title"]["en"]  # one translation missing
    store.save_tour(load_tour(doc), author="test")
    author = make_user(app, "tuya", "author", language="mn")
    app.extensions["tourbuilder.accounts"].share("tiny", author.id)

    page = open_page(browser, locale="mn-MN")
    page.context.add_init_script(path=str(AXE))
    try:
        sign_in_page(page, base, "tuya")
        page.goto(base + "/tours/tiny/translations")
        expect(page.locator("html")).to_have_attribute("lang", "mn")
        expect(page.get_by_role("heading", level=1)).to_have_text("“Жижиг аялал” аяллын орчуулга")

        # The missing one: a visible mark, and its field says so to a screen reader.
        hall_en = page.locator('tr[data-path="scenes.hall.title"] textarea[lang="en"]')
        expect(page.locator('tr[data-path="scenes.hall.title"] td[data-lang="en"] .tr-badge')).to_have_text("Дутуу")
        expect(hall_en).to_have_accessible_description("Дутуу")
        expect(hall_en).to_have_accessible_name("Гарчиг scenes.hall.title Англи (en)")
        expect(page.locator(".tr-badge")).to_have_count(1)
        assert axe_violations(page) == []

        # Only the missing ones, then fill it in and save (a plain form post).
        page.get_by_label("Зөвхөн орчуулга дутуу текстүүд").check()
        page.get_by_role("button", name="Харуулах").click()
        expect(page.locator("tbody tr")).to_have_count(1)
        hall_en.fill("The hall")
        page.get_by_role("button", name="Орчуулгыг хадгалах").click()
        expect(page.get_by_role("status")).to_contain_text("Хадгаллаа: 1 текст өөрчлөгдлөө")
        expect(page.get_by_text("Орчуулга дутуу текст алга.")).to_be_visible()
        assert store.get_tour("tiny").scenes["hall"].title["en"] == "The hall"

        # XLIFF out through the download link, a target changed, and back in.
        page.get_by_label("Зөвхөн орчуулга дутуу текстүүд").uncheck()
        page.get_by_role("button", name="Харуулах").click()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="XLIFF татах: Монгол → Англи").click()
        download = download_info.value
        assert download.suggested_filename == "tiny-mn-en.xlf"
        root = etree.parse(download.path()).getroot()
        unit = root.find(f".//{{{NS}}}trans-unit[@id='scenes.yard.title']")
        unit.find(f"{{{NS}}}target").text = "The front yard"
        translated = tmp_path / "tiny-mn-en.xlf"
        translated.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        page.get_by_label("Орчуулсан XLIFF файл (хамгийн ихдээ 8 MB)").set_input_files(str(translated))
        page.get_by_role("button", name="Оруулж хэрэгжүүлэх").click()
        expect(page.get_by_role("status")).to_have_text("Файлыг хэрэгжүүллээ: 1 текст өөрчлөгдлөө (4-р хувилбар).")
        expect(page.locator('tr[data-path="scenes.yard.title"] textarea[lang="en"]')).to_have_value("The front yard")
        expect(page.locator(".tr-report tbody tr")).to_have_text(["scenes.yard.titleөөрчлөгдсөн"])  # path, result
        assert store.get_tour("tiny").scenes["yard"].title["en"] == "The front yard"
        assert axe_violations(page) == []
        assert page.watch.console_errors == []
        assert page.watch.outside_requests == []
    finally:
        page.context.close()
