"""Cube faces from an equirectangular image: the exact geometry of README.md, as remap tables.

The four side faces share one table shifted by a quarter turn, and the bottom face is the top
face mirrored, so only two tables are computed per (source size, face size), each from one
quadrant.
"""

from __future__ import annotations

import cv2
import numpy as np

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


def _side_and_top_maps(width: int, height: int, size: int) -> tuple[tuple, tuple]:
    """The front and up faces' tables in float32 (source x and y of every face pixel).

    Front: direction (a, -b, 1), so yaw = atan(a) depends on the column only and
    pitch = atan2(-b, sqrt(a^2 + 1)). Up: direction (a, 1, b), yaw = atan2(a, b),
    pitch = atan2(1, hypot(a, b)). Same formulas as equirect_coords(face_directions(...)).
    Only the top-left quadrant is computed (a, b < 0); the rest follows by symmetry, since
    the pixel centres are symmetric about the face centre. float32 throughout: its error
    (below 0.001 pixel at 16384 wide) is far under OpenCV's 1/32-pixel sampling steps, and
    numpy's float32 arctangents are three times as fast.
    """
    f32 = np.float32
    half = (size + 1) // 2
    coords = (2 * (np.arange(half, dtype=np.float64) + 0.5) / size) - 1  # the negative half
    full_coords = np.concatenate([coords, -coords[size - half - 1::-1]])
    a = coords.astype(f32)[None, :]
    b = coords.astype(f32)[:, None]
    x_scale, y_scale = f32(width / (2 * np.pi)), f32(height / np.pi)
    x_centre, y_centre = f32(0.5 * width - 0.5), f32(0.5 * height - 0.5)
    bottom_row = f32(height - 1.0)

    front_x = np.empty((size, size), f32)
    front_x[:] = (0.5 * width - 0.5 + np.arctan(full_coords) * (width / (2 * np.pi))).astype(f32)[None, :]
    # pitch is even in a and odd in b: y mirrors to (height - 1) - y across the middle row
    front_y_q = np.arctan2(b, np.sqrt(a * a + f32(1)))
    front_y_q *= y_scale
    front_y_q += y_centre
    flip = (lambda q, out: np.subtract(bottom_row, q, out=out))
    front_y = _mirrored(front_y_q, size, _copy, flip, flip)
    # yaw in the quadrant, then atan2(-a, b) = -yaw, atan2(a, -b) = -pi - yaw, atan2(-a, -b) = pi + yaw;
    # as x: x_centre + yaw * x_scale, so the mirrored x follow from the quadrant's x directly
    up_x_q = np.arctan2(a, b)
    up_x_q *= x_scale
    up_x_q += x_centre
    turn = f32(np.pi) * x_scale  # half a turn in x
    up_x = _mirrored(up_x_q, size,
                     lambda q, out: np.subtract(f32(2) * x_centre, q, out=out),  # -yaw
                     lambda q, out: np.subtract(f32(2) * x_centre - turn, q, out=out),  # -pi - yaw
                     lambda q, out: np.add(q, turn, out=out))  # pi + yaw
    up_y_q = np.arctan2(f32(1), np.sqrt(a * a + b * b))
    up_y_q *= -y_scale
    up_y_q += y_centre
    up_y = _mirrored(up_y_q, size, _copy, _copy, _copy)
    return (front_x, front_y), (up_x, up_y)


class FaceMaps:
    """Remap tables for the six faces of one (source size, face size), in float32.

    Float tables remap as fast as OpenCV's fixed-point ones (it converts them per block) and
    need no conversion pass. Only two tables are kept, and no face needs a table of its own:

    - a side face is the front face turned by a quarter of the width, so each side face remaps
      a window of the source (a view, no copy; a joined copy for the one crossing the 360° seam)
      with the same table, in window coordinates;
    - the bottom face is the top face mirrored: it remaps the source's bottom rows turned upside
      down with the top face's table, and the result is turned back.

    Samples then never leave the window, so OpenCV never takes its slow border path.
    """

    #: columns and rows kept around what the tables reach: cubic sampling reads 1 before, 2 after
    MARGIN = 3

    def __init__(self, width: int, height: int, size: int, interpolation: int = cv2.INTER_CUBIC):
        self.width, self.height, self.size = width, height, size
        self.interpolation = interpolation
        (front_x, front_y), (up_x, up_y) = _side_and_top_maps(width, height, size)
        # Keep a 1.5-row margin from the poles: cubic sampling there needs no rows beyond the image.
        np.clip(up_y, 1.0, height - 2.0, out=up_y)
        self._front_y = front_y
        self._up = (up_x, up_y)
        self._cap_rows = min(height, int(np.ceil(float(up_y.max()))) + self.MARGIN + 1)
        self._window = None
        if width % 4 == 0:  # a quarter turn is a whole number of columns
            left = int(np.floor(float(front_x[0].min()))) - self.MARGIN
            span = int(np.ceil(float(front_x[0].max()))) + self.MARGIN + 1 - left
            front_x -= np.float32(left)
            self._window = (left, span)
        self._front_x = front_x

    def remap(self, source: np.ndarray, face: str) -> np.ndarray:
        """One face of ``source`` (an equirectangular image of this size, any channel count)."""
        if face == "u":
            return self._sample(source, *self._up)
        if face == "d":
            cap = cv2.flip(source[self.height - self._cap_rows:], 0)  # row y holds the source's row H-1-y
            return cv2.flip(self._sample(cap, *self._up), 0)
        turn = SIDE_TURNS[face]
        if self._window is None:
            map_x = self._front_x + np.float32(turn * self.width / 4.0)
            map_x[map_x >= self.width - 0.5] -= self.width
            return self._sample(source, map_x, self._front_y)
        left, span = self._window
        start = (left + turn * self.width // 4) % self.width
        if start + span <= self.width:
            window = source[:, start:start + span]
        else:
            window = np.concatenate((source[:, start:], source[:, :start + span - self.width]), axis=1)
        return self._sample(window, self._front_x, self._front_y)


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
