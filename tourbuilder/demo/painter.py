"""Paint the demo tour's panoramas: labelled stations in a plausible place, deterministically.

The demo tour ships without photographs. For each scene this module paints an
equirectangular picture (width x width/2) of a place that matches the scene: a
yard or a restored steppe under the sky, a mill hall, a table room or a gold room
with floor, walls and ceiling. Every hotspot gets a *station*: a sign board with
its title in each language of the text (Mongolian line above English line in the
demo), above a plate with a pictogram of the machine or idea (a jaw crusher, a ball
mill, a shaking table, a furnace, ...). A scene link is a door with a green sign
naming where it leads; the quiz is an orange board with a clipboard.

Geometry (the tour model's conventions): image column u -> yaw = (u - 0.5) * 360,
row v -> pitch = (0.5 - v) * 180, yaw grows to the right. A hotspot at world yaw Y,
pitch P is painted at yaw Y - pose.heading, pitch P of the image (pose.heading is
the world yaw of the image centre). Pose pitch and roll are not painted: painted
pictures are level.

Everything is computed directly in equirectangular coordinates with numpy: the
background by casting each pixel's ray at a box room or a ground plane and the
sky, the stations as flat billboards facing the viewer (perspective-correct,
drawn with Pillow and sampled bilinearly). The only randomness is a generator
seeded from the scene's content and ``seed``, so the same scene and arguments
always give the same pixels.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ..model import MediaHotspot, QuizHotspot, Scene, SceneLinkHotspot

__all__ = ["paint_panorama", "write_demo_media", "font_path"]

RGB = tuple[int, int, int]
INK: RGB = (33, 37, 41)
WHITE: RGB = (255, 255, 255)
F32 = np.float32

# --------------------------------------------------------------------------- fonts

FONT_REGULAR = "DejaVuSans.ttf"
FONT_BOLD = "DejaVuSans-Bold.ttf"


def font_path(name: str = FONT_BOLD) -> Path:
    """The path of a bundled font (DejaVu Sans covers Latin and Cyrillic)."""
    folder = resources.files("tourbuilder") / "static" / "build" / "fonts"
    path = Path(str(folder / name))
    if not path.is_file():
        raise FileNotFoundError(
            f"the font {name} is missing from {Path(str(folder))}: run `pip install .` "
            "(the build copies the fonts)"
        )
    return path


@functools.lru_cache(maxsize=256)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(FONT_BOLD if bold else FONT_REGULAR)), max(6, int(size)))


# --------------------------------------------------------------------------- themes


@dataclass(frozen=True)
class _Theme:
    name: str
    outdoor: bool
    accent: RGB = (255, 193, 7)
    eye: float = 1.6
    # indoor: half width (x), half depth (z), ceiling height above the floor, metres
    room: tuple[float, float, float] = (9.0, 11.0, 6.0)
    wall: RGB = (176, 190, 197)
    wall_low: RGB = (84, 110, 122)
    dado: float = 1.2
    corrugated: bool = False
    windows: tuple[float, float] | None = None  # bottom and top of the window band, metres
    wall_light: tuple[float, float, float, float] = (1.0, 0.9, 0.8, 0.86)  # north, east, south, west
    floor: RGB = (158, 158, 150)
    floor_tile: float = 2.0
    checker: bool = False
    walkway: RGB | None = (255, 202, 40)
    puddles: bool = False
    ceiling: RGB = (214, 218, 220)
    beam: RGB = (96, 104, 112)
    # outdoor
    sky_zenith: RGB = (52, 120, 200)
    sky_horizon: RGB = (196, 222, 240)
    clouds: float = 0.45
    hills_far: RGB = (150, 160, 178)
    hills_near: RGB = (128, 140, 96)
    ground: RGB = (150, 136, 104)
    grass: RGB = (118, 140, 72)
    fence: bool = False
    land: str = "yard"  # "yard" or "rehab"


THEMES: dict[str, _Theme] = {
    "yard": _Theme("yard", outdoor=True, fence=True, land="yard", ground=(160, 142, 112),
                   grass=(138, 146, 86), hills_near=(140, 142, 98), clouds=0.5),
    "hall": _Theme("hall", outdoor=False, room=(10.0, 12.0, 7.5), wall=(150, 172, 186),
                   wall_low=(70, 92, 108), corrugated=True, windows=(4.6, 6.2), floor=(150, 150, 144),
                   floor_tile=3.0, ceiling=(190, 196, 202), beam=(80, 88, 98)),
    "tables": _Theme("tables", outdoor=False, room=(7.0, 8.0, 4.5), wall=(214, 226, 210),
                     wall_low=(96, 150, 128), windows=(1.4, 3.2), floor=(132, 140, 140),
                     floor_tile=1.0, puddles=True, walkway=(70, 150, 210), ceiling=(232, 234, 230),
                     beam=(150, 156, 160), accent=(46, 160, 140)),
    "goldroom": _Theme("goldroom", outdoor=False, room=(3.6, 4.2, 3.0), wall=(226, 214, 190),
                       wall_low=(140, 52, 44), dado=1.0, floor=(96, 92, 88), floor_tile=0.6,
                       checker=True, walkway=None, ceiling=(240, 238, 232), beam=(170, 166, 160),
                       accent=(212, 160, 23), wall_light=(1.0, 0.92, 0.84, 0.9)),
    "land": _Theme("land", outdoor=True, land="rehab", ground=(146, 122, 92), grass=(112, 150, 70),
                   hills_near=(118, 146, 84), hills_far=(140, 156, 176), clouds=0.35,
                   sky_zenith=(40, 110, 196)),
}
_THEME_BY_STEM = {
    "ore-arrival": "yard",
    "crushing-milling": "hall",
    "shaking-table": "tables",
    "gold-room": "goldroom",
    "tailings-rehabilitation": "land",
}
_THEME_WORDS = (
    (("tailing", "rehab", "land", "steppe", "pasture", "field"), "land"),
    (("yard", "arrival", "outdoor", "outside", "gate", "mine"), "yard"),
    (("gold", "smelt", "furnace", "vault"), "goldroom"),
    (("table", "sluice", "concentrat", "gravity", "wash"), "tables"),
    (("mill", "crush", "hall", "plant", "workshop"), "hall"),
)


def _theme_for(scene: Scene, seed_int: int) -> _Theme:
    stem = PurePosixPath(scene.panorama).stem.lower()
    if stem in _THEME_BY_STEM:
        return THEMES[_THEME_BY_STEM[stem]]
    words = " ".join([stem, *(t.lower() for t in scene.title.values())])
    for keys, name in _THEME_WORDS:
        if any(k in words for k in keys):
            return THEMES[name]
    names = sorted(THEMES)
    return THEMES[names[seed_int % len(names)]]


# --------------------------------------------------------------------------- small helpers


def _seed_int(scene: Scene, seed: str) -> int:
    digest = hashlib.sha256((scene.model_dump_json() + "\x00" + seed).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def _rgb(colour) -> np.ndarray:
    return np.asarray(colour, dtype=F32)


def _mix(a: np.ndarray, b, t: np.ndarray) -> np.ndarray:
    """Blend a -> b by t (t broadcast over the colour axis)."""
    return a + (np.asarray(b, dtype=F32) - a) * t[..., None]


def _smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _shade(colour: RGB, k: float) -> RGB:
    return tuple(int(max(0, min(255, round(c * k)))) for c in colour)  # type: ignore[return-value]


def _tile_noise(rng: np.random.Generator, n: int, beta: float) -> np.ndarray:
    """Seamless fractal noise (n x n, mean 0, std 1): white noise shaped to a 1/f^beta spectrum."""
    white = rng.standard_normal((n, n))
    freq = np.fft.fftfreq(n)
    k = np.hypot(freq[:, None], freq[None, :])
    k[0, 0] = 1.0
    spectrum = np.fft.fft2(white) / k**beta
    spectrum[0, 0] = 0.0
    out = np.real(np.fft.ifft2(spectrum))
    out /= out.std() + 1e-9
    return out.astype(F32)


def _planar(image: np.ndarray) -> np.ndarray:
    """(h, w, c) -> contiguous (c, h, w) float32: one flat plane per channel for fast lookups."""
    return np.ascontiguousarray(np.moveaxis(np.asarray(image, dtype=F32), -1, 0))


def _bilinear(planes: np.ndarray, fy: np.ndarray, fx: np.ndarray) -> np.ndarray:
    """Bilinear lookup in planar (c, h, w) data at float pixel coordinates (clamped) -> (..., c)."""
    c, h, w = planes.shape
    fy = np.clip(fy, 0.0, h - 1.001)
    fx = np.clip(fx, 0.0, w - 1.001)
    y0 = fy.astype(np.int32)
    x0 = fx.astype(np.int32)
    ty = fy - y0
    tx = fx - x0
    i00 = y0 * w + x0
    i10 = i00 + w
    out = np.empty(fy.shape + (c,), dtype=F32)
    for k in range(c):
        p = planes[k].reshape(-1)
        a, b = p.take(i00), p.take(i00 + 1)
        top = a + (b - a) * tx
        a, b = p.take(i10), p.take(i10 + 1)
        bottom = a + (b - a) * tx
        out[..., k] = top + (bottom - top) * ty
    return out


def _grow(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize a smooth (h, w, 3) float layer to (height, width, 3) float32, bilinearly (Pillow)."""
    small = Image.fromarray(np.clip(image + 0.5, 0, 255).astype(np.uint8), "RGB")
    return np.asarray(small.resize((width, height), Image.Resampling.BILINEAR), dtype=F32)


def _premultiplied(img: Image.Image) -> np.ndarray:
    """An RGBA Pillow image as planar premultiplied float32 (4, h, w), every channel 0..255."""
    return _planar(np.asarray(img.convert("RGBa")))


