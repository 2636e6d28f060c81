"""The player's quiz logic, run as it is shipped (the ES modules of web/src/player in Node.js):
the resume state's text form (resume.js), scoring (scoring.js), the completion rule
(progress.js), the answers in SCORM and xAPI formats (tracking/responses.js) and the region test
of "find it in the scene", checked against the Python model's. Property-based with hypothesis.

A generated tour of 40 scenes and 60 questions (every question kind) must fit SCORM 1.2's
4096 characters of cmi.suspend_data with every scene visited, every hotspot opened and every
question answered in the longest way.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tourbuilder.model import dump_tour, load_tour
from tourbuilder.model.tour import region_contains

PLAYER = Path(__file__).resolve().parents[1] / "web" / "src" / "player"
SCORM12_LIMIT = 4096

WORKER = r"""
import readline from "node:readline";
import { pathToFileURL } from "node:url";
const base = pathToFileURL(process.argv[2]).href;
const kinds = await import(base + "/questions/kinds.js");
const region = await import(base + "/questions/region.js");
const scoring = await import(base + "/scoring.js");
const progress = await import(base + "/progress.js");
const resume = await import(base + "/resume.js");
const responses = await import(base + "/tracking/responses.js");
// JSON carries no Set: a state travels with `visited` and `seen` as sorted arrays.
const toState = (s) => Object.assign({}, s, { visited: new Set(s.visited), seen: new Set(s.seen) });
const fromState = (s) => s && Object.assign({}, s, { visited: [...s.visited].sort(), seen: [...s.seen].sort() });
const calls = {
  encode: (tour, state, limit, keep) => resume.encodeState(tour, toState(state),
    { limit: limit || undefined, keepSeen: keep ? (ref) => keep.includes(ref) : undefined }),
  decode: (tour, text) => fromState(resume.decodeState(tour, text)),
  fingerprint: (tour) => resume.fingerprint(tour),
  score: (quiz, answers, mark) => scoring.scoreQuiz(quiz, answers, mark),
  isCorrect: (q, a) => kinds.isCorrect(q, a),
  rightAnswer: (q) => kinds.rightAnswer(q),
  evaluate: (tour, state, options) => progress.evaluate(tour, toState(state), options || {}),
  contains: (poly, points) => points.map(([y, p]) => region.regionContains(poly, y, p)),
  formats: (q, a) => ({ scorm12: responses.scorm12Response(q, a), scorm2004: responses.scorm2004Response(q, a) }),
  order: (quiz, quizId, q, seed) => kinds.displayOrder(quiz, quizId, q, seed).map((o) => o.id),
  attempt: (quiz, steps, mark) => {
    // Play a quiz attempt: steps = [[questionId, answer], ...], each set then checked.
    const state = scoring.emptyQuizState();
    const log = [];
    for (const [id, answer] of steps) {
      const q = quiz.questions.find((x) => x.id === id);
      scoring.setAnswer(quiz, q, state, answer);
      const counted = scoring.checkQuestion(quiz, q, state);
      log.push({ counted, status: scoring.questionStatus(quiz, q, state) });
    }
    const finished = scoring.attemptFinished(quiz, state);
    const result = finished ? scoring.recordAttempt(quiz, state, mark) : null;
    return { log, finished, result, state };
  },
};
const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  const { fn, args } = JSON.parse(line);
  let out;
  try {
    out = { result: calls[fn](...args) };
  } catch (err) {
    out = { error: String(err && err.stack ? err.stack : err) };
  }
  process.stdout.write(JSON.stringify(out, (k, v) => (v === Infinity ? "Infinity" : v)) + "\n");
}
"""


@pytest.fixture(scope="session")
def js(tmp_path_factory):
    """js(name, *args) -> the result of the player's logic, computed by Node.js."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (it builds the player too)")
    worker = tmp_path_factory.mktemp("js") / "worker.mjs"
    worker.write_text(WORKER, encoding="utf-8")
    process = subprocess.Popen([node, str(worker), str(PLAYER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, encoding="utf-8")

    def call(fn, *args):
        process.stdin.write(json.dumps({"fn": fn, "args": list(args)}, ensure_ascii=False) + "\n")
        process.stdin.flush()
        reply = json.loads(process.stdout.readline())
        if "error" in reply:
            raise AssertionError(f"{fn} failed in Node.js:\n{reply['error']}")
        return reply["result"]

    yield call
    process.stdin.close()
    process.wait(timeout=10)


# --------------------------------------------------------------------------- tours


def t(en: str) -> dict:
    return {"mn": f"{en} (мн)", "en": en}


KINDS = ("single", "multiple", "true_false", "picture", "find", "order")


def make_question(index: int, kind: str, options: int = 6) -> dict:
    q = {"id": f"q{index}", "kind": kind, "prompt": t(f"Question {index}"), "points": 1 + index % 3}
    if kind in ("single", "multiple"):
        q["choices"] = [{"id": f"c{i}", "text": t(f"Choice {i}"), "correct": i == 1 or (kind == "multiple" and i == 3)}
                        for i in range(options)]
    elif kind == "picture":
        q["choices"] = [{"id": f"p{i}", "text": t(f"Picture {i}"), "image": f"media/p{i}.jpg", "correct": i == 2}
                        for i in range(options)]
    elif kind == "true_false":
        q["answer"] = index % 2 == 0
    elif kind == "find":
        q["scene"] = "s0"
        q["region"] = [[170, 10], [-170, 10], [-170, -10], [170, -10]]
        q["places"] = [{"id": f"pl{i}", "text": t(f"Place {i}"), "yaw": -150 + 60 * i, "pitch": 0}
                       for i in range(min(options, 6))]
        q["places"][0]["yaw"] = 179  # the right one, across ±180°
    else:
        q["items"] = [{"id": f"i{i}", "text": t(f"Step {i}")} for i in range(options)]
    return q


def big_tour_document(scenes: int = 40, questions: int = 60, quizzes: int = 3) -> dict:
    """A tour of `scenes` scenes in a ring (a link each way, an info and a quiz hotspot each) and
    `quizzes` quizzes sharing `questions` questions of every kind (6 options each)."""
    scene_ids = [f"s{i}" for i in range(scenes)]
    quiz_ids = [f"quiz{i}" for i in range(quizzes)]
    scene_docs = {}
    for i, sid in enumerate(scene_ids):
        scene_docs[sid] = {
            "title": t(f"Scene {i}"),
            "panorama": f"media/{sid}.jpg",
            "hotspots": [
                {"id": "next", "kind": "scene", "yaw": 90, "pitch": 0, "title": t("Next"),
                 "target": scene_ids[(i + 1) % scenes]},
                {"id": "back", "kind": "scene", "yaw": -90, "pitch": 0, "title": t("Back"),
                 "target": scene_ids[i - 1]},
                {"id": "info", "kind": "info", "yaw": 0, "pitch": 0, "title": t("Info"), "text": t("Text")},
                {"id": "quiz", "kind": "quiz", "yaw": 30, "pitch": -10, "title": t("Quiz"),
                 "quiz": quiz_ids[i % quizzes]},
            ],
        }
    quiz_docs = {qid: {"title": t(f"Quiz {n}"), "questions": []} for n, qid in enumerate(quiz_ids)}
    for n in range(questions):
        quiz_docs[quiz_ids[n % quizzes]]["questions"].append(make_question(n, KINDS[n % len(KINDS)]))
    return {
        "schema_version": 2,
        "id": "big",
        "title": t("Big tour"),
        "languages": ["mn", "en"],
        "start_scene": scene_ids[0],
        "scenes": scene_docs,
        "quizzes": quiz_docs,
        "completion": {"rule": ["visit", "hotspots", "quiz"], "quiz": quiz_ids[0], "pass_mark": 80,
                       "hotspots": [f"{sid}/info" for sid in scene_ids[:5]]},
    }


def write_tour_folder(root: Path, document: dict) -> Path:
    """A tour folder of a document: YAML files, a plain 1024x512 panorama per scene and the
    pictures of picture questions (media/p0.jpg ...)."""
    import yaml
    from PIL import Image

    doc = dict(document)
    scenes = doc.pop("scenes")
    quizzes = doc.pop("quizzes", {})
    root.mkdir(parents=True, exist_ok=True)
    head = {**doc, "scenes": list(scenes), "quizzes": list(quizzes)}
    (root / "tour.yaml").write_text(yaml.safe_dump(head, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for section, items in (("scenes", scenes), ("quizzes", quizzes)):
        (root / section).mkdir(exist_ok=True)
        for ident, body in items.items():
            (root / section / f"{ident}.yaml").write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False),
                                                        encoding="utf-8")
    (root / "media").mkdir(exist_ok=True)
    for n, scene in enumerate(scenes.values()):
        Image.new("RGB", (1024, 512), ((37 * n) % 256, 120, (200 + 53 * n) % 256)).save(root / scene["panorama"], quality=80)
    pictures = {c["image"] for quiz in quizzes.values() for q in quiz["questions"] for c in q.get("choices", [])
                if c.get("image")}
    for n, key in enumerate(sorted(pictures)):
        Image.new("RGB", (160, 120), ((60 * n) % 256, 90, 160)).save(root / key, quality=80)
    return root


@pytest.fixture(scope="module")
def big_tour() -> dict:
    """The generated tour as the player gets it (validated by the model, then dumped)."""
    return dump_tour(load_tour(big_tour_document()))


def longest_answer(q: dict):
    kind = q["kind"]
    if kind in ("multiple",):
        return [c["id"] for c in q["choices"]]
    if kind in ("single", "picture"):
        return q["choices"][-1]["id"]
    if kind == "true_false":
        return False
    if kind == "find":
        return {"yaw": -179.9, "pitch": -89.9}
    return [i["id"] for i in reversed(q["items"])]


def full_state(tour: dict) -> dict:
    """Everything visited and opened, every question answered the longest way, 100 tries each."""
    quizzes = {}
    for qid, quiz in tour["quizzes"].items():
        quizzes[qid] = {"attempt": 100, "best": sum(q["points"] for q in quiz["questions"]), "questions": {
            q["id"]: {"answer": longest_answer(q), "tries": 100, "checked": True} for q in quiz["questions"]}}
    return {
        "seq": 2 ** 40, "scene": list(tour["scenes"])[-1], "view": {"yaw": -179, "pitch": -89, "fov": 100},
        "lang": "en", "visited": sorted(tour["scenes"]),
        "seen": sorted(f"{s}/{h['id']}" for s, scene in tour["scenes"].items() for h in scene["hotspots"]),
        "seed": 2147483646, "quizzes": quizzes, "completedOn": 30000,
    }


# --------------------------------------------------------------------------- state encoding


def test_a_40_scene_60_question_tour_fits_scorm12_suspend_data(js, big_tour):
    assert len(big_tour["scenes"]) == 40
    assert sum(len(q["questions"]) for q in big_tour["quizzes"].values()) == 60
    state = full_state(big_tour)
    text = js("encode", big_tour, state, SCORM12_LIMIT)
    assert len(text) <= SCORM12_LIMIT
    assert len(text) < 1200, f"{len(text)} characters: the encoding grew"
    assert js("decode", big_tour, text) == state
    assert re.fullmatch(r"[A-Za-z0-9._~,:\-]+", text), "only URL- and XML-safe characters"
    print(f"longest suspend_data of the 40-scene, 60-question tour: {len(text)} characters")


def test_an_over_long_state_drops_drafts_then_opened_hotspots_then_answers(js, big_tour):
    state = full_state(big_tour)
    for quiz in state["quizzes"].values():
        for answer in quiz["questions"].values():
            answer["checked"] = False  # drafts
    full = js("encode", big_tour, state, 0)
    without_drafts = js("encode", big_tour, state, len(full) - 1)
    assert len(without_drafts) < len(full)
    decoded = js("decode", big_tour, without_drafts)
    assert all(a["answer"] is None for q in decoded["quizzes"].values() for a in q["questions"].values())
    keep = big_tour["completion"]["hotspots"]
    tight = js("encode", big_tour, state, len(without_drafts) - 1, keep)
    assert js("decode", big_tour, tight)["seen"] == sorted(keep)
    smallest = js("encode", big_tour, state, 10, keep)
    decoded = js("decode", big_tour, smallest)
    assert decoded["visited"] == sorted(big_tour["scenes"])
    assert {q: s["best"] for q, s in decoded["quizzes"].items()} == {q: s["best"] for q, s in state["quizzes"].items()}


def test_a_state_of_another_or_a_changed_tour_is_not_used(js, big_tour):
    text = js("encode", big_tour, full_state(big_tour), 0)
    changed = json.loads(json.dumps(big_tour))
    changed["quizzes"]["quiz0"]["questions"][0]["choices"].pop()
    assert js("fingerprint", changed) != js("fingerprint", big_tour)
    assert js("decode", changed, text) is None
    for damaged in ("", "T1", "T2~" + text[3:], text + "~zzz", text.replace("~q", "~q9", 1), "garbage"):
        assert js("decode", big_tour, damaged) is None


def answers_for(tour: dict):
    """A strategy of (quiz id, question id) -> answer state for a tour."""

    def answer(q):
        kind = q["kind"]
        if kind == "multiple" or (kind == "picture" and q.get("multiple")):
            return st.lists(st.sampled_from([c["id"] for c in q["choices"]]), unique=True, min_size=1).map(
                lambda ids: [c["id"] for c in q["choices"] if c["id"] in ids])
        if kind in ("single", "picture"):
            return st.sampled_from([c["id"] for c in q["choices"]])
        if kind == "true_false":
            return st.booleans()
        if kind == "find":
            point = st.tuples(st.integers(-1800, 1799), st.integers(-900, 900)).map(
                lambda yp: {"yaw": yp[0] / 10, "pitch": yp[1] / 10})
            return st.one_of(point, st.sampled_from([{"place": p["id"]} for p in q["places"]]))
        return st.permutations([i["id"] for i in q["items"]])

    def question_state(q):
        return st.one_of(st.none(), st.builds(
            lambda a, tries, checked: {"answer": a, "tries": tries, "checked": checked and tries > 0},
            st.one_of(st.none(), answer(q)), st.one_of(st.just(0), st.integers(0, 100)), st.booleans()))

    quizzes = {}
    for qid, quiz in tour["quizzes"].items():
        questions = st.fixed_dictionaries({q["id"]: question_state(q) for q in quiz["questions"]}).map(
            lambda d: {k: v for k, v in d.items() if v is not None and (v["tries"] or v["answer"] is not None)})
        quizzes[qid] = st.one_of(st.none(), st.builds(
            lambda attempt, best, qs: {"attempt": attempt, "best": best, "questions": qs},
            st.integers(1, 100), st.one_of(st.none(), st.integers(0, 200)), questions))
    return st.fixed_dictionaries(quizzes).map(lambda d: {k: v for k, v in d.items() if v is not None})


SMALL = dump_tour(load_tour(big_tour_document(scenes=5, questions=12, quizzes=2)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scene=st.sampled_from(list(SMALL["scenes"])),
    view=st.fixed_dictionaries({"yaw": st.integers(-180, 179), "pitch": st.integers(-90, 90), "fov": st.integers(30, 100)}),
    lang=st.sampled_from(["mn", "en"]),
    visited=st.sets(st.sampled_from(list(SMALL["scenes"]))),
    seen=st.sets(st.sampled_from([f"{s}/{h['id']}" for s, sc in SMALL["scenes"].items() for h in sc["hotspots"]])),
    seed=st.integers(0, 2147483646),
    seq=st.integers(0, 2 ** 50),
    quizzes=answers_for(SMALL),
    completed=st.one_of(st.none(), st.integers(0, 60000)),
)
def test_every_state_survives_its_text_form(js, scene, view, lang, visited, seen, seed, seq, quizzes, completed):
    # A quiz without anything done is the same as no state for it (and is not written).
    quizzes = {k: v for k, v in quizzes.items() if v["attempt"] > 1 or v["best"] is not None or v["questions"]}
    state = {"seq": seq, "scene": scene, "view": view, "lang": lang, "visited": sorted(visited), "seen": sorted(seen),
             "seed": seed, "quizzes": quizzes, "completedOn": completed}
    text = js("encode", SMALL, state, 0)
    decoded = js("decode", SMALL, text)
    for quiz in decoded["quizzes"].values():  # a question without tries or answer is not written
        quiz["questions"] = {k: v for k, v in quiz["questions"].items() if v["tries"] or v["answer"] is not None}
    assert decoded == state


# --------------------------------------------------------------------------- scoring


QUIZ = {"questions": [make_question(n, kind, options=4) for n, kind in enumerate(KINDS)], "tries": 2}


@settings(max_examples=60, deadline=None)
@given(answers=answers_for({"quizzes": {"q": QUIZ}}), mark=st.integers(0, 100))
def test_scores_are_whole_percents_of_the_points_earned(js, answers, mark):
    given_answers = {qid: s["answer"] for qid, s in answers.get("q", {"questions": {}})["questions"].items()}
    result = js("score", QUIZ, given_answers, mark)
    total = sum(q["points"] for q in QUIZ["questions"])
    assert result["total"] == total
    right = [q for q in QUIZ["questions"] if js("isCorrect", q, given_answers.get(q["id"]))]
    assert result["earned"] == sum(q["points"] for q in right)
    assert result["scorePercent"] == round(100 * result["earned"] / total)
    assert 0 <= result["scorePercent"] <= 100
    assert result["passed"] == (result["scorePercent"] >= mark)


def test_the_right_answer_of_every_kind_is_right_and_others_are_not(js):
    for q in QUIZ["questions"]:
        right = js("rightAnswer", q)
        assert js("isCorrect", q, right), q["kind"]
        assert not js("isCorrect", q, None)
    answers = {q["id"]: js("rightAnswer", q) for q in QUIZ["questions"]}
    assert js("score", QUIZ, answers, 80)["scorePercent"] == 100
    by_kind = {q["kind"]: q for q in QUIZ["questions"]}
    assert not js("isCorrect", by_kind["single"], "c0")
    assert not js("isCorrect", by_kind["multiple"], ["c1"])  # one right choice of two is not enough
    assert not js("isCorrect", by_kind["true_false"], not by_kind["true_false"]["answer"])
    assert js("isCorrect", by_kind["find"], {"yaw": -175, "pitch": 3})  # across ±180°
    assert not js("isCorrect", by_kind["find"], {"yaw": 0, "pitch": 3})
    assert not js("isCorrect", by_kind["order"], ["i1", "i0", "i2", "i3"])


def test_tries_end_a_question_and_a_finished_attempt_keeps_its_result(js):
    single = QUIZ["questions"][0]
    quiz = {"questions": [single], "tries": 2}
    run = js("attempt", quiz, [["q0", "c0"], ["q0", "c2"]], 80)
    assert [step["status"]["final"] for step in run["log"]] == [False, True]
    assert run["log"][0]["status"]["triesLeft"] == 1
    assert run["finished"] and run["result"]["scorePercent"] == 0 and run["state"]["best"] == 0
    run = js("attempt", quiz, [["q0", "c0"], ["q0", "c1"], ["q0", "c0"]], 80)
    assert [step["counted"] for step in run["log"]] == [True, True, False]  # final once right
    assert run["result"]["passed"] is True
    unlimited = js("attempt", dict(quiz, tries=0), [["q0", "c0"]] * 5, 80)
    assert not unlimited["finished"] and unlimited["log"][-1]["status"]["triesLeft"] == "Infinity"


def test_the_learner_order_is_stable_and_an_order_question_never_starts_solved(js):
    quiz = {"questions": QUIZ["questions"], "shuffle": True}
    for q in QUIZ["questions"]:
        first = js("order", quiz, "quiz", q, 1234)
        assert first == js("order", quiz, "quiz", q, 1234)
        if q["kind"] == "true_false":
            continue
        options = q.get("choices") or q.get("places") or q.get("items")
        assert sorted(first) == sorted(o["id"] for o in options)
    order_q = next(q for q in QUIZ["questions"] if q["kind"] == "order")
    for seed in range(200):
        assert js("order", {"questions": [order_q]}, "quiz", order_q, seed) != [i["id"] for i in order_q["items"]]
    single = QUIZ["questions"][0]
    assert js("order", {"questions": [single]}, "quiz", single, 7) == [c["id"] for c in single["choices"]]


# --------------------------------------------------------------------------- completion


def progress_state(visited=(), seen=(), quizzes=None):
    return {"visited": list(visited), "seen": list(seen), "quizzes": quizzes or {}}


def test_completion_rules_and_progress(js, big_tour):
    scenes = list(big_tour["scenes"])
    rule = js("evaluate", big_tour, progress_state())
    assert [c["kind"] for c in rule["criteria"]] == ["visit", "hotspots", "quiz"]
    assert rule["measure"] == 0 and not rule["completed"] and rule["passed"] is None and rule["score"] is None
    half = js("evaluate", big_tour, progress_state(visited=scenes[:20]))
    assert half["measure"] == pytest.approx(0.5 / 3, abs=0.001)
    quiz0 = big_tour["quizzes"]["quiz0"]
    total = sum(q["points"] for q in quiz0["questions"])
    finished = {"attempt": 1, "best": total, "questions": {
        q["id"]: {"answer": js("rightAnswer", q), "tries": 1, "checked": True} for q in quiz0["questions"]}}
    done = js("evaluate", big_tour, progress_state(scenes, big_tour["completion"]["hotspots"], {"quiz0": finished}))
    assert done["completed"] and done["passed"] is True and done["measure"] == 1
    assert done["score"] == {"percent": 100, "earned": total, "total": total}
    failed = dict(finished, best=0)
    assert js("evaluate", big_tour, progress_state(scenes, [], {"quiz0": failed}))["passed"] is False
    # The LMS's pass mark wins over the tour's for the final quiz.
    some = dict(finished, best=round(total * 0.7))
    assert js("evaluate", big_tour, progress_state(quizzes={"quiz0": some}))["passed"] is False
    assert js("evaluate", big_tour, progress_state(quizzes={"quiz0": some}), {"passMark": 60})["passed"] is True


def test_a_rule_without_the_quiz_is_passed_once_completed(js, big_tour):
    tour = dict(big_tour, completion={"rule": "visit", "visit_share": 0.5})
    scenes = list(tour["scenes"])
    assert js("evaluate", tour, progress_state(scenes[:19]))["passed"] is None
    done = js("evaluate", tour, progress_state(scenes[:20]))
    assert done["completed"] and done["passed"] is True and done["score"] is None
    legacy = dict(big_tour, completion={"rule": "visit_and_quiz", "quiz": "quiz1"})
    assert [c["kind"] for c in js("evaluate", legacy, progress_state())["criteria"]] == ["visit", "quiz"]


# --------------------------------------------------------------------------- formats


SCORM12 = {
    "choice": r"[a-z0-9](,[a-z0-9])*",
    "sequencing": r"[a-z0-9](,[a-z0-9])*",
    "true-false": r"[tf]",
    "performance": r"[\x21-\x7e]{1,255}",
}
SHORT_ID = r"[A-Za-z0-9][A-Za-z0-9_\-.:]*"
SCORM2004 = {
    "choice": rf"{SHORT_ID}(\[,\]{SHORT_ID})*",
    "sequencing": rf"{SHORT_ID}(\[,\]{SHORT_ID})*",
    "true-false": r"true|false",
    "other": r".{1,4000}",
}


@settings(max_examples=60, deadline=None)
@given(answers=answers_for({"quizzes": {"q": QUIZ}}))
def test_answers_have_the_formats_each_standard_defines(js, answers):
    states = answers.get("q", {"questions": {}})["questions"]
    for q in QUIZ["questions"]:
        answer = states.get(q["id"], {"answer": None})["answer"]
        if answer is None:
            continue
        formats = js("formats", q, answer)
        one, two = formats["scorm12"], formats["scorm2004"]
        assert re.fullmatch(SCORM12[one["type"]], one["response"]), (q["kind"], one)
        assert re.fullmatch(SCORM12[one["type"]], one["pattern"]), (q["kind"], one)
        assert re.fullmatch(SCORM2004[two["type"]], two["response"]), (q["kind"], two)
        assert re.fullmatch(SCORM2004[two["type"]], two["pattern"]), (q["kind"], two)


# --------------------------------------------------------------------------- the region test


corner = st.tuples(st.integers(-20, 20), st.integers(-20, 20))


@settings(max_examples=80, deadline=None)
@given(
    centre=st.tuples(st.integers(-180, 179), st.integers(-60, 60)),
    corners=st.lists(corner, min_size=3, max_size=8),
    points=st.lists(st.tuples(st.integers(-300, 300), st.integers(-300, 300)), min_size=1, max_size=20),
)
def test_the_player_and_the_model_agree_on_regions(js, centre, corners, points):
    region = [[(centre[0] + dy + 180) % 360 - 180, centre[1] + dp] for dy, dp in corners]
    # Points off the corners' grid (x.37, y.61), so none lies exactly on an edge.
    tested = [[(centre[0] + y / 10 + 0.037 + 180) % 360 - 180, max(-90, min(90, centre[1] + p / 10 + 0.061))]
              for y, p in points]
    assert js("contains", region, tested) == [region_contains(region, y, p) for y, p in tested]
