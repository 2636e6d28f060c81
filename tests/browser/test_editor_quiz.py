"""The quiz editor (web/src/editor/quiz-editor.js) in Chromium, used as an author would: sign in,
open the editor of a tour made through the API, write a quiz with a single-choice question and a
"find it in the scene" question whose region is drawn by clicking on the live panorama, set the
pass mark and the completion rule; after a reload everything is there, the stored document is
what the page showed, and the model and the check accept the quiz as playable. A save the model
refuses shows its problem next to the field concerned; axe finds nothing in the panel and its
dialogs.

The app runs in a thread (werkzeug) on loopback over real SQLite; axe-core is added to each
page as an init script (the app's CSP forbids inline scripts, but not the test's).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.app_server import serve_app, sign_in_page
from tests.browser.axe import AXE, axe_violations
from tests.browser.conftest import open_page
from tests.signin import make_user, sign_in

TOUR = "quiz-tour"
AUTHOR = "tuya"
QUIZ = "final-check"
WEB = Path(__file__).resolve().parents[2] / "web"


@pytest.fixture
def live_app(tiny_app):
    """(base URL, app, API client signed in as the author who owns TOUR, made through the API)."""
    author = make_user(tiny_app, AUTHOR, "author", language="en")
    client = tiny_app.test_client()
    sign_in(client, author.name)
    made = client.post("/api/tours", json={"id": TOUR, "title": {"mn": "Сорилтой аялал", "en": "A tour with a quiz"},
                                           "languages": ["mn", "en"]})
    assert made.status_code == 201, made.json
    with serve_app(tiny_app) as base:
        yield base, tiny_app, client


@pytest.fixture
def page(browser):
    page = open_page(browser, locale="en-GB")
    page.set_viewport_size({"width": 1400, "height": 900})  # the editor's three columns
    page.context.add_init_script(path=str(AXE))
    yield page
    page.context.close()


def open_quizzes(page, base):
    page.goto(f"{base}/tours/{TOUR}/edit")
    page.wait_for_selector('#tb-editor[data-ready="true"]', timeout=20_000)
    page.wait_for_selector('[data-role="player"][data-ready="true"]', timeout=20_000)
    page.get_by_role("tab", name="Quizzes").click()
    panel = page.locator('[data-panel="quizzes"]')
    expect(panel).to_be_visible()
    return panel


def wait_saved(page):
    expect(page.locator('[data-role="save-status"]')).to_have_attribute("data-status", "saved", timeout=15_000)


def settled(page):
    """Wait until no save is due or under way: the editor's status line (above the panorama) may
    change its height with the status, which moves the panorama on the page."""
    expect(page.locator('[data-role="save-status"]')).not_to_have_attribute("data-status", re.compile("pending|saving"),
                                                                             timeout=15_000)


def click_panorama(page, dx: float, dy: float) -> None:
    """Click the live panorama `dx`, `dy` pixels from its middle (measured just before)."""
    box = page.locator('[data-role="player"] .tb-viewer').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)


def test_an_author_writes_a_quiz_with_a_region_drawn_on_the_panorama_and_it_is_stored(page, live_app):
    base, app, client = live_app
    sign_in_page(page, base, AUTHOR)
    panel = open_quizzes(page, base)
    expect(panel.get_by_text("This tour has no quiz.")).to_be_visible()

    # A new quiz: titles in both languages, Mongolian first; the id follows the English title.
    panel.get_by_role("button", name="Add quiz").click()
    dialog = page.locator('dialog[data-dialog="add-quiz"]')
    expect(dialog).to_be_visible()
    titles = dialog.locator("input[data-lang]")
    assert [titles.nth(i).get_attribute("lang") for i in range(titles.count())] == ["mn", "en"]
    dialog.get_by_label("Title, Монгол", exact=True).fill("Эцсийн шалгалт")
    dialog.get_by_label("Title, English", exact=True).fill("Final check")
    expect(dialog.get_by_label("Id", exact=True)).to_have_value(QUIZ)
    assert axe_violations(page, 'dialog[data-dialog="add-quiz"]') == []
    dialog.get_by_role("button", name="Add").click()
    expect(dialog).to_have_count(0)
    quiz = panel.locator(f'[data-quiz-id="{QUIZ}"]')
    expect(quiz.get_by_role("heading", name="Quiz: Final check")).to_be_visible()

    # Question 1 (a new quiz starts with one single-choice question of two choices). Once saved,
    # the check's finding is shown at the question: no choice is marked right yet.
    first = quiz.locator(".tbq-question").nth(0)
    expect(first).to_have_attribute("data-kind", "single")
    expect(first.locator(".tbq-problem--finding")).to_contain_text(["no correct answer"], timeout=15_000)
    first.get_by_label("Question, Монгол", exact=True).fill("Мөнгөн ус аюултай юу?")
    first.get_by_label("Question, English", exact=True).fill("Is mercury dangerous?")
    first.get_by_label("Choice A, Монгол", exact=True).fill("Үгүй")
    first.get_by_label("Choice A, English", exact=True).fill("No")
    first.get_by_label("Choice B, Монгол", exact=True).fill("Тийм")
    first.get_by_label("Choice B, English", exact=True).fill("Yes")
    first.get_by_label("Feedback for choice A, English", exact=True).fill("It is: its fumes poison.")
    first.get_by_label("Choice B is right", exact=True).check()
    expect(first.get_by_label("Choice B is right", exact=True)).to_be_checked()
    expect(first.get_by_label("Choice A is right", exact=True)).not_to_be_checked()

    # Question 2: "find it in the scene". Until its region and places are there the model refuses
    # the document: the refused save's problem is shown at the region, and nothing is lost.
    quiz.get_by_label("Kind of question", exact=True).select_option("find")
    quiz.get_by_role("button", name="Add question").click()
    second = quiz.locator(".tbq-question").nth(1)
    expect(second).to_have_attribute("data-kind", "find")
    expect(second.get_by_label("Scene", exact=True)).to_have_value("start")
    region = second.locator("[data-region]")
    expect(region.locator(".tbq-problem")).to_contain_text("at least 3", timeout=15_000)
    expect(page.locator('[data-role="save-status"]')).to_have_attribute("data-status", "error")
    assert axe_violations(page, '[data-panel="quizzes"]') == []
    second.get_by_label("Question, Монгол", exact=True).fill("Сэнс хаана байна?")
    second.get_by_label("Question, English", exact=True).fill("Where is the fan?")

    # Draw the region: four clicks around the middle of the live panorama.
    second.get_by_role("button", name="Draw on the panorama").click()
    expect(second.get_by_role("button", name="Draw on the panorama")).to_have_attribute("aria-pressed", "true")
    for dx, dy in ((-70, -50), (70, -50), (70, 50), (-70, 50)):
        click_panorama(page, dx, dy)
    corners = page.locator(".tbq-corners .tbq-corner")
    expect(corners).to_have_count(4)
    expect(region.locator(".tbq-corner-row")).to_have_count(4)
    yaws = [float(v) for v in region.locator('input[data-key$="#yaw"]').evaluate_all("els => els.map(e => e.value)")]
    pitches = [float(v) for v in region.locator('input[data-key$="#pitch"]').evaluate_all("els => els.map(e => e.value)")]
    assert yaws[0] < 0 < yaws[1] and pitches[0] > 0 > pitches[2], (yaws, pitches)
    # A corner drawn on the panorama can be dragged, and moved and deleted by the keyboard.
    settled(page)
    start = corners.nth(3).bounding_box()
    page.mouse.move(start["x"] + 12, start["y"] + 12)
    page.mouse.down()
    page.mouse.move(start["x"] + 2, start["y"] + 32, steps=4)
    page.mouse.up()
    moved = float(region.locator('input[data-key$=".region.3#pitch"]').input_value())
    assert moved < pitches[3] - 1, (moved, pitches[3])
    corners.nth(0).focus()
    page.keyboard.press("ArrowUp")
    expect(region.locator('input[data-key$=".region.0#pitch"]')).to_have_value(str(round(pitches[0] + 1, 1)))
    click_panorama(page, 0, -120)  # a fifth corner, then deleted again
    expect(corners).to_have_count(5)
    corners.nth(4).focus()
    page.keyboard.press("Delete")
    expect(corners).to_have_count(4)
    assert axe_violations(page, '[data-panel="quizzes"]', ".tbq-corners") == []
    # Another tab of the inspector takes the panorama back: the region is no longer drawn there.
    page.get_by_role("tab", name="Hotspots").click()
    expect(corners).to_have_count(0)
    page.get_by_role("tab", name="Quizzes").click()
    expect(second.get_by_role("button", name="Draw on the panorama")).to_have_attribute("aria-pressed", "false")

    # Places, the keyboard way to answer: one inside the region, one turned away from it.
    places = second.locator("fieldset[data-path$='.places']")
    places.get_by_role("button", name="Add a place at the middle of the right place").click()
    places.get_by_role("button", name="Add a place at the middle of the view").click()
    places.get_by_label("Place 2: Yaw (°)", exact=True).fill("120")
    places.get_by_label("Place 2: Yaw (°)", exact=True).press("Tab")
    expect(places.locator("[data-inside]")).to_have_count(2)
    expect(places.locator('[data-inside="true"]')).to_have_count(1)
    places.get_by_label("Place 1, Монгол", exact=True).fill("Зуухны дээрх сэнс")
    places.get_by_label("Place 1, English", exact=True).fill("The fan above the furnace")
    places.get_by_label("Place 2, Монгол", exact=True).fill("Жин")
    places.get_by_label("Place 2, English", exact=True).fill("The scale")
    second.get_by_label("Points", exact=True).fill("2")
    second.get_by_label("Points", exact=True).press("Tab")

    # Quiz settings and the tour's completion rule.
    quiz.get_by_label("Pass mark (%)", exact=True).fill("70")
    quiz.get_by_label("Tries per question", exact=True).fill("0")
    quiz.get_by_label("Tries per question", exact=True).press("Tab")
    completion = panel.locator(".tbq-completion")
    expect(completion.get_by_label("Visit the scenes", exact=True)).to_be_checked()
    completion.get_by_label("Pass the final quiz", exact=True).check()
    completion.get_by_label("Final quiz", exact=True).select_option(QUIZ)
    completion.get_by_label("Pass mark (%)", exact=True).fill("75")
    completion.get_by_label("Pass mark (%)", exact=True).press("Tab")
    wait_saved(page)
    expect(panel.locator(".tbq-problem:not(.tbq-problem--local):not(.tbq-problem--finding)")).to_have_count(0)

    # Reload: all of it is there.
    panel = open_quizzes(page, base)
    quiz = panel.locator(f'[data-quiz-id="{QUIZ}"]')
    expect(panel.get_by_role("button", name="Final check (final-check)")).to_have_attribute("aria-current", "true")
    first, second = quiz.locator(".tbq-question").nth(0), quiz.locator(".tbq-question").nth(1)
    expect(first.get_by_label("Question, Монгол", exact=True)).to_have_value("Мөнгөн ус аюултай юу?")
    expect(first.get_by_label("Choice B, English", exact=True)).to_have_value("Yes")
    expect(first.get_by_label("Choice B is right", exact=True)).to_be_checked()
    expect(second.locator(".tbq-corner-row")).to_have_count(4)
    expect(second.get_by_label("Place 1, English", exact=True)).to_have_value("The fan above the furnace")
    expect(quiz.get_by_label("Pass mark (%)", exact=True)).to_have_value("70")
    completion = panel.locator(".tbq-completion")
    expect(completion.get_by_label("Pass the final quiz", exact=True)).to_be_checked()
    expect(completion.get_by_label("Final quiz", exact=True)).to_have_value(QUIZ)
    expect(completion.get_by_label("Pass mark (%)", exact=True)).to_have_value("75")
    second.get_by_role("button", name="Show on the panorama").click()
    expect(page.locator(".tbq-corners .tbq-corner")).to_have_count(4)
    expect(page.locator('[data-role="player"] .tb-edit-polygon.tbq-region')).to_have_count(1)

    # The rename and delete dialogs pass axe; cancelling them changes nothing.
    quiz.get_by_role("button", name="Rename").click()
    expect(page.locator('dialog[data-dialog="rename-quiz"]')).to_be_visible()
    assert axe_violations(page, 'dialog[data-dialog="rename-quiz"]') == []
    page.locator('dialog[data-dialog="rename-quiz"]').get_by_role("button", name="Cancel").click()
    quiz.get_by_role("button", name="Delete quiz").click()
    expect(page.locator('dialog[data-dialog="delete-quiz"]')).to_be_visible()
    assert axe_violations(page, 'dialog[data-dialog="delete-quiz"]') == []
    page.keyboard.press("Escape")
    expect(page.locator("dialog")).to_have_count(0)
    assert axe_violations(page, '[data-panel="quizzes"]') == []

    # The stored document, through the API.
    stored = client.get(f"/api/tours/{TOUR}")
    assert stored.status_code == 200
    document = stored.json["document"]
    final = document["quizzes"][QUIZ]
    assert final["title"] == {"mn": "Эцсийн шалгалт", "en": "Final check"}
    assert final["pass_mark"] == 70 and final["tries"] == 0
    single, find = final["questions"]
    assert single["kind"] == "single" and single["prompt"]["en"] == "Is mercury dangerous?"
    assert [(c["id"], c.get("correct", False)) for c in single["choices"]] == [("a", False), ("b", True)]
    assert single["choices"][0]["feedback"] == {"en": "It is: its fumes poison."}
    assert find["kind"] == "find" and find["scene"] == "start" and find["points"] == 2
    assert len(find["region"]) == 4 and len(find["places"]) == 2
    assert find["places"][1]["yaw"] == 120
    assert set(document["completion"]["rule"]) == {"visit", "quiz"} if isinstance(document["completion"]["rule"], list) \
        else document["completion"]["rule"] == "visit_and_quiz"
    assert document["completion"]["quiz"] == QUIZ and document["completion"]["pass_mark"] == 75

    # Playable: the model loads it and the check finds no question without an answer.
    from tourbuilder.check import check_tour
    from tourbuilder.model import load_tour

    tour = load_tour(document)
    question = tour.quizzes[QUIZ].questions[1]
    assert [p.id for p in question.right_places()] == ["place-1"]
    findings = [str(f) for f in check_tour(tour) if f.place.startswith(("quizzes", "completion"))]
    assert not [f for f in findings if "correct answer" in f or "no place" in f or "places lie" in f], findings
    assert not [f for f in findings if f.startswith("error")], findings
    # The refused saves are the only errors the browser logged.
    assert [e for e in page.watch.console_errors if "status of 422" not in e] == []
    assert page.watch.outside_requests == []


def test_pictures_true_false_and_steps_in_mongolian_with_reorder_delete_and_undo(page, live_app, tmp_path):
    base, app, client = live_app
    pictures = []
    for name, colour in (("fan.jpg", (200, 40, 40)), ("scale.jpg", (40, 40, 200))):
        Image.new("RGB", (320, 240), colour).save(tmp_path / name, quality=85)
        pictures.append(tmp_path / name)
    sign_in_page(page, base, AUTHOR)
    page.get_by_role("button", name="Монгол").click()
    expect(page.locator("html")).to_have_attribute("lang", "mn")
    page.goto(f"{base}/tours/{TOUR}/edit")
    page.wait_for_selector('#tb-editor[data-ready="true"]', timeout=20_000)
    page.get_by_role("tab", name="Сорилууд").click()
    panel = page.locator('[data-panel="quizzes"]')
    panel.get_by_role("button", name="Сорил нэмэх").click()
    dialog = page.locator('dialog[data-dialog="add-quiz"]')
    dialog.get_by_label("Гарчиг, Монгол", exact=True).fill("Давтлага")
    # A Mongolian title gives no id by itself: a bad id is refused in the dialog, which stays open.
    dialog.get_by_label("Дугаар (id)", exact=True).fill("Давтлага")
    dialog.get_by_role("button", name="Нэмэх").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Дугаар буруу")
    assert axe_violations(page, 'dialog[data-dialog="add-quiz"]') == []
    dialog.get_by_label("Дугаар (id)", exact=True).fill("review")
    dialog.get_by_role("button", name="Нэмэх").click()
    quiz = panel.locator('[data-quiz-id="review"]')
    expect(quiz.get_by_role("heading", name="Сорил: Давтлага")).to_be_visible()

    def add(kind):
        quiz.get_by_label("Асуултын төрөл", exact=True).select_option(kind)
        quiz.get_by_role("button", name="Асуулт нэмэх").click()
        added = quiz.locator(".tbq-question").last
        expect(added).to_have_attribute("data-kind", kind)
        return added

    statement = add("true_false")
    statement.get_by_label("Асуулт, Монгол", exact=True).fill("Мөнгөн ус аюулгүй.")
    statement.get_by_label("Худал", exact=True).check()
    picture = add("picture")
    picture.get_by_label("Асуулт, Монгол", exact=True).fill("Сэнсийг сонгоно уу.")
    for letter, path, text in (("A", pictures[0], "Сэнс"), ("B", pictures[1], "Жин")):
        picture.get_by_label(f"Зургийн тайлбар {letter}, Монгол", exact=True).fill(text)
        picture.get_by_label(f"Зургийн тайлбар {letter}, Монгол", exact=True).press("Tab")
        picture.get_by_label(f"Сонголт {letter}-ийн зураг", exact=True).set_input_files(str(path))
        expect(picture.locator(f'[data-choice-id="{letter.lower()}"] img.tbq-picture')).to_have_attribute("alt", text)
    picture.get_by_label("Сонголт A зөв", exact=True).check()
    steps = add("order")
    steps.get_by_label("Асуулт, Монгол", exact=True).fill("Дараалалд оруулна уу.")
    steps.get_by_role("button", name="Алхам нэмэх").click()
    for n, text in ((1, "Бутлах"), (2, "Нунтаглах"), (3, "Угаах")):
        steps.get_by_label(f"Алхам {n}, Монгол", exact=True).fill(text)
        steps.get_by_label(f"Алхам {n}, Монгол", exact=True).press("Tab")
    steps.get_by_role("button", name="3-р алхмыг дээш зөөх").click()
    expect(steps.get_by_label("Алхам 2, Монгол", exact=True)).to_have_value("Угаах")
    # Reorder: the steps question goes up; the first (empty) question is deleted, undone, deleted again.
    quiz.get_by_role("button", name="4-р асуултыг дээш зөөх").click()
    expect(quiz.locator(".tbq-question").nth(2)).to_have_attribute("data-kind", "order")
    expect(quiz.get_by_role("button", name="3-р асуултыг дээш зөөх")).to_be_focused()
    quiz.get_by_role("button", name="1-р асуултыг устгах").click()
    expect(quiz.locator(".tbq-question")).to_have_count(3)
    page.keyboard.press("Control+z")
    expect(quiz.locator(".tbq-question")).to_have_count(4)
    expect(quiz.locator(".tbq-question").nth(0)).to_have_attribute("data-kind", "single")
    page.keyboard.press("Control+Shift+z")
    expect(quiz.locator(".tbq-question")).to_have_count(3)
    assert axe_violations(page, '[data-panel="quizzes"]') == []
    wait_saved(page)

    document = client.get(f"/api/tours/{TOUR}").json["document"]
    review = document["quizzes"]["review"]
    assert [q["kind"] for q in review["questions"]] == ["true_false", "order", "picture"]
    assert review["questions"][0]["answer"] is False
    assert [i["text"]["mn"] for i in review["questions"][1]["items"]] == ["Бутлах", "Угаах", "Нунтаглах"]
    choices = review["questions"][2]["choices"]
    assert [c.get("correct", False) for c in choices] == [True, False]
    assert choices[0]["image"] != choices[1]["image"]
    assert {choices[0]["image"], choices[1]["image"]} <= set(document["media"])
    assert document["media"][choices[0]["image"]]["type"] == "image/jpeg"
    from tourbuilder.check import check_tour
    from tourbuilder.model import load_tour

    findings = [str(f) for f in check_tour(load_tour(document)) if f.place.startswith("quizzes.review")]
    assert not [f for f in findings if f.startswith("error")], findings
    assert [e for e in page.watch.console_errors if "status of 422" not in e] == []


def test_the_quiz_editor_strings_are_in_mongolian_and_english():
    """Every interface string exists in both languages (and has the same parameters)."""
    script = ("import('./src/editor/quiz/strings.js').then(({QUIZ_STRINGS}) => "
              "console.log(JSON.stringify(QUIZ_STRINGS)))")
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=WEB, capture_output=True, text=True, check=True)
    tables = json.loads(out.stdout)
    assert set(tables) == {"mn", "en"}
    assert set(tables["mn"]) == set(tables["en"])
    for key, english in tables["en"].items():
        assert set(re.findall(r"\{\w+\}", english)) == set(re.findall(r"\{\w+\}", tables["mn"][key])), key
        assert tables["mn"][key] != english or key in {"problemElsewhere"}, f"{key} is not translated"
