"""Player budgets: bundle size, and the demo tour on an emulated slow link in headless Chromium.

    .venv/bin/python bench/player.py [--width 8192] [--runs 3] [--json FILE]

Measures what issue 4 budgets (see bench/README.md):
  * the player's JavaScript + CSS after gzip (<= 170 KiB);
  * the demo tour's web export served over loopback by a server that gzips text (as any web
    host does), opened with an empty cache on an emulated 1.6 Mbps / 150 ms link: the time to
    the first scene drawn (`ready`, <= 3.0 s), the bytes transferred until then (<= 350 KiB),
    and the time until the first scene is sharp in its initial view (<= 12 s, on 8K photos).
Exit status: 0 when every bound holds, 1 otherwise. Not a test, not CI.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import http.server
import io
import json
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync", "--disable-quic",
]

KIB = 1024
# Bounds of the issue.
MAX_BUNDLE_GZIP_KIB = 170
MAX_READY_S = 3.0
MAX_READY_KIB = 350
MAX_SHARP_S = 12.0

# What a web host compresses (images and audio are compressed already).
GZIP_TYPES = (".js", ".css", ".html", ".json", ".webmanifest", ".svg", ".txt", ".vtt", ".xml")

# Recorded in the page from its first script on: when the player root first gets data-ready
# and data-sharp (milliseconds since navigation start, the clock of resource timing).
WATCH_SCRIPT = """
(() => {
  const marks = (window.__tbBench = { ready: null, sharp: null });
  const look = () => {
    const root = document.getElementById("tourbuilder-player");
    if (!root) return;
    if (marks.ready === null && root.hasAttribute("data-ready")) marks.ready = performance.now();
    if (marks.sharp === null && marks.ready !== null && root.hasAttribute("data-sharp")) {
      marks.sharp = performance.now();
    }
  };
  new MutationObserver(look).observe(document, { subtree: true, attributes: true, childList: true,
    attributeFilter: ["data-ready", "data-sharp"] });
})();
"""

# Every resource of the page with its transfer size and timing (ms since navigation start).
RESOURCES_SCRIPT = """
() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
  .map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd, bytes: e.transferSize }))
