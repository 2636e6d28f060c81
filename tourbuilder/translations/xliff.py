"""A tour's texts as an XLIFF file for translators, and the translated file read back.

**XLIFF 1.2, not 2.0.** 1.2 is the version every tool a translator of our tours may use opens
and saves without a conversion: OmegaT (its Okapi XLIFF filter), Trados Studio, memoQ, Phrase,
Crowdin, Weblate, Virtaal and the Translate Toolkit (which also takes Moodle-side translators from
XLIFF to .po and back). XLIFF 2.0 is read by fewer of them, and by some only through a
converter or a plugin, and it adds nothing a tour needs (one file, one language pair, plain
segments).

**Rich text** (an info hotspot's HTML subset: p, br, strong, em, ul, ol, li, a href) goes out as
XLIFF inline codes, not as escaped markup: ``<g id="1" ctype="x-html-p">…</g>`` around the words
of a paragraph, ``ctype="bold"``/``"italic"``/``"link"`` for strong/em/a, ``<x id="2" ctype="lb"/>``
for a line break. CAT tools show these as protected tags the translator moves around the words,
so the translator sees only the text, and cannot break the markup (escaped markup would be
editable text that a translator, or a machine translation, could mangle). The markup itself is
never read from the file: on import each code is looked up by its id in the *current* source
text, and its tag and href are copied from there. A translated file can therefore neither add
an element nor change a link (a unit with a code the source does not have is refused); link
targets are listed in the unit's note.

**Import** matches units by id (the text's path, see texts.py) and by source text: when the
source text changed since the export, the unit is refused with a message that says so (a stale
translation would silently translate an older text). Every problem of every unit is reported,
and the file is applied all or nothing.

**Hostile files**: parsed by lxml with entities left unresolved, no network, no DTD loading and
libxml2's size limits (no ``huge_tree``); any DOCTYPE is refused (XLIFF needs none: it is how
XXE and "billion laughs" files come), as are files over MAX_XLIFF_BYTES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from ..model import Tour
from .texts import Problem, TranslatableText, TranslationError, list_texts, set_texts

NS = "urn:oasis:names:tc:xliff:document:1.2"
NS_2 = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_XLIFF_BYTES = 8 * 1024 * 1024
MEDIA_TYPE = "application/x-xliff+xml"

#: HTML tag -> XLIFF 1.2 ctype (the spec's own values where there is one, "x-html-*" otherwise).
CTYPES = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "a": "link", "br": "lb",
          "p": "x-html-p", "ul": "x-html-ul", "ol": "x-html-ol", "li": "x-html-li"}
VOID = {"br"}
#: Inline elements a CAT tool may wrap around text of its own (segment and term marks): read through.
TRANSPARENT = {"mrk"}


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _note(parent, text: str):
    note = etree.SubElement(parent, _q("note"), {"from": "tourbuilder"})
    note.text = text
    return note


def primary_language(code: str | None) -> str:
    """"en-US" -> "en", "mn_MN" -> "mn": CAT tools add regions to the codes they were given."""
    return re.split(r"[-_]", (code or "").strip())[0].lower()


# --- writing ------------------------------------------------------------------------------

def _rich_codes(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html or "", create_parent="div")


def _fill_inline(target, element, counter: list[int], links: list[str]) -> None:
    """Copy an HTML element's children into XLIFF ``target`` as text, <g> and <x> codes."""
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction: the model drops them
            continue
        counter[0] += 1
        ident = str(counter[0])
        tag = child.tag.lower()
        if tag in VOID:
            code = etree.SubElement(target, _q("x"), {"id": ident, "ctype": CTYPES.get(tag, f"x-html-{tag}")})
        else:
            code = etree.SubElement(target, _q("g"), {"id": ident, "ctype": CTYPES.get(tag, f"x-html-{tag}")})
            code.text = child.text
            if tag == "a" and child.get("href"):
                links.append(f"{ident}: {child.get('href')}")
            _fill_inline(code, child, counter, links)
        code.tail = child.tail


def _source_element(parent, text: str, rich: bool, language: str) -> tuple[etree._Element, list[str]]:
    source = etree.SubElement(parent, _q("source"))
    source.set(f"{{{XML_NS}}}lang", language)
    links: list[str] = []
    if rich:
        html = _rich_codes(text)
        source.text = html.text
        _fill_inline(source, html, [0], links)
    else:
        source.text = text
    return source, links


