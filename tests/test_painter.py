"""The demo painter: the real demo scenes, painted small, show labelled stations where the hotspots are.

No mocks: the scenes are the repository's scenes/*.yaml, the pictures are really painted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from tourbuilder.demo.painter import paint_panorama, write_demo_media
from tourbuilder.model import Scene

REPO = Path(__file__).resolve().parents[1]
WIDTH = 1024
HEIGHT = WIDTH // 2


def _demo_scenes() -> dict[str, Scene]:
    head = yaml.safe_load((REPO / "tour.yaml").read_text(encoding="utf-8"))
    return {
        ident: Scene.model_validate(yaml.safe_load((REPO / "scenes" / f"{ident}.yaml").read_text(encoding="utf-8")))
        for ident in head["scenes"]
    }


SCENES = _demo_scenes()


@pytest.fixture(scope="module")
def painted() -> dict[str, np.ndarray]:
    return {ident: np.asarray(paint_panorama(scene, width=WIDTH)) for ident, scene in SCENES.items()}


def _pitches(height: int) -> np.ndarray:
    """Pitch (degrees) of each row's centre."""
    return (0.5 - (np.arange(height) + 0.5) / height) * 180.0


def _pixel(yaw: float, pitch: float, width: int = WIDTH) -> tuple[float, float]:
    """(column, row) of a direction, in pixel coordinates (pixel i spans i - .5 .. i + .5 around its centre)."""
    return (0.5 + yaw / 360.0) * width - 0.5, (0.5 - pitch / 180.0) * (width // 2) - 0.5


def _patch(image: np.ndarray, yaw: float, pitch: float, radius: int) -> np.ndarray:
    x, y = _pixel(yaw, pitch, image.shape[1])
    cols = np.arange(round(x) - radius, round(x) + radius + 1) % image.shape[1]
    rows = np.clip(np.arange(round(y) - radius, round(y) + radius + 1), 0, image.shape[0] - 1)
    return image[np.ix_(rows, cols)].astype(float)


def test_the_demo_has_five_scenes_with_hotspots():
    assert list(SCENES) == ["ore-arrival", "crushing-milling", "shaking-table", "gold-room", "tailings-rehabilitation"]
    assert all(len(scene.hotspots) >= 4 for scene in SCENES.values())


@pytest.mark.parametrize("ident", list(SCENES))
def test_size_and_mode(painted, ident):
    image = painted[ident]
    assert image.shape == (HEIGHT, WIDTH, 3)
    assert image.dtype == np.uint8


@pytest.mark.parametrize("ident", list(SCENES))
def test_painting_is_deterministic(painted, ident):
    again = np.asarray(paint_panorama(SCENES[ident], width=WIDTH))
    assert np.array_equal(painted[ident], again)


def test_seed_and_language_change_the_picture(painted):
    scene = SCENES["gold-room"]
    assert not np.array_equal(painted["gold-room"], np.asarray(paint_panorama(scene, width=WIDTH, seed="other")))
    assert not np.array_equal(painted["gold-room"], np.asarray(paint_panorama(scene, width=WIDTH, language="mn")))


@pytest.mark.parametrize("ident", list(SCENES))
def test_a_station_stands_at_every_hotspot(painted, ident):
    """Around each hotspot the picture differs clearly from the same place painted without hotspots."""
    scene = SCENES[ident]
    plain = np.asarray(paint_panorama(scene.model_copy(update={"hotspots": []}), width=WIDTH))
    for spot in scene.hotspots:
        with_station = _patch(painted[ident], spot.yaw, spot.pitch, radius=8)
        without = _patch(plain, spot.yaw, spot.pitch, radius=8)
        changed = np.abs(with_station - without).max(axis=-1) > 30
        assert changed.mean() > 0.6, f"{ident}.{spot.id}: only {changed.mean():.0%} of the patch changed"


FRAME = np.array([21, 101, 192], dtype=float)  # an info station's plate frame colour


def _frame_midpoints(image: np.ndarray, yaw: float, pitch: float) -> tuple[float, float]:
    """Walk out from the hotspot's pixel to the plate's frame in four directions; return the middle."""
    x, y = _pixel(yaw, pitch, image.shape[1])
    col, row = round(x), round(y)
    width = image.shape[1]

    def first_frame(step_x: int, step_y: int) -> int:
        for k in range(1, 80):
            pixel = image[row + k * step_y, (col + k * step_x) % width].astype(float)
            if np.linalg.norm(pixel - FRAME) < 60:
                return k
        raise AssertionError(f"no frame found from ({yaw}, {pitch}) towards ({step_x}, {step_y})")

    left, right = first_frame(-1, 0), first_frame(1, 0)
    up, down = first_frame(0, -1), first_frame(0, 1)
    return col + (right - left) / 2, row + (down - up) / 2


@pytest.mark.parametrize(("yaw", "pitch", "heading"), [
    (0, 0, 0), (90, -20, 0), (-135, 10, 0), (177, -5, 0), (-178, -12, 0), (30, -10, 40),
])
def test_station_centre_is_at_the_hotspot_direction(yaw, pitch, heading):
    """yaw Y, pitch P (pose heading H) lands at column u = .5 + (Y - H) / 360, row v = .5 - P / 180."""
    scene = Scene.model_validate({
        "title": {"mn": "Туршилт", "en": "Test"},
        "panorama": "media/gold-room.jpg",
        "pose": {"heading": heading},
        "hotspots": [{"id": "furnace", "kind": "info", "yaw": yaw, "pitch": pitch,
                      "title": {"mn": "Хайлуулах зуух", "en": "Smelting furnace"}}],
    })
    image = np.asarray(paint_panorama(scene, width=WIDTH))
    mid_x, mid_y = _frame_midpoints(image, yaw - heading, pitch)
    x, y = _pixel(yaw - heading, pitch)
    column_error = (mid_x - x + WIDTH / 2) % WIDTH - WIDTH / 2
    assert abs(column_error) <= 1.5
    assert abs(mid_y - y) <= 1.5


@pytest.mark.parametrize("ident", list(SCENES))
def test_sky_or_ceiling_differs_from_floor(painted, ident):
    image = painted[ident].astype(float)
    pitch = _pitches(HEIGHT)
    above = image[pitch > 60].reshape(-1, 3).mean(axis=0)
    below = image[pitch < -60].reshape(-1, 3).mean(axis=0)
    assert np.linalg.norm(above - below) > 40


@pytest.mark.parametrize("ident", list(SCENES))
def test_picture_is_neither_noise_nor_blank(painted, ident):
    luminance = painted[ident].astype(float) @ np.array([0.299, 0.587, 0.114])
    assert np.abs(np.diff(luminance, axis=1)).mean() < 12  # neighbours alike: smooth surfaces, not noise
    assert np.abs(np.diff(luminance, axis=0)).mean() < 12
    assert luminance.std() > 25  # but with light and dark parts: not a blank
    packed = painted[ident].astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    assert len(np.unique(packed)) > 2000  # many colours: shading and texture, not flat fills


def test_width_must_be_a_multiple_of_eight():
    for width in (1020, 1001, 128, 0):
        with pytest.raises(ValueError):
            paint_panorama(SCENES["gold-room"], width=width)


def test_write_demo_media_writes_every_panorama(tmp_path):
    scenes = {ident: SCENES[ident] for ident in ("ore-arrival", "gold-room")}
    paths = write_demo_media(tmp_path, scenes, width=512, quality=80)
    assert paths == [tmp_path / "media" / "ore-arrival.jpg", tmp_path / "media" / "gold-room.jpg"]
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert image.size == (512, 256)
    # written again (as when the demo is rebuilt): same files, no temporary files left behind
    first = paths[0].read_bytes()
    assert write_demo_media(tmp_path, scenes, width=512, quality=80) == paths
    assert paths[0].read_bytes() == first
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == ["gold-room.jpg", "ore-arrival.jpg"]
