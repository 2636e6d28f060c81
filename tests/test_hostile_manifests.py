"""Hostile titles and descriptions in SCORM manifests, cmi5 course structures and the player's
page: every text is escaped by lxml / JSON, the documents still parse and still validate."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from tourbuilder.export.cmi5 import CMI5_NS, build_course_structure, validate_course_structure
from tourbuilder.export.page import render_player_page
from tourbuilder.export.scorm_manifest import build_manifest, validate_manifest
from tourbuilder.model import load_tour

from tests.samples import minimal_document

#: Titles meant to break XML, HTML, JSON or a reader. Every one is quoted in the report.
HOSTILE = [
    "<script>alert(1)</script>",
    "Tom & Jerry &amp; &lt;friends&gt; &#x26;",
    "She said \"hi\" and 'bye'",
    "]]><x/><![CDATA[",
    "</title></item></organization><evil/>",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;",
    "\u202eevil\u202c \u200fשלום\u200f مرحبا",
    "tab\there\r\nnew line\rold mac",
    "\u0085\u2028\u2029 line separators",
    "\x7f\u0080\u009f C1 controls",
    "emoji 🙂 and astral 𝄞",
    "long " * 2000,
    "</script><script>alert(1)</script>",
    "{{ 7*7 }} {% raw %} ${7*7}",
]


def hostile_tour(title: str):
    return load_tour(minimal_document(title={"mn": title, "en": title}, description={"mn": title, "en": title}))


@pytest.mark.parametrize("title", HOSTILE, ids=[f"h{i}" for i in range(len(HOSTILE))])
@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_scorm_manifests_escape_hostile_titles_and_still_validate(title, version):
    tour = hostile_tour(title)
    data = build_manifest(tour, version, launch="index.html", files=["index.html", "player/player.js"])
    validate_manifest(data, version)
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    titles = [el.text for el in root.iter() if etree.QName(el).localname in ("title", "langstring")
              and not len(el)]  # the organization's and item's titles (and LOM's langstrings)
    assert titles and all(t and len(t) <= 1000 for t in titles)
    assert not [el for el in root.iter() if etree.QName(el).localname in ("evil", "x", "script")]
    expected = " ".join(title.replace("\r\n", "\n").split())[:50]
    assert titles[0].startswith(expected.rstrip(" ,;:.-")[:40])
    assert b"ENTITY" not in data or b"&lt;!ENTITY" in data  # only ever as escaped text


@pytest.mark.parametrize("title", HOSTILE, ids=[f"h{i}" for i in range(len(HOSTILE))])
def test_cmi5_course_structures_escape_hostile_titles_and_still_validate(title):
    tour = hostile_tour(title)
    data = build_course_structure(tour)
    validate_course_structure(data, ["index.html"])
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    strings = [el.text for el in root.iter(f"{{{CMI5_NS}}}langstring")]
    assert len(strings) == 8 and all(s for s in strings)
    assert all(len(s) <= 1000 for s in strings)
    assert not [el for el in root.iter() if etree.QName(el).localname in ("evil", "x", "script")]


@pytest.mark.parametrize("title", HOSTILE, ids=[f"h{i}" for i in range(len(HOSTILE))])
def test_the_player_page_carries_hostile_titles_as_inert_text(title):
    """The page's <title> is autoescaped and the config JSON cannot close its <script>; the
    same JSON is what the xAPI and SCORM trackers read names from (JSON.stringify on the way out)."""
    tour = hostile_tour(title)
    page = render_player_page(tour, {}, asset_base="player/")
    config_text = page.split('id="tourbuilder-config">', 1)[1].split("</script>", 1)[0]
    assert json.loads(config_text)["tour"]["title"]["mn"] == title
    assert "</script><script>" not in config_text and "<script>alert" not in page.split("<body", 1)[0]
    head_title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in head_title
