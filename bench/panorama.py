"""Panorama pipeline benchmark: ours vs the codec floor, py360convert + Pillow and Pannellum's generate.py.

    .venv/bin/python bench/panorama.py [--quick] [--widths 5760,8192,11904] [--repeat 3]
                                       [--skip-pannellum] [--json FILE]

Every method runs in its own child process, one at a time, on the same synthetic input; the parent
measures the whole process (wall clock, peak RSS from os.wait4). See bench/README.md.
Exit status: 0 when every bound holds, 1 otherwise (the failed ones are printed). Not a test, not CI.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import _inputs  # noqa: E402

CHILD = BENCH / "_child.py"
SPAWN = BENCH / "_spawn.py"
PANNELLUM_VERSION = "2.5.7"
MAIN_WIDTH = 8192

# Bounds of the issue.
MAX_OURS_OVER_FLOOR = 1.5
MIN_PY360_OVER_OURS = 2.0
MIN_GENERATE_OVER_OURS = 8.0
MAX_RSS_MB = {8192: 600, 11904: 1200}
MIN_FACE_PSNR_DB = 40.0

METHODS = ("ours", "floor", "floor-1t", "py360", "pannellum")
LABELS = {
    "ours": "ours (tourbuilder)",
    "floor": "floor",
    "floor-1t": "floor, 1 thread",
    "py360": "py360convert+Pillow",
    "pannellum": "Pannellum generate.py",
}

MB = 1e6  # decimal megabytes throughout (ru_maxrss is KiB: bytes = ru_maxrss * 1024)


def log(*args) -> None:
    print(*args, flush=True)


def compile_bytecode() -> None:
    """Compile tourbuilder's modules to bytecode, as installing the package does.

    An editable install under PYTHONDONTWRITEBYTECODE (set on many CI machines) never writes
    them, and every child would then spend ~20 ms compiling our sources: a cost no installed
    copy has, and one the floor (numpy and simplejpeg only, compiled by pip) never pays.
    """
    import compileall

    compileall.compile_dir(str(REPO / "tourbuilder"), quiet=1)


# --- child processes ---------------------------------------------------------------------------

def _busy_ticks() -> int | None:
    """Busy CPU ticks of the whole machine (all processes), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields[:8]) - fields[3] - fields[4]  # minus idle and iowait


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def wait_quiet(limit_s: float, threshold: float = 0.25) -> float:
    """Wait (at most limit_s) for a 1-second window in which other processes use < threshold cores.

    Returns the load of the last window (cores)."""
    deadline = time.monotonic() + limit_s
    load = 0.0
    while True:
        b0, t0 = _busy_ticks(), time.monotonic()
        if b0 is None:
            return float("nan")
        time.sleep(1.0)
        load = (_busy_ticks() - b0) / TICK / (time.monotonic() - t0)
        if load < threshold or time.monotonic() >= deadline:
            return load


CHILD_ENV: dict[str, str] = {}  # --env NAME=VALUE


def run_child(method: str, job: dict, work: Path) -> dict:
    """Run one method in a fresh process; wall time and peak RSS of that process (tree).

    The process is started by bench/_spawn.py (see there why), which measures it with os.wait4.
    """
    work.mkdir(parents=True, exist_ok=True)
    job_path, report_path, spawn_path = work / "job.json", work / "report.json", work / "spawn.json"
    job = {**job, "report": str(report_path)}
    job_path.write_text(json.dumps(job))
    child_method = "floor" if method.startswith("floor") else method
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(CHILD_ENV)
    cmd = [sys.executable, str(SPAWN), str(spawn_path), sys.executable, str(CHILD), child_method, str(job_path)]
    with open(work / "stdout.txt", "wb") as out, open(work / "stderr.txt", "wb") as err:
        busy0 = _busy_ticks()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=out, stderr=err, start_new_session=True)
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            os.killpg(proc.pid, 15)  # our own child's process group, on Ctrl-C or SIGTERM
            proc.wait()
            raise
        outer_wall = time.perf_counter() - t0
        busy1 = _busy_ticks()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or not spawn_path.exists():
        tail = (work / "stderr.txt").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{method} failed with exit status {proc.returncode}:\n{tail}")
    spawn = json.loads(spawn_path.read_text())
    report = json.loads(report_path.read_text())
    report.update(wall_s=spawn["wall_s"], rss_bytes=spawn["maxrss_kib"] * 1024, user_s=spawn["user_s"],
                  sys_s=spawn["sys_s"], minflt=spawn.get("minflt", 0))
    # CPU used by everything else on the machine meanwhile, in cores: a shared box shows up here.
    if busy0 is not None and busy1 is not None and outer_wall > 0:
        other = (busy1 - busy0) / TICK - (usage.ru_utime + usage.ru_stime)
        report["other_load"] = max(0.0, other / outer_wall)
    return report


