"""The bandwidth budget: what a learner's phone downloads before a scene is sharp, and how long
that takes on a slow mobile link.

The numbers follow how the player loads a scene (web/src/player: player.js, viewer.js,
tiles.js, narration.js) in the ``web`` export, the same things bench/player.py measures in a
browser:

- **opening the tour at a scene** (the start scene; or any scene, when the learner resumes
  there): the page (its HTML carries the whole tour and each panorama's tiny placeholder), the
  player's JavaScript and CSS (``vr.js`` is loaded only on demand), the scene's preview (the
  first picture: the scene is "ready"), then the tiles of the level the phone's screen needs
  that intersect the initial view (the scene is "sharp"). Text is counted gzipped, as web hosts
  send it; pictures as they are. No narration: browsers play nothing before the learner's first
  tap, and the player asks for nothing before it (``preload = "none"``).
- **arriving at a scene** by one of its links: the preview and the same tiles, and the
  narration's MP3 (the largest of the tour's languages), which starts with the scene once the
  learner has tapped once and is downloaded whole while the tiles come in.

Time is estimated as round trips plus bytes over the link's speed: the connection (DNS, TCP,
TLS), the page, the player (CSS and JS side by side), the preview, then the tiles
``TILE_CONCURRENCY`` at a time (the player's ``tileConcurrency``). The link is declared once,
:data:`SLOW_MOBILE`, the one bench/player.py emulates (1.6 Mbit/s, 150 ms). The screen is a
phone held upright (:data:`PHONE`): 360 x 740 CSS px at device pixel ratio 2.

Panoramas are read from the store's derived cache (what import and the panorama jobs made);
a scene whose photo has not been processed yet has no numbers (``note`` says why), unless the
caller lets the budget run the pipeline (``media_path``).
"""

from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pydantic import BaseModel, Field

from .model import Scene, Tour

KIB = 1024
#: Text a web host compresses (bench/player.py's GzipHandler uses the same level).
GZIP_LEVEL = 6
#: Loaded only when the learner chooses VR or the cardboard mode (web/src/player/vr/load.js).
ON_DEMAND = ("vr.js",)
#: The player's defaults that decide which tiles a view needs (web/src/player/player.js).
TILE_CONCURRENCY = 4
MIN_FOV, MAX_FOV, MAX_VERTICAL_FOV, MAX_PIXEL_RATIO = 30.0, 100.0, 120.0, 2.0
#: Round trips before the first byte of the page: DNS, TCP, TLS.
SETUP_ROUND_TRIPS = 3
#: A scene slower than this on the link gets a warning.
THRESHOLD_SECONDS = 10.0


class Link(BaseModel):
    """A network link: download speed and round-trip time."""

    name: str
    down_kbps: float = Field(gt=0)
    rtt_ms: float = Field(ge=0)

    def seconds(self, size: int, round_trips: int) -> float:
        return round(round_trips * self.rtt_ms / 1000 + size * 8 / (self.down_kbps * 1000), 2)


class Screen(BaseModel):
    """The screen a scene is drawn on: CSS pixels and device pixel ratio."""

    name: str
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    pixel_ratio: float = Field(gt=0)


SLOW_MOBILE = Link(name="slow mobile link (1.6 Mbit/s down, 150 ms round trip)", down_kbps=1600, rtt_ms=150)
PHONE = Screen(name="phone held upright (360 x 740 CSS px, pixel ratio 2; the panorama 360 x 638 above the toolbar)",
               width=360, height=638, pixel_ratio=2)


class Load(BaseModel):
    """Bytes and estimated seconds of one way of reaching a scene."""

    bytes: int
    seconds: float


