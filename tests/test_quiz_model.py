"""Quizzes in the tour document: every question kind, retries and shuffling, checkpoints and
locked scenes, completion rules; what the model refuses and what `check` reports."""

from __future__ import annotations

import copy

import pytest

from tests.samples import minimal_document
from tourbuilder.check import check_tour
from tourbuilder.model import (
    FindQuestion,
    OrderQuestion,
    PictureQuestion,
    Question,
    TourError,
    TrueFalseQuestion,
    dump_tour,
    iter_media_refs,
    iter_texts,
    load_tour,
    tour_json_schema,
)
from tourbuilder.model.tour import region_contains


def tx(en: str) -> dict:
    return {"mn": f"{en} мн", "en": en}


FIND = {
    "id": "hood", "kind": "find", "prompt": tx("Where is the hood?"), "scene": "hall",
    "region": [[40, 20], [70, 20], [70, -5], [40, -5]],
    "places": [{"id": "hood", "text": tx("Hood"), "yaw": 55, "pitch": 8},
               {"id": "door", "text": tx("Door"), "yaw": -90, "pitch": 0}],
    "feedback": {"correct": tx("Yes"), "wrong": tx("No")},
}
ORDER = {"id": "steps", "kind": "order", "prompt": tx("Order"),
         "items": [{"id": "a", "text": tx("A")}, {"id": "b", "text": tx("B")}, {"id": "c", "text": tx("C")}]}
TRUE_FALSE = {"id": "tf", "kind": "true_false", "prompt": tx("Mercury is safe."), "answer": False}
PICTURE = {"id": "pic", "kind": "picture", "prompt": tx("Which is a helmet?"),
           "narration": {"text": tx("Which is a helmet?"), "tracks": {"mn": {"engine": "recording", "audio": "media/q.mp3"}}},
           "choices": [{"id": "helmet", "text": tx("Helmet"), "image": "media/helmet.jpg", "correct": True},
                       {"id": "cap", "text": tx("Cap"), "image": "media/cap.jpg"}]}


def quiz_document(**quiz_changes) -> dict:
    doc = minimal_document()
    quiz = doc["quizzes"]["final"]
    quiz["questions"] += [copy.deepcopy(q) for q in (FIND, ORDER, TRUE_FALSE, PICTURE)]
    quiz.update(quiz_changes)
    return doc


def found(doc) -> set[tuple[str, str, str]]:
    """What check reports, but for the media files (a document without its folder has none)."""
    return {(f.level, f.place, f.message) for f in check_tour(load_tour(doc)) if not f.message.startswith("media file")}


def problems_of(doc) -> list[str]:
    with pytest.raises(TourError) as caught:
        load_tour(doc)
    return caught.value.problems


def test_every_question_kind_loads_and_round_trips():
    tour = load_tour(quiz_document(tries=2, attempts=3, shuffle=True))
    kinds = [type(q) for q in tour.quizzes["final"].questions]
    assert kinds == [Question, FindQuestion, OrderQuestion, TrueFalseQuestion, PictureQuestion]
    quiz = tour.quizzes["final"]
    assert (quiz.tries, quiz.attempts, quiz.shuffle) == (2, 3, True)
    assert load_tour(dump_tour(tour)) == tour
    assert dump_tour(tour)["quizzes"]["final"]["questions"][1]["region"][0] == [40.0, 20.0]


def test_a_version_1_quiz_still_loads_unchanged():
    doc = minimal_document()
    tour = load_tour(doc)
    question = tour.quizzes["final"].questions[0]
    assert isinstance(question, Question) and question.kind == "single"
    assert (tour.quizzes["final"].tries, tour.quizzes["final"].attempts) == (1, 0)
    assert tour.completion.criteria == ("quiz",)


