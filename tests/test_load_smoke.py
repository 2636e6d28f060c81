"""bench/load.py's core, small: 3 editors for a few seconds against the app under gunicorn (several
worker processes sharing the data folder). Asserts correctness only, never timing."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from load import run_load  # noqa: E402


def test_three_editors_lose_nothing(demo_store, data_dir):
    demo_store.close()  # the server's workers open the data folder themselves
    # shared_every=2: editors 0 and 2 edit the same tour, so conflicts are exercised.
    report = run_load(editors=3, seconds=4, data=data_dir, workers=2, threads=2, shared_every=2, ramp=0.5,
                      min_edits=4, fresh_connections=True)
    assert report.errors == []
    assert report.lost == []
    assert report.saves >= 12  # 3 editors, at least 4 saved edits each
    assert len(report.worker_pids) == 2, "both worker processes answered (sessions and data shared)"
    summary = report.summary()
    assert summary["latency_ms"]["save"]["n"] == report.saves + report.conflicts
