"""SCORM 1.2 and 2004 packages played in a host page whose LMS side is npm scorm-again: a learner
walks the tour and takes the quizzes through the UI, and the score, status, interactions and
resume state arrive at the LMS, in formats checked as strictly as Moodle (and the SCORM books)
want them; a second launch resumes; an LMS found from a popup; an LMS that refuses a commit.

The learner helpers here (walk, answer_quiz, take_final_test) are shared by the other quiz
and tracking tests.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import expect

from tests.browser.conftest import QuietHandler
from tests.pg import database_url_for
from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.export import export_tour
from tourbuilder.importing import import_tour
from tourbuilder.model import load_tour
from tourbuilder.store import Store

pytestmark = pytest.mark.exported_player

SCORM_AGAIN = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"
READY = '#tourbuilder-player[data-ready="true"]'

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm-again.js"></script>
<script>
  window.lmsLog = [];
  window.lmsSets = [];
  window.failCommits = false;
  const api = new {api_class}({{logLevel: 5, mastery_override: true}});
  const launch = JSON.parse(sessionStorage.getItem("lms-launch") || "null");
  if (launch) api.loadFromJSON(launch);
  // What the LMS keeps of a session (its database), for the next launch: read by the tests.
  const keep = () => sessionStorage.setItem("lms-kept", JSON.stringify(api.cmi));
  for (const name of ["{init}", "{commit}", "{finish}"]) api.on(name, () => {{ window.lmsLog.push(name); keep(); }});
  const set = api.{set}.bind(api);
  api.{set} = (element, value) => {{
    const result = set(element, value);
    window.lmsSets.push([element, String(value), String(result)]);
    return result;
  }};
  const commit = api.{commit}.bind(api);
  api.{commit} = (arg) => {{
    if (window.failCommits) {{ window.lmsLog.push("refused-commit"); return "false"; }}
    return commit(arg);
  }};
  window.{api_name} = api;
  window.openCourse = () => window.open("../package/{launch}", "course", "width=1000,height=640");
</script></head>
<body>{body}</body></html>
"""
FRAME = '<iframe id="sco" title="course" src="../package/{launch}" style="width:1000px;height:600px"></iframe>'

VERSIONS = {
    "scorm12": dict(api_class="Scorm12API", api_name="API", init="LMSInitialize", commit="LMSCommit",
                    finish="LMSFinish", set="LMSSetValue"),
    "scorm2004": dict(api_class="Scorm2004API", api_name="API_1484_11", init="Initialize", commit="Commit",
                      finish="Terminate", set="SetValue"),
}

# Interface strings the learner reads (Mongolian first).
CHECK = {"mn": "Хариултаа шалгах", "en": "Check answer"}
NEXT = {"mn": "Дараах", "en": "Next"}
SEE_RESULT = {"mn": "Дүнг харах", "en": "See the result"}
TRUE_FALSE = {True: {"mn": "Үнэн", "en": "True"}, False: {"mn": "Худал", "en": "False"}}
MOVE_UP = {"mn": "Дээш", "en": "Move up"}
FINISH = {"mn": "Дуусгах", "en": "Finish"}


def launch_file(package: Path) -> str:
    """The SCO's launch file, found the way an LMS finds it: from the manifest's resource."""
    manifest = etree.parse(str(package / "imsmanifest.xml"))
    [href] = manifest.xpath("//*[local-name()='resource']/@href")
    return href


class Server:
    """A static web server on loopback for a folder (for a whole test module)."""

    def __init__(self, folder: Path):
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def demo_store_for_module(demo_folder_master, base: Path) -> Store:
    folder = shutil.copytree(demo_folder_master, base / DEMO_ID)
    store = Store(database_url_for(base), base / "media")
    import_tour(store, folder)
    return store


