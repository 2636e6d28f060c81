"""The web tour: a static folder (index.html, the player, media) for any static web server,
that also works opened straight from a downloaded folder and installs as an offline web app.

What the ``web`` target adds to the site every web-based target shares (SCORM packages get
none of it):

- a script twin ``<image>.js`` beside each preview and tile: the image in base64, registered
  with the player (``window.tourbuilderAssets.register(path, type, base64)``). The player loads
  these only when the page is opened from a folder (``file://``), where WebGL may not draw image
  files; over http(s) nobody downloads them (see web/src/player/assets.js);
- ``manifest.webmanifest`` and ``icons/`` (made from the start scene's thumbnail), and ``sw.js``:
  a service worker that precaches the tour (:func:`precache_list`) so it plays without a network
  once visited (see web/src/player/offline/sw.js);
- ``embed.html`` (how to show the tour in an ``<iframe>``) and ``README.txt``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

from PIL import Image, ImageDraw

from ..assets import built
from ..model import Tour
from .page import OFFLINE_HEAD, render_embed_page, render_player_page
from .pipeline import Source, copy_media, copy_panoramas

PLAYER_FOLDER = "player"
#: Appended to an image's path to name its script twin.
TWIN_SUFFIX = ".js"
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
#: The player files the page needs (the licence notice is shipped but not needed offline);
#: vr.js is loaded only where VR or the cardboard mode can be used, and is kept offline too.
PLAYER_FILES = ("player.js", "player.css", "vr.js")
#: Tile levels are precached up to the first whose face reaches this size: what a phone held
#: upright needs at the default 90° view (360 CSS px x devicePixelRatio 2 = 720 device pixels
#: over 90°; the player picks the smallest level with face_size / 90° >= that density).
PHONE_FACE_SIZE = 720
#: Content-addressed folders: files there never change, so the service worker keeps the ones
#: it fetches (finer tiles looked at while online) without precaching them.
RUNTIME_PREFIXES = ("panoramas/", "media/")
ICON_SIZES = (192, 512)
THEME_COLOUR = "#15181c"


def render_site(source: Source, stage: Path, tracking: str = "none", *, offline: bool = False) -> None:
    """index.html + player/ + panoramas/ + media/: the part every web-based target shares.

    Scenes ship as a small preview and cube tiles; the full photos stay with the author.
    ``offline`` (the web target only) adds the file:// twins, the manifest, icons, the service
    worker and the embedding help.
    """
    panoramas = copy_panoramas(source, stage)
    media_urls = copy_media(source, stage, skip=set(panoramas))
    shutil.copytree(built("player"), stage / PLAYER_FOLDER)
    if offline:
        write_asset_scripts(stage)
        write_icons(source, stage)
        write_manifest(source.tour, stage)
    html = render_player_page(source.tour, media_urls, asset_base=f"{PLAYER_FOLDER}/", tracking=tracking,
                              panoramas=panoramas, offline=offline)
    (stage / "index.html").write_text(html, encoding="utf-8")
    if offline:
        write_service_worker(stage, precache_list(stage, panoramas, media_urls))
        write_embed_help(source.tour, stage)


class WebTarget:
    name = "web"
    help = ("A static web tour: put it on any static web server (it installs and plays offline), "
            "or open index.html straight from the folder.")

    def render(self, source: Source, stage: Path) -> None:
        render_site(source, stage, tracking="local", offline=True)


# --- file:// -------------------------------------------------------------

def asset_script(path: str, data: bytes, mime: str) -> str:
    """The script twin of an image at ``path`` (relative to index.html)."""
    encoded = base64.b64encode(data).decode("ascii")
    return f"window.tourbuilderAssets.register({json.dumps(path)},{json.dumps(mime)},\"{encoded}\");\n"


def write_asset_scripts(stage: Path, folder: str = "panoramas") -> list[Path]:
    """Write ``<image>.js`` beside every preview and tile under ``folder``; return the twins."""
    twins = []
    for image in sorted((stage / folder).rglob("*")):
        mime = IMAGE_TYPES.get(image.suffix.lower())
        if mime is None or not image.is_file():
            continue
        twin = image.with_name(image.name + TWIN_SUFFIX)
        twin.write_text(asset_script(image.relative_to(stage).as_posix(), image.read_bytes(), mime),
                        encoding="ascii")
        twins.append(twin)
    return twins


# --- installable offline web app ----------------------------------------

def _title(tour: Tour) -> str:
    return tour.title.get(tour.default_language) or next(iter(tour.title.values()), tour.id)


def _start_thumbnail(source: Source) -> Path | None:
    """The start scene's thumbnail (its initial view, 480x270) from the panorama cache."""
    from ..panorama.scenes import scene_settings

    tour = source.tour
    scene = tour.scenes.get(tour.start_scene) or next(iter(tour.scenes.values()), None)
    info = tour.media.get(scene.panorama) if scene is not None else None
    if info is None:
        return None
    try:
        result = source.panoramas.get(source.media_path(scene.panorama), info.sha256, scene_settings(scene))
    except Exception:  # the icon falls back to a plain design; the export itself already has the panorama
        return None
    thumbnail = result.folder / result.manifest.get("thumbnail", "thumbnail.jpg")
    return thumbnail if thumbnail.is_file() else None


