"""The demo's cmi5 package launched as a cmi5 LMS launches it, against a small LMS/LRS written
here (loopback): the auth token fetch (once per launch), LMS.LaunchData, the learner's language
preference, the state API for resume, and the statements, checked in order and content
(initialized, answered, completed, passed/failed, terminated, with the cmi5 context)."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.test_scorm_play import (
    FINISH,
    READY,
    answer_quiz,
    choose,
    close_dialog,
    demo_store_for_module,
    final_spot,
    open_final_test,
    press,
    take_final_test,
)
from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.export import export_tour
from tourbuilder.export.cmi5 import course_iri

pytestmark = pytest.mark.exported_player

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
VERB = "http://adlnet.gov/expapi/verbs/"
ACTOR = {"objectType": "Agent", "name": "Saraa Bat", "account": {"homePage": "https://lms.example", "name": "saraa"}}
PUBLISHER = "urn:tourbuilder:tour:mercury-free-processing:au:tour"


class Lrs:
    """What the LMS knows: launches (fetch URL -> token), state documents, statements."""

    def __init__(self):
        self.tokens: dict[str, str | None] = {}
        self.fetches: list[str] = []
        self.state: dict[tuple, bytes] = {}
        self.statements: list[dict] = []
        self.refused: list[str] = []
        self.launch_data: dict[str, dict] = {}
        self.lock = threading.Lock()


def handler_for(lrs: Lrs, root: Path):
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

        def _json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            header = self.headers.get("Authorization", "")
            ok = (header.startswith("Basic ") and header[6:] in lrs.tokens.values()
                  and self.headers.get("X-Experience-API-Version", "").startswith("1.0"))
            if not ok:
                lrs.refused.append(f"{self.command} {self.path}")
                self._json(401, {"error": "unauthorised"})
            return ok

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self):
            url = urlparse(self.path)
            if url.path == "/fetch":
                launch = parse_qs(url.query)["launch"][0]
                self._body()
                with lrs.lock:
                    lrs.fetches.append(launch)
                    if lrs.tokens.get(launch):  # a fetch URL works once
                        return self._json(200, {"error-code": "1", "error-text": "already used"})
                    token = base64.b64encode(f"{launch}:{uuid.uuid4()}".encode()).decode()
                    lrs.tokens[launch] = token
                return self._json(200, {"auth-token": token})
            if url.path == "/xapi/statements":
                if not self._authorised():
                    return
                body = json.loads(self._body())
                with lrs.lock:
                    lrs.statements += body if isinstance(body, list) else [body]
                return self._json(200, [s["id"] for s in (body if isinstance(body, list) else [body])])
            self._json(404, {})

        def _state_key(self, url):
            q = parse_qs(url.query)
            return (q["activityId"][0], json.loads(q["agent"][0])["account"]["name"], q.get("registration", [""])[0],
                    q["stateId"][0])

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/xapi/activities/state":
                if not self._authorised():
                    return
                key = self._state_key(url)
                if key[3] == "LMS.LaunchData":
                    return self._json(200, lrs.launch_data[key[2]])
                with lrs.lock:
                    data = lrs.state.get(key)
                if data is None:
                    return self._json(404, {})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            if url.path == "/xapi/agents/profile":
                if not self._authorised():
                    return
                return self._json(200, {"languagePreference": "en-US,mn-MN", "audioPreference": "on"})
            super().do_GET()

        def do_PUT(self):
            url = urlparse(self.path)
            if url.path == "/xapi/activities/state" and self._authorised():
                with lrs.lock:
                    lrs.state[self._state_key(url)] = self._body()
                self.send_response(204)
                self.end_headers()

    return Handler


@pytest.fixture(scope="module")
def site(demo_folder_master, tmp_path_factory):
    """The demo's cmi5 package exported once, served with the LMS/LRS: (base URL, LRS, tour)."""
    base = tmp_path_factory.mktemp("cmi5")
    store = demo_store_for_module(demo_folder_master, base)
    try:
        export_tour(DEMO_ID, "cmi5", base / "site" / "package", store=store)
        tour = store.get_tour(DEMO_ID)
    finally:
        store.close()
    (base / "site" / "lms").mkdir()
    (base / "site" / "lms" / "return.html").write_text("<!doctype html><title>LMS</title><p>Back in the LMS</p>")
    lrs = Lrs()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(lrs, base / "site"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", lrs, tour, base / "site" / "package"
    server.shutdown()
    server.server_close()


def launch(site, registration: str, mode: str = "Normal") -> tuple[str, str]:
    """The LMS launches the AU: LaunchData for the registration, a fetch URL of its own."""
    base, lrs, tour, package = site
    from lxml import etree

    course = etree.parse(str(package / "cmi5.xml"))
    [au] = course.xpath("//*[local-name()='au']")
    session = str(uuid.uuid4())
    lrs.launch_data[registration] = {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": au.get("id"), "objectType": "Activity"}]},
            "extensions": {SESSION: session},
        },
        "launchMode": mode,
        "launchMethod": "AnyWindow",
        "masteryScore": float(au.get("masteryScore")),
        "moveOn": au.get("moveOn"),
        "returnURL": base + "lms/return.html",
    }
    launch_id = str(uuid.uuid4())
    query = urlencode({
        "endpoint": base + "xapi/",
        "fetch": base + "fetch?" + urlencode({"launch": launch_id}),
        "actor": json.dumps(ACTOR),
        "registration": registration,
        "activityId": au.get("id") + "/activity",
    })
    return f"{base}package/{au.findtext('{*}url')}?{query}", session


