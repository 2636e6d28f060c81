"""Find what keeps a tour from working for a learner: broken links, unreachable
scenes, questions that cannot be answered, missing media and translations.

Errors stop an export; warnings are reported (``--strict`` makes them errors).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from .model import QuizHotspot, SceneLinkHotspot, Tour, iter_media_refs, iter_texts



def _is_required_text(place: str) -> bool:
    """Texts a learner must see; an empty optional text (a feedback, a caption) is fine."""
    return place.endswith((".title", ".prompt")) or place == "title" or (
        ".choices." in place and place.endswith(".text"))


@dataclass(frozen=True)
class Finding:
    level: Literal["error", "warning"]
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.place}: {self.message}"


def check_tour(tour: Tour) -> list[Finding]:
    findings: list[Finding] = []
    findings += _check_links(tour)
    findings += _check_reachable(tour)
    findings += _check_questions(tour)
    findings += _check_completion(tour)
    findings += _check_media(tour)
    findings += _check_texts(tour)
    return findings


def has_errors(findings: list[Finding], strict: bool = False) -> bool:
    return any(f.level == "error" or strict for f in findings)


def _check_links(tour: Tour) -> list[Finding]:
    found = []
    if tour.start_scene not in tour.scenes:
        found.append(Finding("error", "start_scene",
                             f"scene '{tour.start_scene}' does not exist: choose one of {', '.join(tour.scenes)}"))
    for scene_id, scene in tour.scenes.items():
        for spot in scene.hotspots:
            place = f"scenes.{scene_id}.hotspots.{spot.id}"
            if isinstance(spot, SceneLinkHotspot) and spot.target not in tour.scenes:
                found.append(Finding("error", place, f"links to scene '{spot.target}', which does not exist"))
            if isinstance(spot, SceneLinkHotspot) and spot.target == scene_id:
                found.append(Finding("warning", place, "links to its own scene"))
            if isinstance(spot, QuizHotspot) and spot.quiz not in tour.quizzes:
                found.append(Finding("error", place, f"opens quiz '{spot.quiz}', which does not exist"))
    return found


def _check_reachable(tour: Tour) -> list[Finding]:
    if tour.start_scene not in tour.scenes:
        return []
    seen = {tour.start_scene}
    queue = deque([tour.start_scene])
    while queue:
        scene = tour.scenes[queue.popleft()]
        for spot in scene.hotspots:
            if isinstance(spot, SceneLinkHotspot) and spot.target in tour.scenes and spot.target not in seen:
                seen.add(spot.target)
                queue.append(spot.target)
    return [
        Finding("error", f"scenes.{scene_id}",
                f"cannot be reached from the start scene '{tour.start_scene}': add a link to it")
        for scene_id in tour.scenes if scene_id not in seen
    ]


def _check_questions(tour: Tour) -> list[Finding]:
    found = []
    for quiz_id, quiz in tour.quizzes.items():
        for question in quiz.questions:
            place = f"quizzes.{quiz_id}.questions.{question.id}"
            correct = sum(choice.correct for choice in question.choices)
            if correct == 0:
                found.append(Finding("error", place, "has no correct answer: mark at least one choice correct"))
            elif question.kind == "single" and correct > 1:
                found.append(Finding("error", place,
                                     f"is single choice but {correct} choices are marked correct: "
                                     "mark one, or make it a multiple-choice question"))
    return found


def _check_completion(tour: Tour) -> list[Finding]:
    rule = tour.completion
    if rule.rule == "visit":
        return []
    if rule.quiz is None:
        return [Finding("error", "completion.quiz", f"rule '{rule.rule}' needs the final quiz: set completion.quiz")]
    if rule.quiz not in tour.quizzes:
        return [Finding("error", "completion.quiz", f"quiz '{rule.quiz}' does not exist")]
    return []


def _check_media(tour: Tour) -> list[Finding]:
    found = []
    used = set()
    for place, key in iter_media_refs(tour):
        used.add(key)
        if key not in tour.media:
            found.append(Finding("error", place, f"media file {key} is missing: add the file"))
    for key in tour.media:
        if key not in used:
            found.append(Finding("warning", f"media.{key}", "is not used by any scene or hotspot"))
    return found


def _check_texts(tour: Tour) -> list[Finding]:
    found = []
    for place, text in iter_texts(tour):
        present = [lang for lang in tour.languages if text.get(lang, "").strip()]
        if not present:
            if _is_required_text(place):
                found.append(Finding("error", place, "has no text in any language"))
            continue
        for lang in tour.languages:
            if lang not in present:
                found.append(Finding("warning", place, f"missing translation: no '{lang}' text"))
    return found
