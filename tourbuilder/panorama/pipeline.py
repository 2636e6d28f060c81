"""One photo in, a tiled cube pyramid and its small pictures out (see README.md).

Stages: read (ingest.py) -> JPEG's colour planes (planes.py) -> the top level's faces by remap
-> lower levels by area downscaling -> tiles -> preview, placeholder and thumbnail -> manifest.
Everything is written into a staging folder, fsynced as it is written, and moved into place at
the end.

Two workers do it all, as soon as what each piece needs is there: the faces remap their luma
while this thread makes the chroma planes (from a half-size copy that may still be decoding),
and the small pictures come last, filling the gap while the last face finishes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import tempfile
from contextlib import contextmanager
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import simplejpeg

from .geometry import FACES, level_sizes, perspective_view, top_face_size
from ..files import FsyncBehind, atomic_write_bytes, replace_folder, sha256_file
from .ingest import PanoramaError, Photo, read_photo
from .planes import PlaneMaps, Planes, chroma_planes, half_size

#: The manifest's format: the contract with the player (README.md).
FORMAT_VERSION = 1
#: Which pipeline made the pixels. Part of the cache key: bump it whenever the same photo and
#: settings would give different bytes, or caches made before (e.g. the shared one folder exports
#: use) would mix old tiles with new ones. 2: tiles made from JPEG's planes. 3: luma faces from
#: the compiled sampler (native.py), which differs from OpenCV's by up to one grey level. 4: its
#: AVX2 cap faces weigh taps as its scalar code does (one grey level in ~150 pixels of a face).
PIPELINE_VERSION = 4
PREVIEW_SIZE = (1024, 512)
PREVIEW_BUDGET = 120 * 1024
PLACEHOLDER_SIZE = (32, 16)
THUMBNAIL_SIZE = (480, 270)
#: how many faces' luma is sampled ahead of the tiles being made (_render)
LUMA_LEAD = 2
TILE_FORMATS = ("jpg", "webp")

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class PanoramaSettings:
    tile_size: int = 512
    quality: int = 85
    tile_format: str = "jpg"
    #: the thumbnail's view in the photo's own angles (yaw, pitch, horizontal fov)
    thumbnail_view: tuple[float, float, float] = (0.0, 0.0, 90.0)
    #: keep the photo's GPS location in the preview (off: location never leaves the author's store)
    keep_location: bool = False

    def __post_init__(self):
        if self.tile_size not in (256, 512, 1024):
            raise ValueError(f"tile size {self.tile_size} is not one of 256, 512, 1024")
        if not 30 <= self.quality <= 100:
            raise ValueError(f"quality {self.quality} is not between 30 and 100")
        if self.tile_format not in TILE_FORMATS:
            raise ValueError(f"tile format {self.tile_format!r} is not one of {', '.join(TILE_FORMATS)}")

    def digest(self) -> str:
        """Identifies the tiles; the thumbnail's view is left out (a new view only redraws the thumbnail)."""
        fields = asdict(self)
        fields.pop("thumbnail_view")
        text = json.dumps(fields, sort_keys=True)
        return hashlib.sha256(f"{FORMAT_VERSION}:{PIPELINE_VERSION}:{text}".encode()).hexdigest()[:12]


@dataclass
class PanoramaResult:
    folder: Path
    manifest: dict
    cached: bool = False
    files: list[str] = field(default_factory=list)


def process(source: str | Path, out: str | Path, settings: PanoramaSettings = PanoramaSettings(),
            progress: Progress | None = None, *, sha256: str | None = None) -> PanoramaResult:
    """Run the whole pipeline on ``source`` and write the outputs into the folder ``out``."""
    report = progress or (lambda fraction, stage: None)
    out = Path(out).absolute()
    report(0.0, "reading")
    # The fsync threads outlive the workers: a worker still writing when an error ends the
    # pipeline early can always hand its file over.
    with _small_pages(), FsyncBehind() as fsync, ThreadPoolExecutor(max_workers=2) as pool:
        maps: list[PlaneMaps] = []

        def start_maps(width: int, height: int) -> None:
            # The tables depend only on the sizes: build them on the pool while decoding.
            maps.append(PlaneMaps(width, height, top_face_size(width, settings.tile_size), executor=pool))

        hashing = pool.submit(sha256_file, source) if sha256 is None else None
        photo = read_photo(source, on_size=start_maps, pool=pool)
        digest = sha256 or hashing.result()
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.staging-"))
        try:
            manifest, files = _render(photo, maps[0], digest, settings, stage, report, pool, fsync)
            fsync.wait()
            replace_folder(stage, out, files_synced=True)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    report(1.0, "done")
    return PanoramaResult(folder=out, manifest=manifest, files=files)


