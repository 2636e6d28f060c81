"""What the web export writes for offline use and embedding, and what SCORM packages do not get:
the file:// script twins, the web app manifest and icons, the service worker with its precache
list, embed.html."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile

import pytest
from PIL import Image

from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.export import export_tour
from tourbuilder.export.web import (PHONE_FACE_SIZE, RUNTIME_PREFIXES, icon_images, phone_levels)
from tests.samples import player_config_of




def precache_of(folder) -> dict:
    text = (folder / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"self\.TOURBUILDER_PRECACHE=(\{.*?\});\n", text).group(1))


@pytest.fixture
def web_export(demo_store, tmp_path):
    out = tmp_path / "web"
    export_tour(DEMO_ID, "web", out, store=demo_store)
    return out


def test_every_preview_and_tile_has_a_script_twin_with_its_bytes(web_export):
    images = sorted(p for p in (web_export / "panoramas").rglob("*") if p.suffix in (".jpg", ".webp"))
    assert images and any(p.name == "preview.jpg" for p in images) and any("tiles" in p.parts for p in images)
    pattern = re.compile(r'^window\.tourbuilderAssets\.register\(("[^"]+"),"(image/[a-z]+)","([A-Za-z0-9+/=]+)"\);\n$')
    for image in images:
        twin = image.with_name(image.name + ".js")
        match = pattern.match(twin.read_text(encoding="ascii"))
        assert match, twin
        assert json.loads(match.group(1)) == image.relative_to(web_export).as_posix()
        assert match.group(2) == "image/jpeg"
        assert base64.b64decode(match.group(3)) == image.read_bytes()
    # Only pictures drawn by WebGL get twins: not the player, not the icons.
    assert not list((web_export / "player").glob("*.js.js")) and not list((web_export / "icons").glob("*.js"))
    config = player_config_of(web_export)
    assert config["assetScripts"] is True and config["offline"] is True


def test_the_manifest_names_the_tour_and_its_icons_exist(web_export):
    manifest = json.loads((web_export / "manifest.webmanifest").read_text(encoding="utf-8"))
    tour = player_config_of(web_export)["tour"]
    assert manifest["name"] == tour["title"]["mn"] == "Мөнгөн усгүй алт баяжуулалт"
    assert manifest["lang"] == "mn"
    assert manifest["start_url"] == "." and manifest["scope"] == "."
    assert manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        with Image.open(web_export / icon["src"]) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
            sizes.add(image.width)
            # Made from the start scene's view: a picture, not a flat colour.
            assert len(image.convert("RGB").getcolors(1 << 20)) > 100
    assert {192, 512} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    html = (web_export / "index.html").read_text(encoding="utf-8")
    assert 'manifest.href = "manifest.webmanifest"' in html and 'rel="icon" href="icons/icon-192.png"' in html


def test_the_service_worker_precaches_files_that_exist(web_export):
    precache = precache_of(web_export)
    files = dict(precache["files"])
    for path, revision in files.items():
        assert (web_export / path).is_file(), path
        assert hashlib.sha256((web_export / path).read_bytes()).hexdigest()[:16] == revision, path
    config = player_config_of(web_export)
    for required in ("index.html", "player/player.js", "player/player.css", "manifest.webmanifest",
                     "icons/icon-192.png", "icons/icon-512.png"):
        assert required in files
    for pyramid in config["panoramas"].values():
        assert pyramid["preview"] in files
        for level in phone_levels(pyramid["levels"]):
            count = pyramid["levels"][level]["tiles"]
            for face in pyramid["faces"]:
                for row in range(count):
                    for col in range(count):
                        tile = pyramid["tile_path"].format(level=level, face=face, row=row, col=col)
                        assert tile in files, tile
    assert not [p for p in files if p.endswith(".js") and p not in ("player/player.js", "player/vr.js")], "never the twins"
    assert "sw.js" not in files and "embed.html" not in files
    assert precache["runtime"] == list(RUNTIME_PREFIXES)
    code = (web_export / "sw.js").read_text(encoding="utf-8")
    assert "caches" in code and "skipWaiting" in code and "clients.claim" in code


def test_the_cache_version_follows_the_content(demo_store, tmp_path, web_export):
    again = tmp_path / "again"
    export_tour(DEMO_ID, "web", again, store=demo_store)
    assert (again / "sw.js").read_text() == (web_export / "sw.js").read_text(), "same tour, same worker"
    tour = demo_store.get_tour(DEMO_ID)
    tour.title["en"] = "Another title"
    demo_store.save_tour(tour)
    changed = tmp_path / "changed"
    export_tour(DEMO_ID, "web", changed, store=demo_store)
    assert precache_of(changed)["version"] != precache_of(web_export)["version"]


def test_phone_levels_stop_at_the_first_level_a_phone_needs():
    def levels(*sizes):
        return [{"face_size": s, "tiles": -(-s // 512)} for s in sizes]

    assert PHONE_FACE_SIZE == 720
    assert phone_levels(levels(512)) == [0]
    assert phone_levels(levels(384, 768, 1536)) == [0, 1]
    assert phone_levels(levels(320, 640, 1280, 2560)) == [0, 1, 2]
    assert phone_levels(levels(512, 1024, 2048)) == [0, 1]


def test_without_a_thumbnail_the_icon_is_a_plain_sign():
    icons = icon_images(None)
    assert set(icons) == {192, 512}
    assert len(icons[512].getcolors(1 << 20)) > 1


def test_embed_page_and_readme(web_export):
    embed = (web_export / "embed.html").read_text(encoding="utf-8")
    assert "&lt;iframe src=" in embed and "index.html" in embed
    assert 'allow="fullscreen; xr-spatial-tracking; gyroscope; accelerometer"' in embed
    assert "Шинэ цонхонд нээх" in embed and "Open in a new window" in embed
    assert "Мөнгөн усгүй алт баяжуулалт" in embed
    readme = (web_export / "README.txt").read_text(encoding="utf-8")
    assert "index.html" in readme and "embed.html" in readme


@pytest.mark.parametrize("format_", ["scorm12", "scorm2004"])
def test_scorm_packages_get_no_service_worker_twins_or_manifest(demo_store, tmp_path, format_):
    out = tmp_path / f"{format_}.zip"
    export_tour(DEMO_ID, format_, out, store=demo_store)
    names = set(zipfile.ZipFile(out).namelist())
    assert "index.html" in names and "imsmanifest.xml" in names
    assert not {"sw.js", "manifest.webmanifest", "embed.html", "README.txt"} & names
    assert not [n for n in names if n.endswith(".jpg.js") or n.startswith("icons/")]
    html = zipfile.ZipFile(out).read("index.html").decode("utf-8")
    config = player_config_of(html)
    assert "offline" not in config and "assetScripts" not in config
    assert "manifest" not in html
