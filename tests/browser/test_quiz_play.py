"""Quizzes in the player, as a learner takes them: every question kind answered with the keyboard
alone (the panorama pointed at with the arrow keys and Enter), by tap, tries and attempts;
checkpoints and locked scenes on the demo; progress kept on the device without an LMS (web
export), resumed after a reload, and the certificate."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_scorm_play import (
    CHECK,
    READY,
    Server,
    answer_quiz,
    choose,
    close_dialog,
    demo_store_for_module,
    press,
)
from tests.test_quiz_state import write_tour_folder
from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.export import export_tour
from tourbuilder.model import load_tour

pytestmark = pytest.mark.exported_player


def tx(en: str, mn: str) -> dict:
    return {"mn": mn, "en": en}


KINDS_TOUR = {
    "schema_version": 2,
    "id": "kinds",
    "title": tx("Every kind of question", "Бүх төрлийн асуулт"),
    "languages": ["mn", "en"],
    "start_scene": "yard",
    "scenes": {
        "yard": {"title": tx("Yard", "Хашаа"), "panorama": "media/yard.jpg", "hotspots": [
            {"id": "to-hall", "kind": "scene", "yaw": -90, "pitch": 0, "title": tx("To the hall", "Танхим руу"),
             "target": "hall"},
            {"id": "test", "kind": "quiz", "yaw": -20, "pitch": -10, "title": tx("Test", "Шалгалт"), "quiz": "final"},
        ]},
        "hall": {"title": tx("Hall", "Танхим"), "panorama": "media/hall.jpg", "hotspots": [
            {"id": "back", "kind": "scene", "yaw": 90, "pitch": 0, "title": tx("Back", "Буцах"), "target": "yard"},
        ]},
    },
    "quizzes": {"final": {"title": tx("Test", "Шалгалт"), "tries": 2, "questions": [
        {"id": "one", "kind": "single", "prompt": tx("Which is safe?", "Аль нь аюулгүй вэ?"), "choices": [
            {"id": "mercury", "text": tx("Mercury", "Мөнгөн ус"), "feedback": tx("No: poison.", "Үгүй: хор.")},
            {"id": "table", "text": tx("Shaking table", "Сэгсрэх ширээ"), "correct": True},
            {"id": "cyanide", "text": tx("Cyanide", "Цианид")}]},
        {"id": "all", "kind": "multiple", "prompt": tx("What do you wear?", "Юу зүүх вэ?"), "choices": [
            {"id": "helmet", "text": tx("Helmet", "Каск"), "correct": True},
            {"id": "sandals", "text": tx("Sandals", "Шаахай")},
            {"id": "mask", "text": tx("Dust mask", "Тоосны маск"), "correct": True}]},
        {"id": "truth", "kind": "true_false", "prompt": tx("Gold floats.", "Алт хөвдөг."), "answer": False},
        {"id": "pics", "kind": "picture", "prompt": tx("Which is a helmet?", "Аль нь каск вэ?"), "choices": [
            {"id": "cap", "text": tx("A cap", "Малгай"), "image": "media/cap.jpg"},
            {"id": "helmet", "text": tx("A helmet", "Каск"), "image": "media/helmet.jpg", "correct": True}]},
        {"id": "where", "kind": "find", "prompt": tx("Where is the crusher?", "Бутлуур хаана байна?"), "scene": "yard",
         "region": [[30, 12], [50, 12], [50, -12], [30, -12]], "places": [
             {"id": "door", "text": tx("The door", "Хаалга"), "yaw": -90, "pitch": 0},
             {"id": "crusher", "text": tx("The crusher", "Бутлуур"), "yaw": 40, "pitch": 0},
             {"id": "window", "text": tx("The window", "Цонх"), "yaw": 150, "pitch": 5}]},
        {"id": "steps", "kind": "order", "prompt": tx("Put in order.", "Дараалал."), "items": [
            {"id": "crush", "text": tx("Crush", "Бутлах")},
            {"id": "mill", "text": tx("Mill", "Нунтаглах")},
            {"id": "table", "text": tx("Table", "Ширээ")},
            {"id": "smelt", "text": tx("Smelt", "Хайлуулах")}]},
    ]}},
    "completion": {"rule": ["visit", "quiz"], "quiz": "final", "pass_mark": 80},
}


@pytest.fixture(scope="module")
def kinds(tmp_path_factory):
    """The tour of every question kind, exported for the web (progress on the device): (URL, tour)."""
    base = tmp_path_factory.mktemp("kinds")
    folder = write_tour_folder(base / "kinds", json.loads(json.dumps(KINDS_TOUR)))
    export_tour(str(folder), "web", base / "web")
    server = Server(base / "web")
    yield server.url + "index.html", load_tour(json.loads(json.dumps(KINDS_TOUR)))
    server.close()


@pytest.fixture(scope="module")
def demo_web(demo_folder_master, tmp_path_factory):
    base = tmp_path_factory.mktemp("demo-web")
    store = demo_store_for_module(demo_folder_master, base)
    try:
        export_tour(DEMO_ID, "web", base / "web", store=store)
        tour = store.get_tour(DEMO_ID)
    finally:
        store.close()
    server = Server(base / "web")
    yield server.url + "index.html", tour
    server.close()


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, limit: int = 60):
    """Press Tab until the focus is on an element matching `selector`."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def radio_to(page, group_selector: str, wanted: str):
    """Choose a radio button of a group with the keyboard: Tab into the group, arrows to it."""
    tab_to(page, f"{group_selector} input[type=radio]")
    for _ in range(12):
        if focused(page, f'input[data-choice-id="{wanted}"]'):
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"the arrows never reached {wanted}")


