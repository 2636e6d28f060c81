"""The tour document: what it accepts, what it refuses and how it says so."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from tests.samples import minimal_document

from tourbuilder.model import (
    SCHEMA_VERSION,
    TourError,
    dump_tour,
    load_tour,
    migrate,
    normalise_degrees,
    tour_json_schema,
    tour_json_schema_text,
)

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "tourbuilder" / "model" / "tour.schema.json"


def problems_of(document: dict) -> list[str]:
    with pytest.raises(TourError) as caught:
        load_tour(document)
    return caught.value.problems


def test_minimal_document_loads_and_dumps_back_unchanged():
    doc = minimal_document()
    tour = load_tour(doc)
    assert tour.id == "tiny"
    assert list(tour.scenes) == ["yard", "hall"]
    assert tour.default_language == "mn"
    assert load_tour(dump_tour(tour)) == tour


def test_unknown_key_is_refused_with_its_place():
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"][0]["colour"] = "red"
    [problem] = problems_of(doc)
    assert "unknown key 'colour'" in problem
    assert "scenes.yard.hotspots[0]" in problem


def test_unknown_top_level_key_is_refused():
    [problem] = problems_of(minimal_document(author="me"))
    assert problem.startswith("unknown key 'author' at the top level")


@pytest.mark.parametrize("yaw, expected", [(0, 0), (190, -170), (-190, 170), (540, -180), (180, -180), (725.5, 5.5)])
def test_yaw_is_normalised_into_minus_180_to_180(yaw, expected):
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"][0]["yaw"] = yaw
    doc["scenes"]["yard"]["initial_view"] = {"yaw": yaw, "pitch": 0, "fov": 90}
    tour = load_tour(doc)
    assert tour.scenes["yard"].hotspots[0].yaw == pytest.approx(expected)
    assert tour.scenes["yard"].initial_view.yaw == pytest.approx(expected)


def test_normalise_degrees_stays_in_range():
    for value in range(-2000, 2000, 7):
        assert -180 <= normalise_degrees(value + 0.25) < 180


def test_pitch_out_of_range_is_refused():
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"][0]["pitch"] = 95
    [problem] = problems_of(doc)
    assert problem.startswith("scenes.yard.hotspots[0].pitch")
    assert "90" in problem


def test_coordinates_given_as_strings_are_refused():
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"][0]["yaw"] = "90"
    [problem] = problems_of(doc)
    assert "scenes.yard.hotspots[0].yaw" in problem


def test_infinite_angles_are_refused():
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"][0]["yaw"] = float("inf")
    assert "scenes.yard.hotspots[0].yaw" in problems_of(doc)[0]


def test_text_in_an_undeclared_language_is_refused():
    doc = minimal_document()
    doc["scenes"]["hall"]["title"]["ru"] = "Зал"
    [problem] = problems_of(doc)
    assert "scenes.hall.title has text in ru" in problem
    assert "add it to 'languages'" in problem


def test_unknown_hotspot_kind_names_the_kinds():
    doc = minimal_document()
    doc["scenes"]["yard"]["hotspots"][0]["kind"] = "portal"
    [problem] = problems_of(doc)
    assert "scenes.yard.hotspots[0]" in problem and "scene, info, media, quiz, narration" in problem


def test_a_narration_hotspot_replays_the_scene_and_has_no_narration_of_its_own():
    doc = minimal_document()
    spot = {"id": "listen", "kind": "narration", "yaw": 0, "pitch": -20, "title": {"mn": "Дахин сонсох", "en": "Listen again"}}
    doc["scenes"]["yard"]["hotspots"].append(spot)
    tour = load_tour(doc)
    assert tour.scenes["yard"].hotspots[-1].kind == "narration"
    doc["scenes"]["yard"]["hotspots"][-1] = {**spot, "narration": {"text": {"mn": "Сайн уу", "en": "Hello"}}}
    [problem] = problems_of(doc)
    assert "scenes.yard.hotspots[1]" in problem and "plays the scene's narration" in problem


def test_duplicate_hotspot_ids_are_refused():
    doc = minimal_document()
    spots = doc["scenes"]["hall"]["hotspots"]
    spots[1]["id"] = spots[0]["id"]
    assert any("duplicate hotspot id 'back'" in p for p in problems_of(doc))


def test_bad_ids_and_media_paths_are_refused():
    doc = minimal_document()
    doc["scenes"]["yard"]["panorama"] = "../outside.jpg"
    doc["scenes"]["yard"]["hotspots"][0]["id"] = "Has Spaces"
    problems = problems_of(doc)
    assert any(p.startswith("scenes.yard.panorama") for p in problems)
    assert any(p.startswith("scenes.yard.hotspots[0].id") for p in problems)


def test_every_problem_is_reported_at_once():
    doc = minimal_document(languages=[])
    doc["scenes"]["yard"]["hotspots"][0]["pitch"] = -100
    assert len(problems_of(doc)) >= 2


def test_missing_schema_version_says_how_to_fix_it():
    doc = minimal_document()
    del doc["schema_version"]
    [problem] = problems_of(doc)
    assert f"add 'schema_version: {SCHEMA_VERSION}'" in problem


def test_a_newer_schema_version_is_refused():
    [problem] = problems_of(minimal_document(schema_version=SCHEMA_VERSION + 1))
    assert "newer than this tourbuilder understands" in problem


def test_migration_applies_each_step_in_order_and_leaves_input_alone():
    # Version 1 -> 2 renames 'name' to 'title'; 2 -> 3 adds languages. The steps
    # are given to migrate() as the real registry would hold them.
    old = {"schema_version": 1, "name": {"en": "Old"}}
    steps = {
        1: lambda d: {**{k: v for k, v in d.items() if k != "name"}, "title": d["name"]},
        2: lambda d: {**d, "languages": list(d["title"])},
    }
    original = copy.deepcopy(old)
    new = migrate(old, steps=steps, current=3)
    assert new == {"schema_version": 3, "title": {"en": "Old"}, "languages": ["en"]}
    assert old == original


def test_migration_without_a_step_is_a_clear_error():
    with pytest.raises(TourError, match="no migration from schema_version 1"):
        migrate({"schema_version": 1}, steps={}, current=2)


def test_json_schema_marks_translatable_texts_and_refuses_extra_keys():
    schema = tour_json_schema()
    tour_props = schema["properties"]
    assert tour_props["title"]["x-translatable"] is True
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["InfoHotspot"]["properties"]["text"]["x-translatable"] is True


def test_shipped_json_schema_is_up_to_date():
    """tourbuilder/model/tour.schema.json is generated; regenerate with `tourbuilder schema --out …`."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == tour_json_schema_text()


def test_json_schema_accepts_a_valid_document_and_refuses_an_unknown_key():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(tour_json_schema_text())
    doc = dump_tour(load_tour(minimal_document()))
    jsonschema.validate(doc, schema)
    doc["scenes"]["yard"]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)
