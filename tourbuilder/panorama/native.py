"""The compiled side-face sampler (_sample.c): how it is built, and how it is loaded.

hatch_build.py builds it when the package is installed (``build_library``, loaded by path: it
needs nothing but the standard library). When no C compiler was there, or the library does not
load, ``side_face_sampler()`` is None and geometry.py samples every face with OpenCV instead:
the same faces, to one grey level, about twice as slow on the side faces (README.md).
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
ABI = 1


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


class SideFaceSampler:
    """Calls tourbuilder_sample_side_face (see _sample.c for the arguments)."""

    def __init__(self, library: ctypes.CDLL):
        self._function = library.tourbuilder_sample_side_face
        pointer, size = ctypes.c_void_p, ctypes.c_ssize_t
        self._function.argtypes = [pointer, size, ctypes.c_int, pointer, pointer, pointer, ctypes.c_int,
                                   ctypes.c_float, pointer, size]
        self._function.restype = ctypes.c_int

    def __call__(self, source, col0, wx, y_top, bottom: float, out=None):
        """One face from ``source`` (uint8 rows, unit column step): see _sample.c.

        ctypes lets go of the GIL during the call, so two faces sample on two cores."""
        import numpy as np

        size = col0.shape[0]
        if source.dtype != np.uint8 or source.ndim != 2 or source.strides[1] != 1:
            raise ValueError("the side-face sampler wants one uint8 plane with contiguous rows")
        if not (col0.dtype == np.int32 and wx.dtype == np.float32 and y_top.dtype == np.float32
                and wx.shape == (4, size) and y_top.shape == ((size + 1) // 2, size)
                and all(a.flags.c_contiguous for a in (col0, wx, y_top))):
            raise ValueError("the side-face tables do not have the sampler's types and shapes")
        if int(col0.min()) < 0 or int(col0.max()) + 4 > source.shape[1]:
            raise ValueError("a face column reads outside the source window")
        if out is None:
            out = np.empty((size, size), np.uint8)
        status = self._function(source.ctypes.data, source.strides[0], source.shape[0], col0.ctypes.data,
                                wx.ctypes.data, y_top.ctypes.data, size, float(bottom), out.ctypes.data,
                                out.strides[0])
        if status != 0:
            raise MemoryError("the side-face sampler ran out of memory")
        return out


@lru_cache(maxsize=1)
def side_face_sampler() -> SideFaceSampler | None:
    """The compiled sampler, or None when it was not built or does not load."""
    path = library_path()
    if not path.is_file():
        return None
    try:
        library = ctypes.CDLL(str(path))
        if library.tourbuilder_sample_abi() != ABI:
            return None
        return SideFaceSampler(library)
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


__all__ = ["SideFaceSampler", "build_library", "keys_weights", "library_path", "side_face_sampler"]
