"""Read a photo into an RGB array (or JPEG's planes), refusing what cannot be a usable panorama.

Every refusal is a PanoramaError that names the file, the problem and what to do.
The header is checked before any pixel is decoded, so a decompression bomb costs nothing.
"""

from __future__ import annotations

import io
import warnings
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import simplejpeg
from PIL import Image, ImageFile, UnidentifiedImageError

from .xmp import GPano, read_gpano

MIN_WIDTH = 1024
MAX_WIDTH = 16384
MAX_PIXELS = MAX_WIDTH * (MAX_WIDTH // 2)
FORMATS = {"JPEG", "PNG", "WEBP", "TIFF", "MPO"}
ASPECT_TOLERANCE = 0.01
GPS_TAG = 0x8825
ORIENTATION_TAG = 0x0112


class PanoramaError(ValueError):
    """A photo that cannot be used, with what to do about it."""


@dataclass
class Photo:
    #: (height, width, 3) uint8 RGB, already upright and padded to 2:1; None when read as the two below
    pixels: np.ndarray | None
    gpano: GPano
    partial: bool
    source_size: tuple[int, int]
    gps: bytes | None  # the EXIF GPS block, kept only to be re-embedded on purpose
    #: a JPEG read the fast way: its luma plane (height, width), and an RGB copy at half size
    #: still being decoded on the pool (its result, or a PanoramaError if the data is damaged)
    luma: np.ndarray | None = None
    half_rgb: Future | None = None

    @property
    def width(self) -> int:
        """The width of the whole (padded) panorama, however it was read."""
        return (self.pixels if self.pixels is not None else self.luma).shape[1]


#: A JPEG at least this wide is decoded as luma plus a half-size copy (see _decode_luma): the
#: half-size copy is then large enough for the 2048-wide picture the preview comes from.
SPLIT_DECODE_MIN_WIDTH = 4096


def read_photo(path: str | Path, on_size: Callable[[int, int], None] | None = None,
               pool: Executor | None = None) -> Photo:
    """Read and check one photo; ``on_size(width, height)`` hears the final canvas size before decoding.

    With a ``pool``, a large upright full-panorama JPEG is read as planes, half on the pool.
    """
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PanoramaError(f"{name}: cannot be read ({exc.strerror}): check the path") from None
    return decode_photo(data, name, on_size, pool)


def decode_photo(data: bytes, name: str, on_size: Callable[[int, int], None] | None = None,
                 pool: Executor | None = None) -> Photo:
    header = _open_header(data, name)
    width, height = header.size
    exif = header.getexif()
    orientation = exif.get(ORIENTATION_TAG, 1)
    gps = _gps_block(exif)
    gpano = read_gpano(header.info.get("xmp") or _raw_xmp(data))
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    _check_geometry(name, width, height, gpano)
    if (pool is not None and orientation == 1 and not gpano.is_partial and width >= SPLIT_DECODE_MIN_WIDTH
            and header.format in ("JPEG", "MPO") and header.mode in ("RGB", "L", "YCbCr")):
        # The half-size copy goes on the pool first, ahead of whatever on_size starts there.
        half = pool.submit(_decode_half, data, name, width, height)
        if on_size:
            on_size(width, height)
        return Photo(pixels=None, gpano=gpano, partial=False, source_size=(width, height), gps=gps,
                     luma=_decode_luma(data, name), half_rgb=half)
    if on_size:
        on_size(*_canvas_size(width, height, gpano))
    pixels = _decode(header, data, name)
    pixels = _upright(pixels, orientation)
    partial = gpano.is_partial
    if partial:
        pixels = _pad_partial(pixels, gpano, name)
    return Photo(pixels=pixels, gpano=gpano, partial=partial, source_size=(width, height), gps=gps)


def _open_header(data: bytes, name: str) -> Image.Image:
    # Pillow's own bomb guard must not fire below our limit (a real 11904x5952 photo is 71 MP).
    if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < MAX_PIXELS:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            header = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise PanoramaError(f"{name}: is not an image (or not one we read): "
                            "use a JPEG, PNG, WebP or TIFF equirectangular photo") from None
    except Image.DecompressionBombError as exc:
        # Pillow refuses before decoding; its message holds the claimed pixel count.
        claimed = next((w for w in str(exc).replace("(", " ").split() if w.isdigit()), "too many")
        raise PanoramaError(_too_large(name, f"{claimed} pixels")) from None
    if header.format not in FORMATS:
        raise PanoramaError(f"{name}: {header.format} images are not accepted: use JPEG, PNG, WebP or TIFF")
    width, height = header.size
    if width * height > MAX_PIXELS or width > MAX_WIDTH:
        raise PanoramaError(_too_large(name, f"{width}x{height}"))
    return header


def _too_large(name: str, claimed: str) -> str:
    return (f"{name}: {claimed} is larger than the {MAX_WIDTH}x{MAX_WIDTH // 2} this tool accepts: "
            "scale the photo down (only its header was read, no pixels were decoded)")


def _check_geometry(name: str, width: int, height: int, gpano: GPano) -> None:
    if gpano.is_partial:
        full_w, full_h = gpano.full_width, gpano.full_height
        if not (full_w and full_h and gpano.cropped_width and gpano.cropped_height):
            raise PanoramaError(f"{name}: its GPano cropped-area fields are incomplete: "
                                "export the panorama again from the camera's app")
        if abs(full_w / full_h - 2) > ASPECT_TOLERANCE * 2:
            raise PanoramaError(f"{name}: GPano says the full panorama is {full_w}x{full_h}, which is not 2:1")
        scale = width / gpano.cropped_width
        if abs(height / gpano.cropped_height - scale) > 0.02 * scale:
            raise PanoramaError(f"{name}: the photo is {width}x{height} but GPano's cropped area is "
                                f"{gpano.cropped_width}x{gpano.cropped_height}: the two do not match")
        if full_w * scale < MIN_WIDTH:
            raise PanoramaError(f"{name}: the full panorama would be only {round(full_w * scale)} pixels wide; "
                                f"at least {MIN_WIDTH} are needed")
        if full_w * scale > MAX_WIDTH:
            raise PanoramaError(f"{name}: the full panorama would be {round(full_w * scale)} pixels wide, "
                                f"more than {MAX_WIDTH}: scale the photo down")
        return
    if width < MIN_WIDTH:
        raise PanoramaError(f"{name}: {width}x{height} is too small to be useful; a panorama needs at least "
                            f"{MIN_WIDTH}x{MIN_WIDTH // 2} (360° cameras give 5760x2880 or more)")
    ratio = width / height
    if abs(ratio - 2) > 2 * ASPECT_TOLERANCE:
        raise PanoramaError(
            f"{name}: {width}x{height} is not a 360° panorama: an equirectangular photo is twice as wide as "
            f"high (e.g. 8192x4096), this one is {ratio:.2f}:1. A partial panorama needs its GPano "
            "cropped-area fields (360° cameras and their apps write them)")


def _decode(header: Image.Image, data: bytes, name: str) -> np.ndarray:
    try:
        if header.format in ("JPEG", "MPO") and header.mode in ("RGB", "L", "YCbCr"):
            # libjpeg-turbo straight to RGB: about twice as fast as Pillow plus a repack.
            return simplejpeg.decode_jpeg(data, colorspace="RGB", strict=True)
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        header.load()
        image = header
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):
            values = np.asarray(image, dtype=np.uint32)
            return np.repeat((values >> 8).clip(0, 255).astype(np.uint8)[..., None], 3, axis=2)
        if image.mode != "RGB":
            image = image.convert("RGB")
        return np.asarray(image)
    except (ValueError, OSError, SyntaxError) as exc:
        raise _damaged(name, exc) from None


