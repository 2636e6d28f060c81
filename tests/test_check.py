"""`check`: the problems that keep a tour from working for a learner."""

from __future__ import annotations

from tests.samples import minimal_document

from tourbuilder.check import check_tour, has_errors
from tourbuilder.model import MediaInfo, load_tour


def with_media(doc: dict):
    tour = load_tour(doc)
    for scene in tour.scenes.values():
        tour.media[scene.panorama] = MediaInfo(sha256="a" * 64, type="image/jpeg", size=1)
    return tour


def findings_of(doc: dict) -> list[tuple[str, str, str]]:
    return [(f.level, f.place, f.message) for f in check_tour(with_media(doc))]


def test_a_sound_tour_has_no_findings():
    assert findings_of(minimal_document()) == []


def test_the_demo_tour_passes_check(demo_folder):
    from tourbuilder.tourfolder import read_folder

    findings = check_tour(read_folder(demo_folder).tour)
    assert findings == []


def test_a_link_to_a_missing_scene_is_an_error():
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"][0]["target"] = "cellar"
    found = findings_of(doc)
    assert ("error", "scenes.yard.hotspots.to-hall", "links to scene 'cellar', which does not exist") in found
    # the hall is now unreachable too
    assert any(level == "error" and place == "scenes.hall" and "cannot be reached" in message
               for level, place, message in found)


def test_a_missing_start_scene_is_an_error():
    found = findings_of(minimal_document(start_scene="nowhere"))
    assert found[0][:2] == ("error", "start_scene")


def test_questions_without_a_correct_answer_are_errors():
    doc = minimal_document()
    for choice in doc["quizzes"]["final"]["questions"][0]["choices"]:
        choice["correct"] = False
    assert ("error", "quizzes.final.questions.q1",
            "has no correct answer: mark at least one choice correct") in findings_of(doc)


def test_single_choice_with_two_correct_answers_is_an_error():
    doc = minimal_document()
    for choice in doc["quizzes"]["final"]["questions"][0]["choices"]:
        choice["correct"] = True
    assert any("is single choice but 2 choices" in m for _, _, m in findings_of(doc))


def test_quiz_hotspot_and_completion_pointing_at_a_missing_quiz():
    doc = minimal_document(quizzes={})
    found = findings_of(doc)
    assert ("error", "scenes.hall.hotspots.quiz", "opens quiz 'final', which does not exist") in found
    assert ("error", "completion.quiz", "quiz 'final' does not exist") in found


def test_missing_translations_are_warnings_and_strict_makes_them_count():
    doc = minimal_document()
    del doc["scenes"]["hall"]["title"]["en"]
    findings = check_tour(with_media(doc))
    assert [(f.level, f.place, f.message) for f in findings] == [
        ("warning", "scenes.hall.title", "missing translation: no 'en' text")]
    assert not has_errors(findings)
    assert has_errors(findings, strict=True)


def test_a_title_with_no_text_at_all_is_an_error():
    doc = minimal_document()
    doc["scenes"]["hall"]["hotspots"][0]["title"] = {}
    assert ("error", "scenes.hall.hotspots.back.title", "has no text in any language") in findings_of(doc)


def test_missing_and_unused_media():
    tour = load_tour(minimal_document())
    tour.media["media/yard.jpg"] = MediaInfo(sha256="a" * 64, type="image/jpeg", size=1)
    tour.media["media/spare.jpg"] = MediaInfo(sha256="b" * 64, type="image/jpeg", size=1)
    found = [(f.level, f.place, f.message) for f in check_tour(tour)]
    assert ("error", "scenes.hall.panorama", "media file media/hall.jpg is missing: add the file") in found
    assert ("warning", "media.media/spare.jpg", "is not used by any scene or hotspot") in found


def test_out_of_date_and_orphaned_question_narration_tracks_are_warnings():
    """A question's spoken prompt is checked like a scene's: a track made from an older text, or
    a track whose text is gone."""
    from tourbuilder.narration.text import text_sha256

    doc = minimal_document()
    question = doc["quizzes"]["final"]["questions"][0]
    question["narration"] = {
        "text": {"en": "Which one is right now?"},
        "tracks": {"en": {"engine": "espeak", "robot": True, "text_sha256": text_sha256("Which one was right?")},
                   "mn": {"engine": "recording", "text_sha256": text_sha256("Аль нь зөв бэ?")}},
    }
    found = {place: message for level, place, message in findings_of(doc) if level == "warning"}
    assert "is out of date" in found["quizzes.final.questions.q1.narration.tracks.en"]
    assert "generate the speech again" in found["quizzes.final.questions.q1.narration.tracks.en"]
    assert "has no 'mn' text any more" in found["quizzes.final.questions.q1.narration.tracks.mn"]
    question["narration"]["tracks"]["en"]["text_sha256"] = text_sha256("Which one is right now?")
    del question["narration"]["tracks"]["mn"]
    assert not [f for f in findings_of(doc) if ".narration.tracks." in f[1]]
