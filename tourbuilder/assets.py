"""Where the built front-end files live (made by web/build.mjs during the package build)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


class BuildMissing(RuntimeError):
    pass


def built(*parts: str) -> Path:
    """Path of a built file or folder; a clear error when the front-end build has not run."""
    path = Path(str(resources.files("tourbuilder"))) / "static" / "build" / Path(*parts)
    if not path.exists():
        raise BuildMissing(
            f"{path} is missing: the front-end build has not run. "
            "Install with `pip install .` (or `make setup`), which runs `npm ci && npm run build` in web/."
        )
    return path