def statements_of(lrs: Lrs, registration: str, session: str | None = None) -> list[dict]:
    found = [s for s in lrs.statements if s["context"]["registration"] == registration]
    if session:
        found = [s for s in found if s["context"].get("extensions", {}).get(SESSION) == session]
    return found


def verbs(statements) -> list[str]:
    return [s["verb"]["id"].removeprefix(VERB) for s in statements]


def check_cmi5_context(statement, registration, session):
    context = statement["context"]
    assert context["registration"] == registration
    assert context["extensions"][SESSION] == session
    assert {"id": PUBLISHER, "objectType": "Activity"} in context["contextActivities"]["grouping"]
    categories = [c["id"] for c in context["contextActivities"].get("category", [])]
    defined = verbs([statement])[0] != "answered"
    assert (CMI5 in categories) == defined
    assert statement["actor"] == ACTOR
    uuid.UUID(statement["id"])
    assert statement["timestamp"].endswith("Z")


def wait_for_verb(page, lrs, registration, verb, timeout=10_000):
    page.wait_for_timeout(0)
    deadline = timeout
    while deadline > 0:
        if verb in verbs(statements_of(lrs, registration)):
            return
        page.wait_for_timeout(100)
        deadline -= 100
    pytest.fail(f"no {verb} statement: {verbs(statements_of(lrs, registration))}")


def test_a_passing_learner_sends_the_cmi5_statements_in_order(page, site):
    base, lrs, tour, _ = site
    registration = str(uuid.uuid4())
    url, session = launch(site, registration)
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    # The learner's language preference (en-US first) chose English.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    score, passed = take_final_test(page, tour, right=True, lang="en")
    assert (score, passed) == (100, True)
    wait_for_verb(page, lrs, registration, "passed")
    close_dialog(page, page)
    page.get_by_role("button", name=FINISH["en"]).click()
    page.wait_for_url("**/lms/return.html")  # back to the LMS's returnURL
    sent = statements_of(lrs, registration)
    order = verbs(sent)
    assert order[0] == "initialized" and order[-1] == "terminated"
    assert order.count("initialized") == order.count("terminated") == order.count("completed") == order.count("passed") == 1
    assert "failed" not in order
    assert order.index("completed") < order.index("terminated") and order.index("passed") < order.index("terminated")
    final = tour.quizzes[tour.completion.quiz]
    answered = [s for s in sent if verbs([s])[0] == "answered"]
    assert {s["object"]["id"].rsplit("/", 1)[1] for s in answered} >= {f"{tour.completion.quiz}.{q.id}" for q in final.questions}
    kinds = {s["object"]["definition"]["interactionType"] for s in answered}
    assert kinds == {"choice", "true-false", "sequencing", "other"}
    for statement in sent:
        check_cmi5_context(statement, registration, session)
        assert statement["object"]["id"].startswith(PUBLISHER)
    [completed] = [s for s in sent if verbs([s])[0] == "completed"]
    assert completed["result"]["completion"] is True and completed["result"]["duration"].startswith("PT")
    assert MOVEON in [c["id"] for c in completed["context"]["contextActivities"]["category"]]
    [passing] = [s for s in sent if verbs([s])[0] == "passed"]
    assert passing["result"]["success"] is True and passing["result"]["score"]["scaled"] == 1
    assert passing["context"]["extensions"][MASTERY] == 0.8
    assert len({s["id"] for s in sent}) == len(sent)
    assert lrs.refused == []
    assert course_iri(tour) == "urn:tourbuilder:tour:mercury-free-processing"