def _describe(text: TranslatableText) -> str:
    """A note for the translator: where the text is shown."""
    where = {"tour": "the tour"}.get(text.group, text.group.replace("scenes.", "scene ").replace("quizzes.", "quiz "))
    crumbs = ", ".join(f"{kind[:-1] if kind.endswith('s') else kind} {ident}" for kind, ident in text.crumbs)
    return f"{text.field} of {where}" + (f", {crumbs}" if crumbs else "")


def write_xliff(tour: Tour, source: str, target: str, *, revision: int | None = None) -> bytes:
    """The XLIFF 1.2 file of every text of ``tour`` that has a ``source`` text, with the
    ``target`` text as the target where there is one. Built with lxml (no string joining)."""
    for language in (source, target):
        if language not in tour.languages:
            raise TranslationError([Problem("", "unknown_language",
                                            f"the tour has no language '{language}' (it has {', '.join(tour.languages)})",
                                            {"language": language, "languages": ", ".join(tour.languages)})], 400)
    if source == target:
        raise TranslationError([Problem("", "same_language", "the source and target languages are the same: "
                                        "choose two different languages", {"language": source})], 400)
    root = etree.Element(_q("xliff"), {"version": "1.2"}, nsmap={None: NS})
    file_ = etree.SubElement(root, _q("file"), {
        "original": f"tours/{tour.id}", "source-language": source, "target-language": target,
        "datatype": "plaintext", "product-name": "tourbuilder"})
    if revision is not None:
        file_.set("build-num", str(revision))
    header = etree.SubElement(file_, _q("header"))
    etree.SubElement(header, _q("tool"), {"tool-id": "tourbuilder", "tool-name": "tourbuilder"})
    _note(header, f"Tour '{tour.id}'" + (f", revision {revision}" if revision is not None else "")
          + f": {source} to {target}. Each unit's id is the text's place in the tour; keep the ids. "
          "Tags in rich texts stand for paragraphs, line breaks, bold, italic, lists and links: "
          "keep them around the matching words.")
    body = etree.SubElement(file_, _q("body"))
    groups: dict[str, etree._Element] = {}
    for text in list_texts(tour):
        if not text.has(source):
            continue  # nothing to translate from
        group = groups.get(text.group)
        if group is None:
            group = groups[text.group] = etree.SubElement(body, _q("group"), {"id": text.group,
                                                                              "resname": text.group})
        unit = etree.SubElement(group, _q("trans-unit"), {"id": text.path, "resname": text.path})
        unit.set(f"{{{XML_NS}}}space", "preserve")
        if text.rich:
            unit.set("datatype", "html")
        _source, links = _source_element(unit, text.texts[source], text.rich, source)
        if text.has(target):
            target_element = etree.SubElement(unit, _q("target"), {"state": "translated"})
            target_element.set(f"{{{XML_NS}}}lang", target)
            if text.rich:
                html = _rich_codes(text.texts[target])
                target_element.text = html.text
                _fill_inline(target_element, html, [0], [])
            else:
                target_element.text = text.texts[target]
        note = _describe(text)
        if text.rich:
            note += ". Rich text: keep the tags around the matching words."
        if links:
            note += " Links: " + "; ".join(links) + "."
        _note(unit, note)
    _indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


#: Elements whose content is text (with inline codes): never indented, as spaces there would be text.
MIXED = {_q("source"), _q("target"), _q("note")}


def _indent(element, level: int = 0) -> None:
    """Line breaks and indentation between structural elements only (lxml's pretty_print would also
    indent a <source> made only of inline codes, adding spaces to the text)."""
    children = [child for child in element if isinstance(child.tag, str)]
    if not children or element.tag in MIXED:
        return
    element.text = "\n" + "  " * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level


# --- reading ------------------------------------------------------------------------------

@dataclass
class UnitResult:
    """What the import did with one trans-unit."""

    path: str
    status: str            # changed | unchanged | untranslated | refused
    message: str = ""

    def as_json(self) -> dict:
        return {"path": self.path, "status": self.status, "message": self.message}


@dataclass
class ImportReport:
    source: str
    target: str
    units: list[UnitResult] = field(default_factory=list)
    tour: Tour | None = None           # the translated tour, when something changed

    @property
    def changed(self) -> int:
        return sum(unit.status == "changed" for unit in self.units)


def _refuse(code: str, message: str, status: int = 422, **params) -> TranslationError:
    return TranslationError([Problem("", code, message, params)], status)


