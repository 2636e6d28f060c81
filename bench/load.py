"""Many editors at once: the app under its production server (gunicorn), simulated editors over HTTP.

    .venv/bin/python bench/load.py                    # 20 editors for 60 s
    .venv/bin/python bench/load.py --editors 5 --seconds 10 --json load.json

What it does (see bench/README.md): a fresh data folder with the demo tour and one account per
editor; `tourbuilder serve --production` on a free loopback port; then each editor (a thread
with its own HTTP session) signs in, loads the dashboard and its tour, and loops: GET the
document, change it, PUT it with If-Match, now and then load a page. Every ``--shared-every``-th
editor works on the demo tour itself, shared by all of them (contention: 409s, answered by
loading the tour again and applying the edit again, as the editor does); the others on a copy
they make through the API. At the end, with the server stopped, every revision a PUT was told
it made is read back from the database: it must exist, by that editor, with that edit.

Reports requests/s, p50/p95/p99 latency of saves, document loads and page loads, conflicts,
errors (anything but the expected 409s; must be 0) and lost revisions (must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "load test password, long enough"
ADMIN = "load-admin"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class LoadReport:
    editors: int
    seconds: float
    workers: int | None
    threads: int
    requests: int = 0
    saves: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    latency_ms: dict[str, list[float]] = field(default_factory=dict)
    #: the server's worker processes that answered requests (from its access log)
    worker_pids: set[str] = field(default_factory=set)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentiles(self, kind: str) -> dict[str, float]:
        values = sorted(self.latency_ms.get(kind, []))
        if not values:
            return {}
        pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
        return {"n": len(values), "p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": values[-1]}

    def summary(self) -> dict:
        return {
            "editors": self.editors, "seconds": round(self.seconds, 1), "workers": self.workers,
            "threads": self.threads, "requests": self.requests, "requests_per_s": round(self.throughput, 1),
            "saves": self.saves, "saves_per_s": round(self.saves / self.seconds, 1) if self.seconds else 0,
            "workers_that_answered": len(self.worker_pids), "conflicts_409": self.conflicts,
            "errors": len(self.errors), "lost_revisions": len(self.lost),
            "latency_ms": {kind: {k: round(v, 1) for k, v in self.percentiles(kind).items()}
                           for kind in sorted(self.latency_ms)},
        }


# --- the instance and the server -------------------------------------------------------------

def prepare_instance(data: Path, editors: int, demo_width: int = 1024) -> str:
    """The demo tour (added when absent), an admin and ``editors`` authors sharing it; returns its id."""
    from tourbuilder.accounts import Accounts
    from tourbuilder.demo.loader import load_demo
    from tourbuilder.store import Store

    store = Store(database_url(data), data / "media")
    try:
        tour_id, _ = load_demo(store, width=demo_width)
        accounts = Accounts(store)
        if accounts.find_user(ADMIN) is None:
            accounts.create_user(ADMIN, PASSWORD, role="admin", language="en")
        for number in range(editors):
            name = editor_name(number)
            user = accounts.find_user(name) or accounts.create_user(name, PASSWORD, role="author", language="en")
            accounts.share(tour_id, user.id)
        return tour_id
    finally:
        store.close()


def database_url(data: Path) -> str:
    """The database the server will use: $TOURBUILDER_DATABASE_URL (e.g. PostgreSQL), else the
    data folder's SQLite file."""
    return os.environ.get("TOURBUILDER_DATABASE_URL") or f"sqlite:///{data / 'tourbuilder.sqlite3'}"


def editor_name(number: int) -> str:
    return f"editor-{number:02d}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`tourbuilder serve --production` in a child process, on a free loopback port."""

    def __init__(self, data: Path, workers: int | None, threads: int):
        self.data, self.workers, self.threads = data, workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data.parent / "server.log"

    def __enter__(self) -> "Server":
        command = [sys.executable, "-m", "tourbuilder", "--data", str(self.data), "serve", "--production",
                   "--host", "127.0.0.1", "--port", str(self.port), "--threads", str(self.threads)]
        if self.workers:
            command += ["--workers", str(self.workers)]
        env = {**os.environ, "TOURBUILDER_ADMIN_PASSWORD": PASSWORD}
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=self.log.open("wb"),
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.tail()}")
            try:
                if requests.get(f"{self.url}/login", timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"the server did not answer within 60 s: {self.tail()}")

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of every worker
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""