# --- what the pipeline wrote ---------------------------------------------------------------------

_QUALITY_BY_TABLE: dict[tuple, int] = {}


def _jpeg_quality(image) -> int | None:
    """IJG quality of a JPEG from its luminance quantisation table (standard tables only)."""
    from PIL import Image

    if not _QUALITY_BY_TABLE:
        for q in range(1, 101):
            buf = io.BytesIO()
            Image.new("RGB", (16, 16)).save(buf, "JPEG", quality=q)
            table = tuple(Image.open(io.BytesIO(buf.getvalue())).quantization[0])
            _QUALITY_BY_TABLE.setdefault(table, q)
    tables = getattr(image, "quantization", None) or {}
    return _QUALITY_BY_TABLE.get(tuple(tables.get(0, ())))


def _describe(image, role: str, default_quality: int) -> dict:
    from PIL import JpegImagePlugin

    fmt = image.format.lower()
    item = {"role": role, "width": image.size[0], "height": image.size[1], "format": fmt,
            "quality": default_quality, "subsampling": None, "progressive": False}
    if fmt == "jpeg":
        item["quality"] = _jpeg_quality(image) or default_quality
        item["subsampling"] = {0: "444", 1: "422", 2: "420"}.get(JpegImagePlugin.get_sampling(image), "420")
        item["progressive"] = bool(image.info.get("progressive"))
    return item


