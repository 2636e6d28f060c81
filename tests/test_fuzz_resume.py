"""The player's resume text (web/src/player/resume.js) against garbage: decoding never throws,
and whatever it accepts is a well-formed state of the tour that survives its own text form.

One Node.js process (tests/node/resume_worker.mjs) serves a whole hypothesis run: a JSON line
per request on its stdin."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.test_quiz_state import SMALL

HERE = Path(__file__).resolve().parent
WORKER = HERE / "node" / "resume_worker.mjs"
PLAYER = HERE.parent / "web" / "src" / "player"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~,:"


@pytest.fixture(scope="module")
def resume():
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (it builds the player too)")
    process = subprocess.Popen([node, str(WORKER), str(PLAYER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, encoding="utf-8")

    def call(op, **args):
        process.stdin.write(json.dumps({"op": op, **args}, ensure_ascii=False) + "\n")
        process.stdin.flush()
        reply = json.loads(process.stdout.readline())
        assert "threw" not in reply, f"resume.js {op} threw:\n{reply['threw']}"
        return reply

    yield call
    process.stdin.close()
    process.wait(timeout=10)


def full_state() -> dict:
    """A state with something in every section, of every question kind."""
    quizzes = {}
    for quiz_id, quiz in SMALL["quizzes"].items():
        questions = {}
        for q in quiz["questions"]:
            answer = {"single": lambda: q["choices"][1]["id"], "multiple": lambda: [q["choices"][0]["id"]],
                      "true_false": lambda: True, "picture": lambda: q["choices"][2]["id"],
                      "find": lambda: {"yaw": 12.5, "pitch": -3.1}, "order": lambda: [i["id"] for i in q["items"]],
                      }[q["kind"]]()
            questions[q["id"]] = {"tries": 1, "checked": True, "answer": answer}
        quizzes[quiz_id] = {"attempt": 2, "best": 3, "questions": questions}
    return {"seq": 7, "scene": "s1", "view": {"yaw": 10, "pitch": -5, "fov": 80}, "lang": "en",
            "visited": sorted(SMALL["scenes"]), "seen": [], "seed": 12345, "quizzes": quizzes, "completedOn": None}


@pytest.fixture(scope="module")
def valid_text(resume) -> str:
    return resume("encode", tour=SMALL, state=full_state())["text"]


def assert_well_formed(state: dict) -> None:
    """Every id in a decoded state is one of the tour's, every answer of its question's kind."""
    assert state["scene"] is None or state["scene"] in SMALL["scenes"]
    assert state["lang"] is None or state["lang"] in SMALL["languages"]
    assert set(state["visited"]) <= set(SMALL["scenes"])
    for quiz_id, qstate in state["quizzes"].items():
        quiz = SMALL["quizzes"][quiz_id]
        kinds = {q["id"]: q for q in quiz["questions"]}
        for question_id, entry in qstate["questions"].items():
            q = kinds[question_id]
            answer = entry["answer"]
            if answer is None:
                continue
            ids = {o["id"] for o in q.get("choices") or q.get("items") or q.get("places") or []}
            if q["kind"] == "true_false":
                assert isinstance(answer, bool), (q["kind"], answer)
            elif q["kind"] in ("single",) or (q["kind"] == "picture" and not q.get("multiple")):
                assert isinstance(answer, str) and answer in ids, (q["kind"], answer)
            elif q["kind"] == "multiple" or q["kind"] == "picture":
                assert isinstance(answer, list) and set(answer) <= ids, (q["kind"], answer)
            elif q["kind"] == "order":
                assert isinstance(answer, list) and set(answer) <= ids and len(set(answer)) == len(answer), answer
            elif q["kind"] == "find":
                assert isinstance(answer, dict), (q["kind"], answer)


def check(resume, text: str) -> None:
    reply = resume("roundtrip", tour=SMALL, text=text)
    if reply["state"] is None:
        return
    assert_well_formed(reply["state"])
    assert reply["state2"] == reply["state"], "an accepted state changes through its own text form"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=80), st.text(alphabet=ALPHABET, max_size=80)))
@example(text="")
@example(text="T1")
@example(text="T1~")
@example(text="T1~~~~")
def test_decoding_garbage_never_throws(resume, text):
    check(resume, text)
    check(resume, "T1~" + text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_valid_text_never_throws_and_what_it_accepts_is_well_formed(resume, valid_text, data):
    text = valid_text
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        how = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = data.draw(st.text(alphabet=ALPHABET + "\u0000é🙂", min_size=1, max_size=3))
        if how == "insert":
            text = text[:at] + piece + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + len(piece):]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    check(resume, text)


def test_the_full_state_round_trips(resume, valid_text):
    state = resume("decode", tour=SMALL, text=valid_text)["state"]
    assert_well_formed(state)
    expected = full_state()
    assert state["quizzes"] == expected["quizzes"] and state["visited"] == expected["visited"]


@pytest.mark.parametrize("damage", [
    ("1xs1", "1xt"),  # found by hypothesis: a single-choice question decoded with the answer `true`
    ("1xt", "1xp3h,-v"),  # found: a true/false question decoded with a pointed direction
    ("1xp3h,-v", "1xt"),  # found: a "find" question decoded with `true`
    ("1xm1", "1xs1"),  # a multiple-choice question decoded with one id instead of a list
    ("o012345", "o001234"),  # an order with an item twice
])
def test_regression_a_damaged_text_never_gives_a_question_another_kinds_answer(resume, valid_text, damage):
    old, new = damage
    assert old in valid_text
    assert resume("decode", tour=SMALL, text=valid_text.replace(old, new, 1))["state"] is None


@pytest.mark.parametrize("damage", [
    ("1xt.1xp3h", "1xt.0:1xp3h"),  # found by hypothesis: "0" decoded as an empty entry the encoder never writes
    ("1xt.1xp3h", "1xt.0.1xp3h"),  # the same empty entry without the extra field
    ("~q1:2:3:", "~q1:2:3:4:"),    # a quiz with a field too many (the rest used to be ignored)
])
def test_regression_a_damaged_quiz_section_is_refused_not_half_read(resume, valid_text, damage):
    old, new = damage
    assert old in valid_text
    assert resume("decode", tour=SMALL, text=valid_text.replace(old, new, 1))["state"] is None
