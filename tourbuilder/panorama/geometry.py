"""Cube faces from an equirectangular image: the exact geometry of README.md, as remap tables.

The four side faces share one table shifted by a quarter turn, and the bottom face is the top
face mirrored, so only two tables are computed per (source size, face size), each from one
quadrant. Cubic faces (the luma's) are sampled by the compiled sampler (native.py) when it is
built, from a column table and the top half of the rows table (side faces) or from one quadrant
(up and down); OpenCV's cv2.remap samples the rest.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future

import cv2
import numpy as np

from .native import CAP_PAD, face_sampler, keys_weights

FACES = ("f", "r", "b", "l", "u", "d")
SIDE_TURNS = {"f": 0, "r": 1, "b": 2, "l": 3}


def face_directions(face: str, size: int, dtype=np.float64) -> np.ndarray:
    """Unnormalised view directions (size, size, 3) of every pixel centre of one face."""
    coords = (2 * (np.arange(size, dtype=dtype) + 0.5) / size) - 1
    a, b = np.meshgrid(coords, coords)
    one = np.ones_like(a)
    vectors = {
        "f": (a, -b, one), "r": (one, -b, -a), "b": (-a, -b, -one), "l": (-one, -b, a),
        "u": (a, one, b), "d": (a, -one, -b),
    }[face]
    return np.stack(vectors, axis=-1)


def equirect_coords(directions: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Source pixel coordinates (x, y), pixel centres at integers, of unit or unnormalised directions."""
    x, y, z = directions[..., 0], directions[..., 1], directions[..., 2]
    yaw = np.arctan2(x, z)
    pitch = np.arctan2(y, np.hypot(x, z))
    u = 0.5 + yaw / (2 * np.pi)
    v = 0.5 - pitch / np.pi
    return u * width - 0.5, v * height - 0.5


def _mirrored(quadrant: np.ndarray, size: int, right, bottom, corner) -> np.ndarray:
    """A (size, size) table from its top-left quadrant and how values change when mirrored.

    ``right``, ``bottom`` and ``corner`` write the mirrored values into the view they are given.
    """
    half = quadrant.shape[0]
    full = np.empty((size, size), np.float32)
    full[:half, :half] = quadrant
    right(quadrant[:, ::-1], full[:half, size - half:])
    bottom(quadrant[::-1, :], full[size - half:, :half])
    corner(quadrant[::-1, ::-1], full[size - half:, size - half:])
    return full


def _copy(values, out):
    out[...] = values


class _Quadrant:
    """The top-left quadrant (a, b < 0) of a face's pixel centres, and the scales of one source size.

    Each table is computed on this quadrant only; the rest follows by symmetry, since the pixel
    centres are symmetric about the face centre. float32 throughout: its error (below 0.001 pixel
    at 16384 wide) is far under OpenCV's 1/32-pixel sampling steps, and numpy's float32
    arctangents are three times as fast.
    """

    def __init__(self, width: int, height: int, size: int):
        f32 = np.float32
        half = (size + 1) // 2
        self.coords = (2 * (np.arange(half, dtype=np.float64) + 0.5) / size) - 1  # the negative half
        self.a = self.coords.astype(f32)[None, :]
        self.b = self.coords.astype(f32)[:, None]
        self.x_scale, self.y_scale = f32(width / (2 * np.pi)), f32(height / np.pi)
        self.x_centre, self.y_centre = f32(0.5 * width - 0.5), f32(0.5 * height - 0.5)
        self.bottom_row = f32(height - 1.0)


def _side_columns(width: int, size: int) -> np.ndarray:
    """Source x of each column of the front face (size,), float64: yaw = atan(a) depends on the
    column only."""
    coords = (2 * (np.arange(size, dtype=np.float64) + 0.5) / size) - 1
    return 0.5 * width - 0.5 + np.arctan(coords) * (width / (2 * np.pi))


