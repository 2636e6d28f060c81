"""SCORM 1.2 and 2004 packages played in a host page whose LMS side is npm scorm-again:
a learner takes the quiz through the UI and the score and status arrive at the LMS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.export import export_tour

SCORM_AGAIN = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm-again.js"></script>
<script>
  window.lmsLog = [];
  const api = new {api_class}({{logLevel: 5}});
  for (const name of ["{init}", "{commit}", "{finish}"]) api.on(name, () => window.lmsLog.push(name));
  window.{api_name} = api;
</script></head>
<body><iframe id="sco" title="course" src="../package/{launch}" style="width:1000px;height:600px"></iframe></body></html>
"""

VERSIONS = {
    "scorm12": dict(api_class="Scorm12API", api_name="API", init="LMSInitialize", commit="LMSCommit",
                    finish="LMSFinish"),
    "scorm2004": dict(api_class="Scorm2004API", api_name="API_1484_11", init="Initialize", commit="Commit",
                      finish="Terminate"),
}


def launch_file(package: Path) -> str:
    """The SCO's launch file, found the way an LMS finds it: from the manifest's resource."""
    manifest = etree.parse(str(package / "imsmanifest.xml"))
    [href] = manifest.xpath("//*[local-name()='resource']/@href")
    return href


@pytest.fixture
def lms(demo_store, tmp_path, serve):
    """lms(version) -> (page URL of the host, the tour) with the exported package installed."""

    def install(version: str):
        root = tmp_path / version
        export_tour(DEMO_ID, version, root / "package", store=demo_store)
        (root / "lms").mkdir()
        shutil.copyfile(SCORM_AGAIN, root / "lms" / "scorm-again.js")
        html = HOST_PAGE.format(launch=launch_file(root / "package"), **VERSIONS[version])
        (root / "lms" / "host.html").write_text(html, encoding="utf-8")
        return serve(root) + "lms/host.html", demo_store.get_tour(DEMO_ID)

    return install


def lms_value(page, version: str, element: str):
    api = VERSIONS[version]["api_name"]
    return page.evaluate(f"window.{api}.cmi.{element}")


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
    button = frame.locator(f'[data-hotspot-id="{hotspot_id}"]')
    button.focus()
    button.press("Enter")


def take_quiz(page, tour, *, right: bool):
    """Walk to the quiz through the player, open it by its hotspot, answer as a learner would."""
    frame = page.frame_locator("#sco")
    frame.locator('#tourbuilder-player[data-ready="true"]').wait_for(timeout=20_000)
    quiz_scene, quiz_spot = next((sid, h) for sid, s in tour.scenes.items() for h in s.hotspots if h.kind == "quiz")
    for link in path_of_links(tour, quiz_scene):
        press(frame, link.id)
        frame.locator(f'#tourbuilder-player[data-scene="{link.target}"][data-ready="true"]').wait_for(timeout=20_000)
    press(frame, quiz_spot.id)
    quiz = tour.quizzes[quiz_spot.quiz]
    dialog = frame.get_by_role("dialog")
    dialog.wait_for()
    for question in quiz.questions:
        group = dialog.get_by_role("group", name=question.prompt["mn"])
        for choice in question.choices:
            pick = choice.correct if right else (not choice.correct)
            if question.kind == "single" and not right:
                pick = choice == next(c for c in question.choices if not c.correct)
            if pick:
                group.get_by_label(choice.text["mn"], exact=True).check()
    dialog.get_by_role("button", name="Хариултаа шалгах").click()
    result = frame.locator("[data-quiz-result]")
    result.wait_for()
    return float(result.get_attribute("data-score")), result.get_attribute("data-passed") == "true"


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_a_learner_who_answers_right_passes_and_the_lms_records_it(page, lms, version):
    url, tour = lms(version)
    page.goto(url)
    frame = page.frame_locator("#sco")
    frame.locator('#tourbuilder-player[data-ready="true"]').wait_for(timeout=20_000)
    if version == "scorm12":
        assert lms_value(page, version, "core.lesson_status") == "incomplete"
    else:
        assert lms_value(page, version, "completion_status") == "incomplete"
    score, passed = take_quiz(page, tour, right=True)
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
    page.keyboard.press("Escape")  # close the quiz, then finish as the learner would
    frame.get_by_role("dialog").wait_for(state="hidden")
    frame.get_by_role("button", name="Дуусгах").click()
    api = VERSIONS[version]["api_name"]
    page.wait_for_function(f"window.{api}.isTerminated()")
    log = page.evaluate("window.lmsLog")
    assert log[0] == VERSIONS[version]["init"]
    assert log.count(VERSIONS[version]["finish"]) == 1
    assert VERSIONS[version]["commit"] in log
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_a_learner_who_answers_wrong_fails_and_the_lms_records_it(page, lms, version):
    url, tour = lms(version)
    page.goto(url)
    score, passed = take_quiz(page, tour, right=False)
    assert passed is False and score < tour.completion.pass_mark
    if version == "scorm12":
        assert float(lms_value(page, version, "core.score.raw")) == score
        assert lms_value(page, version, "core.lesson_status") == "failed"
    else:
        assert float(lms_value(page, version, "score.scaled")) == pytest.approx(score / 100)
        assert lms_value(page, version, "success_status") == "failed"