@contextmanager
def _small_pages():
    """Ask numpy not to request transparent huge pages for its arrays while the pipeline runs.

    With the kernel's THP "defrag" set to madvise (Debian's default), every huge-page fault
    compacts memory on the spot; for the pipeline's large short-lived arrays this tripled the
    time to build the face tables and added ~40% to decoding (bench/README.md). numpy only
    offers the switch as ``_set_madvise_hugepage``; without it we simply keep the default.
    """
    switch = getattr(getattr(np, "_core", None), "multiarray", None)
    switch = getattr(switch, "_set_madvise_hugepage", None)
    if switch is None:
        yield
        return
    previous = switch(False)
    try:
        yield
    finally:
        switch(previous)


class PanoramaCache:
    """Outputs by source content and settings: an unchanged photo is processed once."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def folder_for(self, sha256: str, settings: PanoramaSettings) -> Path:
        return self.root / f"{sha256[:32]}-{settings.digest()}"

    def get(self, source: str | Path, sha256: str, settings: PanoramaSettings = PanoramaSettings(),
            progress: Progress | None = None) -> PanoramaResult:
        folder = self.folder_for(sha256, settings)
        manifest_path = folder / "manifest.json"
        if manifest_path.is_file():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("thumbnail_view") != list(settings.thumbnail_view):
                manifest = _redraw_thumbnail(folder, manifest, settings.thumbnail_view)
            if progress:
                progress(1.0, "cached")
            return PanoramaResult(folder=folder, manifest=manifest, cached=True,
                                  files=sorted(p.relative_to(folder).as_posix()
                                               for p in folder.rglob("*") if p.is_file()))
        return process(source, folder, settings, progress, sha256=sha256)


# --- stages ----------------------------------------------------------------------------------

def _render(photo: Photo, maps: PlaneMaps, sha256: str, settings: PanoramaSettings, stage: Path,
            report: Progress, pool: ThreadPoolExecutor, fsync: FsyncBehind) -> tuple[dict, list[str]]:
    """Write every output into ``stage``; returns the manifest and the files written (sorted)."""
    width = photo.width
    tile = settings.tile_size
    sizes = level_sizes(top_face_size(width, tile), tile)
    levels = [{"face_size": s, "tiles": -(-s // tile)} for s in sizes]
    encode = _tile_encoder(settings)
    for level in range(len(sizes)):
        for face in FACES:
            (stage / "tiles" / str(level) / face).mkdir(parents=True)
    written: list[str] = []  # list.append is atomic: both workers add to it

    def write(name: str, data: bytes) -> None:
        path = stage / name
        path.write_bytes(data)
        fsync.add(path)
        written.append(name)

    lumas: dict[str, Future] = {}

    def finish_face(face: str) -> None:
        """Chroma, lower levels and tiles of a face whose luma is sampled (or being sampled)."""
        face_luma = lumas.pop(face).result()
        cb, cr, _view = chroma.result()  # made meanwhile by the thread that started the workers
        image = Planes(face_luma, maps.chroma.remap(cb, face), maps.chroma.remap(cr, face))
        for level in range(len(sizes) - 1, -1, -1):
            if image.luma.shape[0] != sizes[level]:
                image = image.resized(sizes[level])
            for row in range(levels[level]["tiles"]):
                for col in range(levels[level]["tiles"]):
                    block = image.block(row * tile, col * tile, tile)
                    write(f"tiles/{level}/{face}/{row}_{col}.{settings.tile_format}", encode(block))

    def small_job() -> str:
        """Preview, placeholder and thumbnail; returns the placeholder's data URI."""
        view = chroma.result()[2]
        preview = cv2.resize(view, PREVIEW_SIZE, interpolation=cv2.INTER_AREA)
        write("preview.jpg", _encode_preview(preview, photo.gps if settings.keep_location else None))
        write("thumbnail.jpg", simplejpeg.encode_jpeg(
            perspective_view(view, *settings.thumbnail_view, *THUMBNAIL_SIZE), quality=80, colorspace="RGB"))
        placeholder = cv2.resize(preview, PLACEHOLDER_SIZE, interpolation=cv2.INTER_AREA)
        return "data:image/jpeg;base64," + base64.b64encode(
            simplejpeg.encode_jpeg(placeholder, quality=40, colorspace="RGB", colorsubsampling="420")).decode()

    # Two workers and OpenCV itself on one thread: both cores stay busy with no
    # oversubscription (OpenCV and libjpeg-turbo release the GIL). The chroma planes are made
    # here, not on the pool, so a face that waits for them never waits for a queued job.
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        luma, make_chroma = _planes(photo)
        chroma: Future = Future()
        # Each face's luma is queued two faces ahead of its tiles: a worker that would wait for
        # the chroma planes (or the half-size decode under them) samples the next luma instead.
        jobs = []
        for number, face in enumerate(FACES):
            lumas[face] = pool.submit(maps.luma.remap, luma, face)
            if number >= LUMA_LEAD:
                jobs.append(pool.submit(finish_face, FACES[number - LUMA_LEAD]))
        jobs += [pool.submit(finish_face, face) for face in FACES[len(FACES) - LUMA_LEAD:]]
        small = pool.submit(small_job)
        try:
            chroma.set_result(make_chroma())
        except BaseException as exc:  # e.g. the half-size decode found the data damaged
            chroma.set_exception(exc)
            raise
        for number, job in enumerate(jobs, start=1):
            job.result()
            report(0.1 + 0.85 * number / len(jobs), f"face {FACES[number - 1]}")
        placeholder_uri = small.result()
    finally:
        cv2.setNumThreads(threads)
    gpano = photo.gpano
    manifest = {
        "format": FORMAT_VERSION,
        "source": {"sha256": sha256, "width": photo.source_size[0], "height": photo.source_size[1],
                   "partial": photo.partial},
        "pose": {"heading": gpano.heading or 0.0, "pitch": gpano.pitch or 0.0, "roll": gpano.roll or 0.0},
        "pose_from_photo": gpano.heading is not None or gpano.pitch is not None or gpano.roll is not None,
        "placeholder": placeholder_uri,
        "preview": "preview.jpg",
        "preview_size": list(PREVIEW_SIZE),
        "thumbnail": "thumbnail.jpg",
        "thumbnail_view": list(settings.thumbnail_view),
        "tile_size": tile,
        "tile_format": settings.tile_format,
        "quality": settings.quality,
        "faces": list(FACES),
        "face_order": "f r b l u d: yaw 0, 90, 180, -90, up, down (see tourbuilder/panorama/README.md)",
        "levels": levels,
        "tile_path": f"tiles/{{level}}/{{face}}/{{row}}_{{col}}.{settings.tile_format}",
    }
    write("manifest.json", json.dumps(manifest, indent=2).encode("utf-8"))
    return manifest, sorted(written)


