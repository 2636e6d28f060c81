"""The HTML page that hosts the player: one template for exports and the app's preview;
and the web export's embedding help (embed.html)."""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..model import Tour, dump_tour
from ..model.richtext import sanitise_rich_texts

#: Files the web export's page links to when it is an installable offline app (see web.py).
OFFLINE_HEAD = {"manifest": "manifest.webmanifest", "icon": "icons/icon-192.png", "theme_color": "#15181c"}
#: What an embedding page should allow its frame (full screen, VR, and the phone's motion sensors).
IFRAME_ALLOW = "fullscreen; xr-spatial-tracking; gyroscope; accelerometer"


def _environment() -> Environment:
    return Environment(loader=PackageLoader("tourbuilder.export", "templates"),
                       autoescape=select_autoescape(["html"]))


def player_config(tour: Tour, media_urls: dict[str, str], tracking: str = "none",
                  panoramas: dict[str, dict] | None = None, offline: bool = False) -> dict:
    """What the player reads: the tour document, where each media file is, the tiled
    panoramas (see tourbuilder/panorama/README.md) and the tracking target.

    ``offline`` (the web export only): ``offline: true`` makes the player register the export's
    service worker over http(s), and ``assetScripts: true`` says that every preview and tile has
    its script twin for pages opened from a folder (see web/src/player/assets.js).
    """
    # Rich texts are sanitised on save and once more here, where they leave for a learner's browser.
    config = {"tour": sanitise_rich_texts(dump_tour(tour)), "media": media_urls, "tracking": tracking}
    if panoramas:
        config["panoramas"] = panoramas
    if offline:
        config["offline"] = True
        config["assetScripts"] = True
    return config


def script_json(data: dict) -> str:
    """JSON safe inside a <script> element: '<' is escaped so no text can close the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def tour_title(tour: Tour, language: str | None = None) -> str:
    language = language or tour.default_language
    return tour.title.get(language) or next(iter(tour.title.values()), tour.id)


def render_player_page(tour: Tour, media_urls: dict[str, str], *, asset_base: str,
                       tracking: str = "none", language: str | None = None,
                       panoramas: dict[str, dict] | None = None, offline: bool = False) -> str:
    language = language or tour.default_language
    title = tour_title(tour, language)
    config = player_config(tour, media_urls, tracking, panoramas, offline)
    if language != tour.default_language:
        config["language"] = language
    return _environment().get_template("player.html").render(
        language=language, title=title, asset_base=asset_base, config_json=script_json(config),
        version=__version__, offline=OFFLINE_HEAD if offline else None,
    )


def render_embed_page(tour: Tour, page: str = "index.html") -> str:
    """embed.html: the `<iframe>` code to show the tour in another page, in each language."""
    return _environment().get_template("embed.html").render(
        language=tour.default_language, title=tour_title(tour), page=page, allow=IFRAME_ALLOW,
        version=__version__,
    )