class SceneBudget(BaseModel):
    """One scene's budget. ``bytes``/``seconds``: opening the tour at this scene until it is sharp
    in its initial view; ``ready_seconds``: until its first picture (the preview) is drawn;
    ``arrival``: coming from another scene (preview, tiles, narration)."""

    bytes: int | None = None
    seconds: float | None = None
    ready_seconds: float | None = None
    arrival: Load | None = None
    parts: dict[str, int] = {}
    tiles: dict[str, int] = {}
    over: bool = False
    note: str | None = None


class Budget(BaseModel):
    link: dict
    threshold_seconds: float
    scenes: dict[str, SceneBudget]

    def over(self) -> list[str]:
        """The scenes slower than the threshold."""
        return [scene_id for scene_id, scene in self.scenes.items() if scene.over]


# --- what every page loads ------------------------------------------------

def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL))


@lru_cache(maxsize=8)
def _player_bytes(folder: str, stamp: tuple) -> int:
    return sum(gzip_size((Path(folder) / name).read_bytes()) for name, _ in stamp)


def player_bytes() -> int:
    """The player's JavaScript and CSS loaded at start, gzipped (bench/player.py's bundle size)."""
    from .assets import built

    folder = built("player")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".js", ".css") and p.name not in ON_DEMAND)
    return _player_bytes(str(folder), tuple((p.name, p.stat().st_mtime_ns) for p in files))


def page_bytes(tour: Tour, pyramids: dict[str, dict]) -> int:
    """The web export's index.html for this tour, gzipped (the tour and placeholders ride in it)."""
    from .export.page import render_player_page

    media_urls = {key: f"media/{info.sha256[:20]}{Path(key).suffix.lower()}"
                  for key, info in tour.media.items() if key not in pyramids}
    html = render_player_page(tour, media_urls, asset_base="player/", tracking="local",
                              panoramas=pyramids, offline=True)
    return gzip_size(html.encode("utf-8"))


# --- which tiles the initial view needs (tiles.js, viewer.js) ----------------

FACES = {  # centre, direction of growing a, of growing b (three.js frame; tiles.js FACES)
    "f": ((0, 0, -1), (1, 0, 0), (0, -1, 0)),
    "r": ((1, 0, 0), (0, 0, 1), (0, -1, 0)),
    "b": ((0, 0, 1), (-1, 0, 0), (0, -1, 0)),
    "l": ((-1, 0, 0), (0, 0, -1), (0, -1, 0)),
    "u": ((0, 1, 0), (1, 0, 0), (0, 0, -1)),
    "d": ((0, -1, 0), (1, 0, 0), (0, 0, 1)),
}
CUBE_RADIUS = 5.0
NEAR = 0.1
EPSILON = 1e-3


def _rotation_yxz(x: float, y: float, z: float) -> list[list[float]]:
    """three.js Euler order 'YXZ' (radians) as a matrix: Ry · Rx · Rz."""
    cx, sx, cy, sy, cz, sz = math.cos(x), math.sin(x), math.cos(y), math.sin(y), math.cos(z), math.sin(z)
    ry = [[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]]
    rx = [[1, 0, 0], [0, cx, -sx], [0, sx, cx]]
    rz = [[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]]
    return _matmul(_matmul(ry, rx), rz)


def _matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def _apply(m, p):
    return tuple(m[i][0] * p[0] + m[i][1] * p[1] + m[i][2] * p[2] for i in range(3))


def _in_view(points, planes) -> bool:
    """Whether a convex polygon has a part inside every plane (clipped in turn, as tiles.js)."""
    poly = list(points)
    for normal, constant in planes:
        kept = []
        for i, p in enumerate(poly):
            q = poly[(i + 1) % len(poly)]
            dp = sum(n * c for n, c in zip(normal, p)) + constant
            dq = sum(n * c for n, c in zip(normal, q)) + constant
            if dp > EPSILON:
                kept.append(p)
            if (dp > EPSILON) != (dq > EPSILON):
                t = (dp - EPSILON) / (dp - dq)
                kept.append(tuple(a + (b - a) * t for a, b in zip(p, q)))
        if not kept:
            return False
        poly = kept
    return True