def icon_images(thumbnail: Path | None, sizes=ICON_SIZES) -> dict[int, Image.Image]:
    """Square icons: the middle of the thumbnail, or a plain panorama sign without one."""
    square = None
    if thumbnail is not None:
        with Image.open(thumbnail) as photo:
            photo = photo.convert("RGB")
            side = min(photo.size)
            left, top = (photo.width - side) // 2, (photo.height - side) // 2
            square = photo.crop((left, top, left + side, top + side))
    if square is None:
        big = 512
        square = Image.new("RGB", (big, big), THEME_COLOUR)
        draw = ImageDraw.Draw(square)
        # A ring and a horizon: a 360° picture, drawn inside the maskable safe zone (80%).
        draw.ellipse((116, 116, 396, 396), outline="#ffd200", width=28)
        draw.line((116, 256, 396, 256), fill="#ffd200", width=20)
    return {size: square.resize((size, size), Image.LANCZOS) for size in sizes}


def write_icons(source: Source, stage: Path) -> list[str]:
    (stage / "icons").mkdir(exist_ok=True)
    names = []
    for size, image in icon_images(_start_thumbnail(source)).items():
        name = f"icons/icon-{size}.png"
        # 256 colours: half the bytes of a full-colour PNG, and no visible loss at icon size.
        image.quantize(256, dither=Image.Dither.FLOYDSTEINBERG).save(stage / name, optimize=True)
        names.append(name)
    return names


def web_manifest(tour: Tour) -> dict:
    title = _title(tour)
    description = tour.description.get(tour.default_language) if tour.description else None
    manifest = {
        "name": title,
        "short_name": title,
        "lang": tour.default_language,
        "dir": "ltr",
        "start_url": ".",
        "scope": ".",
        "display": "standalone",
        "background_color": THEME_COLOUR,
        "theme_color": THEME_COLOUR,
        "icons": [{"src": f"icons/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"}
                  for size in ICON_SIZES]
        + [{"src": f"icons/icon-{ICON_SIZES[-1]}.png", "sizes": f"{ICON_SIZES[-1]}x{ICON_SIZES[-1]}",
            "type": "image/png", "purpose": "maskable"}],
    }
    if description:
        manifest["description"] = description
    return manifest


