"""Find what keeps a tour from working for a learner: broken links, unreachable
scenes, questions that cannot be answered, missing media and translations.

Errors stop an export; warnings are reported (``--strict`` makes them errors).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from .model import (FindQuestion, InfoHotspot, NarrationHotspot, QuizHotspot, SceneLinkHotspot, Tour,
                    iter_all_narrations, iter_media_refs, iter_question_narrations, iter_texts)
from .model.richtext import plain_text
from .narration.text import text_sha256


def _is_required_text(place: str) -> bool:
    """Texts a learner must see; an empty optional text (a feedback, a caption) is fine."""
    return place.endswith((".title", ".prompt")) or place == "title" or (
        any(part in place for part in (".choices.", ".places.", ".items.")) and place.endswith(".text"))


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
    findings += _check_quiz_places(tour)
    findings += _check_completion(tour)
    findings += _check_media(tour)
    findings += _check_texts(tour)
    findings += _check_narration(tour)
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
            if question.kind in ("single", "multiple", "picture"):
                correct = sum(choice.correct for choice in question.choices)
                one = question.kind == "single" or (question.kind == "picture" and not question.multiple)
                if correct == 0:
                    found.append(Finding("error", place, "has no correct answer: mark at least one choice correct"))
                elif one and correct > 1:
                    what = ("is single choice" if question.kind == "single"
                            else "is a picture choice of one picture")
                    fix = ("make it a multiple-choice question" if question.kind == "single"
                           else "set 'multiple: true'")
                    found.append(Finding("error", place,
                                         f"{what} but {correct} choices are marked correct: mark one, or {fix}"))
            if isinstance(question, FindQuestion):
                found += _check_find(tour, question, place)
        for place, narration in iter_question_narrations(tour):
            if not place.startswith(f"quizzes.{quiz_id}."):
                continue
            extra = sorted(set(narration.tracks) - set(tour.languages))
            if extra:
                found.append(Finding("error", place, f"has a track in {', '.join(extra)}, which is not one "
                                     f"of the tour's languages ({', '.join(tour.languages)})"))
    return found


def _check_find(tour: Tour, question: FindQuestion, place: str) -> list[Finding]:
    found = []
    if question.scene not in tour.scenes:
        found.append(Finding("error", f"{place}.scene", f"scene '{question.scene}' does not exist"))
    right = question.right_places()
    if not right:
        found.append(Finding("error", f"{place}.places", "no place lies inside the region: the list of "
                             "places (the keyboard way to answer) has no right answer"))
    elif len(right) > 1:
        names = ", ".join(p.id for p in right)
        found.append(Finding("error", f"{place}.places", f"{len(right)} places lie inside the region "
                             f"({names}): exactly one may"))
    return found


def _quiz_scenes(tour: Tour) -> dict[str, set[str]]:
    """Where each quiz can be taken: the scenes of its hotspots and of its checkpoint."""
    where: dict[str, set[str]] = {quiz_id: set() for quiz_id in tour.quizzes}
    for scene_id, scene in tour.scenes.items():
        for spot in scene.hotspots:
            if isinstance(spot, QuizHotspot) and spot.quiz in where:
                where[spot.quiz].add(scene_id)
    for quiz_id, quiz in tour.quizzes.items():
        if quiz.checkpoint in tour.scenes:
            where[quiz_id].add(quiz.checkpoint)
    return where


def _check_quiz_places(tour: Tour) -> list[Finding]:
    """Checkpoints and locked scenes: they name scenes that exist, and every locked scene can be
    unlocked by a quiz the learner can reach without entering a locked scene."""
    found = []
    final = tour.completion.quiz
    where = _quiz_scenes(tour)
    locks: dict[str, list[str]] = {}
    for quiz_id, quiz in tour.quizzes.items():
        place = f"quizzes.{quiz_id}"
        if quiz.checkpoint is not None and quiz.checkpoint not in tour.scenes:
            found.append(Finding("error", f"{place}.checkpoint", f"scene '{quiz.checkpoint}' does not exist"))
        for scene_id in quiz.unlocks:
            if scene_id not in tour.scenes:
                found.append(Finding("error", f"{place}.unlocks", f"scene '{scene_id}' does not exist"))
            elif scene_id == tour.start_scene:
                found.append(Finding("error", f"{place}.unlocks",
                                     f"the start scene '{scene_id}' cannot be locked: the tour starts there"))
            else:
                locks.setdefault(scene_id, []).append(quiz_id)
        if quiz.unlocks and quiz.attempts:
            found.append(Finding("warning", f"{place}.attempts",
                                 f"the quiz unlocks scenes but allows {quiz.attempts} attempt(s): a learner who "
                                 "fails them all can never enter those scenes (0 allows any number)"))
        if quiz_id == final and quiz.pass_mark is not None and quiz.pass_mark != tour.completion.pass_mark:
            found.append(Finding("warning", f"{place}.pass_mark",
                                 f"is ignored: the final quiz's pass mark is completion.pass_mark "
                                 f"({tour.completion.pass_mark})"))
        if quiz_id != final and not where[quiz_id]:
            found.append(Finding("warning", place, "is never asked: open it from a quiz hotspot, make it a "
                                 "checkpoint, or make it the final quiz"))
    if locks and tour.start_scene in tour.scenes:
        passed: set[str] = set()
        if final in tour.quizzes and "quiz" in tour.completion.criteria:
            where[final] = where[final] | {"*"}  # the final quiz can also be taken from the progress panel
        while True:  # a scene opens once every quiz that locks it is passed
            open_scenes = _reachable(tour, {s for s, quizzes in locks.items() if not set(quizzes) <= passed})
            newly = {q for q, scenes in where.items() if q not in passed and (scenes & open_scenes or "*" in scenes)}
            if not newly:
                break
            passed |= newly
        for scene_id in locks:
            if scene_id not in open_scenes:
                found.append(Finding("error", f"scenes.{scene_id}",
                                     f"stays locked: {', '.join(locks[scene_id])} (which unlocks it) cannot be "
                                     "taken without entering a locked scene"))
    return found


def _reachable(tour: Tour, locked: set[str]) -> set[str]:
    seen = {tour.start_scene}
    queue = deque([tour.start_scene])
    while queue:
        for spot in tour.scenes[queue.popleft()].hotspots:
            if (isinstance(spot, SceneLinkHotspot) and spot.target in tour.scenes and spot.target not in seen
                    and spot.target not in locked):
                seen.add(spot.target)
                queue.append(spot.target)
    return seen


def _check_completion(tour: Tour) -> list[Finding]:
    rule = tour.completion
    found = []
    criteria = rule.criteria
    if "hotspots" in criteria:
        if not rule.hotspots:
            found.append(Finding("error", "completion.hotspots",
                                 "the rule needs required hotspots: list them as scene-id/hotspot-id"))
        for ref in rule.hotspots:
            scene_id, spot_id = ref.split("/")
            scene = tour.scenes.get(scene_id)
            if scene is None or not any(spot.id == spot_id for spot in scene.hotspots):
                found.append(Finding("error", "completion.hotspots", f"hotspot '{ref}' does not exist"))
    elif rule.hotspots:
        found.append(Finding("warning", "completion.hotspots", "is not used: the rule has no 'hotspots' criterion"))
    if "quiz" not in criteria:
        return found
    if rule.quiz is None:
        return found + [Finding("error", "completion.quiz",
                                f"rule '{_rule_name(rule.rule)}' needs the final quiz: set completion.quiz")]
    if rule.quiz not in tour.quizzes:
        return found + [Finding("error", "completion.quiz", f"quiz '{rule.quiz}' does not exist")]
    return found


def _rule_name(rule) -> str:
    return rule if isinstance(rule, str) else ", ".join(rule)


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


def _rich_text_places(tour: Tour) -> set[str]:
    """Places of rich texts (HTML): an info hotspot's text."""
    return {f"scenes.{scene_id}.hotspots.{spot.id}.text"
            for scene_id, scene in tour.scenes.items() for spot in scene.hotspots if isinstance(spot, InfoHotspot)}