def install_lms(root: Path, package: Path, version: str) -> None:
    """Put the host pages (frame and popup) of a version beside an exported package."""
    (root / "lms").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCORM_AGAIN, root / "lms" / "scorm-again.js")
    launch = launch_file(package)
    for name, body in (("host.html", FRAME.format(launch=launch)), ("popup.html", "<p>LMS</p>")):
        html = HOST_PAGE.format(launch=launch, body=body, **VERSIONS[version])
        (root / "lms" / name).write_text(html, encoding="utf-8")


@pytest.fixture(scope="module")
def packages(demo_folder_master, tmp_path_factory):
    """The demo exported as SCORM 1.2 and 2004 once for this module, with its LMS host pages,
    served on loopback: {version: host page URL}, and the tour."""
    base = tmp_path_factory.mktemp("scorm")
    store = demo_store_for_module(demo_folder_master, base)
    try:
        for version in VERSIONS:
            package = base / "site" / version / "package"
            export_tour(DEMO_ID, version, package, store=store)
            install_lms(base / "site" / version, package, version)
        tour = store.get_tour(DEMO_ID)
    finally:
        store.close()
    server = Server(base / "site")
    yield {version: f"{server.url}{version}/lms/" for version in VERSIONS}, tour
    server.close()


def lms_value(page, version: str, element: str):
    api = VERSIONS[version]["api_name"]
    return page.evaluate(f"window.{api}.cmi.{element}")


# --------------------------------------------------------------------------- the learner


def choose(dialog, question, right: bool, lang: str = "mn"):
    """Give a right (or a wrong) answer to the question on the page, as a learner would."""
    group = dialog.get_by_role("group", name=question.prompt[lang], exact=True)
    kind = question.kind
    if kind in ("single", "multiple", "picture"):
        wrong = [c for c in question.choices if not c.correct]
        several = kind == "multiple" or (kind == "picture" and question.multiple)
        picks = [c for c in question.choices if c.correct] if right else (wrong if several else wrong[:1])
        for choice in picks:
            if kind == "picture":
                group.get_by_role("button", name=choice.text[lang], exact=True).click()
            else:
                group.get_by_label(choice.text[lang], exact=True).check()
    elif kind == "true_false":
        value = question.answer if right else not question.answer
        group.get_by_label(TRUE_FALSE[value][lang], exact=True).check()
    elif kind == "find":
        [good] = question.right_places()
        place = good if right else next(p for p in question.places if p.id != good.id)
        group.get_by_label(place.text[lang], exact=True).check()
    elif kind == "order" and right:
        put_in_order(group, question, lang)
    # A wrong order: leave it as shown (an order question never starts in the right order).


def put_in_order(group, question, lang: str = "mn"):
    for index, item in enumerate(question.items):
        current = group.locator(".tb-order__item").evaluate_all("(items) => items.map((i) => i.dataset.itemId)")
        for _ in range(current.index(item.id) - index):
            group.get_by_role("button", name=f"{MOVE_UP[lang]}: {item.text[lang]}", exact=True).click()


def answer_quiz(dialog, quiz, right: bool | dict = True, lang: str = "mn"):
    """Answer each question in turn from the one shown (right, wrong, or per question id), check
    it, go on; end on the result page. `right` may map question ids to True/False."""
    shown = dialog.locator("fieldset[data-question-id]")
    expect(shown).to_be_visible()
    ids = [q.id for q in quiz.questions]
    start = ids.index(shown.get_attribute("data-question-id"))
    for index, question in list(enumerate(quiz.questions))[start:]:
        fieldset = dialog.locator(f'fieldset[data-question-id="{question.id}"]')
        expect(fieldset).to_be_visible()
        good = right.get(question.id, True) if isinstance(right, dict) else right
        if fieldset.get_attribute("data-final") != "true":
            choose(dialog, question, good, lang)
            dialog.get_by_role("button", name=CHECK[lang], exact=True).click()
            expect(dialog.locator("[data-question-result]")).to_be_visible()
        last = index == len(quiz.questions) - 1
        dialog.get_by_role("button", name=(SEE_RESULT if last else NEXT)[lang], exact=True).click()
    result = dialog.locator("[data-quiz-result]")
    expect(result).to_be_visible()
    return float(result.get_attribute("data-score")), result.get_attribute("data-passed") == "true"


