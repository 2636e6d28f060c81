"""cmi5 packages: the web tour as one assignable unit (AU), with ``cmi5.xml`` at the root.

The course structure names the course and its one AU by IRIs made from the tour's id
(:func:`course_iri`), gives the AU's launch file (``index.html``, relative inside the zip), and
turns the tour's completion rule into the AU's ``moveOn`` and ``masteryScore``:

=========================================  ======================  ==============
completion criteria                        moveOn                  masteryScore
=========================================  ======================  ==============
the final quiz only                        ``Passed``              pass mark / 100
the final quiz and visits / hotspots       ``CompletedAndPassed``  pass mark / 100
visits and/or hotspots, no quiz            ``Completed``           none
=========================================  ======================  ==============

``cmi5.xml`` is validated with lxml against the cmi5 ``CourseStructure.xsd`` (shipped in
``schemas/cmi5/``, Apache-2.0) before the package is written. At launch the LMS adds
``endpoint``, ``fetch``, ``actor``, ``registration`` and ``activityId`` to the URL; the
player's cmi5 tracker (web/src/player/tracking/cmi5.js) does the rest.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from pathlib import Path

from lxml import etree

from ..model import Tour
from .pipeline import Source
from .scorm_manifest import ManifestError, _clean, _one_line, _path_problem, _safe_parser, _shorten
from .web import render_site

__all__ = ["CMI5_NS", "COURSE_FILE", "CMI5", "Cmi5Target", "build_course_structure", "course_iri",
           "move_on", "validate_course_structure"]

CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
COURSE_FILE = "cmi5.xml"
LAUNCH_FILE = "index.html"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "cmi5" / "CourseStructure.xsd"
TITLE_MAX = 200
DESCRIPTION_MAX = 1000


def course_iri(tour: Tour) -> str:
    """The course's id: an IRI that stays the same for every export of the tour."""
    return f"urn:tourbuilder:tour:{tour.id}"


def move_on(tour: Tour) -> tuple[str, str | None]:
    """The AU's (moveOn, masteryScore) for the tour's completion rule (see the module docstring)."""
    criteria = tour.completion.criteria
    if "quiz" not in criteria:
        return "Completed", None
    mastery = format((Decimal(tour.completion.pass_mark) / 100).normalize(), "f")
    return ("Passed" if criteria == ("quiz",) else "CompletedAndPassed"), mastery


def _langstrings(parent: etree._Element, name: str, text: dict[str, str], tour: Tour, fallback: str,
                 limit: int, one_line: bool) -> None:
    element = etree.SubElement(parent, f"{{{CMI5_NS}}}{name}")
    written = 0
    for lang in tour.languages:
        value = (text or {}).get(lang, "")
        value = _one_line(value) if one_line else _clean(value)
        if value:
            etree.SubElement(element, f"{{{CMI5_NS}}}langstring", lang=lang).text = _shorten(value, limit)
            written += 1
    if not written:
        etree.SubElement(element, f"{{{CMI5_NS}}}langstring", lang=tour.default_language).text = fallback


def build_course_structure(tour: Tour, *, launch: str = LAUNCH_FILE) -> bytes:
    """cmi5.xml for a one-AU course; every title and description in each of the tour's languages."""
    problem = _path_problem(launch)
    if problem:
        raise ValueError(f"launch file {launch!r} {problem}")
    course_id = course_iri(tour)
    title = _one_line(tour.title.get(tour.default_language, "")) or tour.id
    root = etree.Element(f"{{{CMI5_NS}}}courseStructure", nsmap={None: CMI5_NS})
    course = etree.SubElement(root, f"{{{CMI5_NS}}}course", id=course_id)
    _langstrings(course, "title", tour.title, tour, title, TITLE_MAX, True)
    _langstrings(course, "description", tour.description or tour.title, tour, title, DESCRIPTION_MAX, False)
    au = etree.SubElement(root, f"{{{CMI5_NS}}}au", id=f"{course_id}:au:tour")
    moves, mastery = move_on(tour)
    au.set("moveOn", moves)
    if mastery is not None:
        au.set("masteryScore", mastery)
    au.set("launchMethod", "AnyWindow")
    _langstrings(au, "title", tour.title, tour, title, TITLE_MAX, True)
    _langstrings(au, "description", tour.description or tour.title, tour, title, DESCRIPTION_MAX, False)
    etree.SubElement(au, f"{{{CMI5_NS}}}url").text = launch
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@functools.lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA), _safe_parser()))


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def validate_course_structure(data: bytes, files: list[str] | None = None) -> None:
    """Raise :class:`ManifestError` unless ``data`` is a valid cmi5.xml: valid against the cmi5
    schema, every AU ``url`` relative inside the package (and, given ``files``, one of them),
    ``masteryScore`` from 0 to 1."""
    label = COURSE_FILE
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ManifestError([f"not well-formed XML: {exc}"], label) from None
    schema = _schema()
    problems = []
    if not schema.validate(root):
        problems += [f"line {e.line}: {e.message} (schema)" for e in schema.error_log]
    for au in root.iter(f"{{{CMI5_NS}}}au"):
        url = (au.findtext(f"{{{CMI5_NS}}}url") or "").strip()
        path = re.split(r"[?#]", url, maxsplit=1)[0]
        problem = _path_problem(path) if not _SCHEME.match(url) else None
        if problem:
            problems.append(f"line {au.sourceline}: au url {url!r} {problem}")
        elif files is not None and not _SCHEME.match(url) and path not in files:
            problems.append(f"line {au.sourceline}: au url {url!r} is not a file of the package")
    if problems:
        raise ManifestError(problems, label)


class Cmi5Target:
    name = "cmi5"
    help = "A cmi5 package (cmi5.xml and the tour) for an LMS with an xAPI record store."

    def render(self, source: Source, stage: Path) -> None:
        render_site(source, stage, tracking="cmi5")
        files = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
        data = build_course_structure(source.tour)
        validate_course_structure(data, files)
        (stage / COURSE_FILE).write_bytes(data)


CMI5 = Cmi5Target()