def check_with_keyboard(page, dialog):
    tab_to(page, '[data-action="check"]')
    page.keyboard.press("Enter")
    result = dialog.locator("[data-question-result]")
    expect(result).to_be_visible()
    return result


def next_with_keyboard(page):
    tab_to(page, '[data-action="next"]')
    page.keyboard.press("Enter")


def test_every_question_kind_is_answered_with_the_keyboard_alone(page, kinds):
    url, tour = kinds
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    press(page, "test")
    dialog = page.locator('dialog[open][data-dialog="quiz"]')
    expect(dialog).to_have_accessible_name("Шалгалт")
    quiz = tour.quizzes["final"]
    for question in quiz.questions:
        fieldset = f'fieldset[data-question-id="{question.id}"]'
        group = dialog.get_by_role("group", name=question.prompt["mn"], exact=True)
        expect(group).to_be_visible()
        if question.kind == "single":
            expect(group.get_by_role("radio", name="Сэгсрэх ширээ")).to_be_visible()
            radio_to(page, fieldset, "table")
        elif question.kind == "multiple":
            for choice in question.choices:
                tab_to(page, f'{fieldset} input[data-choice-id="{choice.id}"]')
                expect(group.get_by_role("checkbox", name=choice.text["mn"])).to_be_focused()
                if choice.correct:
                    page.keyboard.press("Space")
        elif question.kind == "true_false":
            radio_to(page, fieldset, "false")
            expect(group.get_by_role("radio", name="Худал")).to_be_checked()
        elif question.kind == "picture":
            tab_to(page, f'{fieldset} button[data-choice-id="helmet"]')
            page.keyboard.press("Enter")
            expect(group.get_by_role("button", name="Каск")).to_have_attribute("aria-pressed", "true")
        elif question.kind == "find":
            # Point with the keyboard: the view turns with the arrows, Enter chooses its middle.
            tab_to(page, f'{fieldset} [data-action="point"]')
            page.keyboard.press("Enter")
            expect(page.locator("[data-pointing]")).to_be_visible()
            expect(page.locator(".tb-viewer")).to_be_focused()
            for _ in range(8):  # 8 x 5° to the right: yaw 40, the crusher
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")
            expect(page.locator("[data-pointing]")).to_have_count(0)
            expect(dialog.locator("[data-pointed]")).to_be_visible()
        elif question.kind == "order":
            for index, item in enumerate(question.items):
                order = dialog.locator(".tb-order__item").evaluate_all("(els) => els.map((e) => e.dataset.itemId)")
                moves = order.index(item.id) - index
                if moves > 0:
                    tab_to(page, f'{fieldset} [data-item-id="{item.id}"] [data-action="up"]')
                    expect(page.locator(":focus")).to_have_accessible_name(f"Дээш: {item.text['mn']}")
                    for _ in range(moves):
                        page.keyboard.press("Enter")
            expect(dialog.locator("[data-order-announcer]")).not_to_be_empty()
        result = check_with_keyboard(page, dialog)
        expect(result).to_have_attribute("data-correct", "true")
        next_with_keyboard(page)
    summary = dialog.locator("[data-quiz-result]")
    expect(summary).to_have_attribute("data-score", "100")
    expect(summary).to_have_attribute("data-passed", "true")
    assert page.watch.console_errors == []


def open_question(page, tour, question_id):
    press(page, "test")
    dialog = page.locator('dialog[open][data-dialog="quiz"]')
    expect(dialog).to_be_visible()
    while not dialog.locator(f'fieldset[data-question-id="{question_id}"]').is_visible():
        dialog.locator('[data-action="next"]').click()
    return dialog


