"""Jobs (tourbuilder/jobs.py): rows in the real database, real worker threads, a process killed
mid-job, and the import/export jobs through the API."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import pytest

from tourbuilder.jobs import INTERRUPTED, JobFailed, Jobs, job_kind, read_job
from tourbuilder.store import Store
from tests.samples import minimal_document, write_tiny_folder
from tests.signin import make_user, sign_in

REPO = Path(__file__).resolve().parents[1]
release = threading.Event()


@job_kind("test-steps")
def run_steps(job):
    job.progress(0.5, "half way")
    release.wait(10)
    job.write_bytes("out.txt", job.path("in.txt").read_bytes().upper())
    return {"file": "out.txt", "n": job.params["n"]}


@job_kind("test-refuse")
def run_refuse(job):
    raise JobFailed("the photo is not 2:1: use an equirectangular panorama")


@job_kind("test-crash")
def run_crash(job):
    raise ZeroDivisionError("division by zero")


@pytest.fixture
def jobs(store, tmp_path):
    jobs = Jobs(store, tmp_path / "jobs", workers=2)
    yield jobs
    release.set()
    jobs.close()


def test_a_job_runs_on_a_worker_thread_with_progress_files_and_a_result(jobs):
    release.clear()
    info = jobs.submit("test-steps", {"n": 3}, tour_id="t", user_id=7, files={"in.txt": b"hello",
                                                                              "more.bin": io.BytesIO(b"x" * 3000)})
    assert info.state in ("queued", "running") and info.tour_id == "t" and info.user_id == 7
    assert (jobs.folder(info.id) / "more.bin").read_bytes() == b"x" * 3000
    deadline = time.monotonic() + 10
    while jobs.get(info.id).stage != "half way":
        assert time.monotonic() < deadline, jobs.get(info.id)
        time.sleep(0.02)
    running = jobs.get(info.id)
    assert running.state == "running" and running.progress == 0.5
    release.set()
    done = jobs.wait(info.id, 10)
    assert done.state == "done" and done.progress == 1.0 and done.error is None
    assert done.result == {"file": "out.txt", "n": 3}
    assert (jobs.folder(info.id) / "out.txt").read_bytes() == b"HELLO"
    assert not [p for p in jobs.folder(info.id).iterdir() if p.name.startswith(".")], "no temporary files left"


def test_failures_are_recorded_with_their_message(jobs):
    refused = jobs.wait(jobs.submit("test-refuse").id, 10)
    assert refused.state == "failed" and refused.error == "the photo is not 2:1: use an equirectangular panorama"
    crashed = jobs.wait(jobs.submit("test-crash").id, 10)
    assert crashed.state == "failed" and "division by zero" in crashed.error
    ok = jobs.wait(jobs.submit("test-steps", {"n": 1}, files={"in.txt": b"a"}).id, 10)
    assert ok.state == "done", "the workers survive failed jobs"
    with pytest.raises(ValueError, match="unknown job kind"):
        jobs.submit("no-such-kind")
    with pytest.raises(ValueError, match="plain file name"):
        jobs.submit("test-steps", files={"../escape": b""})


def test_jobs_of_a_killed_process_are_marked_failed_at_the_next_start(store, database_url, data_dir, tmp_path):
    """A real process runs a job that never ends and is killed; the next Jobs fails the job."""
    root = tmp_path / "jobs"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from tourbuilder.jobs import Jobs, job_kind
        from tourbuilder.store import Store

        @job_kind("forever")
        def forever(job):
            job.progress(0.3, "working")
            (job.folder / ".incoming-half").write_bytes(b"half")  # as a write cut short would leave
            time.sleep(600)

        store = Store({database_url!r}, {str(data_dir / 'media')!r})  # the test's own database
        jobs = Jobs(store, {str(root)!r})
        running = jobs.submit("forever")
        queued = [jobs.submit("forever").id for _ in range(2)]  # behind the two workers: one stays queued
        print(running.id, *queued, flush=True)
        time.sleep(600)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        ids = child.stdout.readline().split()
        assert len(ids) == 3, "the child started its jobs"
        deadline = time.monotonic() + 20
        while _state(store, ids[0]) != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        while not (root / ids[0] / ".incoming-half").exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        alive = Jobs(store, root)  # the child is alive: its jobs are left alone
        assert alive.get(ids[0]).state == "running"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    jobs = Jobs(store, root)
    for job_id in ids:
        info = jobs.get(job_id)
        assert info.state == "failed" and info.error == INTERRUPTED, info
        assert not (root / job_id).exists(), "its half-written files are gone"


def _state(store: Store, job_id: str) -> str | None:
    info = read_job(store, job_id)
    return info.state if info else None


# --- through the API ------------------------------------------------------------------------

def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def signed_in(app, name, role="author"):
    make_user(app, name, role)
    client = app.test_client()
    sign_in(client, name)
    return client


def wait_job(client, job: dict, timeout=60) -> dict:
    deadline = time.monotonic() + timeout
    while job["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
        job = client.get(f"/api/jobs/{job['id']}").json
    return job


def test_import_then_export_through_the_api(tiny_app, tmp_path):
    ann = signed_in(tiny_app, "ann")
    archive = zipped(write_tiny_folder(tmp_path / "tour2", minimal_document(id="tour2")))
    started = ann.post("/api/imports", data={"file": (io.BytesIO(archive), "tour2.zip")})
    assert started.status_code == 202, started.json
    job = wait_job(ann, started.json["job"])
    assert job["state"] == "done", job
    assert job["result"] == {"tour": "tour2", "revision": 1, "new": True}
    assert [t["access"] for t in ann.get("/api/tours").json["tours"] if t["id"] == "tour2"] == ["manage"]

    started = ann.post("/api/tours/tour2/exports", json={"format": "scorm2004"})
    assert started.status_code == 202
    job = wait_job(ann, started.json["job"])
    assert job["state"] == "done" and job["progress"] == 1.0, job
    download = ann.get(job["result"]["download"])
    assert download.status_code == 200
    assert "tour2-scorm2004.zip" in download.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert "imsmanifest.xml" in names

    other = signed_in(tiny_app, "bob")
    assert other.get(f"/api/jobs/{job['id']}").status_code == 404, "a job is its starter's"
    assert other.get(job["result"]["download"]).status_code == 404


def test_bad_imports_and_exports_say_what_is_wrong(tiny_app, tmp_path):
    ann = signed_in(tiny_app, "ann")
    not_zip = ann.post("/api/imports", data={"file": (io.BytesIO(b"plain text"), "tour.zip")})
    assert not_zip.status_code == 415 and ".zip" in not_zip.json["error"]["message"]
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").writestr("readme.txt", "no tour here")
    job = wait_job(ann, ann.post("/api/imports", data={"file": (io.BytesIO(empty.getvalue()), "x.zip")}).json["job"])
    assert job["state"] == "failed" and "tour.yaml" in job["error"]
    # "tiny" exists and is not shared with ann: her import may not replace it.
    archive = zipped(write_tiny_folder(tmp_path / "tiny"))
    job = wait_job(ann, ann.post("/api/imports", data={"file": (io.BytesIO(archive), "tiny.zip")}).json["job"])
    assert job["state"] == "failed" and "tiny" in job["error"]
    assert tiny_app.extensions["tourbuilder.store"].revisions("tiny")[-1].number == 1, "nothing changed"
    reviewer = signed_in(tiny_app, "rita", "reviewer")
    assert reviewer.post("/api/imports", data={"file": (io.BytesIO(archive), "tiny.zip")}).status_code == 403
    admin = signed_in(tiny_app, "root", "admin")
    unknown = admin.post("/api/tours/tiny/exports", json={"format": "pdf"})
    assert unknown.status_code == 422 and "scorm2004" in unknown.json["error"]["message"]