def _over(dst: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Premultiplied ``src`` (..., 4) over opaque ``dst`` (..., 3), both 0..255."""
    return dst * (1.0 - src[..., 3:4] * (1.0 / 255.0)) + src[..., :3]


class _Grid:
    """Per-column and per-row trigonometry of (a band of rows of) the equirectangular image.

    Column i has image yaw ((i + .5) / width - .5) * 360 degrees; the world yaw adds ``heading``.
    Row j has pitch ``top - (j + .5) / height * (top - bottom)`` (radians).
    """

    def __init__(self, width: int, height: int, heading: float,
                 top: float = math.pi / 2, bottom: float = -math.pi / 2):
        self.width, self.height, self.heading = width, height, heading
        self.top, self.bottom = top, bottom
        u = (np.arange(width, dtype=np.float64) + 0.5) / width
        yaw = (u - 0.5) * 2 * math.pi + heading
        pitch = top - (np.arange(height, dtype=np.float64) + 0.5) / height * (top - bottom)
        self.yaw = yaw.astype(F32)
        self.sy, self.cy = np.sin(yaw).astype(F32), np.cos(yaw).astype(F32)
        self.pitch = pitch.astype(F32)
        self.sp, self.cp = np.sin(pitch).astype(F32), np.cos(pitch).astype(F32)
        self.tp = np.tan(np.clip(pitch, -1.5707, 1.5707)).astype(F32)

    @property
    def pixel_angle(self) -> float:
        return (self.top - self.bottom) / self.height

    def rows_where(self, mask: np.ndarray) -> slice:
        idx = np.flatnonzero(mask)
        return slice(0, 0) if idx.size == 0 else slice(int(idx[0]), int(idx[-1]) + 1)

    def band(self, rows: slice, factor: int) -> "_Grid":
        """A coarser grid over the same rows, for smooth layers that are painted small and grown."""
        span = (self.top - self.bottom) / self.height
        top = self.top - rows.start * span
        bottom = self.top - rows.stop * span
        n = max(2, math.ceil((rows.stop - rows.start) / factor))
        return _Grid(max(8, self.width // factor), n, self.heading, top, bottom)


# --------------------------------------------------------------------------- station layout


@dataclass
class _Station:
    yaw: float  # world, degrees
    pitch: float
    kind: str
    picto: str
    title: dict[str, str]
    colour: RGB


_KIND_COLOUR: dict[str, RGB] = {
    "info": (21, 101, 192),
    "scene": (46, 125, 50),
    "quiz": (230, 81, 0),
    "media": (106, 27, 154),
}

_PICTO_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("mercury", "hg", "amalgam"), "nomercury"),
    (("ppe", "helmet", "protective", "safety"), "ppe"),
    (("dust", "noise", "silicosis"), "dust"),
    (("gravity", "density", "heavy"), "gravity"),
    (("concentrate",), "concentrate"),
    (("borax", "flux"), "borax"),
    (("fume", "fumes", "extraction", "hood", "chimney"), "fume"),
    (("furnace", "smelting", "smelt", "crucible"), "furnace"),
    (("lock", "security", "vault"), "lock"),
    (("sample", "sampling", "assay"), "sample"),
    (("delivery", "truck", "transport"), "truck"),
    (("crusher", "crushing", "jaw"), "crusher"),
    (("mill", "milling", "grinding"), "mill"),
    (("water", "recycling", "recycle"), "water"),
    (("table", "shaking"), "table"),
    (("sluice",), "sluice"),
    (("pond", "tailings", "dam"), "pond"),
    (("backfill", "backfilling", "pit"), "backfill"),
    (("topsoil", "soil"), "topsoil"),
    (("replanting", "plant", "planting", "grass", "grazing", "seed", "seeds"), "plant"),
)


def _pictogram_for(spot) -> str:
    if isinstance(spot, QuizHotspot):
        return "quiz"
    if isinstance(spot, SceneLinkHotspot):
        return "door"
    if isinstance(spot, MediaHotspot):
        return "media"
    tokens = set(spot.id.replace("_", "-").split("-"))
    tokens |= set(spot.title.get("en", "").lower().replace("?", " ").split())
    if "gold" in tokens and tokens & {"weigh", "weighing", "scale"}:
        return "goldscale"
    for keys, name in _PICTO_RULES:
        if tokens & set(keys):
            return name
    if tokens & {"weigh", "weighing", "scale", "weighbridge"}:
        return "scale"
    return "info"


def _stations(scene: Scene) -> list[_Station]:
    out = []
    for spot in scene.hotspots:
        kind = spot.kind
        out.append(_Station(spot.yaw, spot.pitch, kind, _pictogram_for(spot), dict(spot.title),
                            _KIND_COLOUR.get(kind, _KIND_COLOUR["info"])))
    return out


# --------------------------------------------------------------------------- backgrounds


def _at(yaw_deg: float, dist: float) -> tuple[float, float]:
    """Ground point (x east/right, z north/forward) at a world yaw and horizontal distance."""
    a = math.radians(yaw_deg)
    return dist * math.sin(a), dist * math.cos(a)


def _foot_distance(theme: _Theme, st: _Station) -> float:
    """How far away, on the floor, a station's feet stand."""
    foot = min(-8.0, st.pitch - math.degrees(math.atan(_FOOT_BELOW)))
    return theme.eye / math.tan(math.radians(-foot))


class _Map:
    """A top-down colour map of the floor or ground around the viewer, drawn with Pillow.

    Pixel (row, col) covers x = (col + .5) / ppm - half, z = half - (row + .5) / ppm.
    """

    def __init__(self, half: float, ppm: float, base: RGB):
        self.half, self.ppm = half, ppm
        size = int(round(2 * half * ppm))
        self.img = Image.new("RGB", (size, size), base)
        self.d = ImageDraw.Draw(self.img)

    def px(self, x: float, z: float) -> tuple[float, float]:
        return ((x + self.half) * self.ppm, (self.half - z) * self.ppm)

    def ellipse(self, x: float, z: float, rx: float, rz: float, fill: RGB, yaw: float = 0.0) -> None:
        """An ellipse whose ``rz`` axis points along world ``yaw`` (degrees)."""
        a = math.radians(yaw)
        ux, uz = math.cos(a), -math.sin(a)  # across
        vx, vz = math.sin(a), math.cos(a)  # along
        pts = []
        for k in range(48):
            t = 2 * math.pi * k / 48
            p, q = rx * math.cos(t), rz * math.sin(t)
            pts.append(self.px(x + p * ux + q * vx, z + p * uz + q * vz))
        self.d.polygon(pts, fill=fill)

    def strip(self, yaw: float, d0: float, d1: float, width: float, fill: RGB) -> None:
        """A straight strip (path, slab) from distance d0 to d1 along world ``yaw``."""
        a = math.radians(yaw)
        ux, uz = math.cos(a) * width / 2, -math.sin(a) * width / 2
        (x0, z0), (x1, z1) = _at(yaw, d0), _at(yaw, d1)
        self.d.polygon([self.px(x0 - ux, z0 - uz), self.px(x1 - ux, z1 - uz),
                        self.px(x1 + ux, z1 + uz), self.px(x0 + ux, z0 + uz)], fill=fill)

    def line(self, points: list[tuple[float, float]], fill: RGB, width: float) -> None:
        self.d.line([self.px(x, z) for x, z in points], fill=fill, width=max(1, int(round(width * self.ppm))))

    def planes(self) -> np.ndarray:
        blurred = self.img.filter(ImageFilter.GaussianBlur(radius=max(0.6, 0.02 * self.ppm)))
        return _planar(np.asarray(blurred))


def _floor_map(theme: _Theme, rng: np.random.Generator, stations: list[_Station]) -> _Map:
    if theme.outdoor:
        return _ground_map(theme, rng, stations)
    hx, hz, _ = theme.room
    m = _Map(max(hx, hz) + 0.5, 40.0, theme.floor)
    if theme.walkway is not None:  # painted walkway lines along the walls
        for s in (-1, 1):
            m.line([(s * (hx - 1.3), -hz + 1.3), (s * (hx - 1.3), hz - 1.3)], theme.walkway, 0.12)
            m.line([(-hx + 1.3, s * (hz - 1.3)), (hx - 1.3, s * (hz - 1.3))], theme.walkway, 0.12)
    if theme.puddles:  # a wet floor with a grated drain channel across the room
        for _ in range(16):
            a, r = rng.uniform(0, 2 * math.pi), rng.uniform(1.5, min(hx, hz) - 1)
            m.ellipse(r * math.sin(a), r * math.cos(a), rng.uniform(0.3, 1.1), rng.uniform(0.2, 0.6),
                      _shade(theme.floor, 0.8), float(rng.uniform(0, 180)))
        z0 = -2.5  # behind the viewer
        m.d.rectangle((*m.px(-hx, z0 + 0.2), *m.px(hx, z0 - 0.2)), fill=_shade(theme.floor, 0.62))
        for i in range(int(2 * hx / 0.25)):
            x = -hx + i * 0.25
            m.line([(x, z0 + 0.18), (x, z0 - 0.18)], _shade(theme.floor, 0.95), 0.06)
    for st in stations:  # a plinth and a soft shadow under each standing station
        if st.pitch >= _HANGING_PITCH:
            continue
        x, z = _at(st.yaw, _foot_distance(theme, st))
        k = min(1.0, (hx - 0.8) / max(abs(x), 1e-6), (hz - 0.8) / max(abs(z), 1e-6))
        x, z = x * k, z * k
        m.ellipse(x, z, 1.3, 1.0, _shade(theme.floor, 1.07), st.yaw)
        m.ellipse(x, z, 0.8, 0.45, _shade(theme.floor, 0.62), st.yaw)
    return m


def _ground_map(theme: _Theme, rng: np.random.Generator, stations: list[_Station]) -> _Map:
    rehab = theme.land == "rehab"
    base = theme.grass if rehab else theme.ground
    m = _Map(60.0, 12.0, base)
    grass, ground = theme.grass, theme.ground
    for _ in range(320):  # patchy steppe
        a = rng.uniform(0, 2 * math.pi)
        r = rng.uniform(4 if rehab else 17, 60)
        m.ellipse(r * math.sin(a), r * math.cos(a), rng.uniform(1.5, 8), rng.uniform(1.5, 8),
                  _shade(grass, float(rng.uniform(0.82, 1.15))), float(rng.uniform(0, 180)))
    if not rehab:
        m.ellipse(0, 0, 16, 16, _shade(ground, 1.04))
        for _ in range(60):  # gravel and dust
            a, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, 15)
            m.ellipse(r * math.sin(a), r * math.cos(a), rng.uniform(0.6, 2.5), rng.uniform(0.6, 2.5),
                      _shade(ground, float(rng.uniform(0.9, 1.1))), float(rng.uniform(0, 180)))
        for off in (-1.0, 1.0):  # tyre tracks curving through the yard
            pts = []
            for t in np.linspace(-1, 1, 60):
                a = math.radians(-70 + 140 * t)
                pts.append((10.5 * math.sin(a) + off * math.sin(a), 10.5 * math.cos(a) + off * math.cos(a)))
            m.line(pts, _shade(ground, 0.82), 0.35)
    for st in stations:
        dist = _foot_distance(theme, st)
        if st.picto == "door":  # a track to the building beyond
            m.strip(st.yaw, dist, 58, 3.0, _shade(ground, 0.95))
            m.strip(st.yaw, dist, 58, 2.0, _shade(ground, 1.08))
        elif st.picto == "scale":  # the weighbridge slab behind the scale
            m.strip(st.yaw, dist + 2.5, dist + 11, 3.4, (120, 122, 120))
            m.strip(st.yaw, dist + 2.7, dist + 10.8, 3.0, (178, 178, 172))
        elif st.picto in ("sample", "truck"):
            x, z = _at(st.yaw + 8, 13)
            m.ellipse(x, z, 7, 5, _shade(ground, 0.8), st.yaw)
        elif st.picto == "pond":
            x, z = _at(st.yaw, 17)
            m.ellipse(x, z, 13, 7.5, (138, 116, 88), st.yaw)  # the earth dam
            m.ellipse(x, z, 11, 6, (96, 120, 132), st.yaw)  # water
            m.ellipse(x, z, 8, 4, (112, 140, 156), st.yaw)
        elif st.picto == "backfill":
            x, z = _at(st.yaw, 13)
            m.ellipse(x, z, 8, 5, (168, 146, 114), st.yaw)  # fresh, levelled backfill
            for k in range(5):  # sown rows across it
                xi, zi = _at(st.yaw, 10 + 1.5 * k)
                m.ellipse(xi, zi, 6 - abs(k - 2), 0.22, _shade(grass, 0.9), st.yaw)
        elif st.picto == "topsoil":
            x, z = _at(st.yaw, 13)
            m.ellipse(x, z, 8, 5, (96, 72, 54), st.yaw)
        elif st.picto == "plant":
            for k in range(8):  # rows of young grass, across the view
                xi, zi = _at(st.yaw, 8 + 1.6 * k)
                m.ellipse(xi, zi, 7, 0.3, _shade(grass, 1.3), st.yaw)
        x, z = _at(st.yaw, dist)  # worn ground and a shadow at the station's feet
        if st.pitch >= _HANGING_PITCH:
            continue
        if not rehab:
            m.ellipse(x, z, 1.3, 1.0, _shade(ground, 0.98), st.yaw)
        m.ellipse(x, z, 0.8, 0.45, _shade(base, 0.66), st.yaw)
    return m


