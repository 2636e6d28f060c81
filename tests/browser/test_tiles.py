"""Tiled panoramas in the player: a small picture first, then sharp tiles only where the learner looks."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageStat

from tests.samples import player_config_of, minimal_document, write_tiny_folder
from tourbuilder.export import export_tour

pytestmark = pytest.mark.exported_player


@pytest.fixture
def striped_tour(tmp_path):
    """A tour whose 4096-px panorama has 2-px stripes: lost in the 1024-px preview, sharp in the tiles."""
    folder = write_tiny_folder(tmp_path / "striped", minimal_document())
    columns = (np.arange(4096) // 2) % 2
    image = np.where(columns[None, :, None] == 1, 235, 20).astype(np.uint8).repeat(2048, axis=0).repeat(3, axis=2)
    image[:, :, 2] = 128  # a blue tint, so stripes are not mistaken for the page background
    Image.fromarray(image).save(folder / "media" / "yard.jpg", quality=95)
    out = tmp_path / "web"
    export_tour(str(folder), "web", out)
    return out


def centre_contrast(page) -> float:
    shot = Image.open(io.BytesIO(page.screenshot())).convert("L")
    cx, cy = shot.width // 2, shot.height // 2
    return ImageStat.Stat(shot.crop((cx - 60, cy + 40, cx + 60, cy + 100))).stddev[0]


def test_the_preview_comes_first_then_tiles_make_the_view_sharp(page, serve, striped_tour):
    config = player_config_of(striped_tour)
    pyramid = config["panoramas"]["media/yard.jpg"]
    assert not (striped_tour / "media").exists() or not any((striped_tour / "media").iterdir()), \
        "the full photos are not shipped: preview and tiles replace them"
    requested = []
    page.on("request", lambda r: "/tiles/" in r.url and requested.append(r.url))
    page.goto(serve(striped_tour) + "index.html")
    page.wait_for_selector('#tourbuilder-player[data-ready="true"]', timeout=20_000)
    page.add_style_tag(content="#tourbuilder-player button[data-hotspot-id] { visibility: hidden !important; }")
    page.evaluate("window.tourbuilder.player.lookAt(40, 0, 30)")
    page.wait_for_selector('#tourbuilder-player[data-sharp="true"]', timeout=20_000)
    page.wait_for_timeout(200)
    sharp = centre_contrast(page)
    assert sharp > 60, f"the stripes are drawn (contrast {sharp:.0f})"
    total = sum(level["tiles"] ** 2 * 6 for level in pyramid["levels"])
    assert 0 < len(set(requested)) < total / 3, f"only the tiles in view: {len(set(requested))} of {total}"
    top = len(pyramid["levels"]) - 1
    assert any(f"/tiles/{top}/" in url for url in requested), "zoomed in, the finest level is used"
    assert page.watch.console_errors == []


def test_the_preview_alone_is_blurry(page, serve, striped_tour):
    """The same view with tiles blocked: the contrast the tiles add is really theirs."""
    page.route("**/tiles/**", lambda route: route.abort())
    page.goto(serve(striped_tour) + "index.html")
    page.wait_for_selector('#tourbuilder-player[data-ready="true"]', timeout=20_000)
    page.add_style_tag(content="#tourbuilder-player button[data-hotspot-id] { visibility: hidden !important; }")
    page.evaluate("window.tourbuilder.player.lookAt(40, 0, 30)")
    page.wait_for_timeout(800)
    assert centre_contrast(page) < 30
    assert page.get_attribute("#tourbuilder-player", "data-sharp") != "true"
