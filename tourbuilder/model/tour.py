"""The tour document: one versioned JSON document, typed with pydantic.

Conventions (as in Pannellum): scenes are keyed by stable ids, angles are
degrees, yaw grows clockwise seen from above (east of north is positive),
pitch grows upwards. Every text a person reads is a per-language map
(``LocalText``), marked ``x-translatable`` in the JSON Schema.

The model refuses what makes a document meaningless (unknown keys, wrong
types, angles out of range, duplicate ids, texts in undeclared languages).
Problems an author fixes while editing (a link to a deleted scene, a missing
translation, a question without a correct answer) are reported by
:mod:`tourbuilder.check`, not refused here, so a half-finished tour can be saved.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

SCHEMA_VERSION = 1

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$"),
    Field(description="A stable id: lower-case letters, digits, '-' and '_', at most 64 characters."),
]
LanguageCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}$"),
    Field(description="An ISO 639 language code, such as 'mn' or 'en'."),
]
MediaKey = Annotated[
    str,
    StringConstraints(
        # Every segment starts with a letter or digit, so ".." and "/x" cannot occur.
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$",
        max_length=200,
    ),
    Field(description="A media file's path inside the tour folder, such as 'media/mill.jpg'."),
]
LocalText = Annotated[
    dict[LanguageCode, str],
    Field(
        description="A text a person reads, one entry per language.",
        json_schema_extra={"x-translatable": True},
    ),
]


def normalise_degrees(value: float) -> float:
    """Fold an angle into [-180, 180)."""
    folded = math.fmod(value + 180.0, 360.0)
    if folded < 0:
        folded += 360.0
    return round(folded - 180.0, 6)


def _finite_degrees(**limits: Any) -> Any:
    return Field(strict=True, allow_inf_nan=False, **limits)


Yaw = Annotated[float, _finite_degrees(description="Degrees, normalised to [-180, 180)."), AfterValidator(normalise_degrees)]
Pitch = Annotated[float, _finite_degrees(ge=-90, le=90, description="Degrees above the horizon, -90 to 90.")]
FieldOfView = Annotated[float, _finite_degrees(ge=10, le=120, description="Horizontal field of view in degrees.")]


class Strict(BaseModel):
    """Base of every part of the document: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class View(Strict):
    yaw: Yaw = 0.0
    pitch: Pitch = 0.0
    fov: FieldOfView = 90.0


class Pose(Strict):
    """Correction that turns the photo so that yaw 0 is north and the horizon is level."""

    heading: Yaw = 0.0
    pitch: Pitch = 0.0
    roll: Yaw = 0.0


class Narration(Strict):
    """Spoken text per language; ``audio`` holds a recording or synthesis per language."""

    text: LocalText = {}
    audio: dict[LanguageCode, MediaKey] = {}


class HotspotBase(Strict):
    id: Identifier
    yaw: Yaw
    pitch: Pitch
    title: LocalText = Field(description="The hotspot's accessible name and label.")
    narration: Narration | None = None


class SceneLinkHotspot(HotspotBase):
    kind: Literal["scene"]
    target: Identifier = Field(description="The id of the scene this link leads to.")
    arrival: View | None = Field(
        default=None, description="The view on arrival; the target's initial view when absent."
    )


class InfoHotspot(HotspotBase):
    kind: Literal["info"]
    text: LocalText = Field(default={}, description="Plain text; a blank line starts a new paragraph.")
    image: MediaKey | None = None


class MediaHotspot(HotspotBase):
    kind: Literal["media"]
    media: MediaKey = Field(description="A picture, video or audio clip.")
    caption: LocalText = {}


class QuizHotspot(HotspotBase):
    kind: Literal["quiz"]
    quiz: Identifier = Field(description="The id of the quiz this hotspot opens.")


HOTSPOT_KINDS = ("scene", "info", "media", "quiz")
Hotspot = Annotated[
    Union[SceneLinkHotspot, InfoHotspot, MediaHotspot, QuizHotspot],
    Field(discriminator="kind"),
]


class Scene(Strict):
    title: LocalText
    panorama: MediaKey = Field(description="The equirectangular photo of this scene.")
    pose: Pose = Pose()
    initial_view: View = View()
    hotspots: list[Hotspot] = []
    narration: Narration | None = None

    @model_validator(mode="after")
    def _unique_hotspot_ids(self) -> "Scene":
        _refuse_duplicates([h.id for h in self.hotspots], "hotspot id")
        return self


class Choice(Strict):
    id: Identifier
    text: LocalText
    correct: bool = False
    feedback: LocalText = {}


QUESTION_KINDS = ("single", "multiple")