def _floor_detail(rng: np.random.Generator) -> np.ndarray:
    """Seamless luminance detail (256 x 256) for floors and ground, around 1.0."""
    fine = _tile_noise(rng, 256, 0.55)
    coarse = _tile_noise(rng, 256, 1.4)
    return np.ascontiguousarray(1.0 + 0.05 * fine + 0.07 * coarse, dtype=F32)


def _plane_distance(theme: _Theme, g: _Grid) -> np.ndarray:
    """Horizontal distance to the floor/ground for each row (large above the horizon)."""
    return (theme.eye / np.maximum(-g.tp, 1e-4)).astype(F32)


def _plane_footprint(theme: _Theme, g: _Grid) -> np.ndarray:
    """Metres of floor one pixel covers (radially), per row."""
    return (theme.eye * g.pixel_angle / np.maximum(np.sin(-g.pitch), 1e-3) ** 2).astype(F32)


def _plane_colour(theme: _Theme, g: _Grid, fmap: _Map, planes: np.ndarray, far: RGB) -> np.ndarray:
    """The map's colour where each pixel's ray meets the floor/ground (smooth: paint coarse)."""
    r = _plane_distance(theme, g)
    gx = r[:, None] * g.sy[None, :]
    gz = r[:, None] * g.cy[None, :]
    half, ppm = fmap.half, fmap.ppm
    colour = _bilinear(planes, (half - gz) * ppm - 0.5, (gx + half) * ppm - 0.5)
    outside = (np.abs(gx) > half) | (np.abs(gz) > half)
    if outside.any():
        colour[outside] = _rgb(far)
    if not theme.outdoor:
        t = theme.floor_tile
        footprint = _plane_footprint(theme, g)[:, None]
        jx = np.abs(np.mod(gx / t, 1.0) - 0.5) * t  # the viewer stands in the middle of a tile
        jz = np.abs(np.mod(gz / t, 1.0) - 0.5) * t
        fpm = np.maximum(footprint, 0.004)
        joint = _smoothstep(0.0, 1.0, 1.0 - (np.minimum(jx, jz) - 0.006) / fpm)
        joint *= np.clip(1.0 - (footprint - 0.04) / 0.2, 0.0, 1.0)
        lum = 1.0 - 0.4 * joint
        if theme.checker:
            cell = (np.floor(gx / t + 0.5).astype(np.int32) + np.floor(gz / t + 0.5).astype(np.int32)) & 1
            lum *= np.where(cell == 1, F32(0.78), F32(1.05))
        colour *= lum[..., None]
    return colour


def _detail_lum(theme: _Theme, g: _Grid, detail: np.ndarray) -> np.ndarray:
    """Fine luminance texture of the floor/ground at full resolution, faded with distance."""
    r = _plane_distance(theme, g)
    footprint = _plane_footprint(theme, g)
    fade = np.clip(1.0 - (footprint - 0.01) / 0.12, 0.0, 1.0).astype(F32)
    n = detail.shape[0]
    density = 64.0 if theme.outdoor else 128.0  # detail pixels per metre
    k = r * density
    iy = (k[:, None] * g.cy[None, :]).astype(np.int32) & (n - 1)
    ix = (k[:, None] * g.sy[None, :]).astype(np.int32) & (n - 1)
    lum = detail.reshape(-1).take(iy * n + ix)
    lum -= 1.0
    lum *= fade[:, None]
    lum += 1.0
    return lum


def _room_columns(theme: _Theme, g: _Grid):
    """Per column: distance to the wall, which wall, position along it, its lighting."""
    hx, hz, _ = theme.room
    ax, az = np.abs(g.sy), np.abs(g.cy)
    rx = hx / np.maximum(ax, 1e-6)
    rz = hz / np.maximum(az, 1e-6)
    on_x = rx < rz
    rho = np.minimum(rx, rz).astype(F32)
    wall_id = np.where(on_x, np.where(g.sy > 0, 1, 3), np.where(g.cy > 0, 0, 2))
    along = np.where(on_x, -rho * g.cy * np.sign(g.sy), rho * g.sy * np.sign(g.cy)).astype(F32)
    corner = np.where(on_x, hz - np.abs(rho * g.cy), hx - np.abs(rho * g.sy)).astype(F32)
    light = np.asarray(theme.wall_light, dtype=F32)[wall_id] * (1.0 - 0.3 * np.exp(-corner / 0.7)).astype(F32)
    return rho, along, light


def _paint_room(theme: _Theme, g: _Grid, rng: np.random.Generator, stations: list[_Station]) -> np.ndarray:
    _, _, ceil = theme.room
    eye = theme.eye
    out = np.zeros((g.height, g.width, 3), dtype=F32)
    rho, along, light = _room_columns(theme, g)
    h_top = (ceil - eye) / rho  # tan(pitch) of the wall's top edge, per column
    h_bot = -eye / rho  # ... and of its foot
    tp = g.tp
    # tan(pitch) changes by this much from one row to the next: edges are blended over it
    step = (g.pixel_angle / np.cos(g.pitch) ** 2).astype(F32)
    ceil_rows = g.rows_where((tp > 0) & (tp + 2 * step > h_top.min()))
    floor_rows = g.rows_where((tp < 0) & (tp - 2 * step < h_bot.max()))
    wall_rows = g.rows_where((tp >= h_bot.min()) & (tp <= h_top.max()))
    wall_tex, wall_ppm, period = _wall_texture(theme, rng)
    fmap = _floor_map(theme, rng, stations)
    detail = _floor_detail(rng)

    # ceiling and floor: smooth layers painted at half resolution, then grown
    n = ceil_rows.stop - ceil_rows.start
    if n > 0:
        gc = g.band(ceil_rows, 2)
        out[ceil_rows] = _grow(_ceiling_colour(theme, gc), g.width, n)
    n = floor_rows.stop - floor_rows.start
    if n > 0:
        gf = g.band(floor_rows, 2)
        colour = _plane_colour(theme, gf, fmap, fmap.planes(), theme.floor)
        rho_f, _, _ = _room_columns(theme, gf)
        near_wall = np.maximum(rho_f[None, :] - _plane_distance(theme, gf)[:, None], 0)
        colour *= (1.0 - 0.3 * np.exp(-near_wall / 0.5))[..., None]
        floor = _grow(colour, g.width, n)
        floor *= _detail_lum(theme, _Grid(g.width, n, g.heading, *_band_edges(g, floor_rows)), detail)[..., None]
        out[floor_rows] = floor

    # walls at full resolution
    rows = wall_rows
    y = rho[None, :] * tp[rows, None] + eye  # height above the floor
    fx = np.mod(along, period) * wall_ppm - 0.5  # the texture holds one period plus a wrapped column
    wall = _bilinear(wall_tex, (ceil - y) * wall_ppm - 0.5, np.broadcast_to(fx[None, :], y.shape))
    wall *= light[None, :, None]
    # how much of each pixel the wall covers: 1 inside, fading over one pixel at its top and foot
    t_rows = tp[rows, None]
    inv_step = 1.0 / step[rows, None]
    cover = np.clip(0.5 + np.minimum(t_rows - h_bot[None, :], h_top[None, :] - t_rows) * inv_step, 0.0, 1.0)
    region = out[rows]
    full = cover >= 1.0
    region[full] = wall[full]
    edge = (cover > 0.0) & ~full
    c = cover[edge][:, None]
    region[edge] = region[edge] * (1.0 - c) + wall[edge] * c
    return out


def _band_edges(g: _Grid, rows: slice) -> tuple[float, float]:
    span = (g.top - g.bottom) / g.height
    return g.top - rows.start * span, g.top - rows.stop * span


def _ceiling_colour(theme: _Theme, g: _Grid) -> np.ndarray:
    """Roof sheets, steel beams every 3 m and light panels, as seen from below."""
    hx, hz, ceil = theme.room
    up = ceil - theme.eye
    c = up / np.maximum(g.tp, 1e-4)
    cx = c[:, None] * g.sy[None, :]
    cz = c[:, None] * g.cy[None, :]
    footprint = (up * g.pixel_angle / np.maximum(np.sin(g.pitch), 1e-3) ** 2)[:, None]
    fpm = np.maximum(footprint, 0.005)
    beam_d = np.abs(np.mod(cz / 3.0 + 0.5, 1.0) - 0.5) * 3.0
    beam = _smoothstep(0.0, 1.0, 1.0 - (beam_d - 0.12) / fpm)
    rib = 1.0 + 0.05 * np.sin(cx * (2 * math.pi / 0.3)) * np.clip(1 - footprint / 0.06, 0, 1)
    lx = np.abs(np.mod(cx / 4.0, 1.0) - 0.5) * 4.0
    lz = np.abs(np.mod(cz / 3.0, 1.0) - 0.5) * 3.0
    lamp = _smoothstep(0.0, 1.0, 1.0 - np.maximum(lx - 0.9, lz - 0.25) / fpm)
    lamp *= (np.abs(cx) < hx - 0.6) & (np.abs(cz) < hz - 0.6)
    col = np.broadcast_to(_rgb(theme.ceiling), cx.shape + (3,)) * rib[..., None]
    col = _mix(col, theme.beam, beam * 0.9)
    col = _mix(col, (255, 252, 236), lamp)
    rho, _, _ = _room_columns(theme, g)
    ao = 1.0 - 0.35 * np.exp(-np.maximum(rho[None, :] - c[:, None], 0) / 0.6)
    col *= np.where(lamp > 0.5, 1.0, ao)[..., None]
    return col


