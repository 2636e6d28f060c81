"""Property tests of the tour document: any input either loads and round-trips (dump -> load
gives the same document) or raises TourError with a message; never another exception."""

from __future__ import annotations

import copy
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tourbuilder.model import TourError, dump_tour, load_tour
from tourbuilder.model.richtext import ALLOWED_TAGS, sanitise_html

from tests.samples import minimal_document

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces of HTML an attacker or a careless paste brings, mixed with text.
HTML_PIECES = ["<p>", "</p>", "<br>", "<strong>", "</strong>", "<em>", "</em>", "<ul>", "<li>", "</li>", "</ul>",
               "<ol>", "</ol>", '<a href="https://example.org/">', '<a href="javascript:alert(1)">', "</a>",
               "<script>", "</script>", "<img src=x onerror=alert(1)>", "<svg>", "<math>", "<table>", "<td>",
               "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&", "<", ">", '"', "'", "\n\n", "\u200f", "<p <p",
               "<template>", "<noscript>", "<style>", "<select>", "<option>", "<textarea>", "<title>", "<plaintext>"]
html_text = st.lists(st.one_of(st.sampled_from(HTML_PIECES), st.text(max_size=6)), max_size=12).map("".join)

json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def base_document() -> dict:
    doc = minimal_document(schema_version=3)
    doc["scenes"]["yard"]["hotspots"].append({"id": "sign", "kind": "info", "yaw": 10, "pitch": 0,
                                              "title": {"mn": "Самбар", "en": "Sign"}, "text": {"en": "<p>x</p>"}})
    return doc


def paths(node, prefix=()):
    """Every place in a JSON document, as a tuple of keys and indexes."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, prefix + (index,))


BASE_PATHS = list(paths(base_document()))[1:]


def loads_or_refuses(document) -> None:
    try:
        tour = load_tour(document)
    except TourError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    dumped = dump_tour(tour)
    assert dump_tour(load_tour(dumped)) == dumped


@FUZZ
@given(data=st.data())
def test_a_mutated_document_loads_and_round_trips_or_is_a_tour_error(data):
    doc = base_document()
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(BASE_PATHS))
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = data.draw(st.sampled_from(["replace", "delete", "text"]))
            if action == "delete":
                del parent[path[-1]]
            elif action == "text":
                parent[path[-1]] = data.draw(st.one_of(html_text, st.text()))
            else:
                parent[path[-1]] = data.draw(json_value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this place
    loads_or_refuses(doc)


@FUZZ
@given(texts=st.dictionaries(st.sampled_from(["mn", "en"]), st.one_of(html_text, st.text()), max_size=2),
       title=st.text(), description=st.text())
@example(texts={"en": "<p><p>"}, title="", description="")
@example(texts={"en": "<table><td><p>x"}, title="\x00", description="")
@example(texts={"en": "<select><option><p>x"}, title="t", description="\ud800")
def test_any_texts_load_clean_and_round_trip_or_are_refused(texts, title, description):
    doc = base_document()
    doc["scenes"]["yard"]["hotspots"][-1]["text"] = texts
    doc["title"]["en"] = title
    doc["description"] = {"en": description}
    loads_or_refuses(doc)


@FUZZ
@given(text=html_text)
def test_sanitising_is_idempotent(text):
    once = sanitise_html(text)
    assert sanitise_html(once) == once
    for closing, tag, attributes in re.findall(r"<(/?)([^\s>/]+)([^>]*)>", once):
        assert tag in ALLOWED_TAGS, (tag, once)
        assert attributes == "" or (tag == "a" and not closing and re.fullmatch(r' href="(https?|mailto):[^"]*"',
                                                                                   attributes, re.I)), once


@FUZZ
@given(document=json_value)
def test_any_json_value_is_a_tour_error_or_a_tour(document):
    if isinstance(document, dict):
        document = {"schema_version": 3, **document}
    loads_or_refuses(copy.deepcopy(document))
