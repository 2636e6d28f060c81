"""Hostile tour zips and folders: nothing is written outside the target, nothing outside the
folder is read, and every refusal is a TourError that says what was wrong."""

from __future__ import annotations

import os
import stat
import tempfile
import warnings
import zipfile
from pathlib import Path

import pytest

from tourbuilder.importing import MAX_ZIP_FILES, _unpack, import_tour
from tourbuilder.model import TourError
from tourbuilder.tourfolder import read_folder

from tests.samples import write_tiny_folder


def tour_files(tmp_path: Path) -> dict[str, bytes]:
    """The files of a small valid tour folder, by their path in it."""
    folder = write_tiny_folder(tmp_path / "src")
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point of some tests
        for name, data in entries:
            archive.writestr(name, data)
    return path


def link_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def unpack_refused(tmp_path: Path, entries, match: str) -> None:
    """Unpacking the zip is refused with ``match``, and nothing lands outside the target."""
    box = Path(tempfile.mkdtemp(dir=tmp_path, prefix="box-"))
    target = box / "target"
    target.mkdir()
    archive = make_zip(box.with_suffix(".zip"), entries)
    with pytest.raises(TourError, match=match):
        _unpack(archive, target)
    assert sorted(p.name for p in box.iterdir()) == ["target"], "something was written beside the target"
    assert not (tmp_path / "evil").exists() and not Path("/tmp/tourbuilder-evil").exists()


@pytest.mark.parametrize("name, match", [
    ("../evil", r"points outside the tour folder"),
    ("a/../../evil", r"points outside the tour folder"),
    ("/tmp/tourbuilder-evil", r"is an absolute path"),
    ("C:/evil", r"is an absolute path"),
    ("C:evil", r"is an absolute path"),
    ("..\\..\\evil", r"contains '\\' \(a Windows path\)"),
    ("media\\evil.jpg", r"contains '\\'"),
    ("bad\x01name", r"contains a control character"),
    ("new\nline.yaml", r"contains a control character"),
    ("x" * 300, r"is too long a path"),
    ("/".join(["d"] * 600), r"is too long a path"),
])
def test_entry_names_that_leave_the_target_are_refused(tmp_path, name, match):
    unpack_refused(tmp_path, [(name, b"x")], match)


def test_links_in_a_zip_are_refused(tmp_path):
    unpack_refused(tmp_path, [link_entry("media/yard.jpg", "/etc/passwd")], r"is a link; links are not accepted")
    unpack_refused(tmp_path, [link_entry("media", "../../")], r"is a link")