def path_of_links(tour, goal: str):
    """The scene links a visitor follows from the start scene to ``goal`` (breadth first)."""
    paths = {tour.start_scene: []}
    queue = [tour.start_scene]
    while queue:
        here = queue.pop(0)
        for spot in tour.scenes[here].hotspots:
            if spot.kind == "scene" and spot.target not in paths:
                paths[spot.target] = paths[here] + [spot]
                queue.append(spot.target)
    return paths[goal]


def press(frame, hotspot_id: str):
    """Activate a hotspot as a keyboard user: focus it (the view turns to it) and press Enter."""
    button = frame.locator(f'.tb-hotspots [data-hotspot-id="{hotspot_id}"]')
    button.focus()
    button.press("Enter")


def walk(frame, tour, goal: str, lang: str = "mn"):
    """Follow links to a scene; a checkpoint or a locked scene on the way is passed (its quiz
    answered right) and the learner goes on."""
    for link in path_of_links(tour, goal):
        press(frame, link.id)
        arrived = frame.locator(f'#tourbuilder-player[data-scene="{link.target}"][data-ready="true"]')
        asked = frame.locator('dialog[open][data-dialog="quiz"]')
        expect(arrived.or_(asked)).to_be_visible(timeout=20_000)
        if asked.is_visible():
            quiz_id = asked.locator("[data-quiz-id]").get_attribute("data-quiz-id")
            answer_quiz(asked, tour.quizzes[quiz_id], True, lang)
            asked.locator('[data-action="go-on"]').click()
            expect(arrived).to_be_visible(timeout=20_000)


def final_spot(tour):
    return next((sid, h) for sid, s in tour.scenes.items() for h in s.hotspots
                if h.kind == "quiz" and h.quiz == tour.completion.quiz)


def open_final_test(frame, tour, lang: str = "mn"):
    """Walk to the final test's hotspot and open it: the dialog."""
    frame.locator(READY).wait_for(timeout=20_000)
    scene, spot = final_spot(tour)
    if frame.locator("#tourbuilder-player").get_attribute("data-scene") != scene:
        walk(frame, tour, scene, lang)
    press(frame, spot.id)
    dialog = frame.locator('dialog[open][data-dialog="quiz"]')
    expect(dialog).to_be_visible()
    return dialog


def take_final_test(frame, tour, right=True, lang: str = "mn"):
    dialog = open_final_test(frame, tour, lang)
    return answer_quiz(dialog, tour.quizzes[tour.completion.quiz], right, lang)


def close_dialog(page, frame):
    page.keyboard.press("Escape")
    expect(frame.locator("dialog[open]")).to_have_count(0)


# --------------------------------------------------------------------------- strict checks

DECIMAL = r"-?\d+(\.\d+)?"
IDENTIFIER_12 = r"[\x21-\x7e]{1,255}"
TIME_12 = r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?"
TIMESPAN_12 = r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?"
RESPONSE_12 = {"choice": r"[a-z0-9](,[a-z0-9])*", "sequencing": r"[a-z0-9](,[a-z0-9])*", "true-false": r"[tf01]",
               "performance": r"[\x20-\x7e]{1,255}"}