def _side_rows_quadrant(q: "_Quadrant") -> np.ndarray:
    """Source y of the front face's top-left quadrant, float32: pitch = atan2(-b, sqrt(a^2 + 1))."""
    front_y_q = np.arctan2(q.b, np.sqrt(q.a * q.a + np.float32(1)))
    front_y_q *= q.y_scale
    front_y_q += q.y_centre
    return front_y_q


def _side_maps(width: int, height: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The front face's tables (source x and y of every face pixel), in float32.

    Direction (a, -b, 1). Same formulas as equirect_coords(face_directions(...)).
    """
    q = _Quadrant(width, height, size)
    front_x = np.empty((size, size), np.float32)
    front_x[:] = _side_columns(width, size).astype(np.float32)[None, :]
    # pitch is even in a and odd in b: y mirrors to (height - 1) - y across the middle row
    flip = (lambda values, out: np.subtract(q.bottom_row, values, out=out))
    return front_x, _mirrored(_side_rows_quadrant(q), size, _copy, flip, flip)


def _side_rows_top(width: int, height: int, size: int) -> np.ndarray:
    """Source y of the front face's top half (ceil(size / 2), size), float32: the compiled
    sampler mirrors it for the bottom half."""
    q = _Quadrant(width, height, size)
    quadrant = _side_rows_quadrant(q)
    half = quadrant.shape[0]
    top = np.empty((half, size), np.float32)
    top[:, :half] = quadrant
    top[:, size - half:] = quadrant[:, ::-1]  # pitch is even in a
    return top


def _top_quadrants(q: "_Quadrant") -> tuple[np.ndarray, np.ndarray]:
    """The up face's source x and y in its top-left quadrant, float32 (y not yet kept off the poles).

    Direction (a, 1, b): yaw = atan2(a, b), pitch = atan2(1, hypot(a, b)).
    """
    up_x_q = np.arctan2(q.a, q.b)
    up_x_q *= q.x_scale
    up_x_q += q.x_centre
    up_y_q = np.arctan2(np.float32(1), np.sqrt(q.a * q.a + q.b * q.b))
    up_y_q *= -q.y_scale
    up_y_q += q.y_centre
    return up_x_q, up_y_q


def _top_quadrant_tables(width: int, height: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The up face's source x and y in its top-left quadrant (ceil(size / 2) squared), float32:
    the compiled sampler mirrors them for the rest of the face."""
    up_x_q, up_y_q = _top_quadrants(_Quadrant(width, height, size))
    np.clip(up_y_q, 1.0, height - 2.0, out=up_y_q)  # see _top_maps
    return up_x_q, up_y_q


def _top_maps(width: int, height: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The up face's tables, in float32.

    Direction (a, 1, b): yaw = atan2(a, b), pitch = atan2(1, hypot(a, b)).
    """
    q = _Quadrant(width, height, size)
    f32 = np.float32
    # yaw in the quadrant, then atan2(-a, b) = -yaw, atan2(a, -b) = -pi - yaw, atan2(-a, -b) = pi + yaw;
    # as x: x_centre + yaw * x_scale, so the mirrored x follow from the quadrant's x directly
    up_x_q, up_y_q = _top_quadrants(q)
    turn = f32(np.pi) * q.x_scale  # half a turn in x
    twice_centre = f32(2) * q.x_centre
    up_x = _mirrored(up_x_q, size,
                     lambda values, out: np.subtract(twice_centre, values, out=out),  # -yaw
                     lambda values, out: np.subtract(twice_centre - turn, values, out=out),  # -pi - yaw
                     lambda values, out: np.add(values, turn, out=out))  # pi + yaw
    up_y = _mirrored(up_y_q, size, _copy, _copy, _copy)
    # Keep a 1.5-row margin from the poles: cubic sampling there needs no rows beyond the image.
    np.clip(up_y, 1.0, height - 2.0, out=up_y)
    return up_x, up_y


def _done(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


class FaceMaps:
    """Remap tables for the six faces of one (source size, face size), in float32.

    Float tables remap as fast as OpenCV's fixed-point ones (it converts them per block) and
    need no conversion pass. Only two tables are kept, and no face needs a table of its own:

    - a side face is the front face turned by a quarter of the width, so each side face remaps
      a window of the source (a view, no copy; a joined copy for the one crossing the 360° seam)
      with the same table, in window coordinates;
    - the bottom face is the top face mirrored: it remaps the source's bottom rows turned upside
      down with the top face's table, and the result is turned back.

    Samples then never leave the window, so OpenCV never takes its slow border path. With an
    ``executor`` the two tables are built on it (a face waits for its own table only).
    """

    #: columns and rows kept around what the tables reach: cubic sampling reads 1 before, 2 after
    MARGIN = 3

    def __init__(self, width: int, height: int, size: int, interpolation: int = cv2.INTER_CUBIC,
                 executor: Executor | None = None, native: bool | None = None):
        """``native``: sample with the compiled sampler (native.py). None: when it is built, runs
        its AVX2 code (its plain C is slower than OpenCV) and the faces are cubic; True: insist
        (ValueError if it cannot be)."""
        self.width, self.height, self.size = width, height, size
        self.interpolation = interpolation
        sampler = face_sampler() if native is not False else None
        usable = (sampler is not None and interpolation == cv2.INTER_CUBIC and width % 4 == 0
                  and (native or sampler.simd))
        if native and not usable:
            raise ValueError("the compiled face sampler is not built, or cannot sample these faces "
                             "(cubic faces of a source whose width is a multiple of 4)")
        self._sampler = sampler if usable else None
        build = executor.submit if executor is not None else (lambda function: _done(function()))
        self._side = build(self._build_side_native if self._sampler else self._build_side)
        self._top = build(self._build_top_native if self._sampler else self._build_top)

    @property
    def native(self) -> bool:
        """Whether the faces come from the compiled sampler."""
        return self._sampler is not None

    def _window(self, columns: np.ndarray) -> tuple[int, int]:
        """(left, span) of the source columns a side face reads, margin included."""
        left = int(np.floor(float(columns.min()))) - self.MARGIN
        return left, int(np.ceil(float(columns.max()))) + self.MARGIN + 1 - left

    def _build_side(self) -> tuple[np.ndarray, np.ndarray, tuple[int, int] | None]:
        front_x, front_y = _side_maps(self.width, self.height, self.size)
        window = None
        if self.width % 4 == 0:  # a quarter turn is a whole number of columns
            window = self._window(front_x[0])
            front_x -= np.float32(window[0])
        return front_x, front_y, window

    def _build_side_native(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
        """The compiled sampler's tables: each column's first tap and 4 weights, and the top
        half of the rows table (a quarter of what cv2.remap needs for x and y)."""
        columns = _side_columns(self.width, self.size)
        window = self._window(columns)
        x = columns - window[0]
        first = np.floor(x)
        col0 = np.ascontiguousarray((first - 1).astype(np.int32))
        wx = np.ascontiguousarray(keys_weights(x - first).astype(np.float32))
        return col0, wx, _side_rows_top(self.width, self.height, self.size), window

    def _build_top(self) -> tuple[np.ndarray, np.ndarray, int]:
        up_x, up_y = _top_maps(self.width, self.height, self.size)
        return up_x, up_y, self._cap_rows(up_y)

    def _build_top_native(self) -> tuple[np.ndarray, np.ndarray, int]:
        up_x, up_y = _top_quadrant_tables(self.width, self.height, self.size)
        return up_x, up_y, self._cap_rows(up_y)

    def _cap_rows(self, up_y: np.ndarray) -> int:
        """Rows of the source's top (or bottom) that the up (or down) face reads."""
        return min(self.height, int(np.ceil(float(up_y.max()))) + self.MARGIN + 1)

    def remap(self, source: np.ndarray, face: str) -> np.ndarray:
        """One face of ``source`` (an equirectangular image of this size, any channel count)."""
        if face in ("u", "d") and self._sampler is not None:
            up_x, up_y, cap_rows = self._top.result()
            rows = source[:cap_rows] if face == "u" else source[self.height - cap_rows:]
            cap = cv2.copyMakeBorder(rows, 0, 0, CAP_PAD, CAP_PAD, cv2.BORDER_WRAP)
            # the down face is the up face of the bottom rows taken bottom up, written bottom up;
            # x mirrors to 2 * x_centre - x across the middle column, and to 2 * x_centre + half a
            # turn - x across the middle row (see _top_maps)
            x_centre2 = self.width - 1.0
            return self._sampler.cap_face(cap if face == "u" else cap[::-1], up_x, up_y, self.size, x_centre2,
                                          x_centre2 + self.width / 2, face == "d")
        if face in ("u", "d"):
            up_x, up_y, cap_rows = self._top.result()
            if face == "u":
                return self._sample(source, up_x, up_y)
            cap = cv2.flip(source[self.height - cap_rows:], 0)  # row y holds the source's row H-1-y
            return cv2.flip(self._sample(cap, up_x, up_y), 0)
        turn = SIDE_TURNS[face]
        if self._sampler is not None:
            col0, wx, y_top, (left, span) = self._side.result()
            return self._sampler.side_face(self._side_window(source, left, span, turn), col0, wx, y_top,
                                           self.height - 1.0)
        front_x, front_y, window = self._side.result()
        if window is None:
            map_x = front_x + np.float32(turn * self.width / 4.0)
            map_x[map_x >= self.width - 0.5] -= self.width
            return self._sample(source, map_x, front_y)
        return self._sample(self._side_window(source, *window, turn), front_x, front_y)

    def _side_window(self, source: np.ndarray, left: int, span: int, turn: int) -> np.ndarray:
        """The source columns a side face reads: a view, or a joined copy across the 360° seam."""
        start = (left + turn * self.width // 4) % self.width
        if start + span <= self.width:
            return source[:, start:start + span]
        return np.concatenate((source[:, start:], source[:, :start + span - self.width]), axis=1)

    def _sample(self, source: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
        # BORDER_WRAP joins the 360° seam for the top and bottom faces; elsewhere it is never reached.
        return cv2.remap(source, map_x, map_y, interpolation=self.interpolation, borderMode=cv2.BORDER_WRAP)


def top_face_size(width: int, tile_size: int) -> int:
    """Face size that keeps the source's resolution: about width/π, rounded to a tile multiple."""
    return max(tile_size, int(round(width / np.pi / tile_size)) * tile_size)


def level_sizes(face_size: int, tile_size: int) -> list[int]:
    """Face sizes from the smallest (one tile) to ``face_size``, halving each step."""
    sizes = [face_size]
    while sizes[-1] > tile_size:
        sizes.append(max(1, (sizes[-1] + 1) // 2))
    return sizes[::-1]


def perspective_directions(yaw: float, pitch: float, fov: float, width: int, height: int) -> np.ndarray:
    """View directions (height, width, 3) of a pinhole camera looking at (yaw, pitch), horizontal fov."""
    half_w = np.tan(np.radians(fov) / 2)
    half_h = half_w * height / width
    x = ((2 * (np.arange(width) + 0.5) / width) - 1) * half_w
    y = -((2 * (np.arange(height) + 0.5) / height) - 1) * half_h
    x, y = np.meshgrid(x, y)
    z = np.ones_like(x)
    p, t = np.radians(pitch), np.radians(yaw)
    y, z = y * np.cos(p) + z * np.sin(p), -y * np.sin(p) + z * np.cos(p)
    x, z = x * np.cos(t) + z * np.sin(t), -x * np.sin(t) + z * np.cos(t)
    return np.stack((x, y, z), axis=-1)


def perspective_view(equirect: np.ndarray, yaw: float, pitch: float, fov: float,
                     width: int, height: int) -> np.ndarray:
    """A flat picture of what a viewer sees looking at (yaw, pitch) with the given fov."""
    src_h, src_w = equirect.shape[:2]
    map_x, map_y = equirect_coords(perspective_directions(yaw, pitch, fov, width, height), src_w, src_h)
    return cv2.remap(equirect, map_x.astype(np.float32), np.clip(map_y, 0, src_h - 1).astype(np.float32),
                     interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)
