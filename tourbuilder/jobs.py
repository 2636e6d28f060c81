"""Long work (exports, imports, panoramas, speech) run by worker threads of the app process.

A job is a row of the ``jobs`` table (state queued|running|done|failed, progress 0..1, a stage
text, an error, a JSON result) and a work folder of its own (DATA/jobs/<id>/). The row is the
truth: any process can read it, so GET /api/jobs/<id> works whichever worker answers.

Adding a kind of job (the interface the API modules use)::

    from tourbuilder.jobs import Job, JobFailed, job_kind

    @job_kind("panorama")
    def run_panorama(job: Job) -> dict:
        upload = job.path("upload.jpg")          # a file given to submit(files=...)
        job.progress(0.2, "decoding")            # 0..1 and a stage (short, shown to the user)
        tour_id = job.params["tour_id"]          # the params given to submit()
        store = job.store                        # also get_store(), gettext (the user's language), g.user
        job.write_bytes("face.jpg", data)        # atomic: temporary name + rename, in the job's folder
        if bad:
            raise JobFailed("the photo is not 2:1: use an equirectangular panorama")  # shown as job.error
        return {"key": "media/x.jpg"}            # job.result (JSON-ready)

    # in a view (the module defining the kind must be imported: list it in app/api MODULES):
    from tourbuilder.app.api import get_jobs
    from tourbuilder.app.api.jobs import job_json
    job = get_jobs().submit("panorama", {"tour_id": tour_id}, tour_id=tour_id, user_id=g.user.id,
                            files={"upload.jpg": request.files["file"].stream})
    return json_response({"job": job_json(job)}, 202)

A result with ``"file": "<name in the job folder>"`` can be downloaded at /api/jobs/<id>/download
(job_json adds ``result.download``). Any exception other than JobFailed also fails the job (its
text becomes the error; the traceback goes to the log).

Jobs left queued or running by a process that is gone (killed, restarted) are marked failed when
the next Jobs starts on the same host ("interrupted: start it again") and their folders are
removed; files are only ever written under temporary names and renamed, so none is half-written.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import secrets
import shutil
import socket
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Callable, ContextManager

from sqlalchemy import select

from .files import atomic_write_bytes, atomic_write_chunks
from .store import Store
from .store.db import JobRow, utcnow

log = logging.getLogger(__name__)

#: kind -> the function that does the work (see job_kind).
KINDS: dict[str, Callable[["Job"], dict | None]] = {}
STATES = ("queued", "running", "done", "failed")
INTERRUPTED = "interrupted: start it again"


def job_kind(name: str) -> Callable:
    """Register the function that runs jobs of kind ``name``."""

    def register(run: Callable[["Job"], dict | None]) -> Callable:
        KINDS[name] = run
        return run

    return register


class JobFailed(Exception):
    """A failure the user can do something about: the message says what, and is the job's error."""


@dataclass(frozen=True)
class JobInfo:
    id: str
    kind: str
    state: str
    progress: float
    stage: str
    error: str | None
    result: dict | None
    params: dict
    tour_id: str | None
    user_id: int | None
    created_at: datetime
    updated_at: datetime

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @classmethod
    def of(cls, row: JobRow) -> "JobInfo":
        return cls(row.id, row.kind, row.state, row.progress, row.stage, row.error,
                   json.loads(row.result) if row.result else None, json.loads(row.params or "{}"),
                   row.tour_id, row.user_id, row.created_at, row.updated_at)


class Job:
    """What a job's function gets: its params, its folder, progress reports."""

    def __init__(self, jobs: "Jobs", info: JobInfo):
        self._jobs = jobs
        self.id = info.id
        self.kind = info.kind
        self.params = info.params
        self.tour_id = info.tour_id
        self.user_id = info.user_id
        self.folder = jobs.folder(info.id)
        self.store = jobs.store

    def path(self, name: str) -> Path:
        """A file of this job's folder (a plain name: no folders)."""
        return _file_in(self.folder, name)

    def progress(self, fraction: float, stage: str = "") -> None:
        """Report how far the job is (0..1) and what it is doing."""
        self._jobs._update(self.id, progress=max(0.0, min(1.0, float(fraction))), stage=stage[:200])

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.path(name)
        atomic_write_bytes(path, data)
        return path


