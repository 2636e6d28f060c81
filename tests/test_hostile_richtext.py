"""Hostile rich text: an info hotspot's text is an HTML subset, sanitised on save (the model)
and again on export (the player page's config); the migration from plain text; the check's
"missing translation" for empty HTML; texts that no XML or UTF-8 can hold are refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tourbuilder.check import check_tour
from tourbuilder.export.page import player_config
from tourbuilder.model import SCHEMA_VERSION, TourError, dump_tour, load_tour, migrate, tour_json_schema
from tourbuilder.model.richtext import paragraphs_html, plain_text, sanitise_html

from tests.samples import minimal_document

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"

#: (attack, what must be left of it). Every one of these is quoted in the report.
ATTACKS = [
    ("<script>alert(1)</script>Hi", "Hi"),
    ("<img src=x onerror=alert(1)>Hi", "Hi"),
    ('<p onclick="alert(1)" style="color:red" class="x" id="y">Hi</p>', "<p>Hi</p>"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"),
    ('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"),
    ('<a href="/relative/path">x</a>', "<a>x</a>"),
    ('<a href="//evil.example/x">x</a>', "<a>x</a>"),
    ('<a href="ftp://example.org/">x</a>', "<a>x</a>"),
    ('<a href="https://example.org/?a=1&b=2" target="_top" rel="opener" onmouseover="x()">x</a>',
     '<a href="https://example.org/?a=1&amp;b=2">x</a>'),
    ('<a href="mailto:someone@example.org">mail</a>', '<a href="mailto:someone@example.org">mail</a>'),
    ("<svg><script>alert(1)</script></svg>x", "x"),
    ('<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', ""),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', '"&gt;'),
    ("<iframe src=https://evil.example></iframe>x", "x"),
    ("<style>*{display:none}</style>x", "x"),
    ("<template><img src=x onerror=alert(1)></template>x", "x"),
    ("<!-- <script>alert(1)</script> -->x", "x"),
    ('<form action="https://evil.example"><input name=p></form>x', "x"),
    ("<object data=x></object><embed src=x>x", "x"),
    ("<base href=https://evil.example/>x", "x"),
    ("<meta http-equiv=refresh content='0;url=https://evil.example'>x", "x"),
    ("<details open ontoggle=alert(1)>x</details>", "x"),
    ("<b>bold</b> <i>it</i> <u>u</u>", "bold it u"),
    ("<strong>s</strong> <em>e</em><br>", "<strong>s</strong> <em>e</em><br>"),
    ("<ul><li>one</li></ul><ol><li>two</li></ol>", "<ul><li>one</li></ul><ol><li>two</li></ol>"),
    ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
    ("]]><![CDATA[x]]>", "]]&gt;"),  # CDATA is a bogus comment in HTML: dropped
]


@pytest.mark.parametrize("attack, kept", ATTACKS, ids=[a[:40] for a, _ in ATTACKS])
def test_the_sanitiser_keeps_only_the_subset(attack, kept):
    assert sanitise_html(attack) == kept
    assert sanitise_html(kept) == kept  # idempotent


def info_tour(text: dict) -> dict:
    doc = minimal_document(schema_version=SCHEMA_VERSION)
    doc["scenes"]["yard"]["hotspots"].append(
        {"id": "sign", "kind": "info", "yaw": 10, "pitch": 0, "title": {"mn": "Самбар", "en": "Sign"}, "text": text})
    return doc


def sign(tour) -> dict:
    return next(h for h in dump_tour(tour)["scenes"]["yard"]["hotspots"] if h["id"] == "sign")


def test_a_document_entering_the_model_is_clean_and_round_trips():
    tour = load_tour(info_tour({"mn": "<p>Сайн</p><script>x()</script>",
                                "en": '<p onclick="x()">Hi <a href="javascript:x()">there</a></p>'}))
    assert sign(tour)["text"] == {"mn": "<p>Сайн</p>", "en": "<p>Hi <a>there</a></p>"}
    assert dump_tour(load_tour(dump_tour(tour))) == dump_tour(tour)


def test_other_texts_stay_plain_text_and_keep_their_characters():
    doc = info_tour({"en": "<p>x</p>"})
    doc["quizzes"]["final"]["questions"][0]["prompt"]["en"] = "Is <b>this</b> & that <script>?"
    tour = load_tour(doc)
    assert tour.quizzes["final"].questions[0].prompt["en"] == "Is <b>this</b> & that <script>?"


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1bb", "a\x08", "\ud800", "x\udfffy", "\ufffe", "\uffff"])
@pytest.mark.parametrize("where", ["title", "info"])
def test_characters_no_xml_or_utf8_can_hold_are_refused_by_name(bad, where):
    doc = info_tour({"en": "<p>ok</p>"})
    if where == "title":
        doc["title"]["en"] = bad
    else:
        doc["scenes"]["yard"]["hotspots"][-1]["text"]["en"] = bad
    with pytest.raises(TourError) as caught:
        load_tour(doc)
    [problem] = caught.value.problems
    assert f"U+{ord(next(c for c in bad if c not in 'abxy')):04X}" in problem and "remove it" in problem


def test_tabs_line_ends_rtl_marks_and_emoji_are_kept():
    text = "a\tb\nc\r\nd \u200f\u202eשלום\u202c 🙂"
    tour = load_tour(minimal_document(title={"mn": text, "en": "x"}))
    assert tour.title["mn"] == text


def test_version_2_plain_text_becomes_paragraphs_and_reads_the_same():
    old = json.loads((FIXTURES / "v2-plain-info-text.json").read_text(encoding="utf-8"))
    original = copy.deepcopy(old)
    new = migrate(old)
    assert old == original and new["schema_version"] == SCHEMA_VERSION == 3
    gate, empty, sign_ = new["scenes"]["yard"]["hotspots"]
    assert gate["text"]["mn"] == "<p>Хаалга.</p><p>Хоёр дахь догол мөр.</p>"
    assert gate["text"]["en"] == ("<p>Gold &lt; 5 g &amp; mercury &gt; 0?<br>A second line.</p>"
                                  "<p>Paragraph &lt;b&gt;two&lt;/b&gt; keeps its \"tags\" as text.</p>")
    assert empty["text"] == {"mn": "", "en": ""}
    assert sign_["caption"] == {"en": "A <caption> stays plain"}  # not an info text: unchanged
    tour = load_tour(old)
    assert [h.text for h in tour.scenes["yard"].hotspots[:1]][0] == gate["text"]  # already clean
    assert plain_text(gate["text"]["en"]) == "Gold < 5 g & mercury > 0?A second line.Paragraph <b>two</b> keeps " \
                                             "its \"tags\" as text."


def test_paragraphs_html_escapes_and_splits():
    assert paragraphs_html("a\n\nb") == "<p>a</p><p>b</p>"
    assert paragraphs_html("<script>") == "<p>&lt;script&gt;</p>"
    assert paragraphs_html(" \n \n ") == ""


def test_an_empty_html_text_is_a_missing_translation():
    tour = load_tour(info_tour({"mn": "<p>Сайн</p>", "en": "<p> </p><br><p></p>"}))
    messages = [str(f) for f in check_tour(tour) if "hotspots.sign.text" in f.place]
    assert messages == ["warning: scenes.yard.hotspots.sign.text: missing translation: no 'en' text"]
    tour = load_tour(info_tour({"mn": "<p>Сайн</p>", "en": "<p><strong>Hi</strong></p>"}))
    assert not [f for f in check_tour(tour) if "hotspots.sign.text" in f.place]


def test_the_export_sanitises_again_even_a_document_that_skipped_validation():
    tour = load_tour(info_tour({"mn": "<p>ok</p>", "en": "<p>ok</p>"}))
    spot = tour.scenes["yard"].hotspots[-1]
    # A document that got past the model (built around validation, or stored by an older version).
    object.__setattr__(spot, "text", {"mn": "<img src=x onerror=alert(1)><p>ok</p>",
                                      "en": '<a href="javascript:alert(1)">x</a>'})
    config = player_config(tour, {})
    exported = next(h for h in config["tour"]["scenes"]["yard"]["hotspots"] if h["id"] == "sign")
    assert exported["text"] == {"mn": "<p>ok</p>", "en": "<a>x</a>"}


def test_the_schema_marks_the_field_translatable_html():
    schema = tour_json_schema()
    text = schema["$defs"]["InfoHotspot"]["properties"]["text"]
    assert text["x-translatable"] is True and text["x-format"] == "html"
    assert schema["properties"]["schema_version"]["const"] == 3
    title = schema["$defs"]["InfoHotspot"]["properties"]["title"]
    assert "x-format" not in title