def _wall_texture(theme: _Theme, rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    """Planar wall colours over height (row 0 = ceiling) and one period along the wall."""
    ceil = theme.room[2]
    ppm = 60.0
    period = 6.0
    h, w = int(ceil * ppm) + 1, int(period * ppm)
    y = ceil - (np.arange(h, dtype=F32) + 0.5) / ppm  # height above floor per row
    s = (np.arange(w, dtype=F32) + 0.5) / ppm
    tex = np.empty((h, w, 3), dtype=F32)
    tex[:] = _rgb(theme.wall)
    tex[y < theme.dado] = _rgb(theme.wall_low)
    tex[(y >= theme.dado) & (y < theme.dado + 0.08)] = _rgb(theme.accent)
    tex[y < 0.12] = _rgb(_shade(theme.wall_low, 0.6))
    if theme.corrugated:
        tex *= (1.0 + 0.07 * np.sin(s * (2 * math.pi / 0.25)))[None, :, None]
    seam = np.abs(np.mod(s, period / 2) - period / 4) > period / 4 - 0.05  # pillars
    tex[:, seam] *= 0.72
    if theme.windows:
        w0, w1 = theme.windows
        rows = (y > w0) & (y < w1)
        cols = (np.mod(s, period / 2) > 0.5) & (np.mod(s, period / 2) < period / 2 - 0.5)
        t = ((y[rows] - w0) / (w1 - w0))[:, None, None]
        block = np.broadcast_to(_rgb((168, 198, 222)) * (1 - t) + _rgb((228, 240, 248)) * t,
                                (int(rows.sum()), int(cols.sum()), 3)).copy()
        block[:, np.mod(s[cols], 0.75) < 0.05] = _rgb((90, 96, 104))  # mullions
        tex[np.ix_(rows, cols)] = block
        frame = rows & ((np.abs(y - w0) < 0.06) | (np.abs(y - w1) < 0.06))
        tex[np.ix_(frame, cols)] = _rgb((90, 96, 104))
        tex[np.ix_((y > w0 - 0.08) & (y <= w0), cols)] = _rgb(_shade(theme.wall, 0.75))
    grime = _tile_noise(rng, 256, 1.2)
    tex *= (1.0 + 0.035 * grime[(np.arange(h) % 256)[:, None], (np.arange(w) * 256 // w)[None, :]])[..., None]
    tex *= (1.0 - 0.1 * np.exp(-y / 0.6))[:, None, None]  # dirt near the floor
    # less light reaches the wall's foot and top (ambient occlusion)
    tex *= (1.0 - 0.28 * np.exp(-y / 0.35) - 0.22 * np.exp(-(ceil - y) / 0.5))[:, None, None]
    tex = np.concatenate([tex, tex[:, :1]], axis=1)  # a wrapped column, for bilinear lookups
    return _planar(tex), ppm, period


def _sky_colour(theme: _Theme, g: _Grid, rng: np.random.Generator, sun_yaw: float) -> np.ndarray:
    """Gradient, sun and clouds (smooth: paint coarse)."""
    p = np.maximum(g.pitch, 0.0)
    t = np.clip(p / (math.pi / 2), 0, 1) ** 0.55
    sky_col = _rgb(theme.sky_horizon)[None, :] * (1 - t[:, None]) + _rgb(theme.sky_zenith)[None, :] * t[:, None]
    sky = np.broadcast_to(sky_col[:, None, :], (g.height, g.width, 3)).copy()
    sun_yaw, sun_pitch = math.radians(sun_yaw), math.radians(38.0)
    cosang = (np.cos(p)[:, None] * math.cos(sun_pitch) * np.cos(g.yaw[None, :] - sun_yaw)
              + np.sin(p)[:, None] * math.sin(sun_pitch))
    glow = np.clip(cosang, 0, 1) ** 40 * 0.5 + _smoothstep(0.9994, 0.9997, cosang)
    sky = _mix(sky, (255, 250, 228), np.clip(glow, 0, 1).astype(F32))
    cloud = _planar(_tile_noise(rng, 512, 1.6)[..., None])
    k = 1.0 / np.maximum(np.tan(p), 0.02)
    u = np.mod(k[:, None] * g.sy[None, :] * 90.0 + 1000.0, 511.0)
    w = np.mod(k[:, None] * g.cy[None, :] * 90.0 + 1000.0, 511.0)
    n = _bilinear(cloud, w, u)[..., 0]
    thresh = 1.2 - 1.6 * theme.clouds
    dens = _smoothstep(thresh, thresh + 1.0, n) * _smoothstep(0.02, 0.2, p)[:, None]
    shade = np.clip(0.97 - 0.1 * (n - thresh), 0.8, 1.0)
    cloud_col = shade[..., None] * _rgb((250, 251, 253))
    return sky + (cloud_col - sky) * (dens[..., None] * 0.92)


def _paint_outdoor(theme: _Theme, g: _Grid, rng: np.random.Generator, stations: list[_Station]) -> np.ndarray:
    out = np.zeros((g.height, g.width, 3), dtype=F32)
    horizon = g.height // 2
    sky_rows, ground_rows = slice(0, horizon), slice(horizon, g.height)
    sun_yaw = _free_direction(stations, -150.0)

    out[sky_rows] = _grow(_sky_colour(theme, g.band(sky_rows, 4), rng, sun_yaw), g.width, horizon)

    # hills on the horizon: far blue-grey ridges, nearer green-brown ones (periodic in yaw)
    yaw = g.yaw.astype(np.float64)
    far = np.full_like(yaw, 2.2)
    near = np.full_like(yaw, 0.5)
    for k in range(1, 9):
        far += rng.uniform(0.4, 1.5) / k**0.9 * np.sin(k * yaw + rng.uniform(0, 2 * math.pi))
        near += rng.uniform(0.2, 0.9) / k**0.8 * np.sin(k * yaw + rng.uniform(0, 2 * math.pi))
    haze = _rgb(theme.sky_horizon)
    for height, colour, slope_k, haze_k in ((np.maximum(far, 0.6), theme.hills_far, 0.25, 0.35),
                                             (np.maximum(near, 0.0), theme.hills_near, 0.2, 0.12)):
        top = np.tan(np.radians(height)).astype(F32)
        rows = g.rows_where((g.tp > 0) & (g.tp < top.max() + 2 * g.pixel_angle))
        if rows.stop <= rows.start:
            continue
        hp = g.tp[rows][:, None]
        slope = np.clip(np.gradient(height, yaw), -1, 1).astype(F32)
        col = _rgb(colour)[None, None, :] * (1.0 + slope_k * slope)[None, :, None]
        col = _mix(np.broadcast_to(col, hp.shape[:1] + (g.width, 3)), haze,
                   (haze_k * (1 - np.clip(hp / np.maximum(top, 1e-6)[None, :], 0, 1))).astype(F32))
        step = (g.pixel_angle / np.cos(g.pitch[rows]) ** 2)[:, None]
        cover = np.clip(0.5 + (top[None, :] - hp) / step, 0.0, 1.0)[..., None]  # antialiased ridge
        region = out[rows]
        region[...] = region * (1.0 - cover) + col * cover

    # the ground: the map (coarse), distance haze, fine detail (full resolution)
    fmap = _ground_map(theme, rng, stations)
    detail = _floor_detail(rng)
    gg = g.band(ground_rows, 2)
    colour = _plane_colour(theme, gg, fmap, fmap.planes(), theme.grass)
    fog = (1.0 - np.exp(-_plane_distance(theme, gg) / 260.0)).astype(F32)
    colour = _mix(colour, _shade(theme.hills_near, 1.05), np.broadcast_to(fog[:, None], colour.shape[:2]))
    n = g.height - horizon
    ground = _grow(colour, g.width, n)
    ground *= _detail_lum(theme, _Grid(g.width, n, g.heading, *_band_edges(g, ground_rows)), detail)[..., None]
    out[ground_rows] = ground
    if theme.fence:
        _paint_fence(theme, g, out, stations)
    return out


def _free_direction(stations: list[_Station], prefer: float) -> float:
    """The yaw (degrees, a multiple of 2) furthest from every station, ties broken towards ``prefer``."""
    best, best_score = prefer, -1.0
    for cand in range(-180, 180, 2):
        gap = min((abs((cand - s.yaw + 180) % 360 - 180) for s in stations), default=180.0)
        score = gap - 0.001 * abs((cand - prefer + 180) % 360 - 180)
        if score > best_score:
            best, best_score = float(cand), score
    return best


def _paint_fence(theme: _Theme, g: _Grid, out: np.ndarray, stations: list[_Station]) -> None:
    """A wire fence with wooden posts around the yard, 24 m away, open where a track leads out."""
    radius, height = 24.0, 1.9
    lo, hi = -theme.eye / radius, (height - theme.eye) / radius
    rows = g.rows_where((g.tp >= lo) & (g.tp <= hi))
    if rows.stop <= rows.start:
        return
    y = radius * g.tp[rows] + theme.eye  # height on the fence per row
    s = (g.yaw.astype(np.float64) * radius).astype(F32)  # metres along the fence per column
    px_m = radius * g.pixel_angle
    post = np.abs(np.mod(s, 3.0) - 1.5) > 1.5 - max(0.07, px_m)
    wires = np.zeros_like(y, dtype=bool)
    for level in (0.5, 1.0, 1.5, 1.85):
        wires |= np.abs(y - level) < max(0.025, px_m * 0.6)
    gate = np.zeros(g.width, dtype=bool)
    for st in stations:
        if st.picto == "door":
            gate |= np.abs((np.degrees(g.yaw) - st.yaw + 180) % 360 - 180) < math.degrees(2.2 / radius)
    region = out[rows]
    mesh = np.where(wires[:, None], F32(0.6), F32(0.14)) * ~gate[None, :]
    col = _mix(region, (70, 72, 76), np.broadcast_to(mesh, region.shape[:2]).astype(F32))
    col[:, post] = _rgb((96, 80, 64)) * (1.0 - 0.25 * (y[:, None] / height))[..., None]
    out[rows] = col


# --------------------------------------------------------------------------- billboards

# station layout, in tangent units (about radians near the centre)
_BOARD_W = 0.56  # sign board width
_PLATE = 0.30  # pictogram plate, square; its centre is the hotspot
_DOOR_W, _DOOR_H = 0.30, 0.44  # a scene link's door; its centre is the hotspot
_LEG = 0.16  # posts below the plate
_FOOT_BELOW = _PLATE / 2 + _LEG
_HANGING_PITCH = 3.0  # stations at least this high (degrees) hang from above, with no feet


def _paste_billboard(out: np.ndarray, g: _Grid, board: np.ndarray, scale: float,
                     anchor: tuple[float, float], yaw_deg: float, pitch_deg: float) -> None:
    """Draw a planar premultiplied RGBA image (4, h, w) on a plane facing the viewer at (yaw, pitch).

    ``scale`` is board pixels per tangent unit; ``anchor`` is the board pixel (x, y)
    that lands exactly at (yaw, pitch) (world degrees).
    """
    bh, bw = board.shape[1:]
    ax, ay = anchor
    yaw, pitch = math.radians(yaw_deg), math.radians(pitch_deg)
    sp, cp, sy, cy = math.sin(pitch), math.cos(pitch), math.sin(yaw), math.cos(yaw)
    c = np.array([cp * sy, sp, cp * cy])
    er = np.array([cy, 0.0, -sy])
    eu = np.array([-sp * sy, cp, -sp * cy])
    # the board's outline (in tangent units), sampled along its edges, seen as yaw/pitch
    x0, x1 = -ax / scale, (bw - ax) / scale
    y0, y1 = ay / scale, (ay - bh) / scale
    t = np.linspace(0.0, 1.0, 33)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x1 + (x0 - x1) * t, np.full_like(t, x0)])
    ys = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1), y1 + (y0 - y1) * t])
    d = c[None, :] + xs[:, None] * er[None, :] + ys[:, None] * eu[None, :]
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    pitches = np.arcsin(np.clip(d[:, 1], -1, 1))
    margin = 2.5 * g.pixel_angle
    p_hi, p_lo = pitches.max() + margin, pitches.min() - margin
    for sign in (1.0, -1.0):  # a pole inside the board (not only on its outline)?
        dc = sign * sp
        if dc > 1e-6 and x0 <= 0.0 <= x1 and y1 <= sign * cp / dc <= y0:
            p_hi, p_lo = (math.pi / 2, p_lo) if sign > 0 else (p_hi, -math.pi / 2)
    j0 = max(0, int(math.floor((0.5 - p_hi / math.pi) * g.height)) - 1)
    j1 = min(g.height, int(math.ceil((0.5 - p_lo / math.pi) * g.height)) + 1)
    pole = p_hi >= math.pi / 2 - 0.02 or p_lo <= -math.pi / 2 + 0.02
    if pole:  # the board reaches a pole: every column may be touched
        segments = [(0, g.width)]
    else:
        dyaw = (np.arctan2(d[:, 0], d[:, 2]) - yaw + math.pi) % (2 * math.pi) - math.pi
        centre = ((yaw - g.heading) / (2 * math.pi) + 0.5) * g.width
        lo = int(math.floor(centre + (dyaw.min() - margin) / (2 * math.pi) * g.width)) - 1
        hi = int(math.ceil(centre + (dyaw.max() + margin) / (2 * math.pi) * g.width)) + 2
        if hi - lo >= g.width:
            segments = [(0, g.width)]
        else:
            segments = []
            for k in (-1, 0, 1):
                a, b = max(lo + k * g.width, 0), min(hi + k * g.width, g.width)
                if a < b:
                    segments.append((a, b))
    if j1 <= j0:
        return
    padded = np.pad(board, ((0, 0), (1, 1), (1, 1)))
    for a, b in segments:
        dx = g.cp[j0:j1, None] * g.sy[None, a:b]
        dz = g.cp[j0:j1, None] * g.cy[None, a:b]
        dy = g.sp[j0:j1, None]
        dc = dx * c[0] + dy * c[1] + dz * c[2]
        front = dc > 1e-3
        inv = 1.0 / np.where(front, dc, 1.0)
        fx = ax - 0.5 + (dx * er[0] + dz * er[2]) * inv * scale
        fy = ay - 0.5 - (dx * eu[0] + dy * eu[1] + dz * eu[2]) * inv * scale
        inside = front & (fx > -1) & (fx < bw) & (fy > -1) & (fy < bh)
        if not inside.any():
            continue
        sample = _bilinear(padded, fy[inside] + 1, fx[inside] + 1)
        region = out[j0:j1, a:b]
        region[inside] = _over(region[inside], sample)