STRICT_12 = {
    r"cmi\.core\.lesson_status": r"passed|completed|failed|incomplete|browsed|not attempted",
    r"cmi\.core\.score\.(raw|min|max)": DECIMAL,
    r"cmi\.core\.lesson_location": r"[\s\S]{0,255}",
    r"cmi\.core\.exit": r"|suspend|logout|time-out",
    r"cmi\.core\.session_time": TIMESPAN_12,
    r"cmi\.suspend_data": r"[\s\S]{0,4096}",
    r"cmi\.objectives\.\d+\.id": IDENTIFIER_12,
    r"cmi\.objectives\.\d+\.score\.(raw|min|max)": DECIMAL,
    r"cmi\.objectives\.\d+\.status": r"passed|completed|failed|incomplete|browsed|not attempted",
    r"cmi\.interactions\.\d+\.id": IDENTIFIER_12,
    r"cmi\.interactions\.\d+\.objectives\.\d+\.id": IDENTIFIER_12,
    r"cmi\.interactions\.\d+\.time": TIME_12,
    r"cmi\.interactions\.\d+\.type": r"true-false|choice|fill-in|matching|performance|sequencing|likert|numeric",
    r"cmi\.interactions\.\d+\.correct_responses\.\d+\.pattern": r"[\s\S]{0,255}",
    r"cmi\.interactions\.\d+\.weighting": DECIMAL,
    r"cmi\.interactions\.\d+\.student_response": r"[\s\S]{0,255}",
    r"cmi\.interactions\.\d+\.result": rf"correct|wrong|unanticipated|neutral|{DECIMAL}",
    r"cmi\.interactions\.\d+\.latency": TIMESPAN_12,
}
SHORT_ID = r"[A-Za-z0-9][A-Za-z0-9_\-.:/]*"
# SCORM 2004 RTE 4.2.x: the time zone may only follow a fraction of a second.
TIMESTAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,2}(Z|[+-]\d{2}(:\d{2})?)?)?"
DURATION = r"P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?"
LANG_STRING = r"(\{lang=[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*\})?[^{][\s\S]{0,249}|"
RESPONSE_2004 = {"choice": rf"{SHORT_ID}(\[,\]{SHORT_ID})*", "sequencing": rf"{SHORT_ID}(\[,\]{SHORT_ID})*",
                 "true-false": r"true|false", "other": r"[\s\S]{1,4000}"}
STRICT_2004 = {
    r"cmi\.completion_status": r"completed|incomplete|not attempted|unknown",
    r"cmi\.success_status": r"passed|failed|unknown",
    r"cmi\.score\.scaled": r"-?(0(\.\d+)?|1(\.0+)?)",
    r"cmi\.score\.(raw|min|max)": DECIMAL,
    r"cmi\.progress_measure": r"0(\.\d+)?|1(\.0+)?",
    r"cmi\.location": r"[\s\S]{0,1000}",
    r"cmi\.suspend_data": r"[\s\S]{0,64000}",
    r"cmi\.exit": r"time-out|suspend|logout|normal|",
    r"cmi\.session_time": DURATION,
    r"cmi\.objectives\.\d+\.id": SHORT_ID,
    r"cmi\.objectives\.\d+\.score\.scaled": r"-?(0(\.\d+)?|1(\.0+)?)",
    r"cmi\.objectives\.\d+\.score\.(raw|min|max)": DECIMAL,
    r"cmi\.objectives\.\d+\.success_status": r"passed|failed|unknown",
    r"cmi\.objectives\.\d+\.completion_status": r"completed|incomplete|not attempted|unknown",
    r"cmi\.objectives\.\d+\.progress_measure": r"0(\.\d+)?|1(\.0+)?",
    r"cmi\.objectives\.\d+\.description": LANG_STRING,
    r"cmi\.interactions\.\d+\.id": SHORT_ID,
    r"cmi\.interactions\.\d+\.type": r"true-false|choice|fill-in|long-fill-in|matching|performance|sequencing|likert|numeric|other",
    r"cmi\.interactions\.\d+\.objectives\.\d+\.id": SHORT_ID,
    r"cmi\.interactions\.\d+\.timestamp": TIMESTAMP,
    r"cmi\.interactions\.\d+\.correct_responses\.\d+\.pattern": r"[\s\S]{1,4000}",
    r"cmi\.interactions\.\d+\.weighting": DECIMAL,
    r"cmi\.interactions\.\d+\.learner_response": r"[\s\S]{1,4000}",
    r"cmi\.interactions\.\d+\.result": rf"correct|incorrect|unanticipated|neutral|{DECIMAL}",
    r"cmi\.interactions\.\d+\.latency": DURATION,
    r"cmi\.interactions\.\d+\.description": LANG_STRING,
}