def test_texts_and_media_of_questions_are_found():
    tour = load_tour(quiz_document())
    places = dict(iter_texts(tour))
    for place in ("quizzes.final.questions.hood.places.hood.text", "quizzes.final.questions.steps.items.b.text",
                  "quizzes.final.questions.hood.feedback.wrong", "quizzes.final.questions.pic.narration.text"):
        assert place in places
    media = dict(iter_media_refs(tour))
    assert media["quizzes.final.questions.pic.choices.helmet.image"] == "media/helmet.jpg"
    assert media["quizzes.final.questions.pic.narration.tracks.mn.audio"] == "media/q.mp3"


def test_unknown_question_kind_names_the_question_kinds():
    doc = minimal_document()
    doc["quizzes"]["final"]["questions"][0]["kind"] = "essay"
    [problem] = problems_of(doc)
    assert problem.startswith("quizzes.final.questions[0]: kind 'essay' is not one of single, multiple, true_false")


@pytest.mark.parametrize("change, expected", [
    (lambda q: q["region"].pop() and q["region"].pop(), "region"),
    (lambda q: q.update(places=q["places"][:1]), "places"),
    (lambda q: q["places"].append(dict(q["places"][0])), "duplicate place id 'hood'"),
    (lambda q: q.update(region=[[0, 95], [1, 0], [2, 0]]), "region"),
])
def test_bad_find_questions_are_refused(change, expected):
    doc = quiz_document()
    change(doc["quizzes"]["final"]["questions"][1])
    problems = problems_of(doc)
    assert any(expected in p and "questions[1]" in p for p in problems), problems


def test_quiz_settings_are_range_checked():
    for key, value in (("tries", -1), ("attempts", 101), ("pass_mark", 120)):
        [problem] = problems_of(quiz_document(**{key: value}))
        assert problem.startswith(f"quizzes.final.{key}")


def test_region_contains_follows_the_polygon_across_180_degrees():
    box = [(170, 10), (-170, 10), (-170, -10), (170, -10)]
    assert region_contains(box, 180, 0) and region_contains(box, -175, 5) and region_contains(box, 175, -5)
    assert not region_contains(box, 0, 0) and not region_contains(box, 160, 0) and not region_contains(box, 180, 20)
    concave = [(0, 0), (20, 0), (20, 20), (10, 5), (0, 20)]
    assert region_contains(concave, 3, 5) and not region_contains(concave, 10, 15)


def test_check_finds_no_problem_in_a_good_quiz():
    assert {f for f in found(quiz_document()) if f[0] == "error"} == set()


def test_check_reports_a_find_question_without_exactly_one_right_place():
    doc = quiz_document()
    doc["quizzes"]["final"]["questions"][1]["places"][0]["yaw"] = 0
    assert ("error", "quizzes.final.questions.hood.places",
            "no place lies inside the region: the list of places (the keyboard way to answer) has no right answer") in found(doc)
    doc = quiz_document()
    doc["quizzes"]["final"]["questions"][1]["places"][1].update(yaw=45, pitch=0)
    assert any("2 places lie inside the region (hood, door)" in f[2] for f in found(doc))
    doc = quiz_document()
    doc["quizzes"]["final"]["questions"][1]["scene"] = "attic"
    assert ("error", "quizzes.final.questions.hood.scene", "scene 'attic' does not exist") in found(doc)


def test_check_reports_picture_choices_like_choice_questions():
    doc = quiz_document()
    doc["quizzes"]["final"]["questions"][4]["choices"][1]["correct"] = True
    assert any(f[1] == "quizzes.final.questions.pic" and "set 'multiple: true'" in f[2] for f in found(doc))
    doc["quizzes"]["final"]["questions"][4]["multiple"] = True
    assert not any(f[1] == "quizzes.final.questions.pic" for f in found(doc))


def checkpoint_document(**quiz) -> dict:
    doc = minimal_document()
    doc["quizzes"]["gate"] = {"title": tx("Gate"), "questions": [copy.deepcopy(TRUE_FALSE)], **quiz}
    return doc