def _text_lines(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}".strip()
        if not line or font.getlength(trial) <= max_width:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit_text(text: str, bold: bool, size: int, max_width: float, max_lines: int):
    """Largest font (down to 60 % of ``size``) at which ``text`` wraps into ``max_lines``."""
    for step in range(0, 9):
        s = max(6, int(round(size * (1 - 0.05 * step))))
        font = _font(bold, s)
        lines = _text_lines(text, font, max_width)
        if len(lines) <= max_lines and all(font.getlength(line) <= max_width for line in lines):
            return font, lines
    font = _font(bold, max(6, int(size * 0.6)))
    lines = _text_lines(text, font, max_width)[:max_lines]
    return font, lines


def _ordered_texts(title: dict[str, str], language: str) -> list[tuple[str, str, bool]]:
    """(language, text, emphasised) in the text's own order; ``language`` is emphasised."""
    items = [(lang, text) for lang, text in title.items() if text.strip()]
    if not items:
        return []
    emphasised = language if language in title else items[0][0]
    return [(lang, text, lang == emphasised) for lang, text in items]


def _station_board(st: _Station, theme: _Theme, language: str, scale: float) -> tuple[np.ndarray, tuple[float, float]]:
    """The station as a premultiplied RGBA float image and its anchor pixel (the hotspot)."""
    U = scale  # pixels per tangent unit
    board_w = _BOARD_W * U
    pad = 0.018 * U
    icon_w = 0.095 * U
    text_w = board_w - icon_w - 3 * pad
    # text block
    blocks = []
    for lang, text, strong in _ordered_texts(st.title, language):
        size = int(0.044 * U) if strong else int(0.036 * U)
        font, lines = _fit_text(text, bold=strong, size=size, max_width=text_w, max_lines=2)
        blocks.append((font, lines, strong))
    line_gap = 0.006 * U
    text_h = sum(len(lines) * (font.size * 1.18) for font, lines, _ in blocks) + line_gap * max(0, len(blocks) - 1)
    board_h = max(icon_w + 2 * pad, text_h + 2 * pad)
    is_door = st.picto == "door"
    plate = (_DOOR_W if is_door else _PLATE) * U
    plate_h = (_DOOR_H if is_door else _PLATE) * U
    hanging = st.pitch >= _HANGING_PITCH  # high up: hung from above rather than standing
    leg = 0.0 if hanging else _LEG * U
    rods = _LEG * U if hanging else 0.0
    gap = 0.035 * U
    margin = int(0.02 * U)
    W = int(board_w + 2 * margin)
    H = int(rods + board_h + gap + plate_h + leg + 2 * margin)
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    cx = W / 2
    board_top = margin + rods
    board_bottom = board_top + board_h
    plate_top = board_bottom + gap
    plate_bottom = plate_top + plate_h
    anchor = (cx, plate_top + plate_h / 2)
    steel = (84, 92, 100)

    post_w = max(2, int(0.014 * U))
    if hanging:  # rods from above hold the board; short links hold the plate under it
        for sx in (-0.19, 0.19):
            x = cx + sx * U
            d.rectangle((x - post_w / 3, 0, x + post_w / 3, board_top + 2), fill=steel)
        for sx in (-0.1, 0.1):
            x = cx + sx * U
            d.rectangle((x - post_w / 3, board_bottom - 2, x + post_w / 3, plate_top + 2), fill=steel)
    else:  # a stand: two posts from the board down past the plate, with feet
        for sx in (-0.19, 0.19):
            x = cx + sx * U
            d.rectangle((x - post_w / 2, board_bottom - 2, x + post_w / 2, plate_bottom + leg), fill=steel)
            d.rectangle((x - 3 * post_w, plate_bottom + leg - post_w, x + 3 * post_w, plate_bottom + leg),
                        fill=(60, 64, 70))
    # shadow, then the board
    sh = max(2, int(0.008 * U))
    d.rounded_rectangle((cx - board_w / 2 + sh, board_top + sh, cx + board_w / 2 + sh, board_bottom + sh),
                        radius=int(0.015 * U), fill=(0, 0, 0, 90))
    d.rounded_rectangle((cx - board_w / 2, board_top, cx + board_w / 2, board_bottom), radius=int(0.015 * U),
                        fill=(250, 248, 240), outline=st.colour, width=max(2, int(0.007 * U)))
    # icon square at the left, in the kind's colour
    ix0 = cx - board_w / 2 + pad
    iy0 = board_top + (board_h - icon_w) / 2
    d.rounded_rectangle((ix0, iy0, ix0 + icon_w, iy0 + icon_w), radius=int(0.012 * U), fill=st.colour)
    _kind_symbol(d, st.kind, ix0, iy0, icon_w)
    # the texts, each language on its own lines
    tx = ix0 + icon_w + pad
    ty = board_top + (board_h - text_h) / 2
    for font, lines, strong in blocks:
        colour = INK if strong else (70, 76, 84)
        for line in lines:
            d.text((tx, ty), line, font=font, fill=colour)
            ty += font.size * 1.18
        ty += line_gap
    # accent stripe under the board
    d.rectangle((cx - board_w / 2 + 0.02 * U, board_bottom - max(2, int(0.006 * U)),
                 cx + board_w / 2 - 0.02 * U, board_bottom), fill=theme.accent)

    # the plate (pictogram) or the door
    px0, px1 = cx - plate / 2, cx + plate / 2
    if is_door:
        _draw_door(d, px0, plate_top, px1, plate_bottom, st, theme, U)
    else:
        d.rounded_rectangle((px0 + sh, plate_top + sh, px1 + sh, plate_bottom + sh), radius=int(0.02 * U),
                            fill=(0, 0, 0, 80))
        d.rounded_rectangle((px0, plate_top, px1, plate_bottom), radius=int(0.02 * U), fill=(252, 252, 250),
                            outline=st.colour, width=max(3, int(0.012 * U)))
        inner = plate * 0.8
        _PICTOS.get(st.picto, _p_info)(_Pen(d, cx - inner / 2, plate_top + (plate_h - inner) / 2, inner))
    return _premultiplied(img), anchor


def _kind_symbol(d: ImageDraw.ImageDraw, kind: str, x0: float, y0: float, size: float) -> None:
    cx, cy = x0 + size / 2, y0 + size / 2
    if kind == "scene":
        k = size / 100
        d.polygon([(cx - 26 * k, cy - 10 * k), (cx + 4 * k, cy - 10 * k), (cx + 4 * k, cy - 28 * k),
                   (cx + 32 * k, cy), (cx + 4 * k, cy + 28 * k), (cx + 4 * k, cy + 10 * k),
                   (cx - 26 * k, cy + 10 * k)], fill=WHITE)
    else:
        symbol = {"info": "i", "quiz": "?", "media": "▶"}.get(kind, "i")
        font = _font(True, int(size * 0.72))
        d.text((cx, cy), symbol, font=font, fill=WHITE, anchor="mm")


def _draw_door(d: ImageDraw.ImageDraw, x0: float, y0: float, x1: float, y1: float,
               st: _Station, theme: _Theme, U: float) -> None:
    frame = max(3, int(0.018 * U))
    d.rectangle((x0 + frame, y0 + frame, x1 + frame, y1 + frame), fill=(0, 0, 0, 70))
    d.rectangle((x0, y0, x1, y1), fill=(70, 78, 86))
    ox0, oy0, ox1, oy1 = x0 + frame, y0 + frame, x1 - frame, y1
    # the lit room or yard beyond the doorway: a light gradient, floor at the bottom
    steps = 24
    for i in range(steps):
        t = i / (steps - 1)
        top = oy0 + (oy1 - oy0) * i / steps
        bot = oy0 + (oy1 - oy0) * (i + 1) / steps
        colour = tuple(int(a + (b - a) * t) for a, b in zip((236, 242, 232), (200, 210, 196)))
        d.rectangle((ox0, top, ox1, bot + 1), fill=colour)
    floor_y = oy0 + (oy1 - oy0) * 0.72
    d.polygon([(ox0, oy1), (ox1, oy1), (ox1 - (ox1 - ox0) * 0.2, floor_y), (ox0 + (ox1 - ox0) * 0.2, floor_y)],
              fill=(150, 156, 150))
    # a big arrow on a green disc: "go through here"
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = (x1 - x0) * 0.34
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=st.colour, outline=WHITE, width=max(2, int(0.006 * U)))
    k = r / 40
    d.polygon([(cx, cy - 28 * k), (cx + 24 * k, cy - 2 * k), (cx + 9 * k, cy - 2 * k), (cx + 9 * k, cy + 26 * k),
               (cx - 9 * k, cy + 26 * k), (cx - 9 * k, cy - 2 * k), (cx - 24 * k, cy - 2 * k)], fill=WHITE)


# --------------------------------------------------------------------------- pictograms


