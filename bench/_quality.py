"""Quality of cube faces against a float64 reference remap of the README's exact geometry.

The reference is written from tourbuilder/panorama/README.md only (it shares no code with the
pipeline): each face pixel centre's direction in float64, its equirect coordinates in float64, and
cubic B-spline sampling (scipy.ndimage.map_coordinates, order=3) of the decoded source per
channel in float64. The source is extended before sampling so that interpolation across the
edges is that of a sphere: columns wrap around the 360° seam (mode="wrap" in x), and rows beyond
a pole continue with the rows on the other side of that pole, turned by 180° of yaw.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image

Image.MAX_IMAGE_PIXELS = None

FACES = ("f", "r", "b", "l", "u", "d")
PAD = 16  # rows/columns of extension: cubic B-spline prefilter edge effects decay as 0.268**PAD


def face_directions(face: str, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """README table: unnormalised direction of face pixel (x, y), float64."""
    c = 2.0 * (np.arange(size, dtype=np.float64) + 0.5) / size - 1.0
    a, b = np.meshgrid(c, c)  # a varies along x (columns), b along y (rows)
    one = np.ones_like(a)
    return {
        "f": (a, -b, one),
        "r": (one, -b, -a),
        "b": (-a, -b, -one),
        "l": (-one, -b, a),
        "u": (a, one, b),
        "d": (a, -one, -b),
    }[face]


def direction_to_source(x, y, z, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Direction -> equirect pixel coordinates (pixel centres at integers), float64.

    θ = atan2(X, Z) (yaw, clockwise from above, 0 = +Z), φ = atan2(Y, hypot(X, Z));
    u = θ/360° + 0.5, v = 0.5 − φ/180°; pixel x = u·W − 0.5, y = v·H − 0.5.
    """
    theta = np.arctan2(x, z)
    phi = np.arctan2(y, np.hypot(x, z))
    u = theta / (2 * math.pi) + 0.5
    v = 0.5 - phi / math.pi
    return u * width - 0.5, v * height - 0.5