def _check_texts(tour: Tour) -> list[Finding]:
    found = []
    rich = _rich_text_places(tour)
    for place, text in iter_texts(tour):
        # A rich text is missing when nothing of it would be read: "<p></p>" or "<br>" is empty.
        visible = plain_text if place in rich else str
        present = [lang for lang in tour.languages if visible(text.get(lang, "")).strip()]
        if not present:
            if _is_required_text(place):
                found.append(Finding("error", place, "has no text in any language"))
            continue
        for lang in tour.languages:
            if lang not in present:
                found.append(Finding("warning", place, f"missing translation: no '{lang}' text"))
    return found


def _check_narration(tour: Tour) -> list[Finding]:
    """What the narration needs: a "listen again" hotspot has something to play, and no track was
    made from an older text (the learner would hear one thing and read another)."""
    found = []
    for scene_id, scene in tour.scenes.items():
        texts = scene.narration.text if scene.narration else {}
        if any(isinstance(spot, NarrationHotspot) for spot in scene.hotspots) and not any(
                t.strip() for t in texts.values()):
            spot = next(s for s in scene.hotspots if isinstance(s, NarrationHotspot))
            found.append(Finding("warning", f"scenes.{scene_id}.hotspots.{spot.id}",
                                 "plays the scene's narration, but the scene has none: write the scene's "
                                 "narration, or remove this hotspot"))
    for place, narration in iter_all_narrations(tour):
        for lang, track in narration.tracks.items():
            text = narration.text.get(lang, "")
            if not text.strip():
                found.append(Finding("warning", f"{place}.tracks.{lang}",
                                     f"has no '{lang}' text any more: write the text, or remove the track"))
            elif track.text_sha256 and track.text_sha256 != text_sha256(text):
                again = "record it again" if track.engine == "recording" else "generate the speech again"
                found.append(Finding("warning", f"{place}.tracks.{lang}",
                                     f"is out of date: the '{lang}' text changed since it was made: {again}"))
    return found
