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

import itertools
import math
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from .richtext import sanitise_html

SCHEMA_VERSION = 3

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
# Characters XML 1.0 cannot hold (C0 controls but tab and line ends, lone surrogates, U+FFFE/F):
# refused in every text, so a text can go into a SCORM manifest, a caption file or the database as is.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def readable_text(value: str) -> str:
    """Refuse control characters and lone surrogates (they are never meant, and break XML and UTF-8)."""
    bad = _UNREADABLE.search(value)
    if bad:
        raise ValueError(f"contains the character U+{ord(bad.group()):04X} at position {bad.start()}, which "
                         "a text cannot hold (a control character or a broken one): remove it or retype the text")
    return value


def _sanitised_html(value: str) -> str:
    return sanitise_html(readable_text(value))


Text = Annotated[str, AfterValidator(readable_text)]
LocalText = Annotated[
    dict[LanguageCode, Text],
    Field(
        description="A text a person reads, one entry per language.",
        json_schema_extra={"x-translatable": True},
    ),
]
RichText = Annotated[
    dict[LanguageCode, Annotated[str, AfterValidator(_sanitised_html)]],
    Field(
        description="A text a person reads, one entry per language, as HTML of a small subset: "
        "p, br, strong, em, ul, ol, li and a href (https:, http:, mailto:). Anything else is removed on save.",
        json_schema_extra={"x-translatable": True, "x-format": "html"},
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


NARRATION_ENGINES = ("recording", "gtts", "espeak", "none")
#: Engines whose voice is a machine's: a draft for the author to replace with a recording.
ROBOT_ENGINES = ("gtts", "espeak")

Seconds = Annotated[float, Field(ge=0, le=86400, allow_inf_nan=False, description="Seconds from the start.")]


class Cue(Strict):
    """A stretch of the audio and the text spoken in it (a sentence, or a word)."""

    start: Seconds
    end: Seconds
    text: Text

    @model_validator(mode="after")
    def _ordered(self) -> "Cue":
        if self.end < self.start:
            raise ValueError(f"a cue ends ({self.end}) before it starts ({self.start})")
        return self


class NarrationTrack(Strict):
    """One language's spoken version of a narration text: who or what speaks it, and when
    each sentence is said. A track with only ``engine`` asks `tourbuilder narrate` to make it."""

    engine: Literal["recording", "gtts", "espeak", "none"] = Field(
        description="'recording': a person's voice, uploaded; 'gtts': Google's online voice; "
        "'espeak': the offline espeak-ng voice; 'none': text and captions only, no sound."
    )
    robot: bool = Field(
        default=False,
        description="A machine's voice (gtts, espeak): shown as such to learners and authors, "
        "a draft until a person records the text.",
    )
    voice: Text | None = Field(default=None, max_length=64, description="The engine's voice, e.g. 'en-us'.")
    audio: MediaKey | None = Field(default=None, description="The sound: mono MP3 (about 32 kbit/s).")
    captions: MediaKey | None = Field(default=None, description="The same cues as a WebVTT file.")
    duration: Seconds | None = Field(default=None, description="Length of the audio (or of the "
                                     "captions' reading time when there is no audio), in seconds.")
    text_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        default=None, description="sha256 of the text the track was made from: a changed text makes it out of date."
    )
    timing: Literal["synthesis", "estimated"] | None = Field(
        default=None, description="'synthesis': cue times measured sentence by sentence; "
        "'estimated': spread over the audio by length and pauses (recordings, captions only).",
    )
    cues: list[Cue] = Field(default=[], description="One cue per sentence, in order, in seconds.")
    words: list[Cue] | None = Field(default=None, description="Word timings, when the engine gives them.")

    @model_validator(mode="before")
    @classmethod
    def _robot_follows_engine(cls, data: Any) -> Any:
        if isinstance(data, dict) and "robot" not in data and data.get("engine") in ROBOT_ENGINES:
            data = {**data, "robot": True}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "NarrationTrack":
        if self.robot != (self.engine in ROBOT_ENGINES):
            raise ValueError(f"robot must be {str(self.engine in ROBOT_ENGINES).lower()} "
                             f"for engine '{self.engine}'")
        if self.engine == "none" and self.audio is not None:
            raise ValueError("engine 'none' has no audio: remove 'audio' or choose an engine")
        return self


class Narration(Strict):
    """Spoken text per language, and per language the track that speaks it."""

    text: LocalText = {}
    tracks: dict[LanguageCode, NarrationTrack] = Field(
        default={}, description="Per language: the engine chosen and what it made (audio, captions, cues)."
    )


class HotspotBase(Strict):
    id: Identifier
    yaw: Yaw
    pitch: Pitch
    title: LocalText = Field(description="The hotspot's accessible name and label.")
    narration: Narration | None = None


class SceneLinkHotspot(HotspotBase):
    kind: Literal["scene"]
    target: Identifier = Field(description="The id of the scene this link leads to.")
    arrival: View | Literal["keep_heading"] | None = Field(
        default=None,
        description="The view on arrival: a view, or \"keep_heading\" to keep the compass direction "
        "the learner faces (pitch and zoom from the target's initial view); the target's initial "
        "view when absent.",
    )


class InfoHotspot(HotspotBase):
    kind: Literal["info"]
    text: RichText = Field(default={}, description="Rich text (HTML subset: p, br, strong, em, ul, ol, li, "
                           "a href https/http/mailto); sanitised on save and on export.")
    image: MediaKey | None = None


class MediaHotspot(HotspotBase):
    kind: Literal["media"]
    media: MediaKey = Field(description="A picture, video or audio clip.")
    caption: LocalText = {}


class QuizHotspot(HotspotBase):
    kind: Literal["quiz"]
    quiz: Identifier = Field(description="The id of the quiz this hotspot opens.")


class NarrationHotspot(HotspotBase):
    """A "listen again" button in the scene: plays the scene's narration from its start (for
    learners who read little, a loudspeaker to press whenever they want to hear it again)."""

    kind: Literal["narration"]

    @model_validator(mode="after")
    def _no_narration_of_its_own(self):
        if self.narration is not None:
            raise ValueError("a narration hotspot plays the scene's narration: give the text to the "
                             "scene's narration, or use an info hotspot for narration of its own")
        return self


HOTSPOT_KINDS = ("scene", "info", "media", "quiz", "narration")
Hotspot = Annotated[
    Union[SceneLinkHotspot, InfoHotspot, MediaHotspot, QuizHotspot, NarrationHotspot],
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


#: The most choices (or places, or items) a question may have: SCORM 1.2 names a choice in a
#: learner's response by one character (a-z, 0-9).
MAX_CHOICES = 36


class Choice(Strict):
    id: Identifier
    text: LocalText = Field(description="The choice as the learner reads it (also a picture's text alternative).")
    correct: bool = False
    feedback: LocalText = Field(default={}, description="Said when the learner chose this choice and checked.")
    image: MediaKey | None = Field(default=None, description="A picture shown with the text (optional).")


class PictureChoice(Choice):
    image: MediaKey = Field(description="The picture the learner chooses; 'text' describes it.")


class QuestionFeedback(Strict):
    correct: LocalText = Field(default={}, description="Said after a right answer.")
    wrong: LocalText = Field(default={}, description="Said after a wrong answer.")


QUESTION_KINDS = ("single", "multiple", "true_false", "picture", "find", "order")


class QuestionBase(Strict):
    id: Identifier
    prompt: LocalText
    points: int = Field(default=1, ge=0, le=1000, strict=True)
    feedback: QuestionFeedback | None = Field(
        default=None, description="Said after a check, besides the chosen choices' own feedback."
    )
    narration: Narration | None = Field(
        default=None, description="The prompt spoken (a 'Listen' button plays the track of the language shown)."
    )


class Question(QuestionBase):
    """A choice question: one right answer (radio buttons) or every right answer (checkboxes)."""

    kind: Literal["single", "multiple"] = Field(
        description="'single': exactly one choice is right; 'multiple': tick every right choice."
    )
    choices: list[Choice] = Field(min_length=2, max_length=MAX_CHOICES)

    @model_validator(mode="after")
    def _unique_choice_ids(self) -> "Question":
        _refuse_duplicates([c.id for c in self.choices], "choice id")
        return self


class TrueFalseQuestion(QuestionBase):
    """The prompt is a statement; the learner says whether it is true."""

    kind: Literal["true_false"]
    answer: bool = Field(description="Whether the statement in the prompt is true.")


class PictureQuestion(QuestionBase):
    """Pictures as the choices (buttons); the prompt can be spoken (narration)."""

    kind: Literal["picture"]
    multiple: bool = Field(default=False, description="Every right picture is to be chosen (else exactly one).")
    choices: list[PictureChoice] = Field(min_length=2, max_length=MAX_CHOICES)

    @model_validator(mode="after")
    def _unique_choice_ids(self) -> "PictureQuestion":
        _refuse_duplicates([c.id for c in self.choices], "choice id")
        return self


RegionPoint = Annotated[tuple[Yaw, Pitch], Field(description="[yaw, pitch] in degrees, as hotspots.")]


class Place(Strict):
    """A named place of a scene: the keyboard way to answer a 'find' question."""

    id: Identifier
    text: LocalText
    yaw: Yaw
    pitch: Pitch


class FindQuestion(QuestionBase):
    """'Find it in the scene': the learner points at the right place of a scene's panorama."""

    kind: Literal["find"]
    scene: Identifier = Field(description="The scene whose panorama the learner points at.")
    region: list[RegionPoint] = Field(
        min_length=3, max_length=64,
        description="The right place: a polygon of [yaw, pitch] corners (world angles, as hotspots).",
    )
    places: list[Place] = Field(
        min_length=2, max_length=MAX_CHOICES,
        description="Candidate places to choose from without pointing; the right one lies inside the region.",
    )

    @model_validator(mode="after")
    def _unique_place_ids(self) -> "FindQuestion":
        _refuse_duplicates([p.id for p in self.places], "place id")
        return self

    def contains(self, yaw: float, pitch: float) -> bool:
        """Whether a direction lies inside ``region`` (the player's test, web/src/player/questions/find.js)."""
        return region_contains(self.region, yaw, pitch)

    def right_places(self) -> list["Place"]:
        return [place for place in self.places if self.contains(place.yaw, place.pitch)]


def _unwrap(yaw: float, reference: float) -> float:
    """``yaw`` moved by whole turns to within 180° of ``reference``."""
    return reference + normalise_degrees(yaw - reference)


def region_contains(region, yaw: float, pitch: float) -> bool:
    """Even-odd test of a [yaw, pitch] polygon, in the plane of yaw and pitch with every yaw
    unwrapped to within 180° of the first corner (so a region may cross ±180°). Regions are
    meant to be small (an object in a scene), not to surround a pole."""
    if len(region) < 3:
        return False
    ref = region[0][0]
    corners = [(_unwrap(y, ref), p) for y, p in region]
    x = _unwrap(yaw, ref)
    inside = False
    j = len(corners) - 1
    for i in range(len(corners)):
        xi, yi = corners[i]
        xj, yj = corners[j]
        if (yi > pitch) != (yj > pitch) and x < (xj - xi) * (pitch - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


class OrderItem(Strict):
    id: Identifier
    text: LocalText


class OrderQuestion(QuestionBase):
    """Put the steps in order: ``items`` are written in the right order and shown shuffled."""

    kind: Literal["order"]
    items: list[OrderItem] = Field(min_length=2, max_length=MAX_CHOICES, description="In the right order.")

    @model_validator(mode="after")
    def _unique_item_ids(self) -> "OrderQuestion":
        _refuse_duplicates([i.id for i in self.items], "item id")
        return self


AnyQuestion = Annotated[
    Union[Question, TrueFalseQuestion, PictureQuestion, FindQuestion, OrderQuestion],
    Field(discriminator="kind"),
]


class Quiz(Strict):
    title: LocalText
    questions: list[AnyQuestion] = Field(min_length=1)
    tries: int = Field(
        default=1, ge=0, le=100, strict=True,
        description="How many times each question may be checked; a right answer ends it; 0: no limit.",
    )
    attempts: int = Field(
        default=0, ge=0, le=100, strict=True,
        description="How many times the learner may take the whole quiz (a new attempt starts empty); 0: no limit.",
    )
    shuffle: bool = Field(default=False, description="Show the choices in an order of the learner's own.")
    pass_mark: int | None = Field(
        default=None, ge=0, le=100, strict=True,
        description="Percent of points to pass this quiz; default completion.pass_mark (always that for the final quiz).",
    )
    checkpoint: Identifier | None = Field(
        default=None, description="A scene: this quiz is asked when the learner leaves it by a link to a later "
        "scene (in tour order), until it is passed or its attempts are used up.",
    )
    unlocks: list[Identifier] = Field(
        default=[], description="Scenes that stay locked until this quiz is passed.",
    )

    @model_validator(mode="after")
    def _unique_question_ids(self) -> "Quiz":
        _refuse_duplicates([q.id for q in self.questions], "question id")
        return self


COMPLETION_CRITERIA = ("visit", "hotspots", "quiz")
HotspotRef = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}/[a-z0-9][a-z0-9_-]{0,63}$"),
    Field(description="A hotspot as 'scene-id/hotspot-id'."),
]


class Completion(Strict):
    rule: Literal["quiz", "visit", "visit_and_quiz", "hotspots"] | list[Literal["visit", "hotspots", "quiz"]] = Field(
        default="quiz",
        description="'quiz': the final quiz passed; 'visit': a share of scenes visited; "
        "'hotspots': the required hotspots opened; 'visit_and_quiz': both; or a list of "
        "criteria that must all hold, e.g. [visit, hotspots, quiz].",
    )
    quiz: Identifier | None = Field(default=None, description="The final quiz, for 'quiz' rules.")
    pass_mark: int = Field(default=80, ge=0, le=100, strict=True, description="Percent of points.")
    visit_share: float = Field(default=1.0, ge=0, le=1, strict=True, allow_inf_nan=False)
    hotspots: list[HotspotRef] = Field(
        default=[], description="Hotspots the learner must open, for 'hotspots' rules."
    )

    @model_validator(mode="after")
    def _rule_list(self) -> "Completion":
        if isinstance(self.rule, list):
            if not self.rule:
                raise ValueError("rule is an empty list: name at least one of visit, hotspots, quiz")
            if len(set(self.rule)) != len(self.rule):
                raise ValueError("rule names a criterion twice: name each once")
        # (written out: _refuse_duplicates is defined below, and Completion() is made at import)
        repeated = sorted({ref for ref in self.hotspots if self.hotspots.count(ref) > 1})
        if repeated:
            raise ValueError(f"duplicate required hotspot '{repeated[0]}': each must be unique")
        return self

    @property
    def criteria(self) -> tuple[str, ...]:
        """The rule as the criteria that must all hold, in the order visit, hotspots, quiz."""
        rule = self.rule
        wanted = {"visit_and_quiz": {"visit", "quiz"}}.get(rule, {rule}) if isinstance(rule, str) else set(rule)
        return tuple(c for c in COMPLETION_CRITERIA if c in wanted)


class MediaInfo(Strict):
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    type: Annotated[str, StringConstraints(pattern=r"^[a-z]+/[a-z0-9.+-]+$")]
    size: int = Field(ge=0, strict=True)


class Tour(Strict):
    """A whole tour: the one document that is stored, checked and exported."""

    schema_version: Literal[3] = Field(description="The document format's version.")
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
        for place, narration in iter_narrations(self):
            extra = sorted(set(narration.tracks) - declared)
            if extra:
                raise ValueError(
                    f"{place}.tracks has a track in {', '.join(extra)}, which is not one of the tour's "
                    f"languages ({', '.join(self.languages)}): remove the track or add the language"
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
            if question.narration:
                yield f"{q_base}.narration.text", question.narration.text
            for choice in getattr(question, "choices", ()):
                yield f"{q_base}.choices.{choice.id}.text", choice.text
                yield f"{q_base}.choices.{choice.id}.feedback", choice.feedback
            for place in getattr(question, "places", ()):
                yield f"{q_base}.places.{place.id}.text", place.text
            for item in getattr(question, "items", ()):
                yield f"{q_base}.items.{item.id}.text", item.text
            if question.feedback:
                yield f"{q_base}.feedback.correct", question.feedback.correct
                yield f"{q_base}.feedback.wrong", question.feedback.wrong


def iter_narrations(tour: Tour):
    """Yield (place, Narration) for every narration of the tour: each scene's, then its hotspots'."""
    for scene_id, scene in tour.scenes.items():
        base = f"scenes.{scene_id}"
        if scene.narration:
            yield f"{base}.narration", scene.narration
        for spot in scene.hotspots:
            if spot.narration:
                yield f"{base}.hotspots.{spot.id}.narration", spot.narration


def iter_media_refs(tour: Tour):
    """Yield (place, media key) for every media file the tour refers to."""
    for scene_id, scene in tour.scenes.items():
        base = f"scenes.{scene_id}"
        yield f"{base}.panorama", scene.panorama
        for spot in scene.hotspots:
            spot_base = f"{base}.hotspots.{spot.id}"
            if isinstance(spot, InfoHotspot) and spot.image:
                yield f"{spot_base}.image", spot.image
            if isinstance(spot, MediaHotspot):
                yield f"{spot_base}.media", spot.media
    for place, narration in iter_all_narrations(tour):
        for lang, track in narration.tracks.items():
            if track.audio:
                yield f"{place}.tracks.{lang}.audio", track.audio
            if track.captions:
                yield f"{place}.tracks.{lang}.captions", track.captions
    for quiz_id, quiz in tour.quizzes.items():
        for question in quiz.questions:
            for choice in getattr(question, "choices", ()):
                if choice.image:
                    yield f"quizzes.{quiz_id}.questions.{question.id}.choices.{choice.id}.image", choice.image


def iter_all_narrations(tour: Tour):
    """Yield (place, Narration) for every narration: scenes' and hotspots', then questions'."""
    return itertools.chain(iter_narrations(tour), iter_question_narrations(tour))


def iter_question_narrations(tour: Tour):
    """Yield (place, Narration) for every question's spoken prompt (not in iter_narrations,
    whose places are scenes and hotspots)."""
    for quiz_id, quiz in tour.quizzes.items():
        for question in quiz.questions:
            if question.narration:
                yield f"quizzes.{quiz_id}.questions.{question.id}.narration", question.narration
