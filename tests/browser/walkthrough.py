"""A newcomer's walk-through of the authoring app, through its UI only: sign in, make a tour on the
dashboard, add three scenes from panoramas, link them, place an information hotspot, generate
Mongolian narration (espeak), write a one-question quiz and the completion rule, see the checks
pass, export SCORM 2004 from the dashboard and download it.

Every user action goes through a :class:`Newcomer`, which counts it (clicks, fields filled, keys,
file choices, drags, choices from a list) and the page loads; :func:`run_walkthrough` times each
step. Used by tests/browser/test_author_walkthrough.py (which asserts the results) and
bench/walkthrough.py (which prints the figures).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.app_server import serve_app
from tests.browser.test_editor_scenes import panorama_jpeg
from tests.signin import PASSWORD, make_user

AUTHOR = "nomin"
TOUR = "gold-mine"
TOUR_TITLE = {"mn": "Алтны уурхай", "en": "Gold mine"}
#: The three panoramas (file name -> Mongolian scene title); the editor names scenes after the files.
PANORAMAS = {"entrance.jpg": "Орох хаалга", "mill.jpg": "Тээрэм", "gold-room.jpg": "Алтны өрөө"}
SCENES = ["entrance", "mill", "gold-room"]
INFO = {"title": {"mn": "Бутлуур", "en": "Jaw crusher"},
        "text": {"mn": "Хүдрийг бутлана.", "en": "Crushes the ore."}}
NARRATION_MN = "Сайн байна уу! Энэ бол уурхайн орох хаалга."
QUIZ = {"id": "final-check", "title": {"mn": "Эцсийн шалгалт", "en": "Final check"},
        "prompt": {"mn": "Мөнгөн ус аюултай юу?", "en": "Is mercury dangerous?"},
        "choices": {"A": {"mn": "Үгүй", "en": "No"}, "B": {"mn": "Тийм", "en": "Yes"}}, "right": "B"}
SLOW = 90_000  # ms: jobs (panoramas, speech, export) on a loaded machine


@dataclass
class Tally:
    """What a person did: counts of each kind of action, page loads, and the time of each step."""

    clicks: int = 0
    fields: int = 0
    keys: int = 0
    files: int = 0
    drags: int = 0
    picks: int = 0  # an option chosen from a drop-down list
    page_loads: int = 0
    steps: list[tuple[str, float]] = field(default_factory=list)

    @property
    def actions(self) -> int:
        return self.clicks + self.fields + self.keys + self.files + self.drags + self.picks


class Newcomer:
    """The person at the browser: every action is done, and counted, here."""

    def __init__(self, page, tally: Tally):
        self.page = page
        self.tally = tally
        page.on("load", lambda: self._loaded())

    def _loaded(self):
        self.tally.page_loads += 1

    def go(self, url: str):
        """Type an address (counted as a field filled; the page load is counted by the page)."""
        self.tally.fields += 1
        self.page.goto(url)

    def click(self, locator):
        locator.click()
        self.tally.clicks += 1

    def check(self, locator):
        locator.check()
        self.tally.clicks += 1

    def fill(self, locator, text: str):
        locator.fill(text)
        self.tally.fields += 1

    def pick(self, locator, value: str):
        locator.select_option(value)
        self.tally.picks += 1

    def choose_files(self, locator, paths):
        locator.set_input_files([str(p) for p in paths])
        self.tally.files += 1

    def click_panorama(self, dx: float, dy: float):
        """Click the live panorama `dx`, `dy` pixels from its middle."""
        box = self.page.locator('[data-role="player"] .tb-viewer').bounding_box()
        self.page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
        self.tally.clicks += 1


@dataclass
class Walk:
    """Where the walk-through happens and what it made."""

    base: str
    workdir: Path
    package: Path | None = None
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- waiting (not actions)


def wait_saved(page):
    expect(page.locator("[data-role=save-status]")).to_have_attribute("data-status", "saved", timeout=30_000)


def scene_shown(page, scene_id: str):
    expect(page.locator(f'.tb-player[data-scene="{scene_id}"][data-ready="true"]')).to_be_visible(timeout=30_000)


# --------------------------------------------------------------------------- the steps


def sign_in(me: Newcomer, walk: Walk):
    me.go(walk.base + "/login")
    me.fill(me.page.get_by_label("Name"), AUTHOR)
    me.fill(me.page.get_by_label("Password"), PASSWORD)
    me.click(me.page.get_by_role("button", name="Sign in"))
    expect(me.page.get_by_role("heading", level=1)).to_have_text("Tours")


def make_tour(me: Newcomer, walk: Walk):
    page = me.page
    me.click(page.get_by_text("New tour"))
    me.fill(page.get_by_label("Title in Mongolian"), TOUR_TITLE["mn"])
    me.fill(page.get_by_label("Title in English"), TOUR_TITLE["en"])
    expect(page.get_by_label("Id (lower-case letters")).to_have_value(TOUR)  # made from the English title
    me.click(page.get_by_role("button", name="Make the tour"))
    expect(page.get_by_role("status").first).to_contain_text(f"Tour “{TOUR}” made.")


def open_editor(me: Newcomer, walk: Walk):
    page = me.page
    me.click(page.locator(f'tr[data-tour-id="{TOUR}"]').get_by_role("link", name="Edit"))
    expect(page.locator("#tb-editor")).to_have_attribute("data-ready", "true", timeout=30_000)
    expect(page.locator(".tb-player")).to_have_attribute("data-ready", "true", timeout=30_000)


def add_scenes(me: Newcomer, walk: Walk):
    page = me.page
    files = []
    for seed, name in enumerate(PANORAMAS, start=1):
        path = walk.workdir / name
        path.write_bytes(panorama_jpeg(seed))
        files.append(path)
    me.choose_files(page.get_by_label("Choose panorama photos"), files)  # one choice of three files
    expect(page.locator(".tbe-upload[data-state=done]")).to_have_count(3, timeout=SLOW)
    wait_saved(page)
    # The first panorama took the place of a new tour's grey placeholder scene.
    expect(page.locator(".tbe-scene")).to_have_count(3)
    # The scenes are named after the files (in every language): Mongolian titles.
    for scene_id, title in zip(SCENES, PANORAMAS.values()):
        me.click(page.locator(f'.tbe-scene[data-scene-id="{scene_id}"] [data-action=select]'))
        me.click(page.get_by_role("tab", name="Scene"))
        me.fill(page.get_by_label("Scene title (Mongolian)"), title)
    wait_saved(page)


def select_scene(me: Newcomer, scene_id: str):
    me.click(me.page.locator(f'.tbe-scene[data-scene-id="{scene_id}"] [data-action=select]'))
    scene_shown(me.page, scene_id)


def place_hotspot(me: Newcomer, kind_label: str, dx: float, dy: float):
    page = me.page
    me.click(page.get_by_role("tab", name="Hotspots"))
    me.check(page.get_by_role("radio", name=kind_label, exact=True))
    me.click(page.get_by_role("button", name="Place by clicking the panorama"))
    me.click_panorama(dx, dy)
    expect(page.locator("#tbe-edit-heading")).to_contain_text("Hotspot:")


def link_scenes(me: Newcomer, walk: Walk):
    page = me.page
    for here, there in zip(SCENES, SCENES[1:]):
        select_scene(me, here)
        place_hotspot(me, "Link to a scene", 150, 40)
        target = page.get_by_label("Scene it leads to")
        if target.input_value() != there:
            me.pick(target, there)
        expect(target).to_have_value(there)
    wait_saved(page)


def add_info(me: Newcomer, walk: Walk):
    page = me.page
    select_scene(me, SCENES[0])
    place_hotspot(me, "Information", -150, -30)
    me.fill(page.get_by_label("Title (Mongolian)", exact=True), INFO["title"]["mn"])
    me.fill(page.get_by_label("Title (English)", exact=True), INFO["title"]["en"])
    me.fill(page.get_by_role("textbox", name="Text (Mongolian)"), INFO["text"]["mn"])
    me.fill(page.get_by_role("textbox", name="Text (English)"), INFO["text"]["en"])
    wait_saved(page)


def narrate(me: Newcomer, walk: Walk):
    page = me.page
    select_scene(me, SCENES[0])  # with a hotspot chosen, the tab narrates the hotspot
    me.click(page.get_by_role("tab", name="Narration"))
    mn = page.locator("[data-panel=narration] section[data-lang=mn]")
    me.fill(mn.get_by_label("Narration text (Mongolian)"), NARRATION_MN)
    voice = mn.get_by_label("Voice")
    if voice.input_value() != "espeak":
        me.pick(voice, "espeak")
    me.click(mn.get_by_role("button", name="Generate speech"))
    expect(mn.locator("[data-role=track-info]")).to_have_attribute("data-engine", "espeak", timeout=SLOW)
    wait_saved(page)


def write_quiz(me: Newcomer, walk: Walk):
    page = me.page
    me.click(page.get_by_role("tab", name="Quizzes"))
    panel = page.locator('[data-panel="quizzes"]')
    me.click(panel.get_by_role("button", name="Add quiz"))
    dialog = page.locator('dialog[data-dialog="add-quiz"]')
    me.fill(dialog.get_by_label("Title, Монгол", exact=True), QUIZ["title"]["mn"])
    me.fill(dialog.get_by_label("Title, English", exact=True), QUIZ["title"]["en"])
    expect(dialog.get_by_label("Id", exact=True)).to_have_value(QUIZ["id"])
    me.click(dialog.get_by_role("button", name="Add"))
    quiz = panel.locator(f'[data-quiz-id="{QUIZ["id"]}"]')
    question = quiz.locator(".tbq-question").nth(0)
    expect(question).to_have_attribute("data-kind", "single")
    me.fill(question.get_by_label("Question, Монгол", exact=True), QUIZ["prompt"]["mn"])
    me.fill(question.get_by_label("Question, English", exact=True), QUIZ["prompt"]["en"])
    for letter, text in QUIZ["choices"].items():
        me.fill(question.get_by_label(f"Choice {letter}, Монгол", exact=True), text["mn"])
        me.fill(question.get_by_label(f"Choice {letter}, English", exact=True), text["en"])
    me.check(question.get_by_label(f"Choice {QUIZ['right']} is right", exact=True))
    completion = panel.locator(".tbq-completion")
    me.check(completion.get_by_label("Pass the final quiz", exact=True))
    final = completion.get_by_label("Final quiz", exact=True)
    if final.input_value() != QUIZ["id"]:
        me.pick(final, QUIZ["id"])
    expect(final).to_have_value(QUIZ["id"])
    wait_saved(page)
    # Learners open a quiz from a hotspot: one in the last scene.
    select_scene(me, SCENES[-1])
    place_hotspot(me, "Quiz", 0, 0)
    expect(page.get_by_role("combobox", name="Quiz", exact=True)).to_have_value(QUIZ["id"])
    wait_saved(page)


def see_checks(me: Newcomer, walk: Walk):
    page = me.page
    me.click(page.get_by_role("tab", name="Checks"))
    checks = page.locator("[data-panel=checks]")
    summary = checks.locator("[data-role=check-summary]")
    expect(summary).to_contain_text("Errors:", timeout=30_000)
    for item in checks.locator("li[data-level]").all():
        walk.notes.append("check: " + " ".join(item.locator(f".tbe-checks__{part}").inner_text()
                                              for part in ("level", "path", "message")))
    assert "Errors: 0." in summary.inner_text(), walk.notes


def export_scorm(me: Newcomer, walk: Walk):
    page = me.page
    me.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Tours"))
    row = page.locator(f'tr[data-tour-id="{TOUR}"]')
    expect(row).to_contain_text("ready")
    me.pick(row.get_by_label("Export as"), "scorm2004")
    me.click(row.get_by_role("button", name="Download"))
    link = row.get_by_role("link", name=f"Download {TOUR}-scorm2004.zip")
    expect(link).to_be_visible(timeout=SLOW)
    with page.expect_download() as download:
        me.click(link)
    walk.package = walk.workdir / f"{TOUR}-scorm2004.zip"
    download.value.save_as(walk.package)


STEPS = [sign_in, make_tour, open_editor, add_scenes, link_scenes, add_info, narrate, write_quiz, see_checks,
         export_scorm]


def run_walkthrough(page, base: str, workdir: Path) -> tuple[Walk, Tally]:
    """Do every step in `page` against the app at `base`; the walk and what it took."""
    tally = Tally()
    me = Newcomer(page, tally)
    workdir.mkdir(parents=True, exist_ok=True)
    walk = Walk(base=base, workdir=workdir)
    for step in STEPS:
        start = time.perf_counter()
        step(me, walk)
        tally.steps.append((step.__name__, time.perf_counter() - start))
    return walk, tally


# --------------------------------------------------------------------------- the app


def new_app(data: Path):
    """The app over an empty store in `data`, with the newcomer's author account (no tours)."""
    from tourbuilder.app import create_app

    from tests.signin import AppClient

    app = create_app({"DATA": str(data), "EXPORT_DIR": str(data / "export"), "TESTING": True,
                      "ARGON2_PROFILE": "CHEAPEST"})
    app.test_client_class = AppClient
    make_user(app, AUTHOR, "author", language="en")
    return app


@contextmanager
def serving(app):
    """serve_app for new_app's app: yields its base URL; after, also closes its store (no
    fixture owns this app)."""
    try:
        with serve_app(app) as base:
            yield base
    finally:
        app.extensions["tourbuilder.store"].close()
