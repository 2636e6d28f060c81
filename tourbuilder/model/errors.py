"""Turn validation failures into messages that name the place and the fix."""

from __future__ import annotations

from pydantic import ValidationError

from .tour import HOTSPOT_KINDS, QUESTION_KINDS


class TourError(ValueError):
    """A tour document (or folder) that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[str], source: str | None = None):
        self.problems = problems
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + "; ".join(problems))


def place_of(loc: tuple) -> str:
    """('scenes', 'mill', 'hotspots', 0, 'info', 'text') -> 'scenes.mill.hotspots[0].text'."""
    parts: list[str] = []
    previous = None
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif isinstance(previous, int) and item in (HOTSPOT_KINDS + QUESTION_KINDS):
            # pydantic adds the union tag to the path; a person thinks of hotspots[0].text.
            pass
        else:
            parts.append(("." if parts else "") + str(item))
        previous = item
    return "".join(parts) or "the top level"


def describe(error: dict) -> str:
    loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        return f"unknown key '{key}' at {place_of(loc[:-1])}: remove it or check its spelling"
    if kind == "missing":
        return f"{place_of(loc)} is required but missing"
    if kind == "union_tag_invalid":
        kinds = QUESTION_KINDS if "questions" in loc else HOTSPOT_KINDS
        return (f"{place_of(loc)}: kind {error.get('input', {}).get('kind')!r} is not one of "
                f"{', '.join(kinds)}")
    message = error.get("msg", "is not valid").removeprefix("Value error, ")
    return f"{place_of(loc)}: {message}" if loc else message


def from_validation_error(exc: ValidationError, source: str | None = None) -> TourError:
    return TourError([describe(e) for e in exc.errors()], source)