class _Pen:
    """Draws on a 100 x 100 design grid placed at (x0, y0) with side ``size`` pixels."""

    def __init__(self, draw: ImageDraw.ImageDraw, x0: float, y0: float, size: float):
        self.d, self.x0, self.y0, self.k = draw, x0, y0, size / 100.0

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (self.x0 + x * self.k, self.y0 + y * self.k)

    def w(self, v: float) -> int:
        return max(1, int(round(v * self.k)))

    def box(self, x0, y0, x1, y1):
        return (*self.p(x0, y0), *self.p(x1, y1))

    def rect(self, x0, y0, x1, y1, fill=None, outline=INK, width=2.5, r=0.0):
        if r:
            self.d.rounded_rectangle(self.box(x0, y0, x1, y1), radius=r * self.k, fill=fill,
                                     outline=outline, width=self.w(width) if outline else 0)
        else:
            self.d.rectangle(self.box(x0, y0, x1, y1), fill=fill, outline=outline,
                             width=self.w(width) if outline else 0)

    def circle(self, cx, cy, r, fill=None, outline=INK, width=2.5):
        self.d.ellipse(self.box(cx - r, cy - r, cx + r, cy + r), fill=fill, outline=outline,
                       width=self.w(width) if outline else 0)

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=INK, width=2.5):
        self.d.ellipse(self.box(x0, y0, x1, y1), fill=fill, outline=outline, width=self.w(width) if outline else 0)

    def poly(self, pts, fill=None, outline=INK, width=2.5):
        xy = [self.p(x, y) for x, y in pts]
        self.d.polygon(xy, fill=fill)
        if outline:
            self.d.line(xy + [xy[0]], fill=outline, width=self.w(width), joint="curve")

    def line(self, pts, fill=INK, width=2.5):
        self.d.line([self.p(x, y) for x, y in pts], fill=fill, width=self.w(width), joint="curve")

    def arc(self, x0, y0, x1, y1, start, end, fill=INK, width=2.5):
        self.d.arc(self.box(x0, y0, x1, y1), start, end, fill=fill, width=self.w(width))

    def chord(self, x0, y0, x1, y1, start, end, fill=None, outline=INK, width=2.5):
        self.d.chord(self.box(x0, y0, x1, y1), start, end, fill=fill, outline=outline,
                     width=self.w(width) if outline else 0)

    def text(self, x, y, s, size, fill=INK, bold=True):
        self.d.text(self.p(x, y), s, font=_font(bold, int(size * self.k)), fill=fill, anchor="mm")

    def arrow(self, x0, y0, x1, y1, fill=INK, width=4.0, head=7.0):
        self.line([(x0, y0), (x1, y1)], fill, width)
        a = math.atan2(y1 - y0, x1 - x0)
        pts = [(x1 + head * math.cos(a), y1 + head * math.sin(a)),
               (x1 + head * math.cos(a + 2.3), y1 + head * math.sin(a + 2.3)),
               (x1 + head * math.cos(a - 2.3), y1 + head * math.sin(a - 2.3))]
        self.poly(pts, fill=fill, outline=None)


GOLD: RGB = (255, 193, 7)
STEEL: RGB = (120, 144, 156)
DARK: RGB = (55, 71, 79)
ROCK: RGB = (141, 110, 99)
WATER: RGB = (41, 150, 230)
SOIL: RGB = (121, 85, 72)
GREEN: RGB = (76, 160, 60)
RED: RGB = (211, 47, 47)


def _p_info(p: _Pen) -> None:
    p.circle(50, 50, 42, fill=_KIND_COLOUR["info"], outline=None)
    p.text(50, 52, "i", 62, fill=WHITE)


def _p_truck(p: _Pen) -> None:
    p.chord(10, 16, 58, 62, 180, 360, fill=ROCK)
    for x, y, r in ((20, 36, 5), (32, 30, 6), (45, 34, 5), (38, 40, 4)):
        p.circle(x, y, r, fill=(161, 136, 127), width=1.5)
    p.poly([(6, 40), (62, 40), (58, 70), (10, 70)], fill=(249, 168, 37))
    p.rect(62, 42, 92, 70, fill=(249, 168, 37))
    p.poly([(67, 46), (84, 46), (89, 56), (67, 56)], fill=(179, 229, 252))
    p.line([(4, 70), (95, 70)], width=4)
    for x in (25, 77):
        p.circle(x, 76, 11, fill=(45, 45, 45))
        p.circle(x, 76, 4, fill=(190, 190, 190), outline=None)


def _p_scale(p: _Pen) -> None:
    p.ellipse(20, 26, 62, 68, fill=(200, 161, 101))
    p.poly([(33, 18), (49, 18), (45, 30), (37, 30)], fill=(200, 161, 101))
    p.line([(33, 28), (49, 28)], fill=(120, 85, 50), width=3)
    p.text(41, 50, "kg", 14, fill=(110, 76, 40))
    p.rect(8, 66, 78, 76, fill=STEEL)
    p.rect(12, 76, 20, 84, fill=DARK)
    p.rect(66, 76, 74, 84, fill=DARK)
    p.rect(81, 32, 87, 84, fill=DARK)
    p.rect(66, 12, 98, 34, fill=(38, 50, 56), r=3)
    p.text(82, 23, "125", 12, fill=(118, 255, 3))


def _p_sample(p: _Pen) -> None:
    for pts, colour in (([(4, 92), (14, 66), (32, 60), (44, 74), (40, 92)], ROCK),
                        ([(34, 92), (46, 70), (66, 66), (78, 80), (74, 92)], (160, 140, 128)),
                        ([(60, 92), (70, 78), (88, 76), (96, 92)], (120, 100, 90))):
        p.poly(pts, fill=colour)
    p.circle(50, 38, 24, fill=(227, 242, 253), width=6)
    for x, y in ((44, 34), (55, 42), (48, 46)):
        p.circle(x, y, 3, fill=GOLD, width=1)
    p.line([(67, 55), (88, 76)], width=10)


def _p_ppe(p: _Pen) -> None:
    p.circle(50, 58, 28, fill=(241, 194, 125))
    p.chord(18, 14, 82, 72, 180, 360, fill=(253, 216, 53))
    p.rect(10, 40, 90, 47, fill=(253, 216, 53), r=2)
    p.rect(27, 50, 73, 62, fill=(79, 195, 247), r=5)
    p.line([(50, 50), (50, 62)], width=2)
    p.rect(35, 67, 65, 84, fill=WHITE, r=6)
    p.ellipse(12, 48, 25, 72, fill=RED)
    p.ellipse(75, 48, 88, 72, fill=RED)


def _p_nomercury(p: _Pen) -> None:
    p.poly([(50, 16), (67, 48), (33, 48)], fill=(176, 190, 197), outline=None)
    p.circle(50, 60, 20, fill=(176, 190, 197), outline=None)
    p.text(50, 60, "Hg", 22)
    p.circle(50, 50, 43, fill=None, outline=RED, width=9)
    p.line([(20, 20), (80, 80)], fill=RED, width=9)


def _p_crusher(p: _Pen) -> None:
    p.rect(4, 10, 96, 20, fill=DARK)
    p.poly([(10, 20), (38, 20), (46, 80), (30, 80)], fill=STEEL)
    p.poly([(90, 20), (62, 20), (54, 80), (70, 80)], fill=STEEL)
    for y in (30, 42, 54, 66):
        p.line([(36 + (y - 20) * 0.12, y), (31 + (y - 20) * 0.12, y + 5)], width=2)
        p.line([(64 - (y - 20) * 0.12, y), (69 - (y - 20) * 0.12, y + 5)], width=2)
    for pts in ([(38, 4), (50, 0), (60, 6), (56, 16), (42, 16)], [(44, 28), (54, 26), (56, 36), (46, 38)]):
        p.poly(pts, fill=ROCK)
    for x, y in ((44, 88), (52, 94), (58, 87), (49, 84)):
        p.circle(x, y, 3.5, fill=ROCK, width=1.5)
    p.arrow(80, 88, 92, 88, width=3, head=5)
    p.arrow(80, 88, 68, 88, width=3, head=5)


def _p_mill(p: _Pen) -> None:
    p.poly([(16, 66), (30, 66), (34, 86), (12, 86)], fill=DARK)
    p.poly([(60, 66), (74, 66), (78, 86), (56, 86)], fill=DARK)
    p.rect(8, 26, 80, 68, fill=(84, 110, 122), r=14)
    for x in (22, 66):
        p.rect(x - 2, 26, x + 2, 68, fill=(144, 164, 174), outline=None)
    p.ellipse(30, 34, 58, 60, fill=(38, 50, 56))
    for x, y in ((38, 52), (46, 53), (52, 48), (42, 45), (50, 41)):
        p.circle(x, y, 3.5, fill=(207, 216, 220), width=1)
    p.rect(82, 38, 96, 58, fill=(55, 71, 79), r=2)
    p.poly([(0, 28), (10, 36), (10, 44), (0, 40)], fill=ROCK)
    p.arc(14, 8, 74, 50, 200, 330, width=4)
    p.arrow(66, 14, 69, 16, width=3, head=6)


def _p_water(p: _Pen) -> None:
    p.poly([(8, 42), (60, 42), (56, 90), (12, 90)], fill=(236, 239, 241))
    p.poly([(10, 58), (58, 58), (56, 88), (12, 88)], fill=WATER, outline=None)
    p.line([(10, 58), (22, 55), (34, 58), (46, 55), (58, 58)], fill=WHITE, width=2.5)
    p.poly([(8, 42), (60, 42), (56, 90), (12, 90)], fill=None)
    p.arc(54, 8, 96, 50, 200, 340, fill=GREEN, width=6)
    p.arc(54, 8, 96, 50, 20, 160, fill=GREEN, width=6)
    p.poly([(95, 24), (88, 34), (100, 34)], fill=GREEN, outline=None)
    p.poly([(55, 34), (50, 24), (62, 24)], fill=GREEN, outline=None)
    p.poly([(75, 16), (82, 30), (68, 30)], fill=WATER, outline=None)
    p.circle(75, 32, 7, fill=WATER, outline=None)


def _p_dust(p: _Pen) -> None:
    p.arc(20, 8, 80, 68, 180, 360, width=7)
    p.rect(12, 32, 30, 62, fill=RED, r=6)
    p.rect(70, 32, 88, 62, fill=RED, r=6)
    for x, y, r in ((22, 80, 9), (36, 84, 10), (52, 80, 11), (68, 84, 9), (80, 78, 7)):
        p.circle(x, y, r, fill=(189, 189, 189), outline=None)
    for x, y in ((14, 92), (30, 96), (60, 96), (88, 92), (45, 70)):
        p.circle(x, y, 2, fill=(120, 120, 120), outline=None)


def _p_gravity(p: _Pen) -> None:
    p.rect(30, 88, 70, 94, fill=DARK)
    p.rect(47, 18, 53, 88, fill=DARK)
    p.line([(12, 26), (88, 44)], width=5)
    p.circle(50, 35, 4, fill=DARK)
    p.line([(12, 26), (4, 50)], width=1.5)
    p.line([(12, 26), (22, 50)], width=1.5)
    p.chord(0, 40, 26, 60, 0, 180, fill=STEEL)
    p.poly([(6, 50), (10, 40), (18, 38), (22, 48)], fill=(215, 204, 200))
    p.line([(88, 44), (80, 68)], width=1.5)
    p.line([(88, 44), (96, 68)], width=1.5)
    p.chord(75, 58, 100, 78, 0, 180, fill=STEEL)
    p.rect(82, 60, 94, 68, fill=GOLD)
    p.text(14, 70, "2,65", 12)
    p.text(86, 86, "19,3", 12)


def _p_table(p: _Pen) -> None:
    p.line([(14, 60), (14, 88)], width=4)
    p.line([(86, 52), (86, 84)], width=4)
    p.poly([(6, 44), (76, 26), (94, 54), (24, 74)], fill=(207, 216, 220))
    p.poly([(50, 33), (76, 26), (85, 40), (59, 47)], fill=(188, 170, 164), outline=None)
    p.poly([(59, 47), (85, 40), (89, 47), (63, 54)], fill=(93, 64, 55), outline=None)
    p.poly([(63, 54), (89, 47), (94, 54), (66, 61)], fill=GOLD, outline=None)
    for i in range(1, 6):
        t = i / 6
        a = (6 + 18 * t, 44 + 30 * t)
        b = (76 + 18 * t * 0.5, 26 + 28 * t * 0.5)
        p.line([a, (a[0] + (b[0] - a[0]) * 0.7, a[1] + (b[1] - a[1]) * 0.7)], fill=(96, 125, 139), width=1.5)
    p.poly([(6, 44), (76, 26), (94, 54), (24, 74)], fill=None)
    for x, y in ((12, 34), (26, 30), (40, 26)):
        p.circle(x, y, 3, fill=WATER, outline=None)
    p.arrow(40, 92, 24, 92, width=4, head=6)
    p.arrow(40, 92, 60, 92, width=4, head=6)