def write_manifest(tour: Tour, stage: Path) -> None:
    (stage / OFFLINE_HEAD["manifest"]).write_text(
        json.dumps(web_manifest(tour), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def phone_levels(levels: list[dict]) -> list[int]:
    """Indexes of the levels precached: up to the first whose face reaches PHONE_FACE_SIZE."""
    chosen = []
    for index, level in enumerate(levels):
        chosen.append(index)
        if level["face_size"] >= PHONE_FACE_SIZE:
            break
    return chosen


def _tile_paths(pyramid: dict, level: int) -> list[str]:
    """Every tile of a level (the pipeline's layout: tiles x tiles per face, all faces)."""
    count = pyramid["levels"][level]["tiles"]
    return [pyramid["tile_path"].format(level=level, face=face, row=row, col=col)
            for face in pyramid["faces"] for row in range(count) for col in range(count)]


def precache_list(stage: Path, panoramas: dict[str, dict], media_urls: dict[str, str]) -> list[str]:
    """What the service worker stores on install, in the order it downloads them: the page, the
    player, the manifest and icons; every scene's preview; the tiles of the levels a phone needs
    (:func:`phone_levels`); the media files (pictures, sound, video of the hotspots).

    Finer tile levels are stored by the worker when they are first looked at (RUNTIME_PREFIXES).
    """
    paths = ["index.html", *(f"{PLAYER_FOLDER}/{name}" for name in PLAYER_FILES), OFFLINE_HEAD["manifest"],
             *(f"icons/icon-{size}.png" for size in ICON_SIZES)]
    pyramids = list({p["tile_path"]: p for p in panoramas.values()}.values())
    paths += [p["preview"] for p in pyramids if p.get("preview")]
    for pyramid in pyramids:
        for level in phone_levels(pyramid["levels"]):
            paths += [path for path in _tile_paths(pyramid, level) if (stage / path).is_file()]
    paths += sorted(set(media_urls.values()))
    missing = [path for path in paths if not (stage / path).is_file()]
    if missing:
        raise FileNotFoundError(f"files to precache are missing from the export: {', '.join(missing[:5])}")
    return list(dict.fromkeys(paths))


def _revision(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def service_worker(stage: Path, files: list[str]) -> tuple[str, str]:
    """The text of sw.js and its content version (a hash of every precached file's content)."""
    entries = [[path, _revision(stage / path)] for path in files]
    version = hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]
    precache = {"version": version, "files": entries, "runtime": list(RUNTIME_PREFIXES)}
    code = built("offline", "sw.js").read_text(encoding="utf-8")
    text = (f"// tourbuilder service worker, export version {version}: see README.txt.\n"
            f"self.TOURBUILDER_PRECACHE={json.dumps(precache, separators=(',', ':'))};\n{code}")
    return text, version


def write_service_worker(stage: Path, files: list[str]) -> str:
    text, version = service_worker(stage, files)
    (stage / "sw.js").write_text(text, encoding="utf-8")
    return version


# --- embedding -----------------------------------------------------------

def write_embed_help(tour: Tour, stage: Path) -> None:
    (stage / "embed.html").write_text(render_embed_page(tour), encoding="utf-8")
    (stage / "README.txt").write_text(readme_text(tour), encoding="utf-8")


def readme_text(tour: Tour) -> str:
    return f"""{_title(tour)}
{'=' * len(_title(tour))}

Made by tourbuilder.

MN
- Хавтаснаас шууд: index.html-ийг хөтчөөр нээнэ (интернэт хэрэггүй).
- Вэб сервер дээр: энэ хавтсыг бүхэлд нь байршуулна. Нэг удаа нээсний дараа аялал интернэтгүй
  ажиллана; утсан дээр "Нүүр дэлгэцэнд нэмэх"-ээр апп болгон суулгаж болно.
- Өөр хуудсанд (iframe) оруулах: embed.html-ийг үзнэ үү.

EN
- From this folder: open index.html in a browser (no internet needed).
- On a web server: upload the whole folder. Once opened, the tour plays without a network, and
  phones can install it ("Add to Home screen").
- To show it inside another page (an iframe): see embed.html.

Files: index.html (the tour), player/ (the player), panoramas/ (pictures; the .js files beside
them are the same pictures for opening from a folder), media/, manifest.webmanifest, icons/,
sw.js (the offline service worker), embed.html.
"""