def describe_outputs(folder: Path, manifest: dict) -> tuple[list[dict], list[str]]:
    """Every image the pipeline wrote (and the inline placeholder), with its size and encoding."""
    from PIL import Image

    quality = manifest.get("quality", 85)
    items, notes = [], []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".jpg", ".jpeg", ".webp", ".png"):
            continue
        rel = path.relative_to(folder).as_posix()
        role = "tile" if rel.startswith("tiles/") else path.stem
        with Image.open(path) as image:
            items.append({**_describe(image, role, quality), "path": rel})
    uri = manifest.get("placeholder") or ""
    if uri.startswith("data:image/"):
        data = base64.b64decode(uri.split(",", 1)[1])
        with Image.open(io.BytesIO(data)) as image:
            items.append({**_describe(image, "placeholder", quality), "path": "(inline)"})
    # Cross-check against the manifest's geometry.
    tile = manifest["tile_size"]
    expected = {}
    for level, spec in enumerate(manifest["levels"]):
        size, n = spec["face_size"], spec["tiles"]
        if n != -(-size // tile):
            notes.append(f"level {level}: {n} tiles per side for face {size} (expected {-(-size // tile)})")
        for face in manifest["faces"]:
            for row in range(n):
                for col in range(n):
                    rel = manifest["tile_path"].format(level=level, face=face, row=row, col=col)
                    expected[rel] = (min(tile, size - col * tile), min(tile, size - row * tile))
    found = {i["path"]: (i["width"], i["height"]) for i in items if i["role"] == "tile"}
    if set(found) != set(expected):
        notes.append(f"tiles on disk {len(found)} vs manifest {len(expected)}: "
                     f"missing {sorted(set(expected) - set(found))[:3]}, extra {sorted(set(found) - set(expected))[:3]}")
    wrong = [p for p in expected if p in found and found[p] != expected[p]]
    if wrong:
        notes.append(f"{len(wrong)} tiles have the wrong size, e.g. {wrong[0]}: {found[wrong[0]]} vs {expected[wrong[0]]}")
    for role, key in (("preview", "preview_size"),):
        got = [(i["width"], i["height"]) for i in items if i["role"] == role]
        if key in manifest and got and list(got[0]) != list(manifest[key]):
            notes.append(f"{role} is {got[0]}, manifest says {manifest[key]}")
    return items, notes


def nominal_manifest(width: int, tile: int, quality: int) -> dict:
    """README-shaped manifest for when the pipeline cannot run (to exercise the other methods)."""
    top = max(tile, int(round(width / math.pi / tile)) * tile)
    sizes = [top]
    while sizes[-1] > tile:
        sizes.append((sizes[-1] + 1) // 2)
    sizes.reverse()
    return {"tile_size": tile, "tile_format": "jpg", "quality": quality, "faces": list("frblud"),
            "levels": [{"face_size": s, "tiles": -(-s // tile)} for s in sizes], "preview_size": [1024, 512],
            "tile_path": "tiles/{level}/{face}/{row}_{col}.jpg", "thumbnail_view": [0.0, 0.0, 90.0]}


def nominal_items(manifest: dict) -> list[dict]:
    tile, q = manifest["tile_size"], manifest["quality"]
    items = []
    for spec in manifest["levels"]:
        size, n = spec["face_size"], spec["tiles"]
        for _face in manifest["faces"]:
            for row in range(n):
                for col in range(n):
                    items.append({"role": "tile", "width": min(tile, size - col * tile),
                                  "height": min(tile, size - row * tile), "format": "jpeg", "quality": q,
                                  "subsampling": "420", "progressive": False, "path": ""})
    items.append({"role": "preview", "width": 1024, "height": 512, "format": "jpeg", "quality": 82,
                  "subsampling": "420", "progressive": False, "path": "preview.jpg"})
    items.append({"role": "thumbnail", "width": 480, "height": 270, "format": "jpeg", "quality": 80,
                  "subsampling": "444", "progressive": False, "path": "thumbnail.jpg"})
    items.append({"role": "placeholder", "width": 32, "height": 16, "format": "jpeg", "quality": 40,
                  "subsampling": "420", "progressive": False, "path": "(inline)"})
    return items


# --- Pannellum's generate.py ---------------------------------------------------------------------

def fetch_generate_py(cache: Path) -> Path | None:
    """Pannellum's utils/multires/generate.py from the npm package, into the git-ignored cache."""
    dest = cache / f"pannellum-{PANNELLUM_VERSION}" / "generate.py"
    if dest.is_file():
        return dest
    npm = shutil.which("npm")
    if not npm:
        log("  npm not found: cannot fetch Pannellum's generate.py; skipping that comparison")
        return None
    with tempfile.TemporaryDirectory(prefix="pannellum-pack-") as tmp:
        proc = subprocess.run([npm, "pack", f"pannellum@{PANNELLUM_VERSION}", "--silent"], cwd=tmp,
                              capture_output=True, text=True)
        tgz = next(Path(tmp).glob("pannellum-*.tgz"), None)
        if proc.returncode != 0 or tgz is None:
            log(f"  npm pack pannellum@{PANNELLUM_VERSION} failed ({proc.stderr.strip()[-200:]}); skipping generate.py")
            return None
        with tarfile.open(tgz) as archive:
            member = archive.extractfile("package/utils/multires/generate.py")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(member.read())
            for name in ("package/LICENSE", "package/COPYING"):
                try:
                    (dest.parent / Path(name).name).write_bytes(archive.extractfile(name).read())
                except KeyError:
                    pass
    return dest


# --- measurement -------------------------------------------------------------------------------------

def measure_width(width: int, source: Path, methods: list[str], repeat: int, args, tmp: Path,
                  generate_py: Path | None, nona: str | None, keep_for_quality: bool) -> dict:
    mp = width * (width // 2) / 1e6
    log(f"\n== {width}x{width // 2} ({mp:.1f} MP, {source.stat().st_size / MB:.1f} MB JPEG) ==")
    entry = {"width": width, "height": width // 2, "megapixels": mp, "source": str(source),
             "source_bytes": source.stat().st_size, "methods": {}, "notes": []}
    settings = {"tile_size": args.tile_size, "quality": args.quality}

    # The pipeline's outputs define what the floor and py360convert must produce.
    manifest, items, modules, ours_folder = None, None, [], None
    if "ours" in methods:
        t = time.perf_counter()
        try:
            report = run_child("ours", {"source": str(source), "out": str(tmp / f"ours-{width}-manifest"), **settings},
                               tmp / f"job-ours-{width}-manifest")
        except RuntimeError as exc:
            log(f"  ours failed: {exc}")
            entry["notes"].append(f"ours failed: {exc}")
            methods = [m for m in methods if m != "ours"]
        else:
            manifest, modules = report["manifest"], report["modules"]
            ours_folder = Path(report["folder"])
            items, notes = describe_outputs(ours_folder, manifest)
            for note in notes:
                log(f"  check of the pipeline's outputs: {note}")
            entry["notes"] += notes
            log(f"  ours (first run, untimed, gives the output list): {time.perf_counter() - t:.2f} s, "
                f"{report['files']} files; modules: {', '.join(modules)}")
    if manifest is None:
        manifest = nominal_manifest(width, args.tile_size, args.quality)
        items = nominal_items(manifest)
        entry["notes"].append("nominal manifest (pipeline not run)")
        log("  using a nominal README-shaped manifest for the other methods")
    entry["manifest_levels"] = manifest["levels"]
    entry["outputs"] = {"count": len(items), "tiles": sum(i["role"] == "tile" for i in items),
                        "encodings": sorted({(i["role"], i["format"], i["quality"], i["subsampling"])
                                             for i in items}, key=str)}
    codec = args.floor_codec
    if codec == "auto":
        codec = "simplejpeg" if ("simplejpeg" in modules or not modules) else "pillow"
    webp_codec = "cv2" if "cv2" in modules else "pillow"
    entry["floor_codec"] = {"jpeg": codec, "webp": webp_codec, "threads": os.cpu_count()}
    roles = {}
    for item in items:
        roles.setdefault(item["role"], item)
    top = manifest["levels"][-1]["face_size"]

    jobs = {
        "ours": {"source": str(source), **settings},
        "floor": {"source": str(source), "items": items, "codec": codec, "webp_codec": webp_codec,
                  "threads": os.cpu_count() or 1},
        "floor-1t": {"source": str(source), "items": items, "codec": codec, "webp_codec": webp_codec, "threads": 1},
        "py360": {"source": str(source), "manifest": manifest, "roles": roles},
    }
    if "pannellum" in methods:
        jobs["pannellum"] = {"script": str(generate_py), "args": [
            "-n", nona, "-o", "{out}", "-s", str(args.tile_size), "-c", str(top), "-q", str(args.quality),
            str(source)]}
        entry["pannellum_args"] = ["generate.py", *jobs["pannellum"]["args"]]

    runs = {m: [] for m in methods}
    discarded = {}
    kept = {}
    for rep in range(repeat):
        for method in methods:
            work = tmp / f"job-{method}-{width}-{rep}"
            out = tmp / f"out-{method}-{width}-{rep}"
            job = dict(jobs[method], out=str(out))
            if method == "pannellum":
                job["args"] = [str(out) if a == "{out}" else a for a in job["args"]]
            best = None  # of the attempts, the one during which the rest of the machine was quietest
            for attempt in range(1 + args.retries):
                if args.quiet_wait > 0:
                    wait_quiet(args.quiet_wait)
                attempt_out = out if attempt == 0 else out.with_name(f"{out.name}-{attempt}")
                attempt_job = dict(job, out=str(attempt_out))
                if method == "pannellum":
                    attempt_job["args"] = [str(attempt_out) if a == str(out) else a for a in job["args"]]
                report = run_child(method, attempt_job, work)
                report["_out"] = attempt_out
                other = report.get("other_load", 0.0)
                busy = other > args.max_other
                log(f"  {rep + 1}/{repeat} {LABELS[method]:<22} {report['wall_s']:7.2f} s  "
                    f"{report['rss_bytes'] / MB:7.0f} MB  {report['files']:4d} files  other load {other:.2f} cores"
                    + ("  (busy machine: run again)" if busy and attempt < args.retries else ""))
                shutil.rmtree(work, ignore_errors=True)
                if best is None or other < best.get("other_load", 0.0):
                    if best is not None:
                        shutil.rmtree(best["_out"], ignore_errors=True)
                    best = report
                else:
                    shutil.rmtree(attempt_out, ignore_errors=True)
                if not busy:
                    break
                discarded[method] = discarded.get(method, 0) + 1
            report = best
            out = Path(report.pop("_out"))
            runs[method].append(report)
            if keep_for_quality and rep == repeat - 1:
                kept[method] = out
            else:
                shutil.rmtree(out, ignore_errors=True)

    for method, reports in runs.items():
        walls = [r["wall_s"] for r in reports]
        rss = [r["rss_bytes"] for r in reports]
        entry["methods"][method] = {
            "wall_s": statistics.median(walls), "wall_runs_s": walls,
            "work_s": statistics.median([r["work_s"] for r in reports]),
            "cpu_s": statistics.median([r["user_s"] + r["sys_s"] for r in reports]),
            "sys_s": statistics.median([r["sys_s"] for r in reports]),
            "minor_faults": statistics.median([r.get("minflt", 0) for r in reports]),
            "peak_rss_mb": max(rss) / MB, "rss_runs_mb": [x / MB for x in rss],
            "files": reports[-1]["files"], "out_mb": reports[-1]["bytes"] / MB,
            "other_load": statistics.median([r.get("other_load", float("nan")) for r in reports]),
            "discarded_busy_runs": discarded.get(method, 0),
            "s_per_mp": statistics.median(walls) / mp, "mb_per_mp": max(rss) / MB / mp,
        }
        if method == "ours":
            entry["methods"][method]["import_s"] = statistics.median([r["import_s"] for r in reports])
        if method.startswith("floor"):
            entry["methods"][method]["decode_s"] = statistics.median([r["decode_s"] for r in reports])
            entry["methods"][method]["encode_s"] = statistics.median([r["encode_s"] for r in reports])
    entry["_kept"] = {m: str(p) for m, p in kept.items()}
    entry["_manifest"] = manifest
    entry["_ours_folder"] = str(ours_folder) if ours_folder else None
    entry["_modules"] = modules
    entry["_items"] = items
    return entry


def quality_report(entry: dict, args) -> dict:
    """PSNR per top-level face against the float64 reference (and, for context, other methods)."""
    import numpy as np

    import _quality as q

    source = Path(entry["source"])
    manifest = entry["_manifest"]
    kept = {m: Path(p) for m, p in entry["_kept"].items()}
    decoder = "simplejpeg" if "simplejpeg" in entry["_modules"] or not entry["_modules"] else "pillow"
    log(f"\n== quality at {entry['width']}x{entry['height']}: top level, PSNR per face vs float64 reference ==")
    t = time.perf_counter()
    src = q.decode_source(source, decoder)
    ref = q.Reference(src, order=3)
    top = manifest["levels"][-1]
    size, tiles, tile = top["face_size"], top["tiles"], manifest["tile_size"]
    refs = {face: ref.face(face, size) for face in q.FACES}
    log(f"  reference faces of {size} px: {time.perf_counter() - t:.1f} s")
    result = {"face_size": size, "rows": {}}

    def add(name, faces):
        result["rows"][name] = {face: q.psnr(faces[face], refs[face]) for face in q.FACES if face in faces}

    if "ours" in kept:
        add("ours (decoded tiles)", q.tourbuilder_faces(kept["ours"], manifest))
    # Before JPEG: the pipeline's own remap output (uint8 planes, back to RGB), when it exposes it.
    try:
        from tourbuilder.panorama.planes import PlaneMaps, Planes

        maps, planes = PlaneMaps(src.shape[1], src.shape[0], size), Planes.from_rgb(src)
        add("ours before JPEG (uint8 remap)", {face: maps.face(planes, face).to_rgb() for face in q.FACES})
        del maps, planes
    except Exception as exc:  # optional
        log(f"  pipeline faces before JPEG not available: {exc}")
    # What the same JPEG encoding does to the reference itself: the ceiling for any method.
    items = [i for i in q_items(entry) if i["role"] == "tile"]
    if items:
        enc = items[0]
        try:
            import simplejpeg

            def roundtrip(face):
                out = np.empty_like(face)
                for r in range(tiles):
                    for c in range(tiles):
                        blk = np.ascontiguousarray(face[r * tile:(r + 1) * tile, c * tile:(c + 1) * tile])
                        if enc["format"] == "jpeg":
                            data = simplejpeg.encode_jpeg(blk, quality=enc["quality"], colorspace="RGB",
                                                          colorsubsampling=enc["subsampling"] or "420")
                            dec = simplejpeg.decode_jpeg(data, colorspace="RGB")
                        else:
                            from PIL import Image

                            buf = io.BytesIO()
                            Image.fromarray(blk).save(buf, "WEBP", quality=enc["quality"])
                            dec = np.asarray(Image.open(buf).convert("RGB"))
                        out[r * tile:(r + 1) * tile, c * tile:(c + 1) * tile] = dec
                return out

            add(f"reference after the same JPEG (q{enc['quality']} {enc['subsampling']})",
                {face: roundtrip(np.clip(np.rint(refs[face]), 0, 255).astype(np.uint8)) for face in q.FACES})
        except ImportError:
            pass
    if "py360" in kept:
        add("py360convert+Pillow (decoded tiles)", q.tourbuilder_faces(kept["py360"], manifest))
    if "pannellum" in kept:
        add("generate.py (decoded tiles)", q.pannellum_faces(kept["pannellum"], size, tile))
    log(f"  {'':<44}" + "".join(f"{f:>8}" for f in q.FACES) + f"{'min':>8}")
    for name, row in result["rows"].items():
        log(f"  {name:<44}" + "".join(f"{row[f]:8.2f}" for f in q.FACES if f in row) + f"{min(row.values()):8.2f}")
    return result


def q_items(entry: dict) -> list[dict]:
    return entry.get("_items") or []


# --- reporting -----------------------------------------------------------------------------------------

def fit(xs: list[float], ys: list[float]) -> tuple[float, float] | None:
    """Least squares y = a + b x; (a, b)."""
    if len(xs) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


def report(results: list[dict], quality: dict | None, args) -> tuple[list[dict], dict]:
    bounds, context = [], []

    def bound(name, value, limit, kind, enforced=True):
        ok = None if value is None else (value <= limit if kind == "max" else value >= limit)
        (bounds if enforced else context).append({"name": name, "value": value, "limit": limit, "kind": kind, "ok": ok})

    log("\n== time and memory: median wall seconds of whole processes, peak RSS (MB = 10^6 bytes) ==")
    head = (f"{'width':>6} {'MP':>5}  {'method':<22} {'wall s':>7} {'runs':<20} {'in-proc s':>9} {'cpu s':>6} "
            f"{'sys s':>5} {'peak RSS MB':>11} {'files':>5} {'out MB':>6} {'s/MP':>6} {'MB/MP':>6} {'other':>5}")
    log(head)
    log("-" * len(head))
    for entry in results:
        for method, m in entry["methods"].items():
            runs = ",".join(f"{w:.2f}" for w in m["wall_runs_s"])
            log(f"{entry['width']:>6} {entry['megapixels']:>5.1f}  {LABELS[method]:<22} {m['wall_s']:>7.2f} {runs:<20} "
                f"{m['work_s']:>9.2f} {m['cpu_s']:>6.2f} {m['sys_s']:>5.2f} {m['peak_rss_mb']:>11.0f} {m['files']:>5} {m['out_mb']:>6.1f} "
                f"{m['s_per_mp']:>6.3f} {m['mb_per_mp']:>6.1f} {m['other_load']:>5.2f}")
        log("")

    log("== ratios of median wall times ==")
    ratios = {}
    for entry in results:
        ms, w = entry["methods"], entry["width"]
        r = {}
        if "ours" in ms:
            ours = ms["ours"]["wall_s"]
            if "floor" in ms:
                r["ours/floor"] = ours / ms["floor"]["wall_s"]
                r["ours/floor in-process"] = ms["ours"]["work_s"] / ms["floor"]["work_s"]
            if "floor-1t" in ms:
                r["ours/floor-1t"] = ours / ms["floor-1t"]["wall_s"]
            if "py360" in ms:
                r["py360/ours"] = ms["py360"]["wall_s"] / ours
            if "pannellum" in ms:
                r["generate.py/ours"] = ms["pannellum"]["wall_s"] / ours
            # The ratio bounds are for the 8192x4096 photo; other widths are reported
            # against the same limits for context (how the ratios grow), not enforced.
            main = w == MAIN_WIDTH
            bound(f"ours/floor at {w}", r.get("ours/floor"), MAX_OURS_OVER_FLOOR, "max", main)
            bound(f"py360convert/ours at {w}", r.get("py360/ours"), MIN_PY360_OVER_OURS, "min", main)
            if "pannellum" in ms or not args.skip_pannellum:
                bound(f"generate.py/ours at {w}", r.get("generate.py/ours"), MIN_GENERATE_OVER_OURS, "min", main)
            if w in MAX_RSS_MB:
                bound(f"peak RSS of ours at {w} (MB)", ms["ours"]["peak_rss_mb"], MAX_RSS_MB[w], "max")
        ratios[w] = r
        log(f"{w:>6}: " + "   ".join(f"{k} = {v:.2f}" for k, v in r.items()))

    growth = {}
    if len(results) >= 2:
        log("\n== growth over the widths: least-squares fit over megapixels (t = a + b·MP; RSS = c + d·MP) ==")
        for method in METHODS:
            pts = [(e["megapixels"], e["methods"][method]) for e in results if method in e["methods"]]
            if len(pts) < 2:
                continue
            mps = [p[0] for p in pts]
            ft = fit(mps, [p[1]["wall_s"] for p in pts])
            fm = fit(mps, [p[1]["peak_rss_mb"] for p in pts])
            growth[method] = {"time_intercept_s": ft[0], "time_s_per_mp": ft[1],
                              "rss_intercept_mb": fm[0], "rss_mb_per_mp": fm[1],
                              "s_per_mp": [p[1]["s_per_mp"] for p in pts], "mb_per_mp": [p[1]["mb_per_mp"] for p in pts]}
            log(f"  {LABELS[method]:<22} time {ft[0]:+6.2f} s + {ft[1]:.3f} s/MP    RSS {fm[0]:+6.0f} MB + {fm[1]:5.1f} MB/MP"
                f"    (s/MP by width: {', '.join(f'{x:.3f}' for x in growth[method]['s_per_mp'])};"
                f" MB/MP: {', '.join(f'{x:.1f}' for x in growth[method]['mb_per_mp'])})")

    if quality:
        ours_row = next((v for k, v in quality["rows"].items() if k.startswith("ours (decoded")), None)
        for face in "frblud":
            bound(f"PSNR of face {face} at {quality['width']} (dB)", ours_row.get(face) if ours_row else None,
                  MIN_FACE_PSNR_DB, "min")

    def show(items, failed_word):
        for b in items:
            state = "not measured" if b["ok"] is None else ("ok" if b["ok"] else failed_word)
            value = "-" if b["value"] is None else f"{b['value']:.2f}"
            sign = "<=" if b["kind"] == "max" else ">="
            log(f"  {state:<12} {b['name']:<34} {value:>9} {sign} {b['limit']}")

    log("\n== bounds ==")
    show(bounds, "FAILED")
    if context:
        log(f"\n== the ratio bounds at the other widths, for context (the issue sets them for {MAIN_WIDTH} wide) ==")
        show(context, "above")
    return bounds, {"ratios": ratios, "growth": growth, "context": context}


def pipeline_digest() -> str:
    """Short digest of the pipeline's source, to tie results to a version (and see it change mid-run)."""
    import hashlib

    digest = hashlib.sha256()
    panorama = REPO / "tourbuilder" / "panorama"
    for path in sorted(panorama.glob("*.py")) + sorted(panorama.glob("*.c")) + [REPO / "tourbuilder" / "files.py"]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def environment() -> dict:
    env = {"pipeline source": pipeline_digest(), "python": sys.version.split()[0], "platform": platform.platform(),
           "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            env["cpu"] = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    for mod in ("numpy", "PIL", "scipy", "cv2", "simplejpeg", "py360convert"):
        try:
            module = __import__(mod)
            env[mod] = getattr(module, "__version__", "?")
        except ImportError:
            env[mod] = None
    # tourbuilder/panorama/native.py: without the compiled sampler OpenCV samples every face
    library = REPO / "tourbuilder" / "panorama" / "_sample.so"
    env["face sampler"] = "compiled (_sample.so)" if library.is_file() else "OpenCV (_sample.so not built: make setup)"
    nona = shutil.which("nona")
    if nona:
        try:
            out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "hugin-tools"], capture_output=True, text=True)
            env["hugin-tools"] = out.stdout.strip() or "?"
        except OSError:
            env["hugin-tools"] = "?"
    return env


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None) -> int:
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--widths", default="5760,8192,11904",
                        help="comma-separated source widths (2:1 synthetic JPEGs); default %(default)s")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method and width; the median is shown")
    parser.add_argument("--skip-pannellum", action="store_true", help="do not run Pannellum's generate.py")
    parser.add_argument("--quick", action="store_true", help=f"only {MAIN_WIDTH}, one run per method")
    parser.add_argument("--json", metavar="FILE", help="also write all results as JSON")
    parser.add_argument("--methods", default=",".join(METHODS), help="subset of: " + ", ".join(METHODS))
    parser.add_argument("--tile-size", type=int, default=512)
    parser.add_argument("--quality", type=int, default=85)
    parser.add_argument("--floor-codec", choices=("auto", "simplejpeg", "pillow"), default="auto",
                        help="JPEG codec of the floor; auto = the one the pipeline imported")
    parser.add_argument("--no-quality", action="store_true", help="skip the PSNR part")
    parser.add_argument("--selfcheck", action="store_true",
                        help="only check the PSNR machinery (reference vs reference) and exit")
    parser.add_argument("--quiet-wait", type=float, default=20, metavar="S",
                        help="before each run wait up to S seconds for a second in which other processes "
                             "use < 0.25 cores (0: don't wait); default %(default)s")
    parser.add_argument("--max-other", type=float, default=0.3, metavar="CORES",
                        help="a run during which other processes used more cores than this is run again "
                             "(up to --retries times); default %(default)s")
    parser.add_argument("--retries", type=int, default=3, help="default %(default)s")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="set an environment variable in every child (repeatable), "
                             "e.g. NUMPY_MADVISE_HUGEPAGE=0")
    parser.add_argument("--keep", action="store_true", help="keep the temporary outputs (path is printed)")
    args = parser.parse_args(argv)
    widths = [MAIN_WIDTH] if args.quick else sorted({int(w) for w in args.widths.split(",") if w.strip()})
    repeat = 1 if args.quick else max(1, args.repeat)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown methods: {', '.join(sorted(unknown))}")
    methods = [m for m in METHODS if m in methods]

    for item in args.env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            parser.error(f"--env wants NAME=VALUE, not {item!r}")
        CHILD_ENV[name] = value
    env = environment()
    if CHILD_ENV:
        env["child env"] = " ".join(f"{k}={v}" for k, v in CHILD_ENV.items())
    log("panorama bench: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    cache = _inputs.CACHE_DIR
    sources = {w: _inputs.ensure_input(w, cache, log) for w in widths}
    compile_bytecode()

    if args.selfcheck:
        import _quality

        return 0 if _quality.selfcheck(sources[widths[0]]) else 1

    nona = shutil.which("nona")
    generate_py = None
    if "pannellum" in methods:
        if args.skip_pannellum:
            methods.remove("pannellum")
        elif not nona:
            log("nona (Debian package hugin-tools) is not installed: skipping the Pannellum generate.py comparison")
            methods.remove("pannellum")
        else:
            generate_py = fetch_generate_py(cache)
            if generate_py is None:
                methods.remove("pannellum")
            else:
                log(f"Pannellum {PANNELLUM_VERSION} generate.py: {generate_py} (nona: {nona})")

    tmp = Path(tempfile.mkdtemp(prefix="tourbuilder-panorama-bench-"))
    quality_width = MAIN_WIDTH if MAIN_WIDTH in widths else widths[len(widths) // 2]
    results, quality = [], None
    try:
        for width in widths:
            entry = measure_width(width, sources[width], methods, repeat, args, tmp, generate_py, nona,
                                  keep_for_quality=(width == quality_width and not args.no_quality))
            results.append(entry)
            if width == quality_width and not args.no_quality:
                quality = quality_report(entry, args)
                quality["width"] = width
            for path in entry["_kept"].values():
                shutil.rmtree(path, ignore_errors=True)
            if entry["_ours_folder"]:
                shutil.rmtree(entry["_ours_folder"], ignore_errors=True)
        bounds, summary = report(results, quality, args)
    finally:
        if args.keep:
            log(f"temporary outputs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    if pipeline_digest() != env["pipeline source"]:
        log(f"\nWARNING: the pipeline's source changed during the run ({env['pipeline source']} -> "
            f"{pipeline_digest()}): the widths may have measured different versions")
    failed = [b for b in bounds if b["ok"] is False]
    if args.json:
        data = {"environment": env, "settings": {"widths": widths, "repeat": repeat, "methods": methods,
                                                 "tile_size": args.tile_size, "quality": args.quality},
                "results": [{k: v for k, v in e.items() if not k.startswith("_")} for e in results],
                "quality": quality, **summary, "bounds": bounds, "ok": not failed}
        Path(args.json).write_text(json.dumps(data, indent=2, default=str))
        log(f"\nresults written to {args.json}")
    if failed:
        log(f"\n{len(failed)} bound(s) failed: " + "; ".join(b["name"] for b in failed))
        return 1
    unmeasured = [b for b in bounds if b["ok"] is None]
    log("\nall measured bounds hold" + (f" ({len(unmeasured)} not measured)" if unmeasured else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
