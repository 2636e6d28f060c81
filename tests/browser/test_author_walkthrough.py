"""The issue's "done when", end to end in Chromium: a newcomer builds a three-scene tour with
hotspots, narration and a question, and exports it, in the browser alone (tests/browser/
walkthrough.py does the steps, counting every action); then the SCORM 2004 package plays in an
LMS page whose API is npm scorm-again (as tests/browser/test_scorm_play.py does): the first scene
shows, the LMS gets an initialised session, and a learner who answers right passes.

Nothing is made through the API: the store is only read at the end, to check what was built.
"""

from __future__ import annotations

import zipfile

from playwright.sync_api import expect

from tests.browser.axe import AXE
from tests.browser.conftest import open_page
from tests.browser.test_scorm_play import READY, Server, install_lms, lms_value, take_final_test
from tests.browser.walkthrough import INFO, QUIZ, SCENES, TOUR, TOUR_TITLE, new_app, run_walkthrough, serving


def test_a_newcomer_builds_and_exports_a_tour_in_the_browser_alone(browser, tmp_path):
    app = new_app(tmp_path / "data")
    page = open_page(browser, locale="en-GB", accept_downloads=True)
    page.set_viewport_size({"width": 1400, "height": 900})  # the editor's three columns
    page.context.add_init_script(path=str(AXE))
    try:
        with serving(app) as base:
            walk, tally = run_walkthrough(page, base, tmp_path / "work")
            tour = app.extensions["tourbuilder.store"].get_tour(TOUR)
        assert page.watch.outside_requests == []
        assert page.watch.console_errors == []
    finally:
        page.context.close()
    print(f"\nwalk-through: {tally}\nnotes: {walk.notes}")
    # Every action was counted, and the counts are what the steps do (a change here is a change of
    # the newcomer's path through the app: look at it, then update the numbers).
    assert tally.files == 1 and tally.drags == 0
    assert tally.clicks > 20 and tally.fields > 15 and tally.page_loads >= 4

    # What the newcomer built.
    assert tour.title == TOUR_TITLE
    assert list(tour.scenes) == SCENES and tour.start_scene == SCENES[0]
    links = {(sid, h.target) for sid, s in tour.scenes.items() for h in s.hotspots if h.kind == "scene"}
    assert {(SCENES[0], SCENES[1]), (SCENES[1], SCENES[2])} <= links
    [info] = [h for h in tour.scenes[SCENES[0]].hotspots if h.kind == "info"]
    assert info.title == INFO["title"] and "Хүдрийг бутлана." in info.text["mn"]
    track = tour.scenes[SCENES[0]].narration.tracks["mn"]
    assert track.engine == "espeak" and track.duration > 0.5
    question = tour.quizzes[QUIZ["id"]].questions[0]
    assert [c.correct for c in question.choices] == [False, True]
    assert tour.completion.quiz == QUIZ["id"]

    # The download is a SCORM 2004 package: it plays in the LMS page.
    site = tmp_path / "site"
    with zipfile.ZipFile(walk.package) as package:
        assert "imsmanifest.xml" in package.namelist()
        package.extractall(site / "package")
    install_lms(site, site / "package", "scorm2004")
    server = Server(site)
    learner = open_page(browser, locale="mn-MN")
    try:
        learner.goto(server.url + "lms/host.html")
        frame = learner.frame_locator("#sco")
        frame.locator(READY).wait_for(timeout=30_000)
        expect(frame.locator("#tourbuilder-player")).to_have_attribute("data-scene", SCENES[0])
        assert learner.evaluate("window.lmsLog")[0] == "Initialize"
        assert lms_value(learner, "scorm2004", "completion_status") == "incomplete"
        score, passed = take_final_test(frame, tour, right=True)
        assert (score, passed) == (100.0, True)
        assert float(lms_value(learner, "scorm2004", "score.scaled")) == 1.0
        assert lms_value(learner, "scorm2004", "success_status") == "passed"
        assert lms_value(learner, "scorm2004", "completion_status") == "completed"
        assert learner.watch.outside_requests == []
    finally:
        learner.context.close()
        server.close()
