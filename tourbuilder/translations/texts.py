"""Every translatable text of a tour, each at a stable path, and setting texts by path.

Which texts are translatable is read from the model itself: every field whose JSON Schema
carries ``x-translatable`` (the ``LocalText`` fields of tourbuilder/model/tour.py) is one, so a
new text field in the model is picked up here without a change. A field that also carries an
HTML mark (``x-format: html``, ``contentMediaType: text/html`` or ``x-html``) is *rich*: its
texts are a small HTML subset, kept as markup by the XLIFF export (see xliff.py).

Paths name things by their ids, never by list positions, so a path stays the same when scenes,
hotspots or choices are reordered: ``title``, ``scenes.mill.title``,
``scenes.mill.hotspots.pump.title``, ``scenes.mill.narration.text``,
``quizzes.final.questions.q1.choices.a.text``, ``quizzes.final.questions.q1.feedback.wrong``.
(They are the places tourbuilder.check reports.) Ids cannot contain ".", so a path splits on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from pydantic import BaseModel

from ..model import Tour, TourError, dump_tour, load_tour

#: Lists whose items are named by their id in a path (the next segment is the id).
COLLECTIONS = ("hotspots", "questions", "choices", "places", "items")


@dataclass(frozen=True)
class Problem:
    """One reason a translation cannot be applied: where (a text's path, or "" for the whole
    file) and why. ``code`` and ``params`` let the app say it in the interface's language;
    ``message`` is the English."""

    path: str
    code: str
    message: str
    params: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"path": self.path, "code": self.code, "message": self.message}


class TranslationError(ValueError):
    """Translations that cannot be applied; ``problems`` lists every reason. Nothing was changed."""

    def __init__(self, problems: list[Problem], status: int = 422):
        self.problems = problems
        self.status = status
        super().__init__("; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in problems))


@dataclass(frozen=True)
class TranslatableText:
    """One text a person reads, in every language the tour has it in."""

    path: str
    texts: dict[str, str]
    rich: bool = False          # an HTML subset, not plain text

    @property
    def group(self) -> str:
        """The scene or quiz the text belongs to ("scenes.mill", "quizzes.final"), or "tour"."""
        head = self.path.split(".")
        return ".".join(head[:2]) if head[0] in ("scenes", "quizzes") and len(head) > 2 else "tour"

    @property
    def crumbs(self) -> list[tuple[str, str]]:
        """The named things on the way inside the group: [("hotspots", "pump"), ...]."""
        parts = self.path.split(".")[2:] if self.group != "tour" else []
        out = []
        while len(parts) > 2 and parts[0] in COLLECTIONS:
            out.append((parts[0], parts[1]))
            parts = parts[2:]
        return out

    @property
    def field(self) -> str:
        """What the text is for its owner: "title", "narration.text", "feedback.wrong"..."""
        parts = self.path.split(".")
        if self.group != "tour":
            parts = parts[2:]
        while len(parts) > 2 and parts[0] in COLLECTIONS:
            parts = parts[2:]
        return ".".join(parts)

    def has(self, language: str) -> bool:
        return bool(self.texts.get(language, "").strip())

    def missing(self, languages: Iterable[str]) -> list[str]:
        """The languages this text has no (non-blank) text in."""
        return [lang for lang in languages if not self.has(lang)]


def _marks(info) -> dict:
    extra = info.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _is_rich(marks: dict) -> bool:
    return bool(marks.get("x-format") == "html" or marks.get("contentMediaType") == "text/html"
                or marks.get("x-html") or marks.get("x-rich-text"))


def _walk_model(model: BaseModel, prefix: str) -> Iterator[tuple[str, dict, bool]]:
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}.{name}" if prefix else name
        marks = _marks(info)
        if marks.get("x-translatable"):
            if isinstance(value, dict):
                yield path, value, _is_rich(marks)
            continue
        yield from _walk_value(value, path)


def _walk_value(value: Any, path: str) -> Iterator[tuple[str, dict, bool]]:
    if isinstance(value, BaseModel):
        yield from _walk_model(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, BaseModel):
                yield from _walk_model(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if isinstance(item, BaseModel):
                # Items with ids are named by them (stable); others (none translatable today) by position.
                yield from _walk_model(item, f"{path}.{getattr(item, 'id', index)}")


def all_texts(tour: Tour) -> list[TranslatableText]:
    """Every translatable field of the tour that exists, empty ones included, in document order."""
    return [TranslatableText(path, dict(texts), rich) for path, texts, rich in _walk_model(tour, "")]


def list_texts(tour: Tour) -> list[TranslatableText]:
    """Every text of the tour that has words in at least one language (a field empty in every
    language has nothing to translate), in document order: the tour's, then each scene's and
    each quiz's."""
    return [text for text in all_texts(tour) if any(value.strip() for value in text.texts.values())]


def ordered_languages(tour: Tour) -> list[str]:
    """The tour's languages, Mongolian first (the team's rule), the others in the tour's order."""
    return sorted(tour.languages, key=lambda lang: (lang != "mn", tour.languages.index(lang)))


def _container(document: dict, path: str) -> dict:
    """The JSON object that holds the LocalText at ``path`` (KeyError when there is none)."""
    node: Any = document
    for segment in path.split(".")[:-1]:
        if isinstance(node, dict):
            node = node[segment]
        elif isinstance(node, list):
            node = next((item for item in node if isinstance(item, dict) and item.get("id") == segment), None)
            if node is None:
                raise KeyError(segment)
        else:
            raise KeyError(segment)
    if not isinstance(node, dict):
        raise KeyError(path)
    return node


def set_texts(tour: Tour, changes: Iterable[tuple[str, str, str]]) -> Tour:
    """A new Tour with each (path, language, text) of ``changes`` set (an empty text removes
    that language's text), validated by the model. The given tour is not changed.

    Raises TranslationError (listing every problem) for an unknown path, a language the tour
    does not have, or a result the model refuses."""
    known = {text.path for text in all_texts(tour)}
    document = dump_tour(tour)
    problems: list[Problem] = []
    for path, language, value in changes:
        if language not in tour.languages:
            problems.append(Problem(path, "unknown_language",
                                    f"the tour has no language '{language}' (it has {', '.join(tour.languages)})",
                                    {"language": language, "languages": ", ".join(tour.languages)}))
            continue
        if path not in known:
            problems.append(Problem(path, "unknown_path",
                                    "the tour has no such text (deleted or renamed since?)", {}))
            continue
        holder = _container(document, path)
        name = path.rsplit(".", 1)[-1]
        texts = dict(holder.get(name) or {})
        if value.strip():
            texts[language] = value
        else:
            texts.pop(language, None)
        holder[name] = texts
    if problems:
        raise TranslationError(problems)
    try:
        return load_tour(document)
    except TourError as exc:
        raise TranslationError([Problem("", "invalid_document", f"the tour would not be valid: {p}", {"problem": p})
                                for p in exc.problems]) from None