def view_tiles(scene: Scene, levels: list[dict], tile_size: int, faces: list[str],
               screen: Screen = PHONE) -> tuple[int, list[tuple[str, int, int]]]:
    """The level the scene's initial view needs on ``screen`` and its tiles in that view
    ((face, row, col)): viewer.js's camera and tiles.js's chooseLevel and frustum clipping."""
    aspect = screen.width / screen.height
    view = scene.initial_view
    hfov = min(max(view.fov, MIN_FOV), MAX_FOV)
    vfov = min(math.degrees(2 * math.atan(math.tan(math.radians(hfov) / 2) / aspect)), MAX_VERTICAL_FOV)
    limit = max(0.0, 90 - vfov / 2)
    pitch = min(max(view.pitch, -limit), limit)
    half_v = math.radians(vfov) / 2
    half_h = math.atan(math.tan(half_v) * aspect)
    density = screen.width * min(screen.pixel_ratio, MAX_PIXEL_RATIO) / math.degrees(2 * half_h)
    level = next((i for i, lv in enumerate(levels) if lv["face_size"] / 90 >= density), len(levels) - 1)
    # Camera space looks down -z; the four side planes and the near plane, inward normals.
    planes = [((math.cos(half_h), 0, -math.sin(half_h)), 0.0), ((-math.cos(half_h), 0, -math.sin(half_h)), 0.0),
              ((0, math.cos(half_v), -math.sin(half_v)), 0.0), ((0, -math.cos(half_v), -math.sin(half_v)), 0.0),
              ((0, 0, -1), -NEAR)]
    camera = _rotation_yxz(math.radians(pitch), -math.radians(view.yaw), 0.0)
    to_camera = [list(row) for row in zip(*camera)]  # the inverse of a rotation
    pose = scene.pose
    to_world = _rotation_yxz(math.radians(pose.pitch), -math.radians(pose.heading), -math.radians(pose.roll))
    to_view = _matmul(to_camera, to_world)
    size, count = levels[level]["face_size"], levels[level]["tiles"]
    found = []
    for face in faces:
        centre, a_dir, b_dir = FACES[face]

        def at(x: float, y: float):
            a, b = 2 * x / size - 1, 2 * y / size - 1
            local = tuple(CUBE_RADIUS * (centre[i] + a * a_dir[i] + b * b_dir[i]) for i in range(3))
            return _apply(to_view, local)

        for row in range(count):
            for col in range(count):
                x0, y0 = col * tile_size, row * tile_size
                if x0 >= size or y0 >= size:
                    continue
                x1, y1 = min(x0 + tile_size, size), min(y0 + tile_size, size)
                if _in_view([at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)], planes):
                    found.append((face, row, col))
    return level, found


# --- the budget --------------------------------------------------------------

def _pyramid(scene: Scene, tour: Tour, panoramas, media_path) -> tuple[Path, dict] | str:
    """The derived folder and manifest of a scene's panorama, or why there is none."""
    from .panorama.scenes import scene_settings

    info = tour.media.get(scene.panorama)
    if info is None:
        return f"its panorama {scene.panorama} is missing"
    settings = scene_settings(scene)
    folder = panoramas.folder_for(info.sha256, settings)
    manifest = folder / "manifest.json"
    if manifest.is_file():  # read only: a check never writes into the cache
        return folder, json.loads(manifest.read_text(encoding="utf-8"))
    if media_path is not None:
        try:
            result = panoramas.get(media_path(scene.panorama), info.sha256, settings)
        except (OSError, ValueError) as exc:
            return f"its panorama could not be prepared: {exc}"
        return result.folder, result.manifest
    return "its panorama has not been processed yet: save the tour and check again in a moment"


def _narration_bytes(scene: Scene, tour: Tour) -> int:
    if scene.narration is None:
        return 0
    sizes = [tour.media[t.audio].size for t in scene.narration.tracks.values() if t.audio and t.audio in tour.media]
    return max(sizes, default=0)


