"""Property tests of tour import: random zips and folder trees with hostile names never write
outside the target and never fail with anything but TourError."""

from __future__ import annotations

import os
import stat
import tempfile
import warnings
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tourbuilder.importing import _unpack
from tourbuilder.model import TourError
from tourbuilder.tourfolder import read_folder

from tests.samples import write_tiny_folder

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SEGMENTS = st.one_of(
    st.sampled_from(["..", ".", "", "tour.yaml", "media", "scenes", "yard.yaml", "yard.jpg", "C:", "~", "CON",
                     "a\\..\\..", "\x00", "\n", "é", "E\u0301", "Media", "x" * 260, " ", "*", "?"]),
    st.text(alphabet="ab./\\:~é\x01 -_", min_size=1, max_size=6),
)
NAMES = st.lists(SEGMENTS, min_size=1, max_size=5).map("/".join) | st.sampled_from(["/abs", "//x", "/"])
MODES = st.sampled_from([0, stat.S_IFREG | 0o644, stat.S_IFDIR | 0o755, stat.S_IFLNK | 0o777,
                         stat.S_IFIFO | 0o644, stat.S_IFCHR | 0o644, stat.S_IFREG | 0o4755])
ENTRIES = st.lists(st.tuples(NAMES, MODES, st.binary(max_size=64)), min_size=1, max_size=8)


def listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def write_zip(path: Path, entries) -> None:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)
        for name, mode, data in entries:
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = mode << 16
            archive.writestr(info, data)


@FUZZ
@given(entries=ENTRIES)
@example(entries=[("a", stat.S_IFREG | 0o644, b"x"), ("a/b", 0, b"y")])
@example(entries=[("./", stat.S_IFDIR | 0o755, b""), ("tour.yaml", 0, b"x")])
@example(entries=[("x" * 300, 0, b"")])
def test_random_zips_never_write_outside_the_target_nor_fail_otherwise(tmp_path, entries):
    box = Path(tempfile.mkdtemp(dir=tmp_path))
    target = box / "target"
    target.mkdir()
    archive = box / "in.zip"
    try:
        write_zip(archive, entries)
    except (ValueError, OSError):
        return  # zipfile itself refuses to write this name
    try:
        folder = _unpack(archive, target)
    except TourError as exc:
        assert exc.problems and all(exc.problems)
    else:
        assert target in (folder, *folder.parents)
    assert listing(box) - {"in.zip"} == {f"target/{p}" for p in listing(target)} | {"target"}
    for path in target.rglob("*"):
        assert not path.is_symlink() and (path.is_dir() or path.is_file())


@FUZZ
@given(names=st.lists(st.text(alphabet="ab.é\x01 -_~", min_size=1, max_size=8), max_size=4),
       links=st.lists(st.sampled_from(["tour.yaml", "scenes/yard.yaml", "media/yard.jpg", "media", "scenes",
                                       "quizzes/final.yaml"]), max_size=2),
       target=st.sampled_from(["outside", "/etc/passwd", "loop", "media/hall.jpg", "."]))
def test_random_trees_with_links_read_nothing_outside_and_fail_only_with_tour_error(tmp_path, names, links, target):
    box = Path(tempfile.mkdtemp(dir=tmp_path))
    folder = write_tiny_folder(box / "tour")
    outside = box / "outside"
    outside.write_text("secret: hunter2\n", encoding="utf-8")
    for name in names:
        if name not in (".", "..") and "/" not in name:
            try:
                (folder / "media" / name).write_bytes(b"junk")
            except OSError:
                pass
    for link in links:
        path = folder / link
        to = {"outside": outside, "loop": path}.get(target, Path(target) if target.startswith("/") else folder / target)
        try:  # (a second link may lie under the first, which now points elsewhere)
            if path.is_dir() and not path.is_symlink():
                os.rename(path, box / f"moved-{path.name}")
            elif path.exists() or path.is_symlink():
                path.unlink()
            path.symlink_to(to)
        except OSError:
            continue
    try:
        read = read_folder(folder)
    except TourError as exc:
        assert "hunter2" not in str(exc)
        return
    assert not links or all(not (folder / link).is_symlink() for link in links if link.startswith("media/"))
    for key in read.tour.media:
        assert (folder / key).resolve().is_relative_to(folder.resolve())