# --- one editor ------------------------------------------------------------------------------

class Editor(threading.Thread):
    def __init__(self, number: int, base: str, shared_tour: str, own: bool, until: float, report: LoadReport,
                 lock: threading.Lock, saved: list, think: float, start_delay: float, min_edits: int = 0,
                 fresh_connections: bool = False):
        super().__init__(name=editor_name(number), daemon=True)
        self.number, self.base, self.until, self.think = number, base, until, think
        self.min_edits = min_edits
        self.tour_id = f"load-{number:02d}" if own else shared_tour
        self.shared_tour, self.own = shared_tour, own
        self.report, self.lock, self.saved = report, lock, saved
        self.start_delay = start_delay
        self.http = requests.Session()
        if fresh_connections:
            # A kept-alive connection stays with one worker process; a new one per request lets the
            # kernel hand requests to every worker (how the smoke test sees that workers share state).
            self.http.headers["Connection"] = "close"
        self.csrf = ""

    def call(self, kind: str, method: str, path: str, expect=(200,), **kwargs) -> requests.Response | None:
        headers = kwargs.pop("headers", {})
        if method != "GET" and self.csrf:
            headers["X-CSRFToken"] = self.csrf
        start = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, headers=headers, timeout=60,
                                         allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            self.error(f"{method} {path}: {exc}")
            return None
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.report.requests += 1
            self.report.latency_ms.setdefault(kind, []).append(elapsed)
        if response.status_code not in expect:
            self.error(f"{method} {path}: {response.status_code} {response.text[:200]!r}")
            return None
        return response

    def error(self, text: str) -> None:
        with self.lock:
            self.report.errors.append(f"{self.name}: {text}")

    def sign_in(self) -> bool:
        page = self.call("page", "GET", "/login")
        token = CSRF_INPUT.search(page.text).group(1) if page is not None else ""
        done = self.call("sign_in", "POST", "/login", expect=(302,),
                         data={"name": self.name, "password": PASSWORD, "csrf_token": token})
        dashboard = done is not None and self.call("page", "GET", "/")
        if not dashboard:
            return False
        self.csrf = CSRF_META.search(dashboard.text).group(1)
        return True

    def run(self) -> None:
        time.sleep(self.start_delay)  # people arrive over a few seconds, not at one instant
        if not self.sign_in():
            return
        if self.own and self.call("duplicate", "POST", f"/api/tours/{self.shared_tour}/duplicate",
                                  expect=(201,), json={"id": self.tour_id}) is None:
            return
        edits = 0
        while time.monotonic() < self.until or edits < self.min_edits:
            edits += 1
            if not self.edit(edits):
                return
            if edits % 10 == 0 and not self.call("page", "GET", "/"):
                return
            if self.think:
                time.sleep(self.think)

    def edit(self, edits: int) -> bool:
        """One change, saved; a 409 (someone saved first) is answered by loading and applying it again."""
        marker = f"{self.name} edit {edits}"
        for _attempt in range(50):
            loaded = self.call("document", "GET", f"/api/tours/{self.tour_id}")
            if loaded is None:
                return False
            body = loaded.json()
            document = body["document"]
            document["title"]["en"] = marker
            saved = self.call("save", "PUT", f"/api/tours/{self.tour_id}", expect=(200, 409),
                              headers={"If-Match": loaded.headers["ETag"]},
                              json={"document": document, "message": marker})
            if saved is None:
                return False
            if saved.status_code == 200:
                with self.lock:
                    self.report.saves += 1
                    self.saved.append((self.tour_id, saved.json()["revision"], marker, self.name))
                return True
            with self.lock:
                self.report.conflicts += 1
        self.error(f"{marker}: still in conflict after 50 attempts")
        return False


