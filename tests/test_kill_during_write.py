"""SIGKILL in the middle of real writes: a media upload, the panorama pipeline, an export, a save.

Each operation runs in a child process (tests/kill_child.py, or the real `tourbuilder export`)
that is killed at moments observed from outside: when its temporary file or staging folder
appears on disk, and at random times after that (spread over how long an uninterrupted run
takes). No hook in our code pauses it. After every kill:

- nothing under a final name is partial (media files hash to their names; a cache folder or an
  export is absent or identical to an uninterrupted run's);
- the database opens, passes SQLite's integrity check, and holds every committed revision;
- the same operation run again succeeds with no repair.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import simplejpeg

from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.files import is_temporary, sha256_file, sweep_temporaries
from tourbuilder.store import Store

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.sqlite_only("the children open the data folder's SQLite database; what a kill "
                                     "does to PostgreSQL is PostgreSQL's own guarantee")
CHILD = [sys.executable, str(REPO / "tests" / "kill_child.py")]
SEED = int.from_bytes(os.urandom(4), "big")


def run_and_kill(args: list[str], when, timeout: float = 120.0) -> tuple[bool, subprocess.CompletedProcess]:
    """Run ``args``; SIGKILL it (its whole process group) as soon as ``when()`` is true.
    Returns (killed while still running, the finished process with its output)."""
    process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + timeout
    killed = False
    try:
        while process.poll() is None:
            if when():
                os.killpg(process.pid, signal.SIGKILL)
                killed = True
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{args} still running after {timeout} s")
            time.sleep(0.0005)
    finally:
        if process.poll() is None and not killed:
            os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    done = subprocess.CompletedProcess(args, process.returncode, out.decode(), err.decode())
    return killed and process.returncode == -signal.SIGKILL, done


def appeared(folder: Path, match, then: float = 0.0):
    """A kill moment: ``then`` seconds after an entry of ``folder`` whose name matches appears."""
    seen_at = []

    def when() -> bool:
        if not seen_at:
            try:
                names = os.listdir(folder)
            except FileNotFoundError:
                return False
            if any(match(name) for name in names):
                seen_at.append(time.monotonic())
        return bool(seen_at) and time.monotonic() - seen_at[0] >= then

    return when


def tree(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def final_entries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if not is_temporary(p.name)] if folder.exists() else []


def write_window(args: list[str], folder: Path, match, timeout: float = 300.0) -> float:
    """Run ``args`` to the end; the seconds from the moment an entry of ``folder`` matching ``match``
    appears (its temporary) to the process's exit: the window in which a kill lands mid-write.
    (The whole run's time would also count the interpreter's start, and kills timed from it
    could fall after the end.)"""
    seen_at = []

    def watch() -> bool:  # never kills, only notes when the temporary appears
        if not seen_at and folder.exists() and any(match(name) for name in os.listdir(folder)):
            seen_at.append(time.monotonic())
        return False

    _, done = run_and_kill(args, watch, timeout)
    ended_at = time.monotonic()
    assert done.returncode == 0, done.stderr
    assert seen_at, f"{args} wrote no temporary into {folder}"
    return ended_at - seen_at[0]


def moments(rng: random.Random, duration: float, count: int) -> list[float]:
    """``count`` random delays spread over ``duration`` (one per equal slice, so early and late kills both happen)."""
    return [duration * (i + rng.random()) / count for i in range(count)]


def assert_database_intact(data: Path, committed: list[int] = ()) -> int:
    """SQLite's own check passes, revisions are numbered without gaps and load; returns the latest."""
    connection = sqlite3.connect(data / "tourbuilder.sqlite3")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        connection.close()
    store = Store(f"sqlite:///{data / 'tourbuilder.sqlite3'}", data / "media")
    try:
        numbers = [r.number for r in store.revisions(DEMO_ID)]
        assert numbers == list(range(1, len(numbers) + 1))
        assert set(committed) <= set(numbers), f"committed revisions lost: {set(committed) - set(numbers)}"
        for number in committed:
            store.get_tour(DEMO_ID, number)
        store.get_tour(DEMO_ID)
        return numbers[-1]
    finally:
        store.close()


@pytest.fixture
def instance(demo_store, data_dir):
    """A data folder holding the demo tour (its store closed: the children open their own)."""
    demo_store.close()
    return data_dir