# A JPEG read as planes is decoded twice at once, on two cores: its luma at full size
# (_decode_luma) and the whole photo in RGB at half size (_decode_half). That is all the pipeline
# needs (its tiles keep chroma at half size), and it is faster than one full RGB decode: luma
# alone skips the chroma's inverse DCT, colour conversion and upsampling, and libjpeg-turbo
# makes the half-size copy by scaling inside the DCT. The pipeline starts on the luma while the
# half-size copy is still decoding.

def _decode_luma(data: bytes, name: str) -> np.ndarray:
    try:
        luma = simplejpeg.decode_jpeg(data, colorspace="GRAY", strict=True)
    except (ValueError, OSError) as exc:
        raise _damaged(name, exc) from None
    return luma.reshape(luma.shape[:2])


def _decode_half(data: bytes, name: str, width: int, height: int) -> np.ndarray:
    half_size = ((height + 1) // 2, (width + 1) // 2)
    try:
        half_rgb = simplejpeg.decode_jpeg(data, colorspace="RGB", strict=True, min_factor=2,
                                          min_width=half_size[1], min_height=half_size[0])
    except (ValueError, OSError) as exc:
        raise _damaged(name, exc) from None
    if half_rgb.shape[:2] != half_size:  # not expected of libjpeg-turbo; keep the geometry exact anyway
        half_rgb = cv2.resize(half_rgb, half_size[::-1], interpolation=cv2.INTER_AREA)
    return half_rgb


def _damaged(name: str, exc: Exception) -> PanoramaError:
    return PanoramaError(f"{name}: the image data is damaged or cut short ({_short(exc)}): "
                         "copy the photo from the camera again")


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "..."


# EXIF orientation -> what makes the pixels upright (as Pillow's ImageOps.exif_transpose).
_ORIENTATION_FIXES = {
    2: lambda p: p[:, ::-1],
    3: lambda p: p[::-1, ::-1],
    4: lambda p: p[::-1],
    5: lambda p: p.transpose(1, 0, 2),
    6: lambda p: np.rot90(p, -1),
    7: lambda p: p[::-1, ::-1].transpose(1, 0, 2),
    8: lambda p: np.rot90(p, 1),
}


def _upright(pixels: np.ndarray, orientation: int) -> np.ndarray:
    fix = _ORIENTATION_FIXES.get(orientation)
    return pixels if fix is None else np.ascontiguousarray(fix(pixels))


def _canvas_size(width: int, height: int, gpano: GPano) -> tuple[int, int]:
    """The size of the full 2:1 panorama a photo of width x height (upright) becomes."""
    if not gpano.is_partial:
        return width, height
    full_w = int(round(gpano.full_width * width / gpano.cropped_width))
    return full_w, full_w // 2


def _pad_partial(pixels: np.ndarray, gpano: GPano, name: str) -> np.ndarray:
    """Place a partial panorama into its full 2:1 canvas (the rest a neutral dark grey)."""
    scale = pixels.shape[1] / gpano.cropped_width
    full_w, full_h = _canvas_size(pixels.shape[1], pixels.shape[0], gpano)
    left = int(round((gpano.cropped_left or 0) * scale)) % full_w
    top = int(round((gpano.cropped_top or 0) * scale))
    height, width = pixels.shape[:2]
    if top < 0 or top + height > full_h or width > full_w:
        raise PanoramaError(f"{name}: GPano's cropped area does not fit inside the full panorama")
    canvas = np.full((full_h, full_w, 3), 48, dtype=np.uint8)
    first = min(width, full_w - left)
    canvas[top:top + height, left:left + first] = pixels[:, :first]
    if first < width:  # the cropped area wraps around the 360° seam
        canvas[top:top + height, :width - first] = pixels[:, first:]
    return canvas


def _raw_xmp(data: bytes) -> bytes | None:
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        return None
    end = data.find(b"</x:xmpmeta>", start)
    return data[start:end + len(b"</x:xmpmeta>")] if end > 0 else None


def _gps_block(exif) -> bytes | None:
    try:
        gps = exif.get_ifd(GPS_TAG)
    except (KeyError, ValueError, TypeError):
        return None
    if not gps:
        return None
    copy = Image.Exif()
    copy[GPS_TAG] = gps
    try:
        return copy.tobytes()
    except Exception:  # an unusual GPS block is dropped rather than failing the photo
        return None


__all__ = ["MIN_WIDTH", "MAX_WIDTH", "PanoramaError", "Photo", "decode_photo", "read_photo"]