def strict_problems(page, version: str) -> list[str]:
    """Every value the package wrote, checked against the data model as strictly as Moodle and
    the SCORM books: known elements only, vocabularies, formats, limits; every write accepted;
    the responses of each interaction in its type's format."""
    sets = page.evaluate("window.lmsSets")
    rules = STRICT_12 if version == "scorm12" else STRICT_2004
    responses = RESPONSE_12 if version == "scorm12" else RESPONSE_2004
    answer_key = "student_response" if version == "scorm12" else "learner_response"
    problems = []
    types = {}
    for element, value, result in sets:
        if result != "true":
            problems.append(f"the LMS refused {element} = {value!r}")
        rule = next((r for pattern, r in rules.items() if re.fullmatch(pattern, element)), None)
        if rule is None:
            problems.append(f"unknown element {element}")
        elif not re.fullmatch(rule, value):
            problems.append(f"{element} = {value!r} is not {rule}")
        match = re.fullmatch(r"cmi\.interactions\.(\d+)\.type", element)
        if match:
            types[match.group(1)] = value
        match = re.fullmatch(rf"cmi\.interactions\.(\d+)\.({answer_key}|correct_responses\.0\.pattern)", element)
        if match:
            kind = types.get(match.group(1))
            if kind is None:
                problems.append(f"{element} written before the interaction's type")
            elif not re.fullmatch(responses[kind], value):
                problems.append(f"{element} = {value!r} is not a {kind} response")
    return problems


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_a_learner_who_answers_right_passes_and_the_lms_records_it(page, packages, version):
    urls, tour = packages
    page.goto(urls[version] + "host.html")
    frame = page.frame_locator("#sco")
    frame.locator(READY).wait_for(timeout=20_000)
    if version == "scorm12":
        assert lms_value(page, version, "core.lesson_status") == "incomplete"
    else:
        assert lms_value(page, version, "completion_status") == "incomplete"
    score, passed = take_final_test(frame, tour, right=True)
    assert (score, passed) == (100.0, True)
    if version == "scorm12":
        assert lms_value(page, version, "core.score.raw") == "100"
        assert lms_value(page, version, "core.score.min") == "0"
        assert lms_value(page, version, "core.score.max") == "100"
        assert lms_value(page, version, "core.lesson_status") == "passed"
    else:
        assert float(lms_value(page, version, "score.scaled")) == 1.0
        assert float(lms_value(page, version, "score.raw")) == 100
        assert lms_value(page, version, "success_status") == "passed"
        assert lms_value(page, version, "completion_status") == "completed"
        assert float(lms_value(page, version, "progress_measure")) == 1
    close_dialog(page, frame)
    frame.get_by_role("button", name=FINISH["mn"]).click()
    api = VERSIONS[version]["api_name"]
    page.wait_for_function(f"window.{api}.isTerminated()")
    log = page.evaluate("window.lmsLog")
    assert log[0] == VERSIONS[version]["init"]
    assert log.count(VERSIONS[version]["finish"]) == 1
    assert log.count(VERSIONS[version]["commit"]) >= 10, "a commit after every answer and scene change"
    assert strict_problems(page, version) == []
    sets = dict((e, v) for e, v, _ in page.evaluate("window.lmsSets"))
    assert sets["cmi.core.exit" if version == "scorm12" else "cmi.exit"] == ("" if version == "scorm12" else "normal")
    # One interaction per checked answer: the checkpoint's and the final test's, every kind.
    final = tour.quizzes[tour.completion.quiz]
    ids = {v for e, v, _ in page.evaluate("window.lmsSets") if re.fullmatch(r"cmi\.interactions\.\d+\.id", e)}
    assert {f"{tour.completion.quiz}.{q.id}" for q in final.questions} <= ids
    types = {v for e, v, _ in page.evaluate("window.lmsSets") if e.endswith(".type")}
    expected = {"choice", "true-false", "sequencing"} | ({"performance"} if version == "scorm12" else {"other"})
    assert types == expected
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_a_learner_who_answers_wrong_fails_and_the_lms_records_it(page, packages, version):
    urls, tour = packages
    page.goto(urls[version] + "host.html")
    frame = page.frame_locator("#sco")
    score, passed = take_final_test(frame, tour, right=False)
    assert passed is False and score < tour.completion.pass_mark
    if version == "scorm12":
        assert float(lms_value(page, version, "core.score.raw")) == score
        assert lms_value(page, version, "core.lesson_status") == "failed"
    else:
        assert float(lms_value(page, version, "score.scaled")) == pytest.approx(score / 100)
        assert lms_value(page, version, "success_status") == "failed"
        assert lms_value(page, version, "completion_status") == "completed"
    results = [v for e, v, _ in page.evaluate("window.lmsSets") if e.endswith(".result")]
    assert ("wrong" if version == "scorm12" else "incorrect") in results
    assert strict_problems(page, version) == []


