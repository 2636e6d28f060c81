"""cmi5 packages: cmi5.xml valid against the cmi5 CourseStructure.xsd, moveOn and masteryScore
from the tour's completion rule, the launch file relative inside the zip; and the SCORM
manifests of a rule without the final quiz (no pass mark for a score that never comes)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.samples import minimal_document
from tourbuilder.export.cmi5 import (
    CMI5_NS,
    SCHEMA,
    build_course_structure,
    course_iri,
    move_on,
    validate_course_structure,
)
from tourbuilder.export.scorm_manifest import ManifestError, build_manifest, validate_manifest
from tourbuilder.model import load_tour

SHARED_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "cmi5" / "CourseStructure.xsd"
NS = {"c": CMI5_NS}


def tour_with(**completion):
    return load_tour(minimal_document(completion={"quiz": "final", "pass_mark": 80, **completion}))


@pytest.mark.parametrize("rule, expected", [
    ("quiz", ("Passed", "0.8")),
    ("visit_and_quiz", ("CompletedAndPassed", "0.8")),
    (["visit", "hotspots", "quiz"], ("CompletedAndPassed", "0.8")),
    ("visit", ("Completed", None)),
    (["visit", "hotspots"], ("Completed", None)),
])
def test_move_on_and_mastery_follow_the_completion_rule(rule, expected):
    hotspots = {"hotspots": ["yard/to-hall"]} if "hotspots" in rule else {}
    tour = tour_with(rule=rule, **hotspots)
    assert move_on(tour) == expected
    root = etree.fromstring(build_course_structure(tour))
    [au] = root.findall("c:au", NS)
    assert au.get("moveOn") == expected[0]
    assert au.get("masteryScore") == expected[1]


def test_course_structure_is_valid_and_names_the_tour_in_each_language():
    tour = tour_with(pass_mark=75)
    data = build_course_structure(tour)
    validate_course_structure(data, ["index.html"])
    root = etree.fromstring(data)
    assert root.tag == f"{{{CMI5_NS}}}courseStructure"
    course = root.find("c:course", NS)
    assert course.get("id") == course_iri(tour) == "urn:tourbuilder:tour:tiny"
    titles = {s.get("lang"): s.text for s in course.findall("c:title/c:langstring", NS)}
    assert titles == {"mn": "Жижиг аялал", "en": "Tiny tour"}
    # No description in the tour: the title stands in (the schema requires one).
    assert course.find("c:description/c:langstring", NS).text == "Жижиг аялал"
    au = root.find("c:au", NS)
    assert au.findtext("c:url", namespaces=NS) == "index.html"
    assert au.get("masteryScore") == "0.75" and au.get("launchMethod") == "AnyWindow"
    assert au.get("id").startswith(course.get("id"))


def test_the_shipped_schema_is_the_shared_one_unmodified():
    if SHARED_SCHEMA.is_file():
        assert SCHEMA.read_bytes() == SHARED_SCHEMA.read_bytes()
    assert SCHEMA.is_file()


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r.find("c:au/c:url", NS).__setattr__("text", "../index.html"), "contains '..'"),
    (lambda r: r.find("c:au/c:url", NS).__setattr__("text", "/index.html"), "is absolute"),
    (lambda r: r.find("c:au/c:url", NS).__setattr__("text", "start.html"), "is not a file of the package"),
    (lambda r: r.find("c:au", NS).set("masteryScore", "80"), "(schema)"),
    (lambda r: r.find("c:au", NS).set("moveOn", "Finished"), "(schema)"),
    (lambda r: r.find("c:course", NS).remove(r.find("c:course/c:title", NS)), "(schema)"),
])
def test_validation_refuses_broken_course_structures(mutate, message):
    root = etree.fromstring(build_course_structure(tour_with()))
    mutate(root)
    with pytest.raises(ManifestError) as caught:
        validate_course_structure(etree.tostring(root), ["index.html"])
    assert any(message in p for p in caught.value.problems), caught.value.problems


def test_cmi5_export_has_cmi5_xml_at_the_root_of_the_zip(runner, tiny_folder, tmp_path):
    out = tmp_path / "tiny-cmi5.zip"
    result = runner.invoke("--data", tmp_path / "d", "export", tiny_folder, "--format", "cmi5", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "cmi5:" in result.stderr and "MB" in result.stderr  # the size report
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert {"cmi5.xml", "index.html", "player/player.js"} <= names
        assert not any(n.endswith("imsmanifest.xml") or n.endswith(".xsd") for n in names)
        validate_course_structure(archive.read("cmi5.xml"), sorted(names))
        page = archive.read("index.html").decode("utf-8")
    assert '"tracking":"cmi5"' in page


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_scorm_manifest_of_a_rule_without_the_quiz_has_no_pass_mark(version):
    tour = tour_with(rule="visit")
    manifest = build_manifest(tour, version, launch="index.html", files=["index.html"])
    validate_manifest(manifest, version)
    text = manifest.decode("utf-8")
    assert "masteryscore" not in text and "minNormalizedMeasure" not in text and "satisfiedByMeasure" not in text
    if version == "scorm2004":
        assert "primaryObjective" in text
    scored = build_manifest(tour_with(rule=["visit", "quiz"]), version, launch="index.html", files=["index.html"])
    assert ("masteryscore>80<" if version == "scorm12" else "minNormalizedMeasure>0.8<") in scored.decode("utf-8")