def test_special_files_and_encrypted_entries_are_refused(tmp_path):
    fifo = zipfile.ZipInfo("pipe")
    fifo.create_system = 3
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    unpack_refused(tmp_path, [(fifo, b"")], r"is not a file or a folder")
    # zipfile writes no encrypted entries: set the "encrypted" flag bit in the central directory.
    archive = make_zip(tmp_path / "secret.zip", [("tour.yaml", b"x")])
    data = bytearray(archive.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1
    archive.write_bytes(bytes(data))
    (tmp_path / "secret").mkdir()
    with pytest.raises(TourError, match=r"is encrypted: make the zip without a password"):
        _unpack(archive, tmp_path / "secret")


def test_duplicate_names_and_file_folder_clashes_are_refused(tmp_path):
    unpack_refused(tmp_path, [("tour.yaml", b"a"), ("tour.yaml", b"b")], r"is in the zip twice")
    unpack_refused(tmp_path, [("media/A.jpg", b"a"), ("media/a.jpg", b"b")], r"twice in different case")
    unpack_refused(tmp_path, [("media", b"a"), ("media/a.jpg", b"b")], r"'media' is both a file and a folder")
    unpack_refused(tmp_path, [("media/a.jpg", b"b"), ("media", b"a")], r"is both a file and a folder")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    unpack_refused(tmp_path, [("tour.yaml", bytes(20 * 1024 * 1024))], r"that is a zip bomb")


def test_too_many_files_are_refused(tmp_path):
    entries = [(f"f{i}", b"") for i in range(MAX_ZIP_FILES + 1)]
    unpack_refused(tmp_path, entries, rf"holds {MAX_ZIP_FILES + 1} files; at most {MAX_ZIP_FILES}")


def test_an_entry_that_unpacks_to_more_than_it_claims_is_refused(tmp_path):
    archive = make_zip(tmp_path / "liar.zip", [("tour.yaml", b"schema_version: 3\n" * 1000)])
    data = bytearray(archive.read_bytes())
    # Say 10 bytes in both the local header and the central directory (offsets of the PKZIP format).
    local = data.find(b"PK\x03\x04")
    data[local + 22:local + 26] = (10).to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(TourError, match=r"not a readable zip|more than it claims|cannot be unpacked"):
        _unpack(archive, target)


def test_a_damaged_zip_and_a_zip_that_is_not_a_tour_are_refused(tmp_path, store):
    good = make_zip(tmp_path / "good.zip", [("tour.yaml", b"x" * 5000)])
    data = bytearray(good.read_bytes())
    data[60:200] = bytes(140)  # damage the compressed data; the directory still reads
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    with pytest.raises(TourError, match=r"damaged.zip"):
        import_tour(store, damaged)
    other = make_zip(tmp_path / "photos.zip", [("a/x.jpg", b"x"), ("b/y.jpg", b"y")])
    with pytest.raises(TourError, match=r"photos.zip has no tour.yaml at its top"):
        import_tour(store, other)


def test_a_clean_zip_still_imports(tmp_path, store):
    files = tour_files(tmp_path)
    archive = make_zip(tmp_path / "tour.zip", [(f"tiny/{name}", data) for name, data in files.items()])
    tour, revision = import_tour(store, archive)
    assert tour.id == "tiny" and revision == 1


# --- folders -------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path) -> Path:
    return write_tiny_folder(tmp_path / "tour")


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.yaml"
    path.write_text("password: hunter2\n", encoding="utf-8")
    return path


def test_a_linked_tour_file_is_not_read(folder, secret):
    (folder / "tour.yaml").unlink()
    (folder / "tour.yaml").symlink_to(secret)
    with pytest.raises(TourError, match=r"tour.yaml must be a regular file inside the tour folder") as caught:
        read_folder(folder)
    assert "hunter2" not in str(caught.value)


def test_a_linked_scene_file_or_scenes_folder_is_not_read(folder, secret, tmp_path):
    (folder / "scenes" / "hall.yaml").unlink()
    (folder / "scenes" / "hall.yaml").symlink_to(secret)
    with pytest.raises(TourError, match=r"scenes/hall.yaml must be a regular file inside the tour folder"):
        read_folder(folder)
    elsewhere = tmp_path / "elsewhere"
    (folder / "scenes").rename(elsewhere)
    (folder / "scenes").symlink_to(elsewhere)
    with pytest.raises(TourError, match=r"must be a regular file inside the tour folder"):
        read_folder(folder)


def test_linked_media_inside_or_outside_and_link_loops_are_refused(folder, tmp_path):
    outside = tmp_path / "outside.jpg"
    (folder / "media" / "yard.jpg").rename(outside)
    (folder / "media" / "yard.jpg").symlink_to(outside)
    with pytest.raises(TourError, match=r"media/yard.jpg must be a regular file inside the tour folder"):
        read_folder(folder)
    (folder / "media" / "yard.jpg").unlink()
    (folder / "media" / "yard.jpg").symlink_to(folder / "media" / "hall.jpg")  # inside, but a link
    with pytest.raises(TourError, match=r"media/yard.jpg must be a regular file"):
        read_folder(folder)
    (folder / "media" / "yard.jpg").unlink()
    (folder / "media" / "yard.jpg").symlink_to(folder / "media" / "yard.jpg")  # a loop
    with pytest.raises(TourError, match=r"media/yard.jpg cannot be read as a file|must be a regular file"):
        read_folder(folder)


def test_a_fifo_as_media_is_refused_without_blocking(folder):
    (folder / "media" / "yard.jpg").unlink()
    os.mkfifo(folder / "media" / "yard.jpg")
    with pytest.raises(TourError, match=r"media/yard.jpg must be a regular file"):
        read_folder(folder)


@pytest.mark.parametrize("text, match", [
    ("!!python/object/apply:os.system ['touch /tmp/tourbuilder-evil']\n", r"not valid YAML"),
    ("x: !!python/name:os.system\n", r"not valid YAML"),
    ("[" * 5000 + "]" * 5000, r"nested too deeply|not valid YAML|expected keys and values"),
    ("- a\n- b\n", r"expected keys and values at the top, found list"),
])
def test_yaml_is_loaded_safely(folder, text, match):
    (folder / "scenes" / "hall.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(TourError, match=match):
        read_folder(folder)
    assert not Path("/tmp/tourbuilder-evil").exists()


def test_a_billion_laughs_yaml_is_refused_quickly(folder):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    lines += ["title: *a9", "panorama: media/hall.jpg"]
    (folder / "scenes" / "hall.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(TourError, match=r"scenes/hall.yaml: uses a YAML alias"):
        read_folder(folder)


def test_huge_and_non_utf8_tour_files_are_refused(folder):
    (folder / "scenes" / "hall.yaml").write_bytes(b"# " + b"x" * (11 * 1024 * 1024))
    with pytest.raises(TourError, match=r"scenes/hall.yaml is larger than 10 MB"):
        read_folder(folder)
    (folder / "scenes" / "hall.yaml").write_bytes("title: Ш".encode("cp1251"))
    with pytest.raises(TourError, match=r"scenes/hall.yaml is not UTF-8 text"):
        read_folder(folder)


@pytest.mark.parametrize("ident", ["../../etc/passwd", "..", ".hidden", "a/b", "Upper", "a\\b", "", "x" * 65])
def test_listed_ids_that_are_not_ids_are_refused(folder, ident):
    head = (folder / "tour.yaml").read_text(encoding="utf-8")
    import yaml

    data = yaml.safe_load(head)
    data["scenes"] = [ident, *data["scenes"]]
    (folder / "tour.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TourError, match=r"in scenes is not an id"):
        read_folder(folder)


def test_a_deeply_nested_json_document_is_a_tour_error():
    from tourbuilder.model import load_tour

    deep: list = []
    node = deep
    for _ in range(100_000):
        node.append([])
        node = node[0]
    with pytest.raises(TourError, match=r"nested more than 40 levels"):
        load_tour({"schema_version": 3, "id": "x", "title": deep})
