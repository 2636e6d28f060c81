"""A camera photo with GPano XMP (pose) and a partial panorama, played in Chromium:
north and the horizon come out right, and the partial photo sits in its place."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageStat

from tests.samples import minimal_document, write_tiny_folder
from tests.test_panorama import gpano_xmp
from tourbuilder.export import export_tour
from tourbuilder.importing import import_tour

pytestmark = pytest.mark.exported_player

RED, GREEN = (220, 30, 30), (30, 200, 60)


def centre_colour(page, yaw: float, pitch: float) -> tuple[float, ...]:
    page.evaluate("([y, p]) => window.tourbuilder.player.lookAt(y, p, 50)", [yaw, pitch])
    page.wait_for_timeout(150)
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    cx, cy = shot.width // 2, shot.height // 2
    return tuple(ImageStat.Stat(shot.crop((cx - 4, cy - 4, cx + 5, cy + 5))).mean)


def near(colour, expected, tolerance=45) -> bool:
    return max(abs(a - b) for a, b in zip(colour, expected)) < tolerance


@pytest.fixture
def open_tour(page, serve, store, tmp_path):
    def open_(yard: Image.Image, xmp: bytes):
        folder = write_tiny_folder(tmp_path / "t", minimal_document())
        yard.save(folder / "media" / "yard.jpg", quality=92, xmp=xmp)
        import_tour(store, folder)  # the store path: the pose is taken at import
        out = tmp_path / "web"
        export_tour("tiny", "web", out, store=store)
        page.goto(serve(out) + "index.html")
        page.wait_for_selector('#tourbuilder-player[data-ready="true"]', timeout=20_000)
        page.add_style_tag(content="#tourbuilder-player button[data-hotspot-id] { visibility: hidden !important; }")
        return store.get_tour("tiny")
    return open_


def test_a_photo_whose_centre_faces_east_is_turned_so_north_is_yaw_0(page, open_tour):
    image = np.full((1024, 2048, 3), 90, np.uint8)
    image[412:612, 924:1124] = RED     # the photo's centre
    image[412:612, 1436:1636] = GREEN  # 90° right of the photo's centre
    tour = open_tour(Image.fromarray(image), gpano_xmp(PoseHeadingDegrees=90))
    assert tour.scenes["yard"].pose.heading == 90
    assert near(centre_colour(page, 90, 0), RED), "the photo's centre is drawn at world yaw 90 (east)"
    assert near(centre_colour(page, 180, 0), GREEN)
    assert not near(centre_colour(page, 0, 0), RED)


def test_a_partial_panorama_sits_in_its_place(page, open_tour):
    band = np.full((512, 1024, 3), 90, np.uint8)
    band[200:312, 462:562] = RED  # the crop's centre: yaw 0, pitch 0 of the full panorama
    xmp = gpano_xmp(FullPanoWidthPixels=2048, FullPanoHeightPixels=1024, CroppedAreaImageWidthPixels=1024,
                    CroppedAreaImageHeightPixels=512, CroppedAreaLeftPixels=512, CroppedAreaTopPixels=256)
    open_tour(Image.fromarray(band), xmp)
    assert near(centre_colour(page, 0, 0), RED)
    assert near(centre_colour(page, 30, 0), (90, 90, 90))
    assert near(centre_colour(page, 0, 75), (48, 48, 48)), "the uncovered sky is neutral grey"
    assert near(centre_colour(page, 180, 0), (48, 48, 48)), "behind the photo: nothing invented"
