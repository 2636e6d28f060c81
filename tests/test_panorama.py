"""The panorama pipeline: geometry, GPano, every refusal, the cache, and what is published."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tourbuilder.panorama import (
    FACES,
    PanoramaCache,
    PanoramaError,
    PanoramaSettings,
    face_directions,
    process,
    read_gpano,
)

GPANO_NS = "http://ns.google.com/photos/1.0/panorama/"


def gpano_xmp(**fields) -> bytes:
    attributes = " ".join(f'GPano:{name}="{value}"' for name, value in fields.items())
    return (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description xmlns:GPano="{GPANO_NS}" GPano:ProjectionType="equirectangular" {attributes}/>'
            f"</rdf:RDF></x:xmpmeta>").encode()


def smooth_equirect(width: int = 2048, seed: int = 0) -> np.ndarray:
    """A smooth but varied equirect (low-frequency colour fields), continuous across the 360° seam."""
    height = width // 2
    yaw = np.linspace(-np.pi, np.pi, width, endpoint=False)[None, :]
    pitch = np.linspace(np.pi / 2, -np.pi / 2, height)[:, None]
    x, y, z = np.sin(yaw) * np.cos(pitch), np.sin(pitch) * np.ones_like(yaw), np.cos(yaw) * np.cos(pitch)
    rng = np.random.default_rng(seed)
    channels = []
    for _ in range(3):
        k = rng.normal(size=(3, 3)) * 2.5
        value = np.sin(k[0, 0] * x + k[0, 1] * y + k[0, 2] * z) + np.cos(k[1, 0] * x + k[1, 1] * y + k[1, 2] * z)
        channels.append(value)
    image = np.stack(channels, -1)
    image = (image - image.min()) / (image.max() - image.min()) * 230 + 12
    return image.astype(np.uint8)


def save(array: np.ndarray, path: Path, **options) -> Path:
    Image.fromarray(array).save(path, **options)
    return path


def reassemble(result, level: int = -1) -> dict[str, np.ndarray]:
    """Decode a level's tiles back into whole faces."""
    manifest = result.manifest
    level_index = len(manifest["levels"]) + level if level < 0 else level
    size, count = manifest["levels"][level_index]["face_size"], manifest["levels"][level_index]["tiles"]
    tile = manifest["tile_size"]
    faces = {}
    for face in manifest["faces"]:
        canvas = np.zeros((size, size, 3), np.uint8)
        for row in range(count):
            for col in range(count):
                path = result.folder / manifest["tile_path"].format(level=level_index, face=face, row=row, col=col)
                canvas[row * tile:(row + 1) * tile, col * tile:(col + 1) * tile] = np.asarray(Image.open(path))
        faces[face] = canvas
    return faces


def face_pixel(yaw: float, pitch: float, size: int) -> tuple[str, float, float]:
    """Where a direction lands: (face, x, y) by the README's table, solved for the face."""
    t, p = np.radians(yaw), np.radians(pitch)
    d = np.array([np.sin(t) * np.cos(p), np.sin(p), np.cos(t) * np.cos(p)])
    axis = int(np.argmax(np.abs(d)))
    x, y, z = d / np.abs(d[axis])
    if axis == 2:
        face, a, b = ("f", x, -y) if z > 0 else ("b", -x, -y)
    elif axis == 0:
        face, a, b = ("r", -z, -y) if x > 0 else ("l", z, -y)
    else:
        face, a, b = ("u", x, z) if y > 0 else ("d", x, -z)
    return face, (a + 1) / 2 * size - 0.5, (b + 1) / 2 * size - 0.5


@pytest.fixture(scope="module")
def smooth_result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("smooth")
    source = save(smooth_equirect(2048), folder / "smooth.png")
    return process(source, folder / "out", PanoramaSettings(quality=95))


# --- geometry -------------------------------------------------------------------------------