# --- the whole run ---------------------------------------------------------------------------

def verify(data: Path, saved: list[tuple[str, int, str, str]]) -> list[str]:
    """Every revision a PUT reported exists, by its editor, holding its edit."""
    from tourbuilder.store import Store, StoreError

    lost = []
    store = Store(database_url(data), data / "media")
    try:
        for tour_id, revision, marker, name in saved:
            try:
                number, document, author = store.document(tour_id, revision)
            except StoreError as exc:
                lost.append(f"{tour_id} revision {revision} ({marker}): {exc}")
                continue
            if document["title"].get("en") != marker or author != name:
                lost.append(f"{tour_id} revision {revision}: holds {document['title'].get('en')!r} by {author}, "
                            f"not {marker!r} by {name}")
        numbers = {}
        for tour_id, revision, _marker, _name in saved:
            numbers.setdefault(tour_id, set()).add(revision)
        for tour_id, got in numbers.items():
            if len(got) != sum(1 for s in saved if s[0] == tour_id):
                lost.append(f"{tour_id}: two saves were told the same revision number")
    finally:
        store.close()
    return lost


def run_load(editors: int = 20, seconds: float = 60.0, *, data: Path | None = None, workers: int | None = None,
             threads: int = 4, shared_every: int = 4, think: float = 0.0, demo_width: int = 1024,
             ramp: float = 2.0, min_edits: int = 0, fresh_connections: bool = False) -> LoadReport:
    """Run the load and return its report (the core of bench/load.py and tests/test_load_smoke.py).
    ``data``: a data folder to use (made with the demo tour when None); each editor saves at least
    ``min_edits`` edits even when ``seconds`` have passed (a bound on work, not time, for tests);
    ``fresh_connections``: a new connection for every request instead of keep-alive."""
    scratch = None
    if data is None:
        scratch = tempfile.TemporaryDirectory(prefix="tourbuilder-load-")
        data = Path(scratch.name) / "data"
    try:
        data.mkdir(parents=True, exist_ok=True)
        tour_id = prepare_instance(data, editors, demo_width)
        report = LoadReport(editors=editors, seconds=seconds, workers=workers, threads=threads)
        saved: list[tuple[str, int, str, str]] = []
        lock = threading.Lock()
        with Server(data, workers, threads) as server:
            start = time.monotonic()
            until = start + ramp + seconds
            crowd = [Editor(n, server.url, tour_id, own=n % shared_every != 0, until=until, report=report,
                            lock=lock, saved=saved, think=think, start_delay=ramp * n / max(1, editors),
                            min_edits=min_edits, fresh_connections=fresh_connections)
                     for n in range(editors)]
            for editor in crowd:
                editor.start()
            for editor in crowd:
                editor.join(timeout=seconds + ramp + 120)
            report.seconds = time.monotonic() - start
            if any(editor.is_alive() for editor in crowd):
                report.errors.append("some editors did not finish in time")
        report.worker_pids = set(re.findall(r" pid=<?(\d+)", server.log.read_text(errors="replace")))
        report.lost = verify(data, saved)
        return report
    finally:
        if scratch is not None:
            scratch.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0, help="How long the editors keep editing.")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn worker processes [cores + 1].")
    parser.add_argument("--threads", type=int, default=4, help="Threads per worker.")
    parser.add_argument("--shared-every", type=int, default=4,
                        help="Every n-th editor edits the shared demo tour (contention); the rest their own copy.")
    parser.add_argument("--think", type=float, default=0.0, help="Seconds an editor waits between edits.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the summary as JSON here.")
    args = parser.parse_args(argv)
    report = run_load(args.editors, args.seconds, workers=args.workers, threads=args.threads,
                      shared_every=args.shared_every, think=args.think)
    summary = report.summary()
    print(json.dumps(summary, indent=2))
    for line in report.errors[:20] + report.lost[:20]:
        print(line, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({**summary, "errors_list": report.errors, "lost_list": report.lost},
                                        indent=2))
    return 0 if not report.errors and not report.lost else 1


if __name__ == "__main__":
    sys.exit(main())
