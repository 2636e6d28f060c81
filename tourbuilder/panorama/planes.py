"""The photo in JPEG's own colour planes: full-size luma, chroma at half size in each direction.

Every tile is a JPEG with 4:2:0 chroma, so the encoder would turn our RGB faces into Y, Cb and Cr
and throw three quarters of the chroma away. Converting once, at the source, and resampling the
chroma planes at the size they are stored in does the same job with half the remapping work
(one full-size plane and two quarter-size ones instead of three full-size channels) and spares
the encoder its colour conversion. The result matches remapping RGB to within 0.05 dB after
JPEG (bench/README.md).

Chroma samples sit at the centres of 2x2 luma blocks (JFIF), which is exactly what area
averaging to half size gives, so a chroma plane is an equirectangular image in its own right
and gets its own remap tables of half the face size.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import cv2
import numpy as np

from .geometry import FaceMaps


def chroma_size(size: int) -> int:
    """Chroma samples along a side of ``size`` luma samples (4:2:0, as libjpeg rounds)."""
    return (size + 1) // 2


@dataclass
class Planes:
    """One image as uint8 planes: ``luma`` (h, w), ``cb`` and ``cr`` (ceil(h/2), ceil(w/2))."""

    luma: np.ndarray
    cb: np.ndarray
    cr: np.ndarray

    @classmethod
    def from_rgb(cls, rgb: np.ndarray) -> "Planes":
        """Planes of an RGB image (chroma from its area-averaged half-size copy)."""
        return cls(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), *chroma_planes(half_size(rgb)))

    def to_rgb(self) -> np.ndarray:
        """Back to RGB at luma size (for WebP tiles, which are not 4:2:0 planes)."""
        height, width = self.luma.shape
        chroma = cv2.merge([self.cr, self.cb])
        if chroma.shape[:2] != (height, width):
            chroma = cv2.resize(chroma, (width, height), interpolation=cv2.INTER_LINEAR)
        return cv2.cvtColor(cv2.merge([self.luma, *cv2.split(chroma)]), cv2.COLOR_YCrCb2RGB)

    def resized(self, size: int) -> "Planes":
        """A square ``size`` copy by area averaging (the next smaller pyramid level)."""
        chroma = chroma_size(size)
        area = cv2.INTER_AREA
        return Planes(luma=cv2.resize(self.luma, (size, size), interpolation=area),
                      cb=cv2.resize(self.cb, (chroma, chroma), interpolation=area),
                      cr=cv2.resize(self.cr, (chroma, chroma), interpolation=area))

    def block(self, top: int, left: int, size: int) -> "Planes":
        """The tile whose luma starts at (top, left) and spans at most ``size`` (even) samples."""
        half_top, half_left, half = top // 2, left // 2, size // 2
        return Planes(luma=np.ascontiguousarray(self.luma[top:top + size, left:left + size]),
                      cb=np.ascontiguousarray(self.cb[half_top:half_top + half, half_left:half_left + half]),
                      cr=np.ascontiguousarray(self.cr[half_top:half_top + half, half_left:half_left + half]))


def half_size(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    return cv2.resize(rgb, (chroma_size(width), chroma_size(height)), interpolation=cv2.INTER_AREA)


def chroma_planes(half_rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Cb, Cr) of an RGB image already at chroma size."""
    ycrcb = cv2.cvtColor(half_rgb, cv2.COLOR_RGB2YCrCb)  # full-range BT.601, as JFIF
    return np.ascontiguousarray(ycrcb[..., 2]), np.ascontiguousarray(ycrcb[..., 1])


class PlaneMaps:
    """Remap tables for the luma plane and for the chroma planes of one (source size, face size).

    With an ``executor`` the four tables are built on it, and a face waits only for its own."""

    def __init__(self, width: int, height: int, face_size: int, executor: Executor | None = None):
        self.luma = FaceMaps(width, height, face_size, executor=executor)
        self.chroma = FaceMaps(chroma_size(width), chroma_size(height), chroma_size(face_size),
                               interpolation=cv2.INTER_LINEAR, executor=executor)

    def face(self, source: Planes, face: str) -> Planes:
        """One cube face of ``source`` (planes of the whole equirectangular photo)."""
        return Planes(luma=self.luma.remap(source.luma, face), cb=self.chroma.remap(source.cb, face),
                      cr=self.chroma.remap(source.cr, face))


__all__ = ["PlaneMaps", "Planes", "chroma_planes", "chroma_size", "half_size"]
