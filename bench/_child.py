"""One bench method in its own process: ``python bench/_child.py METHOD JOB.json``.

The parent (bench/panorama.py) times the whole process and reads its peak RSS from os.wait4, so
everything a method costs (interpreter start, imports, decode, work, encode, writing files) counts.
The child writes a small JSON report (in-process timings, files written) to ``job["report"]``.

Methods:
  ours        tourbuilder.panorama.process, the real pipeline
  floor       decode the source + encode blocks of exactly the pipeline's output sizes, no resampling
  py360       py360convert.e2c per level + Pillow (resize, crop, save) + py360convert.e2p
  pannellum   Pannellum's utils/multires/generate.py (nona inside), run unmodified
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

T_START = time.perf_counter()


def _count_files(folder: Path) -> tuple[int, int]:
    count = size = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            count += 1
            size += os.path.getsize(os.path.join(root, name))
    return count, size


# --- ours ------------------------------------------------------------------------------------

def run_ours(job: dict) -> dict:
    t0 = time.perf_counter()
    from tourbuilder.panorama import PanoramaSettings, process

    t1 = time.perf_counter()
    settings = PanoramaSettings(tile_size=job["tile_size"], quality=job["quality"])
    result = process(job["source"], job["out"], settings, progress=None)
    t2 = time.perf_counter()
    folder = Path(getattr(result, "folder", job["out"]))
    codec_modules = sorted(m for m in ("simplejpeg", "turbojpeg", "cv2", "PIL.Image", "pyvips") if m in sys.modules)
    return {"import_s": t1 - t0, "work_s": t2 - t1, "folder": str(folder), "manifest": result.manifest,
            "modules": codec_modules}


# --- floor -----------------------------------------------------------------------------------

def _floor_codec(job: dict):
    """(decode(bytes) -> RGB array, {format: encode(array, item) -> bytes})."""
    codec = job["codec"]
    if codec == "simplejpeg":
        import simplejpeg

        def decode(data):
            return simplejpeg.decode_jpeg(data, colorspace="RGB")

        def enc_jpeg(block, item):
            return simplejpeg.encode_jpeg(block, quality=item["quality"], colorspace="RGB",
                                          colorsubsampling=item["subsampling"] or "420")
    else:  # pillow
        import io

        import numpy as np
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = None

        def decode(data):
            return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))

        def enc_jpeg(block, item):
            out = io.BytesIO()
            Image.fromarray(block).save(out, "JPEG", quality=item["quality"],
                                        subsampling={"444": 0, "422": 1, "420": 2}.get(item["subsampling"], 2))
            return out.getvalue()

    def enc_webp(block, item):
        if job.get("webp_codec") == "cv2":
            import cv2

            ok, buf = cv2.imencode(".webp", cv2.cvtColor(block, cv2.COLOR_RGB2BGR),
                                   [cv2.IMWRITE_WEBP_QUALITY, item["quality"]])
            return buf.tobytes()
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.fromarray(block).save(out, "WEBP", quality=item["quality"])
        return out.getvalue()

    def enc_png(block, item):
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.fromarray(block).save(out, "PNG")
        return out.getvalue()

    return decode, {"jpeg": enc_jpeg, "webp": enc_webp, "png": enc_png}


def run_floor(job: dict) -> dict:
    """Decode once, then encode every output size by cropping blocks of the decoded photo."""
    import base64

    import numpy as np

    t1 = time.perf_counter()
    decode, encoders = _floor_codec(job)
    source = decode(Path(job["source"]).read_bytes())
    height, width = source.shape[:2]
    t_decoded = time.perf_counter()
    out = Path(job["out"])
    out.mkdir(parents=True)
    items = job["items"]

    # Deterministic crop positions: walk the photo in reading order, block by block.
    positions = []
    x = y = row_h = 0
    for item in items:
        w, h = item["width"], item["height"]
        if x + w > width:
            x, y, row_h = 0, y + row_h, 0
        if y + h > height:
            x = y = row_h = 0
        positions.append((x, y))
        x += w
        row_h = max(row_h, h)

    def work(index: int):
        item = items[index]
        x0, y0 = positions[index]
        block = np.ascontiguousarray(source[y0:y0 + item["height"], x0:x0 + item["width"]])
        data = encoders[item["format"]](block, item)
        if item["role"] == "placeholder":
            return "data:image/jpeg;base64," + base64.b64encode(data).decode()
        path = out / f"{index:05d}.{item['format']}"
        path.write_bytes(data)
        return None

    threads = job["threads"]
    if threads > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(work, range(len(items))))
    else:
        for index in range(len(items)):
            work(index)
    (out / "manifest.json").write_text(json.dumps({"items": len(items)}))
    t2 = time.perf_counter()
    return {"import_s": 0.0, "work_s": t2 - t1, "decode_s": t_decoded - t1, "encode_s": t2 - t_decoded}


# --- py360convert + Pillow --------------------------------------------------------------------

def run_py360(job: dict) -> dict:
    """The straightforward way with py360convert 1.0 and Pillow, producing the same outputs."""
    import base64
    import io
    import math

    t0 = time.perf_counter()
    import numpy as np
    import py360convert
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    t1 = time.perf_counter()
    manifest, roles = job["manifest"], job["roles"]
    out = Path(job["out"])
    tile = manifest["tile_size"]
    ext = manifest.get("tile_format", "jpg")
    pil_format = {"jpg": "JPEG", "webp": "WEBP", "png": "PNG"}[ext]

    def save_kwargs(role: str) -> dict:
        item = roles.get(role) or roles["tile"]
        if item["format"] == "jpeg":
            return {"quality": item["quality"], "subsampling": {"444": 0, "422": 1, "420": 2}.get(item["subsampling"], 2)}
        return {"quality": item["quality"]}

    source = Image.open(job["source"]).convert("RGB")
    pixels = np.asarray(source)
    names = {"F": "f", "R": "r", "B": "b", "L": "l", "U": "u", "D": "d"}
    tile_kwargs = save_kwargs("tile")
    for level, spec in enumerate(manifest["levels"]):
        size = spec["face_size"]
        faces = py360convert.e2c(pixels, face_w=size, cube_format="dict")
        for key, face in faces.items():
            folder = out / "tiles" / str(level) / names[key]
            folder.mkdir(parents=True, exist_ok=True)
            image = Image.fromarray(face)
            for row in range(spec["tiles"]):
                for col in range(spec["tiles"]):
                    box = (col * tile, row * tile, min((col + 1) * tile, size), min((row + 1) * tile, size))
                    image.crop(box).save(folder / f"{row}_{col}.{ext}", pil_format, **tile_kwargs)
        del faces
    preview = source.resize(tuple(manifest.get("preview_size", (1024, 512))), Image.LANCZOS)
    preview.save(out / "preview.jpg", "JPEG", **save_kwargs("preview"))
    ph = roles.get("placeholder")
    if ph:
        buf = io.BytesIO()
        preview.resize((ph["width"], ph["height"]), Image.LANCZOS).save(buf, "JPEG", **save_kwargs("placeholder"))
        placeholder = "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
    th = roles.get("thumbnail")
    if th:
        yaw, pitch, hfov = (manifest.get("thumbnail_view") or [0.0, 0.0, 90.0])[:3]
        vfov = math.degrees(2 * math.atan(math.tan(math.radians(hfov) / 2) * th["height"] / th["width"]))
        thumb = py360convert.e2p(pixels, fov_deg=(hfov, vfov), u_deg=yaw, v_deg=pitch,
                                 out_hw=(th["height"], th["width"]))
        Image.fromarray(thumb).save(out / "thumbnail.jpg", "JPEG", **save_kwargs("thumbnail"))
    (out / "manifest.json").write_text(json.dumps({**manifest, "placeholder": placeholder if ph else None}))
    t2 = time.perf_counter()
    return {"import_s": t1 - t0, "work_s": t2 - t1}


# --- Pannellum generate.py --------------------------------------------------------------------

def run_pannellum(job: dict) -> dict:
    """Run generate.py unmodified, with two shims for today's Python and Pillow.

    generate.py 2.5.7 imports distutils.spawn.find_executable (gone in Python 3.12) and calls
    Image.ANTIALIAS (gone in Pillow 10; it was always an alias of LANCZOS).
    """
    import runpy
    import shutil
    import types

    t0 = time.perf_counter()
    from PIL import Image

    if not hasattr(Image, "ANTIALIAS"):
        Image.ANTIALIAS = Image.LANCZOS
    try:
        import distutils.spawn  # noqa: F401
    except ImportError:
        distutils = types.ModuleType("distutils")
        spawn = types.ModuleType("distutils.spawn")
        spawn.find_executable = shutil.which
        distutils.spawn = spawn
        sys.modules["distutils"] = distutils
        sys.modules["distutils.spawn"] = spawn
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    t1 = time.perf_counter()
    sys.argv = [job["script"], *job["args"]]
    stdout = sys.stdout
    sys.stdout = sys.stderr  # keep its chatter out of the way
    try:
        runpy.run_path(job["script"], run_name="__main__")
    finally:
        sys.stdout = stdout
    t2 = time.perf_counter()
    return {"import_s": t1 - t0, "work_s": t2 - t1}


METHODS = {"ours": run_ours, "floor": run_floor, "py360": run_py360, "pannellum": run_pannellum}


def main() -> None:
    method, job_path = sys.argv[1], sys.argv[2]
    job = json.loads(Path(job_path).read_text())
    report = METHODS[method](job)
    report["files"], report["bytes"] = _count_files(Path(job["out"]))
    report["process_s"] = time.perf_counter() - T_START
    Path(job["report"]).write_text(json.dumps(report))


if __name__ == "__main__":
    main()
