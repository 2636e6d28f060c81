"""The compiled face sampler (_sample.c): how it is built, and how it is loaded.

hatch_build.py builds it when the package is installed (``build_library``, loaded by path: it
needs nothing but the standard library). When no C compiler was there, or the library does not
load, ``face_sampler()`` is None and geometry.py samples every face with OpenCV instead: the same
faces, to one grey level, two to three times as slowly (README.md).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

# No numpy at the top: hatch_build.py loads this file for build_library() in a build
# environment that has only the standard library.

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "_sample.c"
#: the interface version _sample.c reports (tourbuilder_sample_abi)
ABI = 4
#: columns of wrapped source on each side of a cap copy (CAP_PAD in _sample.c)
CAP_PAD = 3


def library_path(folder: Path = HERE) -> Path:
    suffix = ".dll" if sys.platform == "win32" else ".so"
    return folder / f"_sample{suffix}"


def build_library(folder: Path = HERE) -> str | None:
    """Compile _sample.c next to itself; returns why not, or None when built.

    Portable flags only: the AVX2 code is chosen at run time by the library itself."""
    compiler = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    compiler = compiler.split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler}) found"
    target = library_path(folder)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    command = [compiler, "-O3", "-fPIC", "-shared", "-fno-math-errno", "-o", str(partial), str(folder / SOURCE.name)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        return f"{' '.join(command)} failed:\n{result.stderr.strip()}"
    os.replace(partial, target)
    return None


class FaceSampler:
    """Calls _sample.c's two samplers (see there for what the arguments mean). ctypes lets go of
    the GIL during each call, so two faces sample on two cores."""

    def __init__(self, library: ctypes.CDLL):
        pointer, size, integer = ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_int
        self._side = library.tourbuilder_sample_side_face
        self._side.argtypes = [pointer, size, integer, pointer, pointer, pointer, integer, ctypes.c_float, pointer, size]
        self._side.restype = integer
        self._cap = library.tourbuilder_sample_cap_face
        self._cap.argtypes = [pointer, size, integer, pointer, pointer, integer, ctypes.c_float, ctypes.c_float, integer,
                              pointer, size]
        self._cap.restype = integer
        self._allow_simd = library.tourbuilder_sample_allow_simd
        self._allow_simd.argtypes = [integer]
        self._allow_simd.restype = integer
        self._simd = library.tourbuilder_sample_simd
        self._simd.restype = integer

    @property
    def simd(self) -> bool:
        """Whether the library runs its AVX2 code: only then is it faster than OpenCV."""
        return bool(self._simd())

    def allow_simd(self, allowed: bool) -> bool:
        """Let the library use its AVX2 code where the CPU has it (the default), or not: the
        portable code is what other CPUs run. Returns the previous setting."""
        return bool(self._allow_simd(int(allowed)))

    def side_face(self, source, col0, wx, y_top, bottom: float):
        """A side face from ``source``, the window of source columns it reads (uint8 rows)."""
        import numpy as np

        size = col0.shape[0]
        _check_plane(source)
        _check_tables((col0, np.int32, (size,)), (wx, np.float32, (4, size)), (y_top, np.float32, ((size + 1) // 2, size)))
        if int(col0.min()) < 0 or int(col0.max()) + 4 > source.shape[1]:
            raise ValueError("a face column reads outside the source window")
        out = np.empty((size, size), np.uint8)
        status = self._side(source.ctypes.data, source.strides[0], source.shape[0], col0.ctypes.data, wx.ctypes.data,
                            y_top.ctypes.data, size, float(bottom), out.ctypes.data, out.strides[0])
        if status != 0:
            raise MemoryError("the side-face sampler ran out of memory")
        return out

    def cap_face(self, cap, x_quad, y_quad, size: int, x_centre2: float, x_mirror: float, flip_rows: bool):
        """A cap face from ``cap``: the cap's rows padded by CAP_PAD wrapped columns each side
        (a view with a negative row stride takes them bottom up)."""
        import numpy as np

        _check_plane(cap, any_row_order=True)
        half = (size + 1) // 2
        _check_tables((x_quad, np.float32, (half, half)), (y_quad, np.float32, (half, half)))
        if float(y_quad.min()) < 1 or float(y_quad.max()) >= cap.shape[0] - 2:
            raise ValueError("a face row reads outside the cap")
        out = np.empty((size, size), np.uint8)
        self._cap(cap.ctypes.data, cap.strides[0], cap.shape[1] - 2 * CAP_PAD, x_quad.ctypes.data, y_quad.ctypes.data,
                  size, float(x_centre2), float(x_mirror), int(flip_rows), out.ctypes.data, out.strides[0])
        return out


def _check_plane(plane, any_row_order: bool = False) -> None:
    import numpy as np

    rows_ok = plane.strides[0] != 0 if any_row_order else plane.strides[0] > 0
    if plane.dtype != np.uint8 or plane.ndim != 2 or plane.strides[1] != 1 or not rows_ok:
        raise ValueError("the face sampler wants one uint8 plane with contiguous rows")


def _check_tables(*tables) -> None:
    for array, dtype, shape in tables:
        if array.dtype != dtype or array.shape != shape or not array.flags.c_contiguous:
            raise ValueError("the face tables do not have the sampler's types and shapes")


@lru_cache(maxsize=1)
def face_sampler() -> FaceSampler | None:
    """The compiled sampler, or None when it was not built or does not load."""
    path = library_path()
    if not path.is_file():
        return None
    try:
        library = ctypes.CDLL(str(path))
        if library.tourbuilder_sample_abi() != ABI:
            return None
        return FaceSampler(library)
    except (OSError, AttributeError):
        return None


def keys_weights(fraction):
    """(4, n) Keys cubic weights (a = -0.75, OpenCV's INTER_CUBIC) of taps at -1, 0, 1, 2 from
    ``fraction`` in [0, 1): the same formulas as _sample.c's, in float64."""
    import numpy as np

    a = -0.75
    f = np.asarray(fraction, dtype=np.float64)
    t1, u = f + 1.0, 1.0 - f
    w0 = ((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a
    w1 = ((a + 2) * f - (a + 3)) * f * f + 1
    w2 = ((a + 2) * u - (a + 3)) * u * u + 1
    return np.stack([w0, w1, w2, 1.0 - w0 - w1 - w2])


__all__ = ["CAP_PAD", "FaceSampler", "build_library", "face_sampler", "keys_weights", "library_path"]