def _redraw_thumbnail(folder: Path, manifest: dict, view: tuple[float, float, float]) -> dict:
    """A cached pyramid with a new initial view: draw the thumbnail again from the preview."""
    preview = simplejpeg.decode_jpeg((folder / manifest["preview"]).read_bytes(), colorspace="RGB")
    data = simplejpeg.encode_jpeg(perspective_view(preview, *view, *THUMBNAIL_SIZE), quality=80, colorspace="RGB")
    atomic_write_bytes(folder / manifest["thumbnail"], data)
    manifest = {**manifest, "thumbnail_view": list(view)}
    atomic_write_bytes(folder / "manifest.json", json.dumps(manifest, indent=2).encode("utf-8"))
    return manifest


def _planes(photo: Photo) -> tuple[np.ndarray, Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """The photo's luma plane now, and how to make (Cb, Cr, view): its chroma planes and an RGB
    copy at most 2048 wide for the small pictures.

    A JPEG read as planes (ingest.py) comes with its luma and a half-size copy still decoding;
    otherwise both are made from the RGB photo. The photo's arrays are let go of: from here on
    the planes hold all there is (and half the memory).
    """
    rgb, half = photo.pixels, photo.half_rgb
    if rgb is None:
        luma = photo.luma
        make_chroma = lambda: _chroma_and_view(half.result(), None)  # noqa: E731
    else:
        luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        make_chroma = lambda: _chroma_and_view(half_size(rgb), rgb)  # noqa: E731
    photo.pixels = photo.luma = photo.half_rgb = None
    return luma, make_chroma


def _chroma_and_view(half_rgb: np.ndarray, rgb: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Cb, Cr, view) from the half-size copy, or from the whole ``rgb`` photo when it is given."""
    if rgb is not None and rgb.shape[1] <= 2048:
        view = rgb  # a small photo is its own view
    else:  # a photo read as planes is at least 4096 wide, so its half-size copy is wide enough
        view = cv2.resize(half_rgb if half_rgb.shape[1] >= 2048 else rgb, (2048, 1024),
                          interpolation=cv2.INTER_AREA)
    return (*chroma_planes(half_rgb), view)


def _tile_encoder(settings: PanoramaSettings) -> Callable[[Planes], bytes]:
    if settings.tile_format == "webp":
        params = [cv2.IMWRITE_WEBP_QUALITY, settings.quality]
        return lambda block: cv2.imencode(".webp", cv2.cvtColor(block.to_rgb(), cv2.COLOR_RGB2BGR),
                                          params)[1].tobytes()
    # 4:2:0 planes straight into libjpeg-turbo: no colour conversion or chroma averaging per tile.
    return lambda block: simplejpeg.encode_jpeg_yuv_planes(block.luma, block.cb, block.cr, quality=settings.quality)


def _encode_preview(preview: np.ndarray, gps: bytes | None) -> bytes:
    """The best quality that fits the budget (a slow link pays for every byte)."""
    for quality in (82, 75, 68, 60, 50):
        data = simplejpeg.encode_jpeg(preview, quality=quality, colorspace="RGB", colorsubsampling="420")
        if len(data) <= PREVIEW_BUDGET:
            break
    if gps:
        from io import BytesIO

        from PIL import Image

        out = BytesIO()
        Image.open(BytesIO(data)).save(out, "JPEG", quality=quality, exif=gps)
        data = out.getvalue()
    return data


__all__ = ["PanoramaCache", "PanoramaError", "PanoramaResult", "PanoramaSettings", "process"]