def test_a_tap_on_the_panorama_answers_a_find_question(page, kinds):
    url, tour = kinds
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    dialog = open_question(page, tour, "where")
    dialog.locator('[data-action="point"]').click()
    expect(page.locator("[data-pointing]")).to_be_visible()
    page.evaluate("window.tourbuilder.player.lookAt(20, 0)")
    # Where yaw 40, pitch 3 is on the screen (the crusher is off the middle of the view).
    at = page.evaluate("""() => {
        const p = window.tourbuilder.player;
        const spot = p.viewer.project(40, 3);
        const box = p.viewerHost.getBoundingClientRect();
        return {x: box.left + spot.x, y: box.top + spot.y};
    }""")
    page.mouse.click(at["x"], at["y"])
    expect(dialog.locator("[data-pointed]")).to_be_visible()
    answer = page.evaluate("window.tourbuilder.player.course.state.quizzes.final.questions.where.answer")
    assert answer["yaw"] == pytest.approx(40, abs=0.5) and answer["pitch"] == pytest.approx(3, abs=0.5)
    dialog.get_by_role("button", name=CHECK["mn"], exact=True).click()
    expect(dialog.locator("[data-question-result]")).to_have_attribute("data-correct", "true")


def test_tries_feedback_the_right_answer_and_a_new_attempt(page, kinds):
    url, tour = kinds
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    press(page, "test")
    dialog = page.locator('dialog[open][data-dialog="quiz"]')
    single = tour.quizzes["final"].questions[0]
    choose(dialog, single, False)
    dialog.get_by_role("button", name=CHECK["mn"], exact=True).click()
    result = dialog.locator("[data-question-result]")
    expect(result).to_have_attribute("data-correct", "false")
    expect(result).to_contain_text("Үгүй: хор.")  # the chosen choice's own feedback
    expect(result).to_contain_text("1 оролдлого үлдлээ")  # tries: 2
    expect(dialog.locator('input[data-choice-id="table"]')).to_be_enabled()
    dialog.get_by_label("Цианид", exact=True).check()
    dialog.get_by_role("button", name=CHECK["mn"], exact=True).click()
    expect(result).to_contain_text("Зөв хариулт: Сэгсрэх ширээ")
    expect(dialog.locator('input[data-choice-id="table"]')).to_be_disabled()
    expect(dialog.get_by_role("button", name=CHECK["mn"], exact=True)).to_be_disabled()
    dialog.locator('[data-action="next"]').click()
    wrong_twice = {q.id: False for q in tour.quizzes["final"].questions}  # the others wrong twice: the end
    score, passed = answer_until_final(dialog, tour.quizzes["final"], wrong_twice)
    assert not passed
    dialog.locator('[data-action="retake"]').click()
    expect(dialog.locator('fieldset[data-question-id="one"][data-final="false"]')).to_be_visible()
    expect(dialog.locator("[data-question-result]")).to_be_hidden()
    score, passed = answer_quiz(dialog, tour.quizzes["final"], True)
    assert (score, passed) == (100, True)


def answer_until_final(dialog, quiz, right):
    """Answer every question until it is final (checking again while tries are left)."""
    for question in quiz.questions[1:]:
        fieldset = dialog.locator(f'fieldset[data-question-id="{question.id}"]')
        expect(fieldset).to_be_visible()
        while fieldset.get_attribute("data-final") != "true":
            if question.kind in ("multiple",) and fieldset.locator("input:checked").count():
                for box in fieldset.locator("input:checked").all():
                    box.uncheck()
            if question.kind == "picture":
                for pressed in fieldset.locator('button[aria-pressed="true"]').all():
                    pressed.click()
            choose(dialog, question, right.get(question.id, True))
            dialog.get_by_role("button", name=CHECK["mn"], exact=True).click()
            expect(dialog.locator("[data-question-result]")).to_be_visible()
            fieldset = dialog.locator(f'fieldset[data-question-id="{question.id}"]')
        dialog.locator('[data-action="next"]').click()
    result = dialog.locator("[data-quiz-result]")
    expect(result).to_be_visible()
    return float(result.get_attribute("data-score")), result.get_attribute("data-passed") == "true"


