"""axe-core finds no violation with a question of each kind open (before and after its check), on
the quiz's result page, while pointing at the panorama, and in the progress panel and the
certificate, in Mongolian and in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import run_axe
from tests.browser.test_quiz_play import kinds  # noqa: F401  (the module's tour fixture)
from tests.browser.test_scorm_play import CHECK, READY, choose, press

pytestmark = pytest.mark.exported_player

LANGUAGE_BUTTON = {"mn": "Монгол", "en": "English"}


def clean(page, where: str):
    result = run_axe(page)
    assert result["violations"] == [], f"{where}: {result['violations']}"


@pytest.mark.parametrize("lang", ["mn", "en"])
def test_axe_finds_no_violations_in_quizzes_progress_and_certificate(page, kinds, lang):  # noqa: F811
    url, tour = kinds
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    if lang != "mn":
        page.get_by_role("button", name=LANGUAGE_BUTTON[lang], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    press(page, "test")
    dialog = page.locator('dialog[open][data-dialog="quiz"]')
    quiz = tour.quizzes["final"]
    for question in quiz.questions:
        expect(dialog.locator(f'fieldset[data-question-id="{question.id}"]')).to_be_visible()
        clean(page, f"{question.kind} open")
        if question.kind == "find":
            dialog.locator('[data-action="point"]').click()
            expect(page.locator("[data-pointing]")).to_be_visible()
            clean(page, "pointing")
            page.get_by_role("button", name="Болих" if lang == "mn" else "Cancel").click()
            expect(dialog).to_be_visible()
        choose(dialog, question, question.kind != "single", lang)
        dialog.get_by_role("button", name=CHECK[lang], exact=True).click()
        expect(dialog.locator("[data-question-result]")).to_be_visible()
        if question.kind in ("single", "order"):
            clean(page, f"{question.kind} checked")
        dialog.locator('[data-action="next"]').click()
    expect(dialog.locator(".tb-quiz__summary")).to_be_visible()
    clean(page, "result page")
    page.keyboard.press("Escape")
    page.locator('[data-action="progress"]').click()
    expect(page.locator('dialog[open][data-dialog="progress"]')).to_be_visible()
    clean(page, "progress")
    page.locator('[data-action="certificate"]').click()
    expect(page.locator('dialog[open][data-dialog="certificate"]')).to_be_visible()
    clean(page, "certificate")
