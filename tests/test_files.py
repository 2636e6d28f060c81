"""tourbuilder.files: writes that are whole or absent, and fsyncs that overlap the work."""

import os

import pytest

from tourbuilder.files import FsyncBehind, replace_folder


def test_fsync_behind_waits_for_every_file_and_reports_a_failure(tmp_path):
    written = []
    with FsyncBehind(threads=4) as fsync:
        for number in range(20):
            path = tmp_path / f"{number}.bin"
            path.write_bytes(os.urandom(1000))
            fsync.add(path)
            written.append(path)
        fsync.wait()  # all twenty on disk: no error
        fsync.add(tmp_path / "gone.bin")  # a file that is not there cannot be made durable
        with pytest.raises(FileNotFoundError, match="gone.bin"):
            fsync.wait()
    assert all(path.stat().st_size == 1000 for path in written)


@pytest.mark.parametrize("files_synced", [False, True])
def test_replace_folder_puts_the_new_folder_in_place_of_the_old(tmp_path, files_synced):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    stage = tmp_path / ".out.staging-1"
    (stage / "a" / "b").mkdir(parents=True)
    (stage / "a" / "b" / "new.txt").write_text("new")
    replace_folder(stage, out, files_synced=files_synced)
    assert not stage.exists()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["a", "a/b", "a/b/new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the old folder is gone too