def test_checkpoint_and_locked_scene_in_the_demo(page, demo_web):
    url, tour = demo_web
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    page.evaluate("window.tourbuilder.player.loadScene('gold-room')")
    page.wait_for_selector('#tourbuilder-player[data-scene="gold-room"][data-ready="true"]', timeout=20_000)
    onward = page.locator('.tb-hotspots [data-hotspot-id="to-tailings-rehabilitation"]')
    expect(onward).to_have_attribute("data-locked", "true")
    expect(onward).to_have_accessible_name(re.compile(r"^Очих: .+ \(түгжээтэй\)$"))
    # Going back is never stopped.
    press(page, "back-to-shaking-table")
    page.wait_for_selector('#tourbuilder-player[data-scene="shaking-table"][data-ready="true"]', timeout=20_000)
    press(page, [h for h in tour.scenes["shaking-table"].hotspots if getattr(h, "target", "") == "gold-room"][0].id)
    page.wait_for_selector('#tourbuilder-player[data-scene="gold-room"][data-ready="true"]', timeout=20_000)
    press(page, "to-tailings-rehabilitation")
    dialog = page.locator('dialog[open][data-dialog="quiz"]')
    expect(dialog).to_have_accessible_name(tour.quizzes["gold-room-check"].title["mn"])
    expect(dialog.locator(".tb-quiz__lead")).to_contain_text("түгжээтэй")
    close_dialog(page, page)
    expect(page.locator("#tourbuilder-player")).to_have_attribute("data-scene", "gold-room")
    press(page, "to-tailings-rehabilitation")
    answer_quiz(dialog, tour.quizzes["gold-room-check"], True)
    dialog.locator('[data-action="go-on"]').click()
    page.wait_for_selector('#tourbuilder-player[data-scene="tailings-rehabilitation"][data-ready="true"]', timeout=20_000)
    page.evaluate("window.tourbuilder.player.loadScene('gold-room')")
    page.wait_for_selector('#tourbuilder-player[data-scene="gold-room"][data-ready="true"]', timeout=20_000)
    expect(onward).not_to_have_attribute("data-locked", "true")
    press(page, "to-tailings-rehabilitation")
    page.wait_for_selector('#tourbuilder-player[data-scene="tailings-rehabilitation"][data-ready="true"]', timeout=20_000)
    assert page.watch.console_errors == []


def test_without_an_lms_progress_stays_on_the_device_and_the_certificate_shows_it(page, kinds):
    url, tour = kinds
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    quiz = tour.quizzes["final"]
    progress = page.locator('[data-action="progress"]')
    expect(progress).to_have_attribute("data-percent", "25")  # 1 of 2 scenes, no answer
    press(page, "test")
    dialog = page.locator('dialog[open][data-dialog="quiz"]')
    for question in quiz.questions[:2]:
        choose(dialog, question, True)
        dialog.get_by_role("button", name=CHECK["mn"], exact=True).click()
        expect(dialog.locator("[data-question-result]")).to_be_visible()
        dialog.locator('[data-action="next"]').click()
    choose(dialog, quiz.questions[2], True)  # a draft, not checked
    close_dialog(page, page)
    press(page, "to-hall")
    page.wait_for_selector('#tourbuilder-player[data-scene="hall"][data-ready="true"]', timeout=20_000)
    page.reload()
    page.wait_for_selector('#tourbuilder-player[data-scene="hall"][data-ready="true"]', timeout=20_000)
    expect(progress).to_have_attribute("data-percent", str(round(100 * (1 + 2 / 6) / 2)))
    progress.click()
    panel = page.locator('dialog[open][data-dialog="progress"]')
    expect(panel.locator('[data-criterion="visit"]')).to_have_attribute("data-done", "true")
    expect(panel.locator('[data-criterion="quiz"]')).to_contain_text("6 асуултаас 2")
    panel.locator('[data-action="take-final"]').click()
    dialog = page.locator('dialog[open][data-dialog="quiz"]')
    expect(dialog.locator('fieldset[data-question-id="truth"] input[data-choice-id="false"]')).to_be_checked()
    answer_quiz(dialog, quiz, True)
    close_dialog(page, page)
    progress.click()
    panel = page.locator('dialog[open][data-dialog="progress"]')
    expect(panel.locator(".tb-progress__status")).to_have_attribute("data-completed", "true")
    panel.locator('[data-action="certificate"]').click()
    certificate = page.locator('dialog[open][data-dialog="certificate"]')
    expect(certificate).to_have_accessible_name("Гэрчилгээ")
    certificate.get_by_label("Таны нэр").fill("Сараа Бат")
    text = certificate.locator("[data-certificate-text]")
    expect(text).to_contain_text("Сараа Бат «Бүх төрлийн асуулт» аяллыг")
    expect(certificate.locator("[data-certificate]")).to_have_attribute("data-completed", "true")
    expect(certificate.locator("[data-certificate]")).to_contain_text("Эцсийн шалгалт: 100%")
    page.reload()
    page.wait_for_selector(READY, timeout=20_000)
    expect(progress).to_have_attribute("data-completed", "true")
    expect(progress).to_have_attribute("data-percent", "100")
    assert page.watch.console_errors == []
