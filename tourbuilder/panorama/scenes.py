"""Panoramas of a tour's scenes: every photo a scene uses goes through the same pipeline.

Used by import (which refuses bad photos and takes the pose a camera wrote into GPano XMP)
and by the exports (which ship the preview and tiles instead of the full photo).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from ..model import Pose, Scene, Tour, TourError
from .ingest import PanoramaError
from .pipeline import PanoramaCache, PanoramaResult, PanoramaSettings


def panorama_cache(store=None) -> PanoramaCache:
    """The store's cache of derived files, or a shared one in the temporary folder."""
    root = Path(store.derived_root) if store is not None else Path(tempfile.gettempdir()) / "tourbuilder-derived"
    return PanoramaCache(root / "panoramas")


def scene_settings(scene: Scene) -> PanoramaSettings:
    """Pipeline settings for a scene: its thumbnail shows the initial view, in the photo's own angles."""
    view = scene.initial_view
    return PanoramaSettings(thumbnail_view=(round(view.yaw - scene.pose.heading, 3), view.pitch, view.fov))


def prepare_panoramas(tour: Tour, media_path: Callable[[str], Path], cache: PanoramaCache,
                      progress: Callable[[str], None] | None = None) -> dict[str, PanoramaResult]:
    """Run (or reuse) the pipeline for every scene; take GPano poses the author did not set."""
    results: dict[str, PanoramaResult] = {}
    problems: list[str] = []
    for scene_id, scene in tour.scenes.items():
        info = tour.media.get(scene.panorama)
        if info is None:
            continue  # `check` reports the missing file
        if progress:
            progress(scene_id)
        try:
            result = cache.get(media_path(scene.panorama), info.sha256, scene_settings(scene))
        except PanoramaError as exc:
            problems.append(f"scenes.{scene_id}.panorama: {exc}")
            continue
        if result.manifest.get("pose_from_photo") and "pose" not in scene.model_fields_set:
            scene.pose = Pose(**result.manifest["pose"])
        results[scene_id] = result
    if problems:
        raise TourError(problems)
    return results
