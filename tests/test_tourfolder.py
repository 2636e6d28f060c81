"""The tour folder a person writes by hand: reading it, its errors, and the lossless round trip."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tests.samples import minimal_document, write_tiny_folder

from tourbuilder.model import TourError, dump_tour
from tourbuilder.tourfolder import read_folder, write_folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(TourError) as caught:
        read_folder(folder)
    return caught.value.problems


def test_reading_a_folder_derives_the_media_table_from_the_files(tiny_folder):
    read = read_folder(tiny_folder)
    data = (tiny_folder / "media" / "yard.jpg").read_bytes()
    info = read.tour.media["media/yard.jpg"]
    assert (info.sha256, info.size, info.type) == (hashlib.sha256(data).hexdigest(), len(data), "image/jpeg")
    assert list(read.tour.scenes) == ["yard", "hall"]


@pytest.mark.parametrize("folder_fixture", ["tiny_folder", "demo_folder"])
def test_write_then_read_gives_the_same_tour_and_files(folder_fixture, request, tmp_path):
    original = read_folder(request.getfixturevalue(folder_fixture))
    out = tmp_path / "again"
    out.mkdir()
    write_folder(original.tour, original.media_path, out)
    again = read_folder(out)
    assert dump_tour(again.tour) == dump_tour(original.tour)
    for key in original.tour.media:
        assert (out / key).read_bytes() == original.media_path(key).read_bytes()
    # and a second round trip writes byte-identical text files
    out2 = tmp_path / "again2"
    out2.mkdir()
    write_folder(again.tour, again.media_path, out2)
    for path in out.rglob("*.yaml"):
        assert (out2 / path.relative_to(out)).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_written_yaml_is_readable_cyrillic(tiny_folder, tmp_path):
    read = read_folder(tiny_folder)
    write_folder(read.tour, read.media_path, tmp_path)
    text = (tmp_path / "scenes" / "yard.yaml").read_text(encoding="utf-8")
    assert "Хашаа" in text and "\\u" not in text


def test_unknown_key_names_the_file_and_place(tiny_folder):
    path = tiny_folder / "scenes" / "hall.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    [problem] = problems(tiny_folder)
    assert problem.startswith("scenes/hall.yaml: unknown key 'colour' at scenes.hall")


def test_yaml_syntax_error_names_the_file_and_line(tiny_folder):
    (tiny_folder / "quizzes" / "final.yaml").write_text("title: {mn: a, en: b\nquestions: []\n", encoding="utf-8")
    [problem] = problems(tiny_folder)
    assert problem.startswith("quizzes/final.yaml line ")
    assert "not valid YAML" in problem


def test_a_scene_file_not_listed_and_a_listed_scene_without_file(tiny_folder):
    (tiny_folder / "scenes" / "hall.yaml").rename(tiny_folder / "scenes" / "attic.yaml")
    found = problems(tiny_folder)
    assert "tour.yaml: scenes lists 'hall' but scenes/hall.yaml does not exist" in found
    assert any(p.startswith("scenes/attic.yaml is not listed in tour.yaml") for p in found)


def test_a_missing_media_file_is_named(tiny_folder):
    (tiny_folder / "media" / "hall.jpg").unlink()
    [problem] = problems(tiny_folder)
    assert problem == "scenes/hall.yaml: scenes.hall.panorama: file media/hall.jpg does not exist in the tour folder"


def test_a_media_link_pointing_outside_the_folder_is_refused(tiny_folder, tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"secret")
    (tiny_folder / "media" / "hall.jpg").unlink()
    (tiny_folder / "media" / "hall.jpg").symlink_to(outside)
    [problem] = problems(tiny_folder)
    assert "must be a regular file inside the tour folder" in problem


def test_a_hand_written_media_table_is_refused(tiny_folder):
    path = tiny_folder / "tour.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "media: {}\n", encoding="utf-8")
    assert problems(tiny_folder) == ["tour.yaml: remove 'media': it is made from the files under media/"]


def test_not_a_folder(tmp_path):
    assert "is not a folder" in problems(tmp_path / "nothing")[0]


def test_a_model_error_is_reported_against_tour_yaml(tmp_path):
    folder = write_tiny_folder(tmp_path / "t", minimal_document(languages=["mn", "en", "en"]))
    assert problems(folder) == ["tour.yaml: duplicate language 'en': each must be unique"]