def _p_sluice(p: _Pen) -> None:
    p.line([(20, 52), (20, 86)], width=4)
    p.line([(80, 72), (80, 90)], width=4)
    p.line([(4, 30), (96, 62)], fill=WATER, width=5)
    p.poly([(4, 34), (96, 66), (96, 80), (4, 48)], fill=(161, 136, 127))
    for i in range(1, 9):
        x = 4 + i * 10.5
        y = 34 + (x - 4) * 32 / 92
        p.line([(x, y), (x - 3, y + 7)], width=3)
        if i % 2:
            p.circle(x - 5, y + 4, 2.2, fill=GOLD, width=1)
    p.arrow(30, 18, 60, 29, fill=WATER, width=4, head=6)


def _p_concentrate(p: _Pen) -> None:
    p.ellipse(6, 38, 94, 80, fill=DARK)
    p.ellipse(16, 44, 84, 72, fill=(66, 66, 66), width=1.5)
    for x, y, r in ((60, 60, 3.5), (66, 56, 2.5), (56, 64, 2.5), (70, 62, 3), (63, 66, 2), (52, 58, 2)):
        p.circle(x, y, r, fill=GOLD, outline=None)
    p.rect(30, 6, 56, 34, fill=(236, 239, 241), r=3)
    p.rect(28, 4, 58, 11, fill=DARK)
    p.rect(58, 10, 74, 24, fill=(255, 179, 0), r=2)
    p.arc(60, 2, 72, 16, 180, 360, width=3)


def _p_furnace(p: _Pen) -> None:
    p.rect(62, 2, 74, 22, fill=DARK)
    p.rect(14, 20, 86, 90, fill=(109, 76, 65))
    for y in (34, 48, 62, 76):
        p.line([(14, y), (86, y)], fill=(78, 52, 46), width=1.5)
    p.rect(28, 40, 72, 78, fill=(255, 111, 0), r=6)
    p.poly([(40, 52), (60, 52), (57, 72), (43, 72)], fill=(189, 189, 189))
    p.ellipse(41, 49, 59, 55, fill=GOLD, width=1.5)
    for x in (34, 66):
        p.poly([(x - 4, 76), (x, 62), (x + 4, 76)], fill=(255, 235, 59), outline=None)
    p.text(50, 85, "1100 °C", 8, fill=WHITE)


def _p_borax(p: _Pen) -> None:
    p.poly([(22, 20), (78, 20), (88, 90), (12, 90)], fill=(236, 239, 241))
    p.poly([(40, 8), (60, 8), (57, 21), (43, 21)], fill=(236, 239, 241))
    p.line([(40, 20), (60, 20)], width=4)
    p.rect(22, 40, 78, 72, fill=(33, 150, 243), outline=None)
    p.text(50, 52, "BORAX", 14, fill=WHITE)
    p.text(50, 65, "Na₂B₄O₇", 10, fill=WHITE, bold=False)


def _p_fume(p: _Pen) -> None:
    p.rect(42, 2, 58, 28, fill=STEEL)
    p.poly([(14, 48), (86, 48), (62, 26), (38, 26)], fill=STEEL)
    p.circle(50, 15, 7, fill=(236, 239, 241), width=2)
    for a in (0, 120, 240):
        r = math.radians(a)
        p.line([(50, 15), (50 + 6 * math.cos(r), 15 + 6 * math.sin(r))], width=2)
    for x in (32, 50, 68):
        p.arrow(x, 62, x + (50 - x) * 0.3, 44, fill=(117, 117, 117), width=3, head=5)
    p.rect(28, 70, 72, 96, fill=(109, 76, 65))
    p.rect(40, 78, 60, 90, fill=(255, 111, 0), r=3)


def _p_goldscale(p: _Pen) -> None:
    p.rect(10, 58, 90, 88, fill=(236, 239, 241), r=4)
    p.rect(18, 66, 60, 80, fill=(38, 50, 56), r=2)
    p.text(39, 73, "31.2 g", 9, fill=(118, 255, 3))
    p.circle(76, 73, 5, fill=GREEN)
    p.rect(24, 48, 76, 58, fill=STEEL)
    p.poly([(30, 26), (70, 26), (76, 48), (24, 48)], fill=GOLD)
    p.line([(36, 32), (50, 32)], fill=WHITE, width=3)


def _p_lock(p: _Pen) -> None:
    p.arc(28, 8, 72, 56, 180, 360, width=9)
    p.line([(28, 32), (28, 44)], width=9)
    p.line([(72, 32), (72, 44)], width=9)
    p.rect(18, 42, 82, 92, fill=(255, 179, 0), r=8)
    p.circle(50, 62, 7, fill=INK, outline=None)
    p.poly([(46, 64), (54, 64), (56, 80), (44, 80)], fill=INK, outline=None)


def _p_pond(p: _Pen) -> None:
    p.rect(0, 84, 100, 96, fill=SOIL, outline=None)
    p.poly([(2, 40), (62, 40), (62, 86), (2, 86)], fill=WATER, outline=None)
    p.poly([(2, 70), (60, 66), (56, 86), (2, 86)], fill=(158, 158, 158), outline=None)
    for y in (48, 58):
        p.line([(6, y), (16, y - 3), (26, y), (36, y - 3), (46, y)], fill=WHITE, width=2.5)
    p.poly([(58, 34), (74, 34), (98, 86), (44, 86)], fill=(141, 110, 99))
    p.line([(58, 34), (74, 34)], fill=GREEN, width=5)
    p.line([(2, 40), (2, 86), (98, 86)], width=2.5)


def _p_backfill(p: _Pen) -> None:
    p.rect(0, 50, 100, 96, fill=(161, 136, 127), outline=None)
    p.poly([(24, 50), (76, 50), (66, 88), (34, 88)], fill=(62, 39, 35))
    p.poly([(30, 70), (71, 70), (66, 88), (34, 88)], fill=(188, 170, 164), outline=None)
    p.line([(0, 50), (24, 50)], width=2.5)
    p.line([(76, 50), (100, 50)], width=2.5)
    p.arrow(50, 6, 50, 38, width=6, head=9)
    for x, y in ((40, 30), (60, 24), (58, 40), (42, 44)):
        p.circle(x, y, 3, fill=SOIL, outline=None)


def _p_topsoil(p: _Pen) -> None:
    p.rect(6, 44, 94, 60, fill=(78, 52, 46))
    p.rect(6, 60, 94, 76, fill=(141, 110, 99))
    p.rect(6, 76, 94, 92, fill=(188, 170, 164))
    for x in range(12, 92, 10):
        p.line([(x, 44), (x - 3, 32)], fill=GREEN, width=3)
        p.line([(x + 2, 44), (x + 5, 34)], fill=GREEN, width=3)
    for x, y in ((20, 52), (44, 50), (70, 54), (84, 50)):
        p.circle(x, y, 2, fill=(255, 224, 130), outline=None)
    p.chord(56, 4, 98, 44, 180, 360, fill=(78, 52, 46))  # the stored topsoil pile
    p.arrow(58, 22, 30, 30, width=4, head=7)  # ... spread back on top


def _p_plant(p: _Pen) -> None:
    p.rect(0, 82, 100, 96, fill=(121, 85, 72), outline=None)
    for x in (12, 30):
        p.line([(x, 82), (x, 50)], fill=GREEN, width=4)
        p.ellipse(x - 14, 52, x, 62, fill=GREEN, width=1.5)
        p.ellipse(x, 44, x + 14, 54, fill=GREEN, width=1.5)
    for x, y, r in ((58, 60, 10), (70, 56, 11), (82, 60, 10), (64, 68, 10), (78, 68, 10)):
        p.circle(x, y, r, fill=WHITE, width=2)
    p.ellipse(86, 50, 100, 66, fill=(66, 66, 66), width=1.5)
    for x in (60, 68, 78, 86):
        p.line([(x, 74), (x, 86)], width=3.5)


def _p_quiz(p: _Pen) -> None:
    p.rect(18, 10, 82, 94, fill=(255, 248, 225), r=4)
    p.rect(36, 4, 64, 16, fill=DARK, r=3)
    for i, y in enumerate((30, 50, 70)):
        p.rect(26, y - 6, 38, y + 6, fill=WHITE, width=2)
        if i < 2:
            p.line([(27, y), (31, y + 4), (39, y - 7)], fill=GREEN, width=4)
        p.line([(44, y), (74, y)], fill=(120, 120, 120), width=3)
    p.circle(74, 80, 13, fill=_KIND_COLOUR["quiz"], outline=None)
    p.text(74, 81, "?", 20, fill=WHITE)


def _p_media(p: _Pen) -> None:
    p.rect(8, 22, 92, 80, fill=DARK, r=6)
    p.poly([(40, 36), (66, 51), (40, 66)], fill=WHITE, outline=None)


_PICTOS = {
    "info": _p_info, "truck": _p_truck, "scale": _p_scale, "sample": _p_sample, "ppe": _p_ppe,
    "nomercury": _p_nomercury, "crusher": _p_crusher, "mill": _p_mill, "water": _p_water,
    "dust": _p_dust, "gravity": _p_gravity, "table": _p_table, "sluice": _p_sluice,
    "concentrate": _p_concentrate, "furnace": _p_furnace, "borax": _p_borax, "fume": _p_fume,
    "goldscale": _p_goldscale, "lock": _p_lock, "pond": _p_pond, "backfill": _p_backfill,
    "topsoil": _p_topsoil, "plant": _p_plant, "quiz": _p_quiz, "media": _p_media,
}


# --------------------------------------------------------------------------- props and the nadir plate


@dataclass
class _Prop:
    board: np.ndarray  # planar premultiplied RGBA
    anchor: tuple[float, float]
    yaw: float
    pitch: float
    scale: float
    dist: float


def _prop_canvas(width_m: float, height_m: float, ppm: float) -> tuple[Image.Image, ImageDraw.ImageDraw, int, int]:
    w, h = max(4, int(width_m * ppm) + 4), max(4, int(height_m * ppm) + 4)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    return img, ImageDraw.Draw(img), w, h


def _shed(ppm: float) -> tuple[Image.Image, tuple[float, float]]:
    """The processing plant: a long steel building with roller doors and a stack."""
    wm, wall, roof, stack = 56.0, 8.0, 3.5, 7.0
    img, d, w, h = _prop_canvas(wm, wall + roof + stack, ppm)
    base = h - 2
    top = base - wall * ppm
    d.polygon([(0, top), (w - 1, top), (w - 1 - 3 * ppm, top - roof * ppm), (3 * ppm, top - roof * ppm)],
              fill=(96, 125, 139))
    sx = 0.72 * w
    d.rectangle((sx, top - (roof + stack) * ppm, sx + 1.4 * ppm, top - roof * ppm + 2), fill=(120, 130, 136))
    d.rectangle((0, top, w - 1, base), fill=(200, 210, 214))
    for i in range(int(wm)):
        x = i * ppm
        d.line([(x, top), (x, base)], fill=(176, 188, 194), width=max(1, int(0.12 * ppm)))
    for x0 in (0.18, 0.58):  # roller doors
        xa = x0 * w
        d.rectangle((xa, base - 6 * ppm, xa + 7 * ppm, base), fill=(120, 132, 140))
        for k in range(12):
            y = base - 6 * ppm + k * 0.5 * ppm
            d.line([(xa, y), (xa + 7 * ppm, y)], fill=(100, 110, 118), width=max(1, int(0.08 * ppm)))
    for x in np.arange(2, wm - 2, 3.5):  # windows under the eaves
        d.rectangle((x * ppm, top + 1 * ppm, (x + 2) * ppm, top + 2.2 * ppm), fill=(150, 180, 204))
    # the plant's sign: a crossed-out "Hg"
    r, cx, cy = 2.2 * ppm, 0.1 * w, top + 4.2 * ppm
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE, outline=RED, width=max(1, int(0.45 * ppm)))
    d.text((cx, cy), "Hg", font=_font(True, max(6, int(1.8 * ppm))), fill=INK, anchor="mm")
    d.line([(cx - 0.7 * r, cy - 0.7 * r), (cx + 0.7 * r, cy + 0.7 * r)], fill=RED, width=max(1, int(0.45 * ppm)))
    return img, (w / 2, base)