def test_each_face_centre_looks_along_its_axis():
    axes = {"f": (0, 0, 1), "r": (1, 0, 0), "b": (0, 0, -1), "l": (-1, 0, 0), "u": (0, 1, 0), "d": (0, -1, 0)}
    for face in FACES:
        centre = face_directions(face, 2)[0, 0] + face_directions(face, 2)[1, 1]
        assert np.allclose(centre / np.linalg.norm(centre), axes[face]), face


def test_known_directions_land_on_the_right_face_and_pixel(tmp_path):
    image = np.full((1024, 2048, 3), 90, np.uint8)
    marks = {(30, 10): (255, 0, 0), (120, -20): (0, 255, 0), (-100, 50): (0, 0, 255),
             (170, 0): (255, 255, 0), (10, 75): (255, 0, 255), (-60, -70): (0, 255, 255)}
    for (yaw, pitch), colour in marks.items():
        x = int((0.5 + yaw / 360) * 2048)
        y = int((0.5 - pitch / 180) * 1024)
        image[y - 6:y + 7, x - 6:x + 7] = colour
    result = process(save(image, tmp_path / "marks.png"), tmp_path / "out", PanoramaSettings(quality=95))
    faces = reassemble(result)
    size = result.manifest["levels"][-1]["face_size"]
    for (yaw, pitch), colour in marks.items():
        face, x, y = face_pixel(yaw, pitch, size)
        seen = faces[face][int(round(y)), int(round(x))].astype(int)
        assert np.abs(seen - colour).max() < 60, f"mark at yaw {yaw}, pitch {pitch} not at {face} ({x:.0f}, {y:.0f})"


@pytest.mark.parametrize("width, size, native", [
    (2048, 512, True),  # a quarter turn in whole columns: side faces from the compiled sampler
    (2048, 509, True),  # an odd face: the sampler's mirrored middle row and its scalar tail
    (2048, 512, False),  # the same faces from OpenCV (what runs where no C compiler was found)
    (2050, 512, None),  # a quarter turn that is not whole columns: OpenCV with shifted tables
])
def test_the_remap_tables_give_the_exact_geometry_on_every_face(width, size, native):
    """The side faces' shared table over source windows, and the bottom face drawn from the
    top face's table over the flipped bottom rows, sample where README.md's formulas say."""
    import cv2

    from tourbuilder.panorama.geometry import FaceMaps, equirect_coords

    height = width // 2
    source = cv2.cvtColor(smooth_equirect(width), cv2.COLOR_RGB2GRAY)
    source = source ^ (np.arange(width, dtype=np.uint8)[None, :] & 7)  # fine detail: a shift shows
    maps = FaceMaps(width, height, size, native=native)
    assert maps.native == bool(native)
    for face in FACES:
        exact_x, exact_y = equirect_coords(face_directions(face, size), width, height)
        exact = cv2.remap(source, exact_x.astype(np.float32), np.clip(exact_y, 1, height - 2).astype(np.float32),
                          interpolation=cv2.INTER_CUBIC, borderMode=cv2.BORDER_WRAP)
        difference = np.abs(maps.remap(source, face).astype(int) - exact)
        assert difference.max() <= 1 and (difference > 0).mean() < 0.01, face