def parse_xliff(data: bytes) -> etree._ElementTree:
    """Parse an uploaded file safely, or raise TranslationError saying what is wrong."""
    if len(data) > MAX_XLIFF_BYTES:
        raise _refuse("too_large", f"the file is {len(data) // (1024 * 1024)} MB; an XLIFF file of a tour is at "
                      f"most {MAX_XLIFF_BYTES // (1024 * 1024)} MB: translate the tour in parts", 413,
                      mb=MAX_XLIFF_BYTES // (1024 * 1024))
    if not data.strip():
        raise _refuse("malformed", "the file is empty: choose the XLIFF file your translation tool saved",
                      problem="empty")
    head = data[:4]
    if not (data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise _refuse("not_xml", "the file is not an XML file (XLIFF is XML): choose the .xlf file your "
                      "translation tool saved", 415)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _refuse("malformed", f"the file is not well-formed XML ({exc}): save it again as XLIFF 1.2 "
                      "from your translation tool", problem=str(exc)) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _refuse("doctype", "the file has a DOCTYPE (entity declarations): XLIFF needs none, and it is refused "
                      "for safety: remove it, or save the file again from your translation tool")
    if root.tag == f"{{{NS_2}}}xliff":
        raise _refuse("version", "this is XLIFF 2.0: save it as XLIFF 1.2 (the version of the file you "
                      "downloaded)", version="2.0")
    if root.tag != _q("xliff") or root.get("version") not in ("1.2", None):
        raise _refuse("not_xliff", "this is not an XLIFF 1.2 file: upload the file you downloaded from this "
                      "page, translated", version=root.get("version") or "")
    return tree


def _tokens(element) -> list[tuple[str, str]]:
    """The content of a <source> or <target> as comparable tokens (text with its spaces evened out)."""
    out: list[tuple[str, str]] = []

    def text(value):
        if value:
            out.append(("text", value))

    def walk(node):
        text(node.text)
        for child in node:
            if isinstance(child.tag, str):
                name = etree.QName(child).localname
                if name in TRANSPARENT:
                    walk(child)
                else:
                    out.append(("open", f"{name}:{child.get('id')}"))
                    walk(child)
                    out.append(("close", f"{name}:{child.get('id')}"))
            text(child.tail)

    walk(element)
    merged: list[tuple[str, str]] = []
    for kind, value in out:
        if kind == "text" and merged and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + value)
        else:
            merged.append((kind, value))
    return [(k, " ".join(v.split())) if k == "text" else (k, v) for k, v in merged if k != "text" or v.strip()]


def _source_codes(html: str) -> dict[str, lxml.html.HtmlElement]:
    """The current source's HTML elements by the inline code id the export gives them."""
    codes: dict[str, lxml.html.HtmlElement] = {}
    counter = 0
    for element in _rich_codes(html).iterdescendants():
        if isinstance(element.tag, str):
            counter += 1
            codes[str(counter)] = element
    return codes


def _rebuild_html(target, codes: dict[str, lxml.html.HtmlElement]) -> str:
    """The target's words with the source's markup (found by code id) around them."""
    wrapper = lxml.html.fragment_fromstring("", create_parent="div")

    def append_text(parent, last, value):
        if not value:
            return
        if last is None:
            parent.text = (parent.text or "") + value
        else:
            last.tail = (last.tail or "") + value

    def walk(node, parent, last):
        append_text(parent, last, node.text)
        for child in node:
            if not isinstance(child.tag, str):
                append_text(parent, last, child.tail)
                continue
            name = etree.QName(child).localname
            if name in TRANSPARENT:
                last = walk(child, parent, last)
            else:
                if child.tag not in (_q("g"), _q("x")):
                    raise ValueError(f"the inline code <{name}> is not one this file was written with: "
                                     "keep only the tags of the source")
                original = codes.get(child.get("id", ""))
                if original is None:
                    raise ValueError(f"the tag with id '{child.get('id')}' is not in the source text: "
                                     "keep only the tags of the source")
                made = lxml.html.Element(original.tag, dict(original.attrib))
                parent.append(made)
                if original.tag not in VOID:
                    walk(child, made, None)
                last = made
            append_text(parent, last, child.tail)
        return last

    walk(target, wrapper, None)
    serialised = lxml.html.tostring(wrapper, encoding="unicode")
    # The wrapper is our own <div>: its inner HTML is the text.
    return serialised[len("<div>"):-len("</div>")] if serialised.startswith("<div>") else ""


def _plain_target(target) -> str:
    for child in target.iter():
        if child is target or not isinstance(child.tag, str):
            continue
        if etree.QName(child).localname not in TRANSPARENT:
            raise ValueError("a plain text has no tags: remove the tag from the translation")
    return "".join(target.itertext())


def read_xliff(tour: Tour, data: bytes) -> ImportReport:
    """Check an uploaded XLIFF file against ``tour`` and return the report and (when every unit
    is fine and something changed) the translated tour in ``report.tour``.

    Raises TranslationError listing every problem (the file's, or each refused unit's): then
    nothing is to be applied."""
    tree = parse_xliff(data)
    files = tree.getroot().findall(_q("file"))
    if len(files) != 1:
        raise _refuse("files", f"the file has {len(files)} <file> elements; a tour's XLIFF has exactly one",
                      count=len(files))
    file_ = files[0]
    original = file_.get("original", "")
    if original != f"tours/{tour.id}":
        raise _refuse("wrong_tour", f"this file was made for another tour ('{original}'), not '{tour.id}': upload "
                      "it to that tour's page", original=original, tour=tour.id)
    source, target = primary_language(file_.get("source-language")), primary_language(file_.get("target-language"))
    for language in (source, target):
        if language not in tour.languages:
            raise _refuse("wrong_language", f"the file's language '{language or '(none)'}' is not one of the tour's "
                          f"languages ({', '.join(tour.languages)}): check the project's languages in your "
                          "translation tool", language=language or "-", languages=", ".join(tour.languages))
    if source == target:
        raise _refuse("same_language", "the file's source and target languages are the same", language=source)
    texts = {text.path: text for text in list_texts(tour)}
    report = ImportReport(source, target)
    problems: list[Problem] = []
    changes: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for unit in file_.iter(_q("trans-unit")):
        path = unit.get("id", "")
        result = _read_unit(unit, path, texts, seen, source, target)
        seen.add(path)
        report.units.append(result[0])
        if result[0].status == "refused":
            problems.append(result[1])
        elif result[0].status == "changed":
            changes.append((path, target, result[2]))
    if not report.units:
        raise _refuse("empty", "the file has no trans-unit: upload the file you downloaded from this page, translated")
    if problems:
        raise TranslationError(problems)
    if changes:
        report.tour = set_texts(tour, changes)
        # The model may normalise a text (rich text is sanitised): count what really changed.
        after = {text.path: text for text in list_texts(report.tour)}
        for unit_result in report.units:
            if unit_result.status == "changed" and (
                    after[unit_result.path].texts.get(target, "") == texts[unit_result.path].texts.get(target, "")):
                unit_result.status = "unchanged"
        if not report.changed:
            report.tour = None
    return report


def _read_unit(unit, path: str, texts: dict[str, TranslatableText], seen: set[str], source: str, target: str):
    """(UnitResult, Problem or None, new text or None) for one trans-unit."""

    def refused(code: str, message: str, **params):
        return UnitResult(path, "refused", message), Problem(path, code, message, params), None

    if not path:
        return refused("no_id", "a trans-unit has no id: keep the ids of the file you downloaded")
    if path in seen:
        return refused("duplicate_unit", "this id appears twice in the file: keep one")
    text = texts.get(path)
    if text is None or not text.has(source):
        return refused("unknown_path", "the tour has no such text (deleted or renamed since the export?): "
                       "export again")
    source_element = unit.find(_q("source"))
    if source_element is None:
        return refused("no_source", "the unit has no <source>: keep the source texts in the file")
    expected, _links = _source_element(etree.Element(_q("unit")), text.texts[source], text.rich, source)
    if _tokens(source_element) != _tokens(expected):
        return refused("stale_source", f"the {source} text changed since this file was made: export the file "
                       "again and translate the new text", language=source)
    target_element = unit.find(_q("target"))
    if target_element is None or not "".join(target_element.itertext()).strip():
        return UnitResult(path, "untranslated"), None, None
    try:
        value = (_rebuild_html(target_element, _source_codes(text.texts[source])) if text.rich
                 else _plain_target(target_element))
    except ValueError as exc:
        return refused("bad_markup", str(exc), detail=str(exc))
    if value == text.texts.get(target, ""):
        return UnitResult(path, "unchanged"), None, None
    return UnitResult(path, "changed"), None, value
