"""The tour document: typed models, validation messages, migrations and the JSON Schema."""

from __future__ import annotations

import json

from pydantic import ValidationError

from .errors import TourError, from_validation_error
from .migrations import migrate
from .tour import (
    SCHEMA_VERSION,
    AnyQuestion,
    Choice,
    Completion,
    Cue,
    InfoHotspot,
    MediaHotspot,
    MediaInfo,
    Narration,
    NarrationTrack,
    FindQuestion,
    OrderItem,
    OrderQuestion,
    PictureChoice,
    PictureQuestion,
    Place,
    Pose,
    Question,
    QuestionFeedback,
    Quiz,
    NarrationHotspot,
    QuizHotspot,
    TrueFalseQuestion,
    Scene,
    SceneLinkHotspot,
    Tour,
    View,
    iter_all_narrations,
    iter_media_refs,
    iter_narrations,
    iter_question_narrations,
    iter_texts,
    normalise_degrees,
)


#: A tour document is about ten levels deep; far deeper input is refused before it is walked.
MAX_DEPTH = 40
#: Lists, mappings and values in one document (a 40-scene tour with word timings has ~100,000).
MAX_NODES = 2_000_000


def _refuse_monsters(document) -> None:
    """Refuse input nested deeper or larger than any tour (without recursion, so a hostile
    document cannot exhaust the stack of the code that copies and validates it)."""
    stack = [(document, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH:
            raise TourError([f"the document is nested more than {MAX_DEPTH} levels deep: no tour is"])
        if nodes > MAX_NODES:
            raise TourError([f"the document has more than {MAX_NODES:,} entries: no tour is that large"])
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend((child, depth + 1) for child in node)


def load_tour(document: dict, source: str | None = None) -> Tour:
    """Migrate and validate a tour document (a dict as parsed from JSON or YAML).

    Raises :class:`TourError` (never anything else) for any document that is not a valid tour."""
    try:
        _refuse_monsters(document)
        return Tour.model_validate(migrate(document))
    except ValidationError as exc:
        raise from_validation_error(exc, source) from None
    except TourError as exc:
        raise TourError(exc.problems, source) from None


def dump_tour(tour: Tour) -> dict:
    """The JSON-ready document, without defaults that add nothing (stable, readable diffs)."""
    return tour.model_dump(mode="json", exclude_none=True)


def tour_json_schema() -> dict:
    schema = Tour.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://tourbuilder.invalid/schema/tour-v{SCHEMA_VERSION}.json",
        **schema,
    }


def tour_json_schema_text() -> str:
    return json.dumps(tour_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


__all__ = [
    "SCHEMA_VERSION", "Choice", "Completion", "Cue", "InfoHotspot", "MediaHotspot", "MediaInfo",
    "Narration", "NarrationHotspot", "NarrationTrack", "Pose", "Question", "Quiz", "QuizHotspot", "Scene", "SceneLinkHotspot",
    "Tour", "TourError", "View", "dump_tour", "iter_media_refs", "iter_narrations", "iter_texts", "load_tour",
    "migrate", "normalise_degrees", "tour_json_schema", "tour_json_schema_text",
    # quizzes
    "AnyQuestion", "FindQuestion", "OrderItem", "OrderQuestion", "PictureChoice", "PictureQuestion", "Place",
    "QuestionFeedback", "TrueFalseQuestion", "iter_all_narrations", "iter_question_narrations",
]