def test_the_compiled_sampler_is_built_and_agrees_with_opencv():
    """make setup builds tourbuilder/panorama/_sample.c (hatch_build.py); the pipeline samples the
    luma faces with it, and it gives OpenCV's cubic faces to one grey level on a photo-like plane."""
    import cv2

    from tourbuilder.panorama.geometry import FaceMaps
    from tourbuilder.panorama.native import library_path, face_sampler

    assert face_sampler() is not None, f"{library_path()} is missing or does not load: run make setup"
    width, size = 4096, 1280
    rng = np.random.default_rng(7)
    source = cv2.cvtColor(smooth_equirect(width, seed=11), cv2.COLOR_RGB2GRAY)
    source = cv2.add(source, rng.integers(0, 40, source.shape, dtype=np.uint8))  # grain: every tap matters
    native, opencv = FaceMaps(width, width // 2, size), FaceMaps(width, width // 2, size, native=False)
    assert native.native and not opencv.native
    for face in FACES:
        difference = np.abs(native.remap(source, face).astype(int) - opencv.remap(source, face))
        assert difference.max() <= 1 and (difference > 0).mean() < 0.05, face


def test_the_compiled_samplers_portable_code_gives_the_same_faces():
    """Without AVX2 (other CPUs) the sampler runs its plain C loops: the same faces, to rounding.
    (Slower than OpenCV there, so the pipeline then uses OpenCV unless told otherwise.)"""
    import cv2

    from tourbuilder.panorama.geometry import FaceMaps
    from tourbuilder.panorama.native import face_sampler

    width, size = 2048, 509  # an odd face: mirrored middle row and column, spans of any length
    source = cv2.cvtColor(smooth_equirect(width, seed=13), cv2.COLOR_RGB2GRAY)
    source = source ^ (np.arange(width, dtype=np.uint8)[None, :] & 7)
    maps, sampler = FaceMaps(width, width // 2, size, native=True), face_sampler()
    simd = {face: maps.remap(source, face) for face in FACES}
    previous = sampler.allow_simd(False)
    try:
        assert not sampler.simd and not FaceMaps(width, width // 2, size).native
        for face in FACES:
            difference = np.abs(maps.remap(source, face).astype(int) - simd[face])
            assert difference.max() <= 1 and (difference > 0).mean() < 0.001, face
    finally:
        sampler.allow_simd(previous)


def test_a_large_jpeg_read_as_planes_gives_the_faces_of_a_full_decode(tmp_path):
    """The fast read (luma plus a half-size copy, ingest._decode_split) against a plain RGB decode
    of the same photo turned into planes: the same tiles, up to rounding."""
    from concurrent.futures import ThreadPoolExecutor

    from tourbuilder.panorama.ingest import SPLIT_DECODE_MIN_WIDTH, read_photo
    from tourbuilder.panorama.planes import PlaneMaps, Planes, chroma_planes

    width = SPLIT_DECODE_MIN_WIDTH
    path = save(smooth_equirect(width, seed=3), tmp_path / "large.jpg", quality=92)
    with ThreadPoolExecutor(1) as pool:
        split = read_photo(path, pool=pool)
    plain = read_photo(path)
    assert split.pixels is None and split.luma.shape == (width // 2, width)
    assert plain.pixels is not None and plain.luma is None
    split_planes = Planes(split.luma, *chroma_planes(split.half_rgb.result()))
    plain_planes = Planes.from_rgb(plain.pixels)
    assert np.abs(split_planes.luma.astype(int) - plain_planes.luma).max() <= 1
    maps = PlaneMaps(width, width // 2, 1280)
    for face in FACES:
        a, b = maps.face(split_planes, face).to_rgb(), maps.face(plain_planes, face).to_rgb()
        mse = np.mean((a.astype(float) - b) ** 2)
        assert mse < 1.0, f"face {face}: the two reads differ (mean squared error {mse:.2f})"


def test_planes_round_trip_to_rgb():
    from tourbuilder.panorama.planes import Planes

    rgb = smooth_equirect(1024, seed=5)
    planes = Planes.from_rgb(rgb)
    assert planes.luma.shape == (512, 1024) and planes.cb.shape == planes.cr.shape == (256, 512)
    back = planes.to_rgb()
    assert back.shape == rgb.shape
    assert np.abs(back.astype(int) - rgb).mean() < 2  # smooth colours survive half-size chroma


def test_faces_agree_with_an_independent_implementation(smooth_result, tmp_path):
    """py360convert's e2c (a different code base) gives the same faces in the same orientation."""
    import py360convert

    source = smooth_equirect(2048)
    size = smooth_result.manifest["levels"][-1]["face_size"]
    theirs = py360convert.e2c(source, face_w=size, mode="bilinear", cube_format="dict")
    ours = reassemble(smooth_result)
    for face, key in zip("frbl", "FRBL"):
        assert np.abs(ours[face].astype(int) - theirs[key].astype(int)).mean() < 4, face
    # py360convert's U and D are the same pictures seen from its own frame; compare the poles' centres.
    for face, key in (("u", "U"), ("d", "D")):
        centre = slice(size // 2 - 20, size // 2 + 20)
        assert np.abs(ours[face][centre, centre].astype(int).mean(axis=(0, 1))
                      - theirs[key][centre, centre].astype(int).mean(axis=(0, 1))).max() < 6


@pytest.mark.parametrize("first, second, first_edge, second_edge", [
    ("f", "r", (slice(None), -1), (slice(None), 0)),
    ("r", "b", (slice(None), -1), (slice(None), 0)),
    ("b", "l", (slice(None), -1), (slice(None), 0)),
    ("l", "f", (slice(None), -1), (slice(None), 0)),
    ("u", "f", (-1, slice(None)), (0, slice(None))),
    ("f", "d", (-1, slice(None)), (0, slice(None))),
])
def test_edges_between_faces_are_continuous(smooth_result, first, second, first_edge, second_edge):
    faces = reassemble(smooth_result)
    seam = np.abs(faces[first][first_edge].astype(int) - faces[second][second_edge].astype(int)).mean()
    inside = np.abs(faces[first][:, 100].astype(int) - faces[first][:, 101].astype(int)).mean()
    assert seam < 2 * inside + 3, f"seam {first}|{second}: {seam:.1f} vs {inside:.1f} inside"


def test_levels_tiles_and_manifest(smooth_result):
    manifest = smooth_result.manifest
    sizes = [level["face_size"] for level in manifest["levels"]]
    assert sizes[-1] == round(2048 / np.pi / 512) * 512
    assert sizes == sorted(sizes) and sizes[0] <= 512
    for number, level in enumerate(manifest["levels"]):
        assert level["tiles"] == -(-level["face_size"] // 512)
        for face in FACES:
            tile = smooth_result.folder / manifest["tile_path"].format(level=number, face=face, row=0, col=0)
            assert Image.open(tile).size == (min(512, level["face_size"]),) * 2
    assert manifest["faces"] == list(FACES)
    assert json.loads((smooth_result.folder / "manifest.json").read_text()) == manifest
    on_disk = sorted(p.relative_to(smooth_result.folder).as_posix()
                     for p in smooth_result.folder.rglob("*") if p.is_file())
    assert smooth_result.files == on_disk  # the list the pipeline keeps while writing
    assert len(on_disk) == 3 + 6 * sum(level["tiles"] ** 2 for level in manifest["levels"])


def test_small_outputs_fit_their_budgets(smooth_result):
    preview = smooth_result.folder / "preview.jpg"
    assert Image.open(preview).size == (1024, 512)
    assert preview.stat().st_size <= 120 * 1024
    assert len(smooth_result.manifest["placeholder"]) < 1400  # ~1 KB, inline in the tour data
    assert Image.open(smooth_result.folder / "thumbnail.jpg").size == (480, 270)


def test_the_thumbnail_shows_the_initial_view(tmp_path):
    image = np.full((1024, 2048, 3), 40, np.uint8)
    image[400:624, 1540:1700] = (250, 200, 0)  # yaw 90.7..118.8, pitch -19.5..19.5
    source = save(image, tmp_path / "t.png")
    facing = process(source, tmp_path / "a", PanoramaSettings(thumbnail_view=(105.0, 0.0, 90.0)))
    away = process(source, tmp_path / "b", PanoramaSettings(thumbnail_view=(-75.0, 0.0, 90.0)))
    centre = lambda r: np.asarray(Image.open(r.folder / "thumbnail.jpg"))[125:145, 230:250].mean(axis=(0, 1))
    assert centre(facing)[0] > 200 and centre(away)[0] < 80


def test_webp_tiles(tmp_path):
    source = save(smooth_equirect(1024), tmp_path / "s.png")
    result = process(source, tmp_path / "out", PanoramaSettings(tile_format="webp"))
    assert result.manifest["tile_path"].endswith(".webp")
    assert Image.open(result.folder / "tiles/0/f/0_0.webp").format == "WEBP"


# --- input formats, EXIF and GPano ---------------------------------------------------------

@pytest.mark.parametrize("suffix, options", [(".jpg", {"quality": 95}), (".png", {}), (".webp", {"lossless": True}),
                                             (".tif", {})])
def test_every_accepted_format(tmp_path, suffix, options):
    array = smooth_equirect(1024)
    result = process(save(array, tmp_path / f"p{suffix}", **options), tmp_path / "out")
    preview = np.asarray(Image.open(result.folder / "preview.jpg")).astype(int)
    assert np.abs(preview - array.astype(int)).mean() < 6


def test_sixteen_bit_tiff_keeps_its_colours(tmp_path):
    import cv2

    array = smooth_equirect(1024)
    deep = array.astype(np.uint16) * 257
    cv2.imwrite(str(tmp_path / "deep.tif"), cv2.cvtColor(deep, cv2.COLOR_RGB2BGR))
    result = process(tmp_path / "deep.tif", tmp_path / "out")
    preview = np.asarray(Image.open(result.folder / "preview.jpg")).astype(int)
    assert np.abs(preview - array.astype(int)).mean() < 6


def test_exif_orientation_is_applied(tmp_path):
    array = smooth_equirect(1024)
    stored = np.ascontiguousarray(np.rot90(array, 1))  # what a camera stores when it says "rotate 90° CW"
    exif = Image.Exif()
    exif[0x0112] = 6
    source = save(stored, tmp_path / "rotated.jpg", quality=95, exif=exif.tobytes())
    result = process(source, tmp_path / "out")
    preview = np.asarray(Image.open(result.folder / "preview.jpg")).astype(int)
    assert np.abs(preview - array.astype(int)).mean() < 8


def test_gpano_fields_are_read_from_attributes_and_elements():
    pano = read_gpano(gpano_xmp(PoseHeadingDegrees=30.5, PosePitchDegrees=-2, CroppedAreaLeftPixels=10))
    assert (pano.heading, pano.pitch, pano.cropped_left, pano.projection) == (30.5, -2.0, 10, "equirectangular")
    elements = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                f'<rdf:Description xmlns:GPano="{GPANO_NS}"><GPano:PoseRollDegrees>1.5</GPano:PoseRollDegrees>'
                f"</rdf:Description></rdf:RDF></x:xmpmeta>")
    assert read_gpano(elements).roll == 1.5
    assert read_gpano(b"no xmp here").heading is None


def test_a_partial_panorama_is_padded_into_place(tmp_path):
    full = smooth_equirect(2048)
    band = full[256:768, 512:1536]  # 1024x512 crop: yaw -90..90, pitch -45..45
    xmp = gpano_xmp(FullPanoWidthPixels=2048, FullPanoHeightPixels=1024, CroppedAreaImageWidthPixels=1024,
                    CroppedAreaImageHeightPixels=512, CroppedAreaLeftPixels=512, CroppedAreaTopPixels=256)
    result = process(save(band, tmp_path / "partial.jpg", quality=95, xmp=xmp), tmp_path / "out")
    assert result.manifest["source"]["partial"] is True
    preview = np.asarray(Image.open(result.folder / "preview.jpg")).astype(int)
    expected = np.asarray(Image.fromarray(full).resize((1024, 512), Image.BOX)).astype(int)
    assert np.abs(preview[140:372, 270:750] - expected[140:372, 270:750]).mean() < 8  # the photo, in place
    assert np.abs(preview[20:100] - 48).mean() < 6  # the sky it did not cover: neutral grey


def test_a_tilted_photo_carries_its_pose(tmp_path):
    xmp = gpano_xmp(PoseHeadingDegrees=35, PosePitchDegrees=4, PoseRollDegrees=-3)
    result = process(save(smooth_equirect(1024), tmp_path / "tilted.jpg", xmp=xmp), tmp_path / "out")
    assert result.manifest["pose"] == {"heading": 35.0, "pitch": 4.0, "roll": -3.0}
    assert result.manifest["pose_from_photo"] is True


# --- refusals ------------------------------------------------------------------------------

def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(
        b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def full_jpeg(width: int = 1024) -> bytes:
    out = io.BytesIO()
    Image.fromarray(smooth_equirect(width)).save(out, "JPEG", quality=90)
    return out.getvalue()


BAD_INPUTS = [
    ("notes.jpg", b"these are not pixels", "is not an image"),
    ("cut.jpg", "truncated", "damaged or cut short"),
    ("bomb.png", png_header_only(100_000, 50_000), "5000000000 pixels is larger than the 16384x8192"),
    ("wide.png", png_header_only(20_000, 10_000), "20000x10000 is larger than the 16384x8192"),
    ("phone.jpg", (1600, 1200), "is not a 360° panorama"),
    ("tiny.jpg", (512, 256), "too small to be useful"),
]


def write_bad_input(path: Path, data) -> None:
    if isinstance(data, tuple):
        Image.new("RGB", data, (80, 90, 100)).save(path)
    elif data == "truncated":
        path.write_bytes(full_jpeg()[:20_000])
    else:
        path.write_bytes(data)


@pytest.mark.parametrize("name, data, message", BAD_INPUTS)
def test_bad_input_is_refused_with_a_clear_message(tmp_path, name, data, message):
    path = tmp_path / name
    write_bad_input(path, data)
    with pytest.raises(PanoramaError) as caught:
        process(path, tmp_path / "out")
    assert str(caught.value).startswith(f"{name}: ")
    assert message in str(caught.value)
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out.*"))


@pytest.mark.parametrize("keep", [0.3, 0.9])  # cut in the first half, and near the end
def test_a_large_cut_short_jpeg_read_as_planes_is_refused_too(tmp_path, keep):
    """The two-core read of a large JPEG (luma here, the half-size copy on the pool) refuses a
    damaged file with the same message, and leaves nothing behind."""
    from tourbuilder.panorama.ingest import SPLIT_DECODE_MIN_WIDTH

    whole = save(smooth_equirect(SPLIT_DECODE_MIN_WIDTH, seed=7), tmp_path / "whole.jpg", quality=90).read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole[:int(len(whole) * keep)])
    with pytest.raises(PanoramaError) as caught:
        process(path, tmp_path / "out")
    assert str(caught.value).startswith("cut.jpg: the image data is damaged or cut short")
    assert "copy the photo from the camera again" in str(caught.value)
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.*"))


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path):
    import resource
    import time

    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(100_000, 50_000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(PanoramaError):
        process(path, tmp_path / "out")
    assert time.perf_counter() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB: nothing was decoded


@pytest.mark.parametrize("name, data, message", BAD_INPUTS)
def test_the_cli_prints_each_refusal_as_one_line(runner, tmp_path, name, data, message):
    path = tmp_path / name
    write_bad_input(path, data)
    result = runner.invoke("panorama", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: {name}: ") and message in last
    assert "Traceback" not in result.output


def test_the_cli_prints_a_json_summary(runner, tmp_path):
    source = save(smooth_equirect(1024), tmp_path / "s.jpg", quality=90)
    result = runner.invoke("panorama", source, "--out", tmp_path / "out", "--quality", "80")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["quality"] == 80 and summary["tile_size"] == 512
    assert summary["faces"] == list(FACES) and "f r b l u d" in summary["face_order"]
    assert summary["tile_path"] == "tiles/{level}/{face}/{row}_{col}.jpg"
    assert "preview.jpg" in summary["files"] and all((tmp_path / "out" / f).is_file() for f in summary["files"])


#: What the import's content check says where the panorama pipeline would say the key.
UPLOAD_CHECK_WORDS = {"is not an image": "its content is not a file tourbuilder can read",
                      "is larger than the 16384x8192": "more pixels than the 16384x8192 accepted"}


@pytest.mark.parametrize("name, data, message", BAD_INPUTS)
def test_import_refuses_a_tour_with_a_bad_panorama_and_stores_nothing(store, tiny_folder, name, data, message):
    from tourbuilder.importing import import_tour
    from tourbuilder.model import TourError

    hall = tiny_folder / "scenes" / "hall.yaml"
    hall.write_text(hall.read_text(encoding="utf-8").replace("media/hall.jpg", f"media/{name}"), encoding="utf-8")
    write_bad_input(tiny_folder / "media" / name, data)
    with pytest.raises(TourError) as caught:
        import_tour(store, tiny_folder)
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    # Import checks every media file's content first (tourbuilder.uploads), in its own words.
    message = next((said for key, said in UPLOAD_CHECK_WORDS.items() if key in message), message)
    assert f"scenes.hall.panorama: {name}" in problem and message in problem, problem
    assert not store.has_tour("tiny")
    assert not store.media.root.exists() or not any(store.media.root.rglob("*")), "no media was kept"


def test_import_takes_the_gpano_pose_unless_the_author_set_one(store, tiny_folder):
    from tourbuilder.importing import import_tour

    xmp = gpano_xmp(PoseHeadingDegrees=35, PosePitchDegrees=4, PoseRollDegrees=-3)
    save(smooth_equirect(1024), tiny_folder / "media" / "yard.jpg", xmp=xmp)
    save(smooth_equirect(1024, seed=3), tiny_folder / "media" / "hall.jpg", xmp=xmp)
    hall = tiny_folder / "scenes" / "hall.yaml"
    hall.write_text(hall.read_text(encoding="utf-8") + "pose: {heading: 10, pitch: 0, roll: 0}\n", encoding="utf-8")
    tour, _ = import_tour(store, tiny_folder)
    stored = store.get_tour(tour.id)
    assert stored.scenes["yard"].pose.model_dump() == {"heading": 35.0, "pitch": 4.0, "roll": -3.0}
    assert stored.scenes["hall"].pose.heading == 10.0


# --- cache and publishing -------------------------------------------------------------------

def test_an_unchanged_photo_is_processed_once(tmp_path):
    import hashlib

    source = save(smooth_equirect(1024), tmp_path / "s.jpg", quality=90)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    cache = PanoramaCache(tmp_path / "cache")
    first = cache.get(source, digest)
    tile = first.folder / "tiles/0/f/0_0.jpg"
    stamp = tile.stat().st_mtime_ns
    second = cache.get(source, digest)
    assert (first.cached, second.cached) == (False, True)
    assert second.folder == first.folder and tile.stat().st_mtime_ns == stamp
    moved = cache.get(source, digest, PanoramaSettings(thumbnail_view=(90.0, 0.0, 90.0)))
    assert moved.cached and moved.manifest["thumbnail_view"] == [90.0, 0.0, 90.0]
    assert tile.stat().st_mtime_ns == stamp  # a new initial view redraws only the thumbnail
    other = cache.get(source, digest, PanoramaSettings(quality=70))
    assert not other.cached and other.folder != first.folder


def test_gps_location_is_removed_unless_kept_on_purpose(tmp_path):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (47.0, 55.0, 0.0), 3: "E", 4: (106.0, 55.0, 0.0)}
    source = save(smooth_equirect(1024), tmp_path / "gps.jpg", quality=90, exif=exif.tobytes())
    dropped = process(source, tmp_path / "a")
    for path in dropped.folder.rglob("*.jpg"):
        assert not Image.open(path).getexif().get_ifd(0x8825), path
    kept = process(source, tmp_path / "b", PanoramaSettings(keep_location=True))
    assert Image.open(kept.folder / "preview.jpg").getexif().get_ifd(0x8825)[1] == "N"


def test_progress_is_reported_up_to_done(tmp_path):
    seen = []
    process(save(smooth_equirect(1024), tmp_path / "s.png"), tmp_path / "out", progress=lambda f, s: seen.append((f, s)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and seen[-1] == (1.0, "done")
    assert any(stage.startswith("face ") for _, stage in seen)