def tour_budget(tour: Tour, panoramas, *, media_path: Callable[[str], Path] | None = None,
                link: Link = SLOW_MOBILE, screen: Screen = PHONE,
                threshold: float = THRESHOLD_SECONDS) -> Budget:
    """Every scene's budget on ``link`` and ``screen``.

    ``panoramas`` is a PanoramaCache (the store's: ``panorama_cache(store)``); with ``media_path``
    (media key -> file) a panorama not processed yet is processed, else that scene gets a note.
    """
    pyramids: dict[str, dict] = {}
    found: dict[str, tuple[Path, dict] | str] = {}
    for scene_id, scene in tour.scenes.items():
        found[scene_id] = got = _pyramid(scene, tour, panoramas, media_path)
        if not isinstance(got, str):
            manifest = got[1]
            base = f"panoramas/{manifest['source']['sha256'][:20]}"
            pyramids[scene.panorama] = {
                "placeholder": manifest["placeholder"], "preview": f"{base}/{manifest['preview']}",
                "tile_size": manifest["tile_size"], "faces": manifest["faces"], "levels": manifest["levels"],
                "tile_path": f"{base}/{manifest['tile_path']}"}
    page = page_bytes(tour, pyramids)
    player = player_bytes()
    scenes = {}
    for scene_id, scene in tour.scenes.items():
        got = found[scene_id]
        if isinstance(got, str):
            scenes[scene_id] = SceneBudget(note=got)
            continue
        folder, manifest = got
        preview = (folder / manifest["preview"]).stat().st_size
        level, tiles = view_tiles(scene, manifest["levels"], manifest["tile_size"], manifest["faces"], screen)
        tile_bytes = 0
        for face, row, col in tiles:
            path = folder / manifest["tile_path"].format(level=level, face=face, row=row, col=col)
            tile_bytes += path.stat().st_size if path.is_file() else 0
        narration = _narration_bytes(scene, tour)
        tile_trips = math.ceil(len(tiles) / TILE_CONCURRENCY)
        cold = page + player + preview + tile_bytes
        cold_trips = SETUP_ROUND_TRIPS + 3 + tile_trips  # page, player, preview, tiles
        arrival = Load(bytes=preview + tile_bytes + narration,
                       seconds=link.seconds(preview + tile_bytes + narration, 1 + tile_trips))
        seconds = link.seconds(cold, cold_trips)
        scenes[scene_id] = SceneBudget(
            bytes=cold, seconds=seconds, ready_seconds=link.seconds(page + player + preview, SETUP_ROUND_TRIPS + 3),
            arrival=arrival,
            parts={"page": page, "player": player, "preview": preview, "tiles": tile_bytes, "narration": narration},
            tiles={"level": level, "face_size": manifest["levels"][level]["face_size"], "count": len(tiles)},
            over=max(seconds, arrival.seconds) > threshold)
    described = {**link.model_dump(), "screen": screen.model_dump()}
    return Budget(link=described, threshold_seconds=threshold, scenes=scenes)


def budget_lines(budget: Budget) -> list[str]:
    """The budget as lines for the command line."""
    lines = [f"budget on a {budget.link['name']}, {budget.link['screen']['name']}:"]
    for scene_id, scene in budget.scenes.items():
        if scene.bytes is None:
            lines.append(f"  {scene_id}: no numbers: {scene.note}")
            continue
        flag = f"  warning: over {budget.threshold_seconds:g} s" if scene.over else ""
        lines.append(f"  {scene_id}: {scene.bytes / KIB:.0f} KiB, {scene.seconds:.1f} s to sharp "
                     f"({scene.ready_seconds:.1f} s to the first picture); from another scene "
                     f"{scene.arrival.bytes / KIB:.0f} KiB, {scene.arrival.seconds:.1f} s{flag}")
    return lines
