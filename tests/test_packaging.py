"""The wheel ships the built front-end files and the demo tour, never web/ sources or
node_modules, and an installed wheel runs on its own (outside this checkout)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # The front-end build already ran when the test environment was installed; reuse it.
    env = {**os.environ, "TOURBUILDER_SKIP_WEB_BUILD": "1"}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(REPO)], check=True, env=env, timeout=300)
    [built] = out.glob("tourbuilder-*.whl")
    return built


def test_the_wheel_ships_built_files_and_the_demo_but_no_sources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("tourbuilder/static/build/player/player.js",
                     "tourbuilder/static/build/player/player.css",
                     "tourbuilder/static/build/offline/sw.js",
                     "tourbuilder/static/build/scorm-schemas/scorm12/imscp_rootv1p1p2.xsd",
                     "tourbuilder/static/build/scorm-schemas/scorm2004/imsss_v1p0.xsd",
                     "tourbuilder/static/build/fonts/DejaVuSans-Bold.ttf",
                     "tourbuilder/demo/tour/tour.yaml",
                     "tourbuilder/demo/tour/scenes/ore-arrival.yaml",
                     "tourbuilder/demo/tour/quizzes/final-test.yaml",
                     "tourbuilder/model/tour.schema.json",
                     "tourbuilder/export/templates/player.html"):
        assert required in names, required
    assert not any(n.startswith(("web/", "tourbuilder/web/")) or "node_modules" in n for n in names)
    assert not any(n.endswith((".mjs", ".ts")) or "/src/player/" in n for n in names)
    assert "tourbuilder/panorama/_sample.so" in names  # the compiled face sampler, built for this platform
    assert "tourbuilder/panorama/_sample.c" not in names
    assert not wheel.name.endswith("-none-any.whl")


def test_an_installed_wheel_loads_the_demo_and_exports_it(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Only the installed copy may be importable: the checkout is not on the path.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    run = lambda *args: subprocess.run([sys.executable, "-P", "-m", "tourbuilder", "--data", "d", *args],
                                       cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    where = subprocess.run([sys.executable, "-P", "-c", "import tourbuilder; print(tourbuilder.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(target))
    sampler = subprocess.run([sys.executable, "-P", "-c", "from tourbuilder.panorama.native import face_sampler; "
                              "print(face_sampler() is not None)"], cwd=elsewhere, env=env,
                             capture_output=True, text=True, check=True).stdout
    assert sampler.strip() == "True"  # the installed copy loads its own compiled sampler
    demo = run("demo", "--width", "1024")
    assert (demo.returncode, demo.stdout.strip()) == (0, "mercury-free-processing"), demo.stderr
    exported = run("export", "mercury-free-processing", "--format", "scorm2004", "--out", "pkg.zip")
    assert exported.returncode == 0, exported.stderr
    assert "imsmanifest.xml" in zipfile.ZipFile(elsewhere / "pkg.zip").namelist()