def _heap(ppm: float, width_m: float, height_m: float, colour: RGB, rng: np.random.Generator):
    """A pile of ore or soil, lit from the upper left, with stones."""
    img, d, w, h = _prop_canvas(width_m, height_m, ppm)
    base = h - 2
    xs = np.linspace(0, 1, 40)
    bumps = 1.0 + 0.06 * np.sin(xs * 19 + rng.uniform(0, 6)) + 0.04 * np.sin(xs * 41 + rng.uniform(0, 6))
    ys = np.clip(1 - (2 * xs - 1) ** 2, 0, 1) ** 0.65 * bumps
    pts = [(2 + x * (w - 4), base - y * (height_m * ppm)) for x, y in zip(xs, ys)]
    d.polygon(pts + [(w - 2, base), (2, base)], fill=colour)
    peak = max(range(len(pts)), key=lambda i: -pts[i][1])
    d.polygon(pts[peak:] + [(w - 2, base), (pts[peak][0], base)], fill=_shade(colour, 0.8))
    for _ in range(int(width_m * height_m * 3)):
        x = rng.uniform(0.08, 0.92)
        y = rng.uniform(0.0, 0.9) * np.clip(1 - (2 * x - 1) ** 2, 0, 1) ** 0.65
        r = rng.uniform(0.05, 0.2) * ppm
        cx, cy = 2 + x * (w - 4), base - y * height_m * ppm
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_shade(colour, float(rng.uniform(0.65, 1.3))))
    return img, (w / 2, base)


def _ger(ppm: float) -> tuple[Image.Image, tuple[float, float]]:
    """A Mongolian ger (felt tent) with its orange door."""
    img, d, w, h = _prop_canvas(6.0, 3.0, ppm)
    base = h - 2
    wall_top = base - 1.6 * ppm
    d.rectangle((2, wall_top, w - 3, base), fill=(240, 238, 230), outline=(150, 146, 140))
    d.polygon([(0, wall_top + 1), (w / 2, 2), (w - 1, wall_top + 1)], fill=(228, 224, 214), outline=(150, 146, 140))
    d.rectangle((w * 0.44, base - 1.2 * ppm, w * 0.56, base), fill=(230, 120, 40))
    d.line([(2, base - 0.9 * ppm), (w - 3, base - 0.9 * ppm)], fill=(120, 100, 90), width=max(1, int(0.12 * ppm)))
    return img, (w / 2, base)


def _sheep(ppm: float, facing: int) -> tuple[Image.Image, tuple[float, float]]:
    img, d, w, h = _prop_canvas(1.5, 1.0, ppm)
    base = h - 2
    for x in (0.35, 0.5, 0.9, 1.05):
        d.line([(x * ppm, base - 0.45 * ppm), (x * ppm, base)], fill=(60, 56, 52), width=max(1, int(0.08 * ppm)))
    d.ellipse((0.2 * ppm, base - 0.95 * ppm, 1.2 * ppm, base - 0.35 * ppm), fill=(244, 242, 236))
    hx = 1.15 if facing > 0 else 0.0
    d.ellipse((hx * ppm, base - 1.0 * ppm, (hx + 0.35) * ppm, base - 0.6 * ppm), fill=(70, 62, 58))
    return img, (w / 2, base)


def _ground_prop(img_anchor, yaw: float, dist: float, eye: float, ppm: float) -> _Prop:
    """A prop standing on the ground ``dist`` metres away (drawn at ``ppm`` pixels per metre)."""
    img, anchor = img_anchor
    pitch = -math.degrees(math.atan(eye / dist))
    return _Prop(_premultiplied(img), anchor, yaw, pitch, ppm * dist, dist)


def _props(theme: _Theme, stations: list[_Station], rng: np.random.Generator, scale: float) -> list[_Prop]:
    """Scenery behind the stations, far to near: gers, the plant building, heaps, sheep."""
    if not theme.outdoor:
        return []
    eye = theme.eye
    props: list[_Prop] = []
    taken = list(stations)
    for _ in range(3):
        yaw = _free_direction(taken, float(rng.uniform(-180, 180))) + float(rng.uniform(-5, 5))
        taken.append(_Station(yaw, 0.0, "prop", "", {}, INK))
        dist = float(rng.uniform(90, 170))
        props.append(_ground_prop(_ger(scale / dist), yaw, dist, eye, scale / dist))
    for st in stations:
        if st.picto == "door":
            dist = 75.0
            props.append(_ground_prop(_shed(scale / dist), st.yaw, dist, eye, scale / dist))
    for st in stations:
        if st.picto in ("sample", "truck"):
            dist = 14.0
            props.append(_ground_prop(_heap(scale / dist, 9.0, 3.2, (112, 100, 92), rng), st.yaw + 8, dist, eye,
                                      scale / dist))
        elif st.picto == "topsoil":
            dist = 14.0
            props.append(_ground_prop(_heap(scale / dist, 10.0, 2.6, (92, 66, 48), rng), st.yaw, dist, eye,
                                      scale / dist))
        elif st.picto == "plant":
            for i in range(5):
                dist = float(rng.uniform(22, 40))
                yaw = st.yaw + (1 if i % 2 else -1) * float(rng.uniform(12, 26))
                props.append(_ground_prop(_sheep(scale / dist, 1 if i % 2 else -1), yaw, dist, eye, scale / dist))
    props.sort(key=lambda p: p.dist, reverse=True)  # far ones first
    return props


def _nadir_plate(scene: Scene, language: str, px: int) -> np.ndarray:
    """A round floor plate under the viewer with the scene's title (planar premultiplied RGBA)."""
    img = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((0, 0, px - 1, px - 1), fill=(38, 50, 56, 255), outline=(255, 193, 7, 255), width=max(2, px // 40))
    texts = _ordered_texts(scene.title, language)
    y = px * 0.5 - 0.11 * px * (len(texts) - 1) / 2 - 0.06 * px
    for _, text, strong in texts:
        font, lines = _fit_text(text, bold=strong, size=int(px * (0.085 if strong else 0.07)),
                                max_width=px * 0.76, max_lines=2)
        for line in lines:
            d.text((px / 2, y), line, font=font, fill=(255, 255, 255) if strong else (207, 216, 220), anchor="mm")
            y += font.size * 1.15
        y += px * 0.02
    d.text((px / 2, px * 0.86), "tourbuilder", font=_font(False, max(6, px // 22)), fill=(255, 193, 7), anchor="mm")
    return _premultiplied(img)


_NADIR_RADIUS = 0.3  # metres


def _paint_nadir(out: np.ndarray, g: _Grid, scene: Scene, eye: float, language: str) -> None:
    rows = g.rows_where(g.tp < -eye / _NADIR_RADIUS * 0.97)
    if rows.stop <= rows.start:
        return
    px = max(64, min(768, g.width // 6))
    plate = _nadir_plate(scene, language, px)
    r = eye / np.maximum(-g.tp[rows], 1e-4)
    # readable when looking down while facing the image centre: up in the plate = forward.
    # Near the nadir a row is far wider than the plate's detail: sample every other column.
    yaw_img = (g.yaw - g.heading)[::2] + F32(math.pi / g.width)
    gx = r[:, None] * np.sin(yaw_img)[None, :]
    gz = r[:, None] * np.cos(yaw_img)[None, :]
    fx = (gx + _NADIR_RADIUS) / (2 * _NADIR_RADIUS) * px - 0.5
    fy = (_NADIR_RADIUS - gz) / (2 * _NADIR_RADIUS) * px - 0.5
    sample = np.repeat(_bilinear(np.pad(plate, ((0, 0), (1, 1), (1, 1))), fy + 1, fx + 1), 2, axis=1)
    region = out[rows]
    region[...] = _over(region, sample)


# --------------------------------------------------------------------------- public API


def paint_panorama(scene: Scene, *, width: int = 4096, language: str = "en", seed: str = "") -> Image.Image:
    """Return an RGB equirectangular image (width x width/2) of the scene: a place that matches
    the scene (an outdoor yard or restored land, a mill hall, a table room, a gold room) with a
    labelled station at each hotspot's yaw and pitch.

    Each station shows the hotspot's title in every language of the title, in the title's own
    order (Mongolian above English in the demo); the line in ``language`` is emphasised (bold,
    larger). ``seed`` varies textures, clouds, hills and scenery. The same scene, width,
    language and seed always give the same pixels. ``width``: a multiple of 8, at least 256.
    """
    if isinstance(width, bool) or not isinstance(width, int) or width < 256 or width % 8:
        raise ValueError(f"width must be a multiple of 8 and at least 256, not {width!r}")
    seed_int = _seed_int(scene, seed)
    theme = _theme_for(scene, seed_int)
    g = _Grid(width, width // 2, math.radians(scene.pose.heading))
    stations = _stations(scene)
    rng = np.random.default_rng(seed_int)
    if theme.outdoor:
        img = _paint_outdoor(theme, g, rng, stations)
    else:
        img = _paint_room(theme, g, rng, stations)
    _paint_nadir(img, g, scene, theme.eye, language)
    scale = 1.5 * width / (2 * math.pi)  # board pixels per tangent unit: 1.5x the panorama's resolution
    for prop in _props(theme, stations, rng, scale):
        _paste_billboard(img, g, prop.board, prop.scale, prop.anchor, prop.yaw, prop.pitch)
    for st in stations:
        board, anchor = _station_board(st, theme, language, scale)
        _paste_billboard(img, g, board, scale, anchor, st.yaw, st.pitch)
    np.clip(img, 0, 255, out=img)
    return Image.fromarray(img.astype(np.uint8), "RGB")


def write_demo_media(folder: Path, scenes: dict[str, Scene], *, width: int = 4096, quality: int = 85) -> list[Path]:
    """Paint every scene's panorama to folder/<scene.panorama> (JPEG, atomic write via a temp file +
    os.replace), return the paths.

    Each panorama emphasises the first language of its scene's title (the tour's first language
    in the demo: Mongolian).
    """
    folder = Path(folder)
    root = folder.resolve()
    written: list[Path] = []
    for scene_id, scene in scenes.items():
        target = folder / scene.panorama
        if root not in target.resolve().parents:
            raise ValueError(f"scene {scene_id}: panorama {scene.panorama} is outside {folder}")
        target.parent.mkdir(parents=True, exist_ok=True)
        image = paint_panorama(scene, width=width, language=next(iter(scene.title), "en"))
        # a new file beside the target (so the usual permissions apply), then renamed over it
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
        try:
            with open(tmp, "xb") as fh:
                image.save(fh, format="JPEG", quality=quality, optimize=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        written.append(target)
    return written