def launch_again(page, url: str, version: str, carried: dict):
    """A second launch: the LMS gives the SCO what it kept of the first (as Moodle does)."""
    page.goto(url + "popup.html")
    page.evaluate("(data) => sessionStorage.setItem('lms-launch', JSON.stringify(data))", carried)
    page.goto(url + "host.html")


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_a_second_launch_resumes_scene_view_visits_and_answers(page, packages, version):
    urls, tour = packages
    url = urls[version]
    page.goto(url + "host.html")
    frame = page.frame_locator("#sco")
    final = tour.quizzes[tour.completion.quiz]
    dialog = open_final_test(frame, tour)
    # Answer the first two questions (one right, one wrong), then leave the quiz open.
    for question, right in zip(final.questions[:2], (True, False)):
        choose(dialog, question, right)
        dialog.get_by_role("button", name=CHECK["mn"], exact=True).click()
        expect(dialog.locator("[data-question-result]")).to_be_visible()
        dialog.get_by_role("button", name=NEXT["mn"], exact=True).click()
    close_dialog(page, frame)
    frame.locator("#tourbuilder-player").evaluate("() => window.tourbuilder.player.lookAt(-33, 12)")
    # The learner closes the window: pagehide ends the session (suspended: not done).
    page.goto("about:blank")
    assert page.url == "about:blank"
    page.goto(url + "popup.html")  # a page of the LMS, to read what it kept of the first launch
    kept = json.loads(page.evaluate("() => sessionStorage.getItem('lms-kept')"))
    if version == "scorm12":
        assert kept["core"]["exit"] == "suspend"
        carried = {"suspend_data": kept["suspend_data"],
                   "core": {"entry": "resume", "lesson_status": kept["core"]["lesson_status"],
                            "lesson_location": kept["core"]["lesson_location"]},
                   "student_data": {"mastery_score": "80"}}
    else:
        assert kept["exit"] == "suspend"
        carried = {"suspend_data": kept["suspend_data"], "entry": "resume", "location": kept["location"],
                   "completion_status": kept["completion_status"], "scaled_passing_score": "0.8"}
    scene, _ = final_spot(tour)
    launch_again(page, url, version, carried)
    frame = page.frame_locator("#sco")
    expect(frame.locator(f'#tourbuilder-player[data-scene="{scene}"][data-ready="true"]')).to_be_visible(timeout=20_000)
    view = frame.locator("#tourbuilder-player").evaluate("() => window.tourbuilder.player.getView()")
    assert (round(view["yaw"]), round(view["pitch"])) == (-33, 12)
    progress = frame.locator("#tourbuilder-player").evaluate("() => window.tourbuilder.player.getProgress()")
    assert progress["criteria"][0] == {"kind": "visit", "done": True, "have": 5, "need": 5}
    assert progress["criteria"][1]["answered"] == 2
    # The quiz opens at the first open question; the first two keep their answers and feedback.
    _, spot = final_spot(tour)
    press(frame, spot.id)
    dialog = frame.locator('dialog[open][data-dialog="quiz"]')
    expect(dialog.locator(f'fieldset[data-question-id="{final.questions[2].id}"]')).to_be_visible()
    dialog.get_by_role("button", name="Өмнөх", exact=True).click()
    expect(dialog.locator(f'fieldset[data-question-id="{final.questions[1].id}"][data-final="true"]')).to_be_visible()
    expect(dialog.locator("[data-question-result]")).to_have_attribute("data-correct", "false")
    dialog.get_by_role("button", name=NEXT["mn"], exact=True).click()
    score, passed = answer_quiz(dialog, final, True)
    expected = round(100 * (len(final.questions) - 1) / len(final.questions))  # one wrong of the first launch
    assert (score, passed) == (expected, expected >= tour.completion.pass_mark)
    if version == "scorm12":
        assert lms_value(page, version, "core.score.raw") == str(expected)
    else:
        assert lms_value(page, version, "score.raw") == str(expected)
    assert strict_problems(page, version) == []