def test_media_upload(instance, tmp_path):
    rng = random.Random(SEED)
    upload = tmp_path / "upload.bin"
    upload.write_bytes(os.urandom(48 << 20))
    digest = hashlib.sha256(upload.read_bytes()).hexdigest()
    media = instance / "media"
    killed = 0
    for then in [0.0, *moments(rng, 0.25, 4)]:
        hit, done = run_and_kill([*CHILD, "media", str(instance), str(upload)],
                                 appeared(media, lambda n: n.startswith(".incoming-"), then))
        killed += hit
        for path in media.glob("??/*"):  # a media file is complete: its content is its name
            assert sha256_file(path) == path.name, f"partial media file {path} (seed {SEED}, then {then:.3f})"
        assert_database_intact(instance)
        if (media / digest[:2] / digest).exists():
            (media / digest[:2] / digest).unlink()  # so the next run writes it again
    assert killed >= 3, f"only {killed} runs were killed while writing (seed {SEED})"
    done = subprocess.run([*CHILD, "media", str(instance), str(upload)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == digest, done.stderr
    assert sha256_file(media / digest[:2] / digest) == digest
    leftovers = [p for p in media.iterdir() if p.name.startswith(".incoming-")]
    assert leftovers, "killed writes leave their temporary files (until swept)"
    assert set(sweep_temporaries(media, older_than=0)) == set(leftovers)


def test_panorama_processing(tmp_path):
    rng = random.Random(SEED)
    photo = tmp_path / "photo.jpg"
    ys, xs = np.mgrid[0:2048, 0:4096]
    pixels = np.stack([(xs // 16) % 256, (ys // 8) % 256, (xs + ys) % 256], axis=-1).astype(np.uint8)
    pixels = (pixels + np.random.default_rng(SEED).integers(0, 40, pixels.shape, dtype=np.uint8))
    photo.write_bytes(simplejpeg.encode_jpeg(np.ascontiguousarray(pixels), quality=90, colorspace="RGB"))

    reference_root = tmp_path / "reference"
    window = write_window([*CHILD, "panorama", str(reference_root), str(photo)], reference_root,
                          lambda n: ".staging-" in n)
    [reference_folder] = final_entries(reference_root)
    reference = tree(reference_folder)
    assert len(reference) > 20

    root = tmp_path / "cache"
    killed = 0
    for then in [0.0, *moments(rng, window * 0.8, 5)]:
        hit, _ = run_and_kill([*CHILD, "panorama", str(root), str(photo)],
                              appeared(root, lambda n: ".staging-" in n, then))
        killed += hit
        for folder in final_entries(root):  # complete or absent
            assert tree(folder) == reference, f"partial cache folder after a kill (seed {SEED}, then {then:.2f})"
            shutil.rmtree(folder)  # so the next run processes the photo again
    assert killed >= 4, f"only {killed} runs were killed while processing (seed {SEED})"
    done = subprocess.run([*CHILD, "panorama", str(root), str(photo)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [folder] = final_entries(root)
    assert tree(folder) == reference


@pytest.mark.parametrize("format_, out_name", [("scorm12", "tour.zip"), ("web", "site")])
def test_export(instance, tmp_path, format_, out_name):
    rng = random.Random(SEED)
    command = [sys.executable, "-m", "tourbuilder", "--data", str(instance), "export", DEMO_ID, "--format", format_]
    reference_out = tmp_path / "reference" / out_name
    staging = (lambda n: n.startswith(f".{out_name}.staging-"))
    packing = (lambda n: n.startswith(f".{out_name}.") and n.endswith(".tmp"))
    write_window([*command, "--out", str(reference_out)], reference_out.parent, staging)  # fills the panorama cache
    window = write_window([*command, "--out", str(reference_out)], reference_out.parent, staging)
    reference = tree(reference_out) if reference_out.is_dir() else {"": sha256_file(reference_out)}

    out_dir = tmp_path / "exports"
    out = out_dir / out_name
    kill_points = [(staging, then) for then in moments(rng, window * 0.8, 4)]
    if format_ == "scorm12":
        kill_points += [(packing, 0.0), (packing, rng.random() * 0.05)]
    killed = 0
    for match, then in kill_points:
        hit, _ = run_and_kill([*command, "--out", str(out)], appeared(out_dir, match, then))
        killed += hit
        if out.exists():  # complete or absent: identical to the uninterrupted export
            got = tree(out) if out.is_dir() else {"": sha256_file(out)}
            assert got == reference, f"partial export after a kill (seed {SEED}, then {then:.2f})"
        assert_database_intact(instance)
    assert killed >= 3, f"only {killed} runs were killed while exporting (seed {SEED})"
    done = subprocess.run([*command, "--out", str(out)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tree(out) if out.is_dir() else {"": sha256_file(out)}) == reference


def test_tour_save(instance):
    rng = random.Random(SEED)
    committed: list[int] = []
    for run in range(6):
        started = []

        def when(delay=0.05 + rng.random() * 0.6):
            # The child prints after each commit; a moment after the first one, it is mid-save.
            if not started and assert_lines(done_lines):
                started.append(time.monotonic())
            return bool(started) and time.monotonic() - started[0] >= delay

        done_lines: list[str] = []
        process = subprocess.Popen([*CHILD, "save", str(instance), DEMO_ID], cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True, text=True)
        os.set_blocking(process.stdout.fileno(), False)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if line:
                done_lines.append(line)
            if when():
                os.killpg(process.pid, signal.SIGKILL)
                break
            if not line:
                time.sleep(0.001)
        process.wait()
        os.set_blocking(process.stdout.fileno(), True)
        done_lines += process.stdout.readlines()
        process.stderr.close()
        process.stdout.close()
        assert process.returncode == -signal.SIGKILL, f"the saving child ended by itself: {process.returncode}"
        committed += [int(line.split()[0]) for line in done_lines if line.strip()]
        latest = assert_database_intact(instance, committed)
        assert latest >= max(committed), f"revision {max(committed)} was committed but is gone (seed {SEED})"
    assert len(committed) > 6
    store = Store(f"sqlite:///{instance / 'tourbuilder.sqlite3'}", instance / "media")
    try:
        tour = store.get_tour(DEMO_ID)
        assert store.save_tour(tour, author="after", message="again") == latest + 1
    finally:
        store.close()


def assert_lines(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)