"""


def log(*args) -> None:
    print(*args, flush=True)


#: Loaded only when the learner chooses VR or the cardboard mode (web/src/player/vr/load.js).
ON_DEMAND = ("vr.js",)


def bundle_sizes() -> dict:
    """Raw and gzip (level 6, a web server's usual level) sizes of the built player: what every
    page loads at start (``gzip``), and what it loads on demand (``on_demand_gzip``)."""
    build = REPO / "tourbuilder" / "static" / "build" / "player"
    files = sorted(p for p in build.iterdir() if p.suffix in (".js", ".css"))
    if not files:
        raise SystemExit(f"no player build in {build}: run `make setup` (or `cd web && npm run build`)")
    out = {"files": {}, "raw": 0, "gzip": 0, "on_demand_raw": 0, "on_demand_gzip": 0}
    for path in files:
        data = path.read_bytes()
        packed = len(gzip.compress(data, compresslevel=6))
        out["files"][path.name] = {"raw": len(data), "gzip": packed}
        prefix = "on_demand_" if path.name in ON_DEMAND else ""
        out[prefix + "raw"] += len(data)
        out[prefix + "gzip"] += packed
    return out


def _demo_digest(width: int) -> str:
    """Identifies the demo export: the demo's sources, the pipeline, the player build."""
    digest = hashlib.sha256(str(width).encode())
    roots = [REPO / "tour.yaml", REPO / "scenes", REPO / "quizzes", REPO / "tourbuilder",
             REPO / "tourbuilder" / "static" / "build"]
    for root in roots:
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(REPO)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def demo_export(width: int, fresh: bool) -> Path:
    """The demo tour (photos painted at ``width``) exported as a web folder, cached by digest."""
    sys.path.insert(0, str(REPO))
    from tourbuilder.demo.loader import DEMO_ID, load_demo
    from tourbuilder.export import export_tour
    from tourbuilder.store import Store

    folder = CACHE / f"player-demo-{width}-{_demo_digest(width)}"
    export = folder / "web"
    if export.is_dir() and not fresh:
        return export
    shutil.rmtree(folder, ignore_errors=True)
    for old in CACHE.glob(f"player-demo-{width}-*"):
        shutil.rmtree(old, ignore_errors=True)
    data = folder / "data"
    data.mkdir(parents=True)
    log(f"building the demo tour at {width} px and exporting it (cached in {folder.relative_to(REPO)}) ...")
    started = time.perf_counter()
    store = Store(f"sqlite:///{data / 'tourbuilder.sqlite3'}", data / "media")
    try:
        load_demo(store, width=width)
        export_tour(DEMO_ID, "web", export, store=store)
    finally:
        store.close()
    log(f"  done in {time.perf_counter() - started:.1f} s")
    return export


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that gzips text when the browser accepts it, as web hosts do."""

    packed: dict[str, bytes] = {}

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and path.suffix in GZIP_TYPES):
            return super().send_head()
        key = str(path)
        if key not in self.packed:
            self.packed[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        body = self.packed[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def one_run(browser, url: str, viewport: tuple[int, int], args) -> dict:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                  service_workers="block")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False,
            "latency": args.latency_ms,
            "downloadThroughput": args.down_kbps * 1000 / 8,
            "uploadThroughput": args.up_kbps * 1000 / 8,
        })
        received = {"bytes": 0}
        cdp.on("Network.dataReceived", lambda e: received.__setitem__("bytes", received["bytes"] + e["encodedDataLength"]))
        page.add_init_script(WATCH_SCRIPT)
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => window.__tbBench && window.__tbBench.ready !== null",
                               timeout=args.timeout * 1000, polling=50)
        ready_ms = page.evaluate("() => window.__tbBench.ready")
        try:
            page.wait_for_function("() => window.__tbBench.sharp !== null", timeout=args.timeout * 1000, polling=100)
            sharp_ms = page.evaluate("() => window.__tbBench.sharp")
        except Exception:  # noqa: BLE001 - reported as not sharp within the time limit
            sharp_ms = None
        resources = page.evaluate(RESOURCES_SCRIPT)
        before_ready = [r for r in resources if r["start"] <= ready_ms]
        done_by_ready = sum(r["bytes"] for r in before_ready if r["end"] and r["end"] <= ready_ms)
        started_by_ready = sum(r["bytes"] for r in before_ready)
        return {
            "ready_s": ready_ms / 1000,
            "sharp_s": None if sharp_ms is None else sharp_ms / 1000,
            "bytes_done_by_ready": done_by_ready,
            "bytes_requested_by_ready": started_by_ready,
            "requests_by_ready": len(before_ready),
            "bytes_total": sum(r["bytes"] for r in resources),
            "requests_total": len(resources),
            "cdp_bytes_total": received["bytes"],
        }
    finally:
        context.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--width", type=int, default=8192, help="width of the demo photos (default %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="page loads; medians are shown (default %(default)s)")
    parser.add_argument("--down-kbps", type=float, default=1600, help="download, kbit/s (default %(default)s)")
    parser.add_argument("--up-kbps", type=float, default=750, help="upload, kbit/s (default %(default)s)")
    parser.add_argument("--latency-ms", type=float, default=150, help="round trip added, ms (default %(default)s)")
    parser.add_argument("--viewports", default="412x780,1366x768",
                        help="WIDTHxHEIGHT of the page, comma-separated (default a phone and a laptop: %(default)s)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for ready and sharp")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo export even if cached")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)

    bundle = bundle_sizes()
    export = demo_export(args.width, args.fresh)
    server, url = serve(export)
    from playwright.sync_api import sync_playwright

    viewports = [tuple(int(v) for v in item.split("x")) for item in args.viewports.split(",")]
    runs: dict[str, list[dict]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for number in range(1, args.runs + 1):
                    for viewport in viewports:  # interleaved, so drift affects both alike
                        name = f"{viewport[0]}x{viewport[1]}"
                        run = one_run(browser, url + "index.html", viewport, args)
                        runs.setdefault(name, []).append(run)
                        sharp = "not sharp" if run["sharp_s"] is None else f"sharp {run['sharp_s']:.2f} s"
                        log(f"  run {number} {name}: ready {run['ready_s']:.2f} s, "
                            f"{run['bytes_requested_by_ready'] / KIB:.0f} KiB requested by then "
                            f"({run['bytes_done_by_ready'] / KIB:.0f} KiB complete), {sharp}, "
                            f"{run['bytes_total'] / KIB:.0f} KiB in {run['requests_total']} requests in all")
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()

    def median(items, key):
        values = [r[key] for r in items if r[key] is not None]
        return statistics.median(values) if len(values) == len(items) else None

    summary = {name: {key: median(items, key) for key in items[0]} for name, items in runs.items()}
    bounds = [("player JS + CSS gzip at start (KiB)", bundle["gzip"] / KIB, MAX_BUNDLE_GZIP_KIB)]
    for name, medians in summary.items():
        bytes_by_ready = medians["bytes_requested_by_ready"]
        bounds += [
            (f"{name}: first scene drawn, ready (s)", medians["ready_s"], MAX_READY_S),
            (f"{name}: transferred by ready (KiB)", None if bytes_by_ready is None else bytes_by_ready / KIB,
             MAX_READY_KIB),
            (f"{name}: sharp in the initial view (s)", medians["sharp_s"], MAX_SHARP_S),
        ]
    log("")
    log(f"player at start: {bundle['raw'] / KIB:.0f} KiB raw, {bundle['gzip'] / KIB:.1f} KiB gzip; "
        f"on demand (VR, cardboard): {bundle['on_demand_gzip'] / KIB:.1f} KiB gzip; "
        + ", ".join(f"{name} {v['gzip'] / KIB:.1f}" for name, v in bundle["files"].items()))
    log(f"link: {args.down_kbps:g} kbit/s down, {args.up_kbps:g} up, {args.latency_ms:g} ms; "
        f"demo photos {args.width} px; {args.runs} runs per viewport, medians")
    failed = []
    for name, value, limit in bounds:
        ok = value is not None and value <= limit
        failed += [] if ok else [name]
        shown = "-" if value is None else f"{value:.2f}"
        log(f"  {'ok    ' if ok else 'FAILED'} {name:<48} {shown:>8} <= {limit}")
    if args.json:
        Path(args.json).write_text(json.dumps({"bundle": bundle, "runs": runs, "median": summary,
                                               "args": {k: v for k, v in vars(args).items() if k != "json"},
                                               "failed": failed}, indent=2))
    if failed:
        log(f"{len(failed)} bound(s) failed: " + "; ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
