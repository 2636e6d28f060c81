"""Rich text (an info hotspot's text): a small HTML subset, sanitised with nh3.

Allowed: ``p``, ``br``, ``strong``, ``em``, ``ul``, ``ol``, ``li`` and ``a`` whose ``href`` is an
absolute ``https:``, ``http:`` or ``mailto:`` URL (nothing else: no other tag or attribute, no
relative link, no ``javascript:``). Whatever else an author (or an attacker) writes is dropped;
the text inside dropped tags stays, the content of ``script``/``style``-like elements does not.

The player adds ``rel="noopener"`` and ``target="_blank"`` to links when it shows them
(web/src/player/content.js) and rebuilds the same subset from a parsed copy: the document
stores no ``rel``/``target`` so the stored form stays the plain subset.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
ALLOWED_SCHEMES = frozenset({"https", "http", "mailto"})
_ABSOLUTE = re.compile(r"^(https?|mailto):", re.IGNORECASE)


def _only_absolute_links(element: str, attribute: str, value: str) -> str | None:
    if element == "a" and attribute == "href":
        return value if _ABSOLUTE.match(value.strip()) else None
    return value


def _cleaner(tags: frozenset[str]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(tags),
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript", "textarea", "title"},
        attributes={"a": {"href"}} if "a" in tags else {},
        attribute_filter=_only_absolute_links,
        url_schemes=set(ALLOWED_SCHEMES),
        url_relative="deny",
        link_rel=None,  # the player adds rel="noopener" on render; the stored subset stays bare
        strip_comments=True,
    )


_RICH = None
_PLAIN = None


def sanitise_html(text: str) -> str:
    """``text`` reduced to the allowed subset. Idempotent: sanitising the result changes nothing
    (the loop makes sure of it for markup the HTML parser re-nests on a second reading)."""
    global _RICH
    if _RICH is None:  # made on first use: no work at import
        _RICH = _cleaner(ALLOWED_TAGS)
    for _ in range(4):
        cleaned = _RICH.clean(text)
        if cleaned == text:
            return cleaned
        text = cleaned
    return text


def plain_text(text: str) -> str:
    """What a reader sees of a rich text, without the markup (for checks and search)."""
    global _PLAIN
    if _PLAIN is None:
        _PLAIN = _cleaner(frozenset())
    return html.unescape(_PLAIN.clean(text))


def paragraphs_html(text: str) -> str:
    """A plain text as rich text: a blank line starts a new ``<p>``, a single line break becomes
    ``<br>``, and ``<``, ``&`` and quotes are escaped (the text is shown as it was written)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = [part.strip() for part in re.split(r"\n[ \t]*\n", text)]
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in part.split("\n")) + "</p>"
        for part in parts if part
    )


def sanitise_rich_texts(document: dict) -> dict:
    """Sanitise again every rich text of a dumped tour document (in place; returned for chaining).

    The model sanitises on save; exports call this too, so a document stored by an older
    sanitiser (or built around validation) still leaves only the allowed subset."""
    for scene in (document.get("scenes") or {}).values():
        for spot in scene.get("hotspots") or []:
            if spot.get("kind") == "info" and isinstance(spot.get("text"), dict):
                spot["text"] = {lang: sanitise_html(value) for lang, value in spot["text"].items()}
    return document