def test_the_api_is_found_from_a_popup_window(page, packages):
    """The LMS opens the course in a new window: the API is the opener's."""
    urls, tour = packages
    page.goto(urls["scorm12"] + "popup.html")
    with page.expect_popup() as opened:
        page.evaluate("window.openCourse()")
    course = opened.value
    course.wait_for_selector(READY, timeout=20_000)
    assert page.evaluate("window.lmsLog")[0] == "LMSInitialize"
    link = next(h for h in tour.scenes[tour.start_scene].hotspots if h.kind == "scene")
    course.locator(f'.tb-hotspots [data-hotspot-id="{link.id}"]').focus()
    course.keyboard.press("Enter")
    course.wait_for_selector(f'#tourbuilder-player[data-scene="{link.target}"]')
    page.wait_for_function(f"window.API.cmi.core.lesson_location === {json.dumps(link.target)}")
    course.close(run_before_unload=True)
    page.wait_for_function("window.lmsLog.includes('LMSFinish')")
    assert json.loads(page.evaluate("() => sessionStorage.getItem('lms-kept')"))["core"]["exit"] == "suspend"
    assert strict_problems(page, "scorm12") == []


def test_a_refused_commit_is_said_once_kept_on_the_device_and_sent_again(page, packages):
    urls, tour = packages
    url = urls["scorm2004"]
    page.goto(url + "host.html")
    frame = page.frame_locator("#sco")
    frame.locator(READY).wait_for(timeout=20_000)
    player = frame.locator("#tourbuilder-player")
    player.evaluate("() => { window.tourbuilder.player.course.retryMs = 500; }")
    page.evaluate("window.failCommits = true")
    scenes = list(tour.scenes)
    for scene in scenes[1:3]:  # two refused commits (scene changes)
        player.evaluate("(_, id) => window.tourbuilder.player.loadScene(id)", scene)
        expect(frame.locator(f'#tourbuilder-player[data-scene="{scene}"]')).to_be_visible()
    expect(frame.locator('[data-notice="lmsError"]')).to_have_count(1)
    expect(frame.locator('[data-notice="lmsError"]')).to_contain_text("LMS")
    key = frame.locator("#tourbuilder-player").evaluate("() => window.tourbuilder.player.course.localKey")
    local = json.loads(player.evaluate("(_, k) => localStorage.getItem(k)", key))
    assert local["synced"] is False and local["data"].startswith("T1~")
    # The LMS comes back: the retry (every 500 ms here) sends the device's copy.
    assert page.evaluate("window.lmsLog").count("refused-commit") >= 2
    page.evaluate("window.failCommits = false")
    page.wait_for_function("JSON.parse(sessionStorage.getItem('lms-kept')).location === " + json.dumps(scenes[2]))
    sco = next(f for f in page.frames if "/package/" in f.url)
    sco.wait_for_function("(k) => JSON.parse(localStorage.getItem(k)).synced === true", arg=key)
    local = json.loads(player.evaluate("(_, k) => localStorage.getItem(k)", key))
    assert lms_value(page, "scorm2004", "suspend_data") == local["data"]
    expect(frame.locator('[data-notice="lmsError"]')).to_have_count(1)  # said once only