class Jobs:
    """The jobs of one app process: submit work, read its state; ``workers`` threads run it."""

    def __init__(self, store: Store, root: str | os.PathLike, *, workers: int = 2,
                 context: Callable[[JobInfo], ContextManager] | None = None):
        self.store = store
        self.root = Path(root)
        self.workers = max(1, workers)
        self._context = context or (lambda _info: nullcontext())
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.host = socket.gethostname()
        self.runner = f"{self.host}:{os.getpid()}"
        self.recover()

    @classmethod
    def for_app(cls, app) -> "Jobs":
        """The jobs of a Flask app: folders in DATA/jobs; each runs in a request context of its own,
        as the user who started it (get_store(), gettext in the user's language, url_for...)."""

        @contextmanager
        def as_its_user(info: JobInfo):
            from flask import g

            with app.test_request_context(f"/api/jobs/{info.id}"):
                accounts = app.extensions["tourbuilder.accounts"]
                g.user = accounts.get_user(info.user_id) if info.user_id is not None else None
                yield

        return cls(app.extensions["tourbuilder.store"], Path(app.config["DATA"]) / "jobs",
                   workers=int(app.config.get("JOB_WORKERS", 2)), context=as_its_user)

    # --- reading ---------------------------------------------------------

    def get(self, job_id: str) -> JobInfo | None:
        return read_job(self.store, job_id)

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def wait(self, job_id: str, timeout: float = 60.0) -> JobInfo:
        """Poll until the job has finished (for the command line and tests)."""
        deadline = time.monotonic() + timeout
        while True:
            info = self.get(job_id)
            if info is None or info.finished:
                return info
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {info.state} after {timeout} s")
            time.sleep(0.05)

    # --- submitting ------------------------------------------------------

    def submit(self, kind: str, params: dict | None = None, *, tour_id: str | None = None,
               user_id: int | None = None, files: dict[str, bytes | IO[bytes]] | None = None) -> JobInfo:
        """Queue a job of ``kind``; ``files`` (name -> bytes or a readable stream) are written into its
        folder first. Returns the queued job."""
        if kind not in KINDS:
            raise ValueError(f"unknown job kind '{kind}': one of {', '.join(sorted(KINDS))}")
        job_id = secrets.token_hex(16)
        folder = self.folder(job_id)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            for name, content in (files or {}).items():
                target = _file_in(folder, name)
                if isinstance(content, (bytes, bytearray)):
                    atomic_write_bytes(target, bytes(content))
                else:
                    atomic_write_chunks(target, iter(lambda: content.read(1 << 20), b""))
            with self.store._session.begin() as session:
                session.add(JobRow(id=job_id, kind=kind, params=json.dumps(params or {}), tour_id=tour_id,
                                   user_id=user_id, runner=self.runner, stage=""))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._start_workers()
        self._queue.put(job_id)
        return self.get(job_id)

    def close(self, wait: bool = True) -> None:
        """Stop the worker threads after the jobs already queued."""
        with self._lock:
            threads, self._threads = self._threads, []
        for _ in threads:
            self._queue.put(None)
        if wait:
            for thread in threads:
                thread.join(timeout=30)

    # --- after a crash ---------------------------------------------------

    def recover(self) -> list[str]:
        """Fail the jobs of processes on this host that are gone; return their ids."""
        failed = []
        with self.store._session.begin() as session:
            rows = session.scalars(select(JobRow).where(JobRow.state.in_(("queued", "running")))).all()
            for row in rows:
                host, _, pid = row.runner.rpartition(":")
                if host == self.host and pid.isdigit() and not _alive(int(pid)):
                    row.state, row.error, row.stage, row.updated_at = "failed", INTERRUPTED, "interrupted", utcnow()
                    failed.append(row.id)
        for job_id in failed:
            shutil.rmtree(self.folder(job_id), ignore_errors=True)
        return failed

    # --- the workers -----------------------------------------------------

    def _start_workers(self) -> None:
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            while len(self._threads) < self.workers:
                thread = threading.Thread(target=self._work, name=f"tourbuilder-job-{len(self._threads)}",
                                          daemon=True)
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        while (job_id := self._queue.get()) is not None:
            try:
                self._run(job_id)
            except Exception:  # the worker must survive whatever one job does
                log.exception("job %s: could not record its end", job_id)

    def _run(self, job_id: str) -> None:
        info = self.get(job_id)
        if info is None or info.state != "queued":
            return
        self._update(job_id, state="running", stage="")
        try:
            with self._context(info):
                result = KINDS[info.kind](Job(self, info))
        except JobFailed as exc:
            self._update(job_id, state="failed", error=str(exc), stage="failed")
        except Exception as exc:
            log.exception("job %s (%s) failed", job_id, info.kind)
            self._update(job_id, state="failed", error=str(exc) or type(exc).__name__, stage="failed")
        else:
            self._update(job_id, state="done", progress=1.0, stage="done",
                         result=json.dumps(result or {}, ensure_ascii=False))

    def _update(self, job_id: str, **values) -> None:
        with self.store._session.begin() as session:
            row = session.get(JobRow, job_id)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = utcnow()


def read_job(store: Store, job_id: str) -> JobInfo | None:
    """A job's row, from any process."""
    with store._session() as session:
        row = session.get(JobRow, job_id)
        return JobInfo.of(row) if row is not None else None


def _file_in(folder: Path, name: str) -> Path:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a plain file name: {name!r}")
    return folder / name


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
