"""Build hook: the wheel ships the built front-end files, never web/ sources or node_modules,
and the panorama pipeline's compiled face sampler (tourbuilder/panorama/_sample.c).

`npm ci` installs exactly the lock file's packages from the npm registry, then
`npm run build` (web/build.mjs) writes tourbuilder/static/build/. The app's message
catalogues (tourbuilder/app/translations/*/LC_MESSAGES/messages.po) are compiled to .mo
first, always (they are git-ignored and shipped as artifacts). Set
TOURBUILDER_SKIP_WEB_BUILD=1 to reuse an existing build (e.g. when offline).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class WebBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        _compile_catalogs(root)
        if _build_sampler(root):
            build_data["pure_python"] = False  # the wheel holds a compiled library for this platform
            build_data["infer_tag"] = True
        web = root / "web"
        built = root / "tourbuilder" / "static" / "build" / "BUILT"
        if os.environ.get("TOURBUILDER_SKIP_WEB_BUILD") == "1" and built.exists():
            return
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to build tourbuilder's player: install Node.js 18+ (it brings npm)")
        if not (web / "node_modules" / ".package-lock.json").exists() or _lock_newer(web):
            subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=web, check=True)
        subprocess.run([npm, "run", "build", "--silent"], cwd=web, check=True)
        if not built.exists():
            raise RuntimeError("the front-end build did not write tourbuilder/static/build/")


def _build_sampler(root: Path) -> bool:
    """Compile the panorama pipeline's face sampler (tourbuilder/panorama/native.py, loaded by
    path: it needs only the standard library). Without a C compiler the package still works
    (OpenCV samples the faces, 10-15% slower overall), so this warns instead of failing."""
    import sys

    problem = _load_by_path(root, "tourbuilder/panorama/native.py").build_library(root / "tourbuilder" / "panorama")
    if problem:
        print(f"tourbuilder: the panorama face sampler was not built ({problem}); "
              "OpenCV will sample the faces instead", file=sys.stderr)
        return False
    return True


def _load_by_path(root: Path, relative: str):
    """A module of the package, loaded from its file without importing the package (whose
    dependencies the build environment does not have)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_tourbuilder_build_" + Path(relative).stem, root / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compile_catalogs(root: Path) -> None:
    """The app's .po message catalogues to .mo (tourbuilder/app/catalogs.py, loaded by path: it
    needs only Babel, which the build requires)."""
    _load_by_path(root, "tourbuilder/app/catalogs.py").compile_catalogs(force=True)


def _lock_newer(web: Path) -> bool:
    installed = web / "node_modules" / ".package-lock.json"
    return (web / "package-lock.json").stat().st_mtime > installed.stat().st_mtime