def test_a_second_launch_resumes_and_a_failed_test_is_reported(page, site):
    base, lrs, tour, _ = site
    registration = str(uuid.uuid4())
    url, first = launch(site, registration)
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    page.get_by_role("button", name="Монгол", exact=True).click()
    final = tour.quizzes[tour.completion.quiz]
    dialog = open_final_test(page, tour)
    for question in final.questions[:3]:
        choose(dialog, question, False)
        dialog.get_by_role("button", name="Хариултаа шалгах", exact=True).click()
        expect(dialog.locator("[data-question-result]")).to_be_visible()
        dialog.get_by_role("button", name="Дараах", exact=True).click()
    close_dialog(page, page)
    # A reload of the same launch keeps its token (the fetch URL works once).
    page.reload()
    page.wait_for_selector(READY, timeout=20_000)
    assert lrs.fetches.count(parse_qs(urlparse(parse_qs(urlparse(url).query)["fetch"][0]).query)["launch"][0]) == 1
    page.goto(base + "lms/return.html")  # the learner leaves: pagehide sends "terminated"
    wait_for_verb(page, lrs, registration, "terminated")
    assert verbs(statements_of(lrs, registration, first)).count("initialized") == 2  # the reload started again
    # The next launch: a new session resumes the scene and the answers.
    url, second = launch(site, registration)
    page.goto(url)
    scene, spot = final_spot(tour)
    expect(page.locator(f'#tourbuilder-player[data-scene="{scene}"][data-ready="true"]')).to_be_visible(timeout=20_000)
    expect(page.locator("html")).to_have_attribute("lang", "mn")  # the learner's own choice, resumed
    press(page, spot.id)
    dialog = page.locator('dialog[open][data-dialog="quiz"]')
    score, passed = answer_quiz(dialog, final, False)
    assert not passed
    wait_for_verb(page, lrs, registration, "failed")
    later = statements_of(lrs, registration, second)
    assert verbs(later)[0] == "initialized" and "failed" in verbs(later) and "passed" not in verbs(later)
    [failing] = [s for s in later if verbs([s])[0] == "failed"]
    assert failing["result"]["success"] is False and failing["result"]["score"]["scaled"] == score / 100
    # completed: the rule [visit, quiz] holds once the test is finished, passed or not.
    assert "completed" in verbs(later)
    assert lrs.refused == []


def test_review_mode_sends_no_result(page, site):
    base, lrs, tour, _ = site
    registration = str(uuid.uuid4())
    url, session = launch(site, registration, mode="Review")
    page.goto(url)
    page.wait_for_selector(READY, timeout=20_000)
    take_final_test(page, tour, right=True, lang="en")
    close_dialog(page, page)
    page.get_by_role("button", name=FINISH["en"]).click()
    page.wait_for_url("**/lms/return.html")
    sent = verbs(statements_of(lrs, registration))
    assert sent[0] == "initialized" and sent[-1] == "terminated"
    assert not {"completed", "passed", "failed"} & set(sent)


def test_without_launch_parameters_the_package_keeps_progress_on_the_device(page, site):
    base, lrs, tour, _ = site
    page.goto(base + "package/index.html")
    page.wait_for_selector(READY, timeout=20_000)
    expect(page.locator('[data-notice="noLms"]')).to_have_count(1)
    assert page.evaluate("window.tourbuilder.player.course.tracker.kind") == "local"