class Question(Strict):
    id: Identifier
    kind: Literal["single", "multiple"] = Field(
        description="'single': exactly one choice is right; 'multiple': tick every right choice."
    )
    prompt: LocalText
    choices: list[Choice] = Field(min_length=2)
    points: int = Field(default=1, ge=0, le=1000, strict=True)

    @model_validator(mode="after")
    def _unique_choice_ids(self) -> "Question":
        _refuse_duplicates([c.id for c in self.choices], "choice id")
        return self


class Quiz(Strict):
    title: LocalText
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_question_ids(self) -> "Quiz":
        _refuse_duplicates([q.id for q in self.questions], "question id")
        return self


class Completion(Strict):
    rule: Literal["quiz", "visit", "visit_and_quiz"] = Field(
        default="quiz",
        description="'quiz': the final quiz passed; 'visit': a share of scenes visited; "
        "'visit_and_quiz': both.",
    )
    quiz: Identifier | None = Field(default=None, description="The final quiz, for 'quiz' rules.")
    pass_mark: int = Field(default=80, ge=0, le=100, strict=True, description="Percent of points.")
    visit_share: float = Field(default=1.0, ge=0, le=1, strict=True, allow_inf_nan=False)


class MediaInfo(Strict):
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    type: Annotated[str, StringConstraints(pattern=r"^[a-z]+/[a-z0-9.+-]+$")]
    size: int = Field(ge=0, strict=True)


class Tour(Strict):
    """A whole tour: the one document that is stored, checked and exported."""

    schema_version: Literal[1] = Field(description="The document format's version.")
    id: Identifier
    title: LocalText
    description: LocalText = {}
    languages: list[LanguageCode] = Field(
        min_length=1, description="The tour's languages; the first is the default."
    )
    start_scene: Identifier
    scenes: dict[Identifier, Scene] = Field(min_length=1)
    quizzes: dict[Identifier, Quiz] = {}
    completion: Completion = Completion()
    media: dict[MediaKey, MediaInfo] = Field(
        default={}, description="Every media file the tour uses, by its path in the tour folder."
    )

    @model_validator(mode="after")
    def _languages_declared(self) -> "Tour":
        _refuse_duplicates(self.languages, "language")
        declared = set(self.languages)
        for place, text in iter_texts(self):
            extra = sorted(set(text) - declared)
            if extra:
                raise ValueError(
                    f"{place} has text in {', '.join(extra)}, which is not one of the tour's "
                    f"languages ({', '.join(self.languages)}): add it to 'languages' or remove the text"
                )
        return self

    @property
    def default_language(self) -> str:
        return self.languages[0]


def _refuse_duplicates(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} '{value}': each must be unique")
        seen.add(value)


def iter_texts(tour: Tour):
    """Yield (place, LocalText) for every translatable text of the tour."""
    yield "title", tour.title
    yield "description", tour.description
    for scene_id, scene in tour.scenes.items():
        base = f"scenes.{scene_id}"
        yield f"{base}.title", scene.title
        if scene.narration:
            yield f"{base}.narration.text", scene.narration.text
        for spot in scene.hotspots:
            spot_base = f"{base}.hotspots.{spot.id}"
            yield f"{spot_base}.title", spot.title
            if spot.narration:
                yield f"{spot_base}.narration.text", spot.narration.text
            if isinstance(spot, InfoHotspot):
                yield f"{spot_base}.text", spot.text
            if isinstance(spot, MediaHotspot):
                yield f"{spot_base}.caption", spot.caption
    for quiz_id, quiz in tour.quizzes.items():
        base = f"quizzes.{quiz_id}"
        yield f"{base}.title", quiz.title
        for question in quiz.questions:
            q_base = f"{base}.questions.{question.id}"
            yield f"{q_base}.prompt", question.prompt
            for choice in question.choices:
                yield f"{q_base}.choices.{choice.id}.text", choice.text
                yield f"{q_base}.choices.{choice.id}.feedback", choice.feedback


def iter_media_refs(tour: Tour):
    """Yield (place, media key) for every media file the tour refers to."""
    for scene_id, scene in tour.scenes.items():
        base = f"scenes.{scene_id}"
        yield f"{base}.panorama", scene.panorama
        narrations = [(f"{base}.narration", scene.narration)]
        for spot in scene.hotspots:
            spot_base = f"{base}.hotspots.{spot.id}"
            narrations.append((f"{spot_base}.narration", spot.narration))
            if isinstance(spot, InfoHotspot) and spot.image:
                yield f"{spot_base}.image", spot.image
            if isinstance(spot, MediaHotspot):
                yield f"{spot_base}.media", spot.media
        for place, narration in narrations:
            if narration:
                for lang, key in narration.audio.items():
                    yield f"{place}.audio.{lang}", key
