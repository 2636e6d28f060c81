"""Deterministic, photo-like synthetic equirectangular JPEGs for the panorama bench.

The image is built from resolution-independent ingredients so every width shows the same scene:
a sky-to-ground gradient, 1/f ("pink") noise over several octaves that is periodic in x (a 360°
photo has no seam), buildings with windows (hard edges), poles and wires, fine grain texture on
the ground, sensor-like noise, and text at several sizes; finally each row is blurred along x by
1/cos(latitude), as a camera with uniform angular resolution records it. Saved as 4:2:0 JPEG, quality 90, by
Pillow, which compresses like a real 360° camera photo (about 2 bits per pixel).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

GENERATOR_VERSION = 8
SEED = 20240601
QUALITY = 90

CACHE_DIR = Path(__file__).resolve().parent / ".cache"


def _pink_noise(h: int, w: int, rng: np.random.Generator, beta: float = 1.8) -> np.ndarray:
    """Periodic 1/f^beta noise in float32, zero mean, unit std."""
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    amp = (f ** (-beta / 2)).astype(np.float32)
    amp[0, 0] = 0.0
    phase = rng.uniform(0, 2 * np.pi, size=amp.shape).astype(np.float32)
    spec = amp * np.exp(1j * phase).astype(np.complex64)
    out = np.fft.irfft2(spec, s=(h, w)).astype(np.float32)
    out -= out.mean()
    out /= out.std() + 1e-12
    return out


def _upsample_wrap(a: np.ndarray, h: int, w: int) -> np.ndarray:
    """Bicubic upsample of a periodic-in-x array to (h, w), keeping x periodic."""
    ah, aw = a.shape[:2]
    pad = 4
    padded = np.concatenate([a[:, -pad:], a, a[:, :pad]], axis=1)
    sx = w / aw
    big = Image.fromarray(padded.astype(np.float32), mode="F").resize(
        (int(round((aw + 2 * pad) * sx)), h), Image.BICUBIC
    )
    arr = np.asarray(big, dtype=np.float32)
    off = int(round(pad * sx))
    return arr[:, off:off + w]


def _font(size: int) -> ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # old Pillow
        return ImageFont.load_default()


def make_equirect(width: int) -> np.ndarray:
    """Return an RGB uint8 array of shape (width // 2, width, 3)."""
    if width % 2:
        raise ValueError("width must be even")
    w, h = width, width // 2
    rng = np.random.default_rng(SEED)  # same stream for every width: same scene
    ys = (np.arange(h, dtype=np.float32) + 0.5) / h  # 0 top .. 1 bottom
    horizon = 0.53

    # 1. Base colours: sky gradient above the horizon, ground below.
    sky_top = np.array([40, 90, 170], np.float32)
    sky_hor = np.array([190, 210, 230], np.float32)
    ground_hor = np.array([120, 115, 90], np.float32)
    ground_bot = np.array([60, 55, 45], np.float32)
    t_sky = np.clip(ys / horizon, 0, 1)[:, None] ** 0.7
    t_gnd = np.clip((ys - horizon) / (1 - horizon), 0, 1)[:, None]
    sky = sky_top * (1 - t_sky) + sky_hor * t_sky
    gnd = ground_hor * (1 - t_gnd) + ground_bot * t_gnd
    is_sky = (ys < horizon)[:, None]
    base = np.where(is_sky, sky, gnd).astype(np.float32)  # (h, 3)
    img = np.broadcast_to(base[:, None, :], (h, w, 3)).copy()

    # 2. Multi-octave periodic pink noise: clouds in the sky, terrain and texture on the ground.
    lo_h, lo_w = 512, 1024
    n1 = _upsample_wrap(_pink_noise(lo_h, lo_w, rng, beta=2.2), h, w)  # large-scale structure
    sky_w = np.clip((horizon - ys) / 0.05, 0, 1)[:, None]
    cloud = np.clip(n1 * 0.9 + 0.2, 0, None)
    img += (sky_w * cloud * 55.0)[..., None]
    img += ((1 - sky_w) * n1 * 22.0)[..., None] * np.array([1.0, 0.9, 0.7], np.float32)
    del cloud

    mid = _upsample_wrap(_pink_noise(lo_h, lo_w, rng, beta=1.2), h, w)  # mid-frequency detail
    img += ((1 - sky_w) * mid * 14.0 + sky_w * mid * 3.0)[..., None]
    del mid

    # Fine texture tied to the image resolution (what a camera resolves): grass, gravel. Strongest
    # just below the horizon (distant ground: much detail per pixel), weaker towards the nadir
    # (the ground next to the camera is magnified, so smoother per pixel).
    t_down = np.clip((ys - horizon) / (1 - horizon), 0, 1)
    fine_amp = np.where(ys > horizon, 24.0 * (1.0 - 0.7 * t_down), 3.0)
    fine = rng.standard_normal((h // 2, w // 2), dtype=np.float32)
    fine = np.asarray(Image.fromarray(fine, mode="F").resize((w, h), Image.BILINEAR))
    img += (fine * fine_amp[:, None])[..., None]
    del fine
    img += rng.standard_normal((h, w, 1), dtype=np.float32) * 3.5  # sensor noise (luma)

    # 3. Drawn structures with hard edges and text, at positions relative to the size.
    canvas = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    del img
    d = ImageDraw.Draw(canvas)
    hy = int(horizon * h)
    srng = np.random.default_rng(SEED + 1)
    x = 0.0
    while x < 1.0:
        bw = srng.uniform(0.01, 0.04)
        bh = srng.uniform(0.03, 0.18)
        x0, x1 = int(x * w), int((x + bw) * w)
        y0 = hy - int(bh * h)
        col = tuple(int(c) for c in srng.integers(60, 200, 3))
        if srng.uniform() < 0.75:
            d.rectangle([x0, y0, x1, hy + int(0.01 * h)], fill=col)
            win = max(2, int(0.0025 * w))
            gap = win * 2
            wcol = tuple(min(255, c + 50) for c in col)
            for yy in range(y0 + gap, hy - gap, gap):
                for xx in range(x0 + win, x1 - win, gap):
                    if srng.uniform() < 0.7:
                        d.rectangle([xx, yy, xx + win - 1, yy + win - 1], fill=wcol)
        x += bw + srng.uniform(0.0, 0.03)
    # Poles and wires.
    for _ in range(24):
        px = int(srng.uniform() * w)
        ptop = hy - int(srng.uniform(0.1, 0.25) * h)
        d.line([px, ptop, px, hy + int(0.05 * h)], fill=(35, 30, 28), width=max(1, w // 1500))
    for k in range(6):
        yy = hy - int((0.15 + 0.02 * k) * h)
        pts = [(int(xx * w / 64), yy + int(np.sin(xx / 5 + k) * 0.01 * h)) for xx in range(65)]
        d.line(pts, fill=(25, 25, 30), width=max(1, w // 3000))
    # Text of several sizes, like signs and posters at eye level: sign colours, black or white text.
    words = ["TOURBUILDER", "Exit 3", "Café", "Platform 9", "OPEN", "No parking", "42", "Museum"]
    sign_colours = [(245, 245, 240), (20, 70, 160), (0, 110, 60), (190, 30, 30), (250, 200, 0), (90, 60, 40)]
    for i in range(40):
        size = int(h * srng.choice([0.004, 0.006, 0.01, 0.02, 0.04]))
        size = max(size, 8)
        tx = int(srng.uniform() * w)
        ty = int(srng.uniform(0.40, 0.64) * h)
        bg = sign_colours[int(srng.integers(0, len(sign_colours)))]
        fg = (15, 15, 15) if sum(bg) > 450 else (250, 250, 250)
        text = words[i % len(words)]
        font = _font(size)
        box = d.textbbox((tx, ty), text, font=font)
        d.rectangle([box[0] - size // 4, box[1] - size // 4, box[2] + size // 4, box[3] + size // 4], fill=bg)
        d.text((tx, ty), text, font=font, fill=fg)
    # A checkerboard calibration target and a grid (sharp, high-contrast).
    cs = max(4, w // 512)
    cx, cy = int(0.62 * w), int(0.6 * h)
    for r in range(12):
        for c in range(12):
            if (r + c) % 2 == 0:
                d.rectangle([cx + c * cs, cy + r * cs, cx + (c + 1) * cs - 1, cy + (r + 1) * cs - 1], fill=(10, 10, 10))
            else:
                d.rectangle([cx + c * cs, cy + r * cs, cx + (c + 1) * cs - 1, cy + (r + 1) * cs - 1], fill=(245, 245, 245))
    return _latitude_blur(np.asarray(canvas))


def _latitude_blur(img: np.ndarray) -> np.ndarray:
    """Blur each row along x by 1/cos(latitude), as a camera's uniform resolution on the sphere does.

    A 360° camera resolves about the same angle everywhere, so in its equirect output a row at
    latitude φ holds only W·cos φ distinct samples: near the poles the pixels are smeared
    sideways. Without this the synthetic zenith and nadir would be full of per-pixel detail no
    camera records (and no JPEG at q85 could keep, whatever the resampling).
    """
    from scipy.ndimage import uniform_filter1d

    h, w = img.shape[:2]
    phi = (0.5 - (np.arange(h) + 0.5) / h) * np.pi
    k = np.clip(np.rint(1.0 / np.cos(phi)), 1, w // 8).astype(int)
    out = img.copy()
    for size in np.unique(k):
        if size == 1:
            continue
        rows = np.nonzero(k == size)[0]
        block = img[rows].astype(np.float32)
        for _ in range(2):  # box twice: a triangle of base 2k, no ringing
            block = uniform_filter1d(block, size=int(size), axis=1, mode="wrap")
        out[rows] = np.clip(np.rint(block), 0, 255).astype(np.uint8)
    return out


def input_path(width: int, cache_dir: Path = CACHE_DIR) -> Path:
    return cache_dir / f"equirect_{width}x{width // 2}_v{GENERATOR_VERSION}_q{QUALITY}.jpg"


def ensure_input(width: int, cache_dir: Path = CACHE_DIR, log=print) -> Path:
    """Create (once) and return the cached synthetic JPEG for this width."""
    path = input_path(width, cache_dir)
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    log(f"making synthetic input {path.name} ...")
    arr = make_equirect(width)
    tmp = path.with_suffix(".tmp.jpg")
    Image.fromarray(arr).save(tmp, quality=QUALITY, subsampling=2)  # 4:2:0 like camera JPEGs
    tmp.replace(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


if __name__ == "__main__":
    import sys
    import time

    for wd in [int(a) for a in sys.argv[1:]] or [8192]:
        t = time.perf_counter()
        p = ensure_input(wd)
        print(p, p.stat().st_size / 1e6, "MB", f"{p.stat().st_size * 8 / (wd * wd / 2):.2f} bpp", f"{time.perf_counter() - t:.1f} s")