def test_a_device_copy_newer_than_the_lms_wins_at_the_next_launch(page, packages):
    urls, tour = packages
    url = urls["scorm12"]
    page.goto(url + "host.html")
    frame = page.frame_locator("#sco")
    frame.locator(READY).wait_for(timeout=20_000)
    player = frame.locator("#tourbuilder-player")
    kept_before = json.loads(page.evaluate("() => sessionStorage.getItem('lms-kept')"))
    page.evaluate("window.failCommits = true")
    scene = list(tour.scenes)[3]
    player.evaluate("(_, id) => window.tourbuilder.player.loadScene(id)", scene)
    expect(frame.locator('[data-notice="lmsError"]')).to_have_count(1)
    page.goto("about:blank")  # leaves with the LMS still refusing
    carried = {"suspend_data": kept_before["suspend_data"], "core": {"entry": "resume"}}
    launch_again(page, url, "scorm12", carried)
    frame = page.frame_locator("#sco")
    expect(frame.locator(f'#tourbuilder-player[data-scene="{scene}"][data-ready="true"]')).to_be_visible(timeout=20_000)
    # ...and the LMS gets it at once.
    page.wait_for_function(f"window.API.cmi.core.lesson_location === {json.dumps(scene)}")


@pytest.fixture(scope="module")
def big_package(tmp_path_factory):
    """The generated 40-scene, 60-question tour as a SCORM 1.2 package with its LMS host page."""
    from tests.test_quiz_state import big_tour_document, write_tour_folder

    base = tmp_path_factory.mktemp("big")
    folder = write_tour_folder(base / "big", big_tour_document())
    package = base / "site" / "package"
    export_tour(str(folder), "scorm12", package)
    install_lms(base / "site", package, "scorm12")
    server = Server(base / "site")
    yield server.url + "lms/", load_tour(json.loads(json.dumps(big_tour_document())))
    server.close()


def test_the_40_scene_60_question_tour_keeps_everything_within_scorm12_suspend_data(page, big_package):
    from tests.test_quiz_state import full_state

    url, tour = big_package
    page.goto(url + "host.html")
    frame = page.frame_locator("#sco")
    frame.locator(READY).wait_for(timeout=20_000)
    player = frame.locator("#tourbuilder-player")
    document = player.evaluate("() => window.tourbuilder.player.tour")
    state = full_state(document)
    # Everything done the longest way (see tests/test_quiz_state.py), then saved through the LMS.
    player.evaluate("""(_, s) => {
        const course = window.tourbuilder.player.course;
        Object.assign(course.state, s, {visited: new Set(s.visited), seen: new Set(s.seen)});
        course.save();
    }""", state)
    data = lms_value(page, "scorm12", "suspend_data")
    assert 0 < len(data) <= 4096
    print(f"suspend_data of the 40-scene, 60-question tour at the LMS: {len(data)} characters")
    assert strict_problems(page, "scorm12") == []
    launch_again(page, url, "scorm12", {"suspend_data": data, "core": {"entry": "resume"}})
    frame = page.frame_locator("#sco")
    frame.locator(READY).wait_for(timeout=20_000)
    progress = frame.locator("#tourbuilder-player").evaluate("() => window.tourbuilder.player.getProgress()")
    assert [c["done"] for c in progress["criteria"]] == [True, True, True]
    assert progress["criteria"][2]["answered"] == len(tour.quizzes["quiz0"].questions)
    resumed = frame.locator("#tourbuilder-player").evaluate("""() => {
        const s = window.tourbuilder.player.course.state;
        return {visited: s.visited.size, seen: s.seen.size, quizzes: Object.keys(s.quizzes).length};
    }""")
    assert resumed == {"visited": 40, "seen": 160, "quizzes": 3}
