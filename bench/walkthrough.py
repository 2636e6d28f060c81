"""A newcomer's walk-through of the authoring app, timed and counted: what building a three-scene
tour with hotspots, narration and a question, and exporting it as SCORM 2004, takes in the browser.

    .venv/bin/python bench/walkthrough.py [--json FILE] [--headed]

Runs the steps of tests/browser/walkthrough.py (the ones the end-to-end test
tests/browser/test_author_walkthrough.py asserts) against the app on loopback over a fresh SQLite
store in a temporary folder, in Debian's Chromium, and prints the total wall time, the time of
each step, and the counts of clicks, fields filled, keys, file choices, drags, choices from a list
and page loads. The times are the machine's (jobs run the real panorama pipeline and espeak-ng),
not a person's: a person also reads and thinks. Runs once: not a test, not CI.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, open_page  # noqa: E402
from tests.browser.walkthrough import new_app, run_walkthrough, serving  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--headed", action="store_true", help="show the browser window (needs a display)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    os.environ.pop("TOURBUILDER_DATABASE_URL", None)  # never a developer's real database
    launch_args = [a for a in CHROMIUM_ARGS if not (args.headed and a.startswith("--headless"))]
    with tempfile.TemporaryDirectory(prefix="tb-walkthrough-") as folder, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args, headless=not args.headed)
        app = new_app(Path(folder) / "data")
        page = open_page(chromium, locale="en-GB", accept_downloads=True)
        page.set_viewport_size({"width": 1400, "height": 900})
        start = time.perf_counter()
        try:
            with serving(app) as base:
                walk, tally = run_walkthrough(page, base, Path(folder) / "work")
        finally:
            page.context.close()
            chromium.close()
        total = time.perf_counter() - start
        package_bytes = walk.package.stat().st_size

    print(f"walk-through of a new author (bench/walkthrough.py), {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"total wall time: {total:.1f} s")
    for name, seconds in tally.steps:
        print(f"  {name:<14} {seconds:6.1f} s")
    print(f"clicks: {tally.clicks}   fields filled: {tally.fields}   keys: {tally.keys}   file choices: {tally.files}   "
          f"drags: {tally.drags}   choices from a list: {tally.picks}")
    print(f"actions in all: {tally.actions}   page loads: {tally.page_loads}   SCORM 2004 zip: {package_bytes / 1024:.0f} KiB")
    for note in walk.notes:
        print(f"note: {note}")
    if args.json:
        figures = {"total_seconds": total, "steps": dict(tally.steps), "clicks": tally.clicks, "fields": tally.fields,
                   "keys": tally.keys, "files": tally.files, "drags": tally.drags, "picks": tally.picks,
                   "actions": tally.actions, "page_loads": tally.page_loads, "package_bytes": package_bytes,
                   "notes": walk.notes}
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