def test_checkpoints_and_locks_name_scenes_that_exist():
    assert not [f for f in found(checkpoint_document(checkpoint="yard", unlocks=["hall"])) if f[0] == "error"]
    assert ("error", "quizzes.gate.checkpoint", "scene 'attic' does not exist") in found(checkpoint_document(checkpoint="attic"))
    assert ("error", "quizzes.gate.unlocks", "scene 'attic' does not exist") in found(
        checkpoint_document(checkpoint="yard", unlocks=["attic"]))
    assert ("error", "quizzes.gate.unlocks", "the start scene 'yard' cannot be locked: the tour starts there") in found(
        checkpoint_document(checkpoint="yard", unlocks=["yard"]))


def test_a_scene_locked_by_a_quiz_found_only_inside_it_can_never_open():
    doc = checkpoint_document(checkpoint="hall", unlocks=["hall"])
    assert ("error", "scenes.hall",
            "stays locked: gate (which unlocks it) cannot be taken without entering a locked scene") in found(doc)
    # The final quiz can always be taken from the progress panel.
    doc = minimal_document()
    doc["quizzes"]["final"]["unlocks"] = ["hall"]
    assert not [f for f in found(doc) if f[0] == "error"]


def test_check_warns_about_quizzes_never_asked_and_lock_attempts():
    assert ("warning", "quizzes.gate",
            "is never asked: open it from a quiz hotspot, make it a checkpoint, or make it the final quiz") in found(
        checkpoint_document())
    assert any(f[1] == "quizzes.gate.attempts" for f in found(checkpoint_document(checkpoint="yard", unlocks=["hall"], attempts=2)))


def test_completion_rules_as_lists_and_required_hotspots():
    doc = minimal_document(completion={"rule": ["visit", "hotspots", "quiz"], "quiz": "final",
                                       "hotspots": ["yard/to-hall", "hall/quiz"]})
    tour = load_tour(doc)
    assert tour.completion.criteria == ("visit", "hotspots", "quiz")
    assert not [f for f in found(doc) if f[0] == "error"]
    doc["completion"]["hotspots"] = ["yard/nothing"]
    assert ("error", "completion.hotspots", "hotspot 'yard/nothing' does not exist") in found(doc)
    doc["completion"]["hotspots"] = []
    assert any(f[1] == "completion.hotspots" and f[0] == "error" for f in found(doc))
    assert load_tour(minimal_document(completion={"rule": "visit_and_quiz", "quiz": "final"})).completion.criteria == (
        "visit", "quiz")
    for rule, message in (([], "empty list"), (["quiz", "quiz"], "twice")):
        [problem] = problems_of(minimal_document(completion={"rule": rule, "quiz": "final"}))
        assert message in problem
    [problem] = problems_of(minimal_document(completion={"rule": "hotspots", "hotspots": ["Yard/x"]}))
    assert problem.startswith("completion.hotspots[0]")


def test_json_schema_describes_every_question_kind():
    schema = tour_json_schema()
    defs = schema["$defs"]
    for name in ("Question", "TrueFalseQuestion", "PictureQuestion", "FindQuestion", "OrderQuestion"):
        assert defs[name]["additionalProperties"] is False
    assert defs["Place"]["properties"]["text"]["x-translatable"] is True
    assert defs["QuestionFeedback"]["properties"]["wrong"]["x-translatable"] is True


def test_texts_of_places_and_items_are_required():
    doc = quiz_document()
    doc["quizzes"]["final"]["questions"][2]["items"][0]["text"] = {}
    doc["quizzes"]["final"]["questions"][1]["places"][1]["text"] = {"en": "Door"}
    assert ("error", "quizzes.final.questions.steps.items.a.text", "has no text in any language") in found(doc)
    assert ("warning", "quizzes.final.questions.hood.places.door.text", "missing translation: no 'mn' text") in found(doc)