def _extend_sphere(channel: np.ndarray, pad: int = PAD) -> np.ndarray:
    """Extend one float64 channel by `pad` on every side as the sphere continues."""
    h, w = channel.shape
    top = np.roll(channel[pad - 1::-1], w // 2, axis=1)        # row -1 is row 0 seen across the pole
    bottom = np.roll(channel[:h - pad - 1:-1], w // 2, axis=1)  # row h is row h-1 across the pole
    tall = np.concatenate([top, channel, bottom], axis=0)
    return np.concatenate([tall[:, -pad:], tall, tall[:, :pad]], axis=1)  # wrap in x


class Reference:
    """Float64 reference faces of one decoded source image (uint8 RGB)."""

    def __init__(self, source: np.ndarray, order: int = 3):
        from scipy import ndimage

        self.height, self.width = source.shape[:2]
        self.order = order
        self._coeffs = []
        for ch in range(source.shape[2]):
            ext = _extend_sphere(source[..., ch].astype(np.float64))
            if order > 1:
                ext = ndimage.spline_filter(ext, order=order, mode="mirror", output=np.float64)
            self._coeffs.append(ext)

    def face(self, face: str, size: int) -> np.ndarray:
        from scipy import ndimage

        x, y, z = face_directions(face, size)
        sx, sy = direction_to_source(x, y, z, self.width, self.height)
        del x, y, z
        coords = np.stack([sy + PAD, sx + PAD])
        del sx, sy
        out = np.empty((size, size, len(self._coeffs)), np.float64)
        for ch, coeff in enumerate(self._coeffs):
            out[..., ch] = ndimage.map_coordinates(coeff, coords, order=self.order, prefilter=False,
                                                   mode="nearest", output=np.float64)
        return out


def psnr(test: np.ndarray, reference: np.ndarray) -> float:
    ref = np.clip(reference, 0.0, 255.0)
    mse = float(np.mean((test.astype(np.float64) - ref) ** 2))
    return float("inf") if mse == 0 else 10.0 * math.log10(255.0 ** 2 / mse)


def decode_image(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def decode_source(path: Path, codec: str = "simplejpeg") -> np.ndarray:
    data = Path(path).read_bytes()
    if codec == "simplejpeg":
        try:
            import simplejpeg

            return simplejpeg.decode_jpeg(data, colorspace="RGB")
        except ImportError:
            pass
    return decode_image(Path(path))


def assemble_face(tile_path, size: int, tiles: int, tile_size: int) -> np.ndarray:
    """A face of `size` from its tiles; tile_path(row, col) -> Path."""
    face = np.zeros((size, size, 3), np.uint8)
    for row in range(tiles):
        for col in range(tiles):
            block = decode_image(tile_path(row, col))
            y0, x0 = row * tile_size, col * tile_size
            h, w = block.shape[:2]
            if y0 + h > size or x0 + w > size:
                raise ValueError(f"tile {row}_{col} of {w}x{h} overflows a {size}-px face")
            face[y0:y0 + h, x0:x0 + w] = block
    return face


def tourbuilder_faces(folder: Path, manifest: dict, level: int | None = None) -> dict[str, np.ndarray]:
    """Faces of one level (default: the top one) of a README-layout output folder."""
    levels = manifest["levels"]
    level = len(levels) - 1 if level is None else level
    spec = levels[level]
    tile = manifest["tile_size"]
    pattern = manifest["tile_path"]
    out = {}
    for face in manifest.get("faces", FACES):
        out[face] = assemble_face(
            lambda r, c, f=face: folder / pattern.format(level=level, face=f, row=r, col=c),
            spec["face_size"], spec["tiles"], tile)
    return out


def pannellum_faces(folder: Path, cube_size: int, tile_size: int) -> dict[str, np.ndarray]:
    """Top-level faces of a generate.py output: {level}/{face}{row}_{col}.jpg, top level = max."""
    top = max(int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit())
    tiles = -(-cube_size // tile_size)
    return {face: assemble_face(lambda r, c, f=face: folder / str(top) / f"{f}{r}_{c}.jpg", cube_size, tiles, tile_size)
            for face in FACES}


def face_psnrs(reference: Reference, faces: dict[str, np.ndarray]) -> dict[str, float]:
    result = {}
    for face in FACES:
        if face not in faces:
            continue
        ref = reference.face(face, faces[face].shape[0])
        result[face] = psnr(faces[face], ref)
        del ref
    return result


def selfcheck(source_path: Path, size: int = 512, log=print) -> bool:
    """Reference vs reference: the PSNR machinery must tell right from wrong.

    - the reference against itself: inf;
    - against the same geometry sampled another way (order-5 spline; bilinear): high;
    - against the faces permuted, mirrored or shifted by half a pixel: much lower.
    """
    from scipy import ndimage

    src = decode_source(source_path)
    h, w = src.shape[:2]
    # Downscale the source for speed so that `size` keeps the top level's source/face ratio.
    scale = (size * math.pi) / w
    small_w = int(round(w * scale / 2)) * 2
    small = np.asarray(Image.fromarray(src).resize((small_w, small_w // 2), Image.LANCZOS))
    ref3 = Reference(small, order=3)
    ref5 = Reference(small, order=5)
    ref1 = Reference(small, order=1)
    ok = True
    rows = []
    for face in FACES:
        a = np.clip(ref3.face(face, size), 0, 255)
        same = psnr(np.clip(ref3.face(face, size), 0, 255), a)
        o5 = psnr(a, ref5.face(face, size))
        o1 = psnr(a, ref1.face(face, size))
        q8 = psnr(np.clip(np.rint(a), 0, 255).astype(np.uint8), a)
        mirrored = psnr(a[:, ::-1], a)
        other = psnr(ref3.face({"f": "b", "r": "l", "b": "f", "l": "r", "u": "d", "d": "u"}[face], size), a)
        shifted = psnr(ndimage.shift(a, (0.5, 0.5, 0), order=1, mode="nearest"), a)
        rows.append((face, same, q8, o5, o1, shifted, mirrored, other))
        ok &= same == float("inf") and q8 > 55 and o5 > 40 and shifted < o5 and mirrored < 25 and other < 25
    log(f"  self-check on a {small_w}x{small_w // 2} copy, faces of {size}: PSNR dB of the order-3 reference vs")
    log("  face   itself  uint8-rounded  order-5  bilinear  half-px-shift  mirrored  opposite-face")
    for face, same, q8, o5, o1, sh, mi, ot in rows:
        log(f"  {face:>4} {same:>8.2f} {q8:>14.2f} {o5:>8.2f} {o1:>9.2f} {sh:>14.2f} {mi:>9.2f} {ot:>14.2f}")
    log(f"  self-check {'passed' if ok else 'FAILED'}")
    return ok
