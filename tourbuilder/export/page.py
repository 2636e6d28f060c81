"""The HTML page that hosts the player: one template for exports and the app's preview."""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..model import Tour, dump_tour


def _environment() -> Environment:
    return Environment(loader=PackageLoader("tourbuilder.export", "templates"),
                       autoescape=select_autoescape(["html"]))


def player_config(tour: Tour, media_urls: dict[str, str], tracking: str = "none",
                  panoramas: dict[str, dict] | None = None) -> dict:
    """What the player reads: the tour document, where each media file is, the tiled
    panoramas (see tourbuilder/panorama/README.md) and the tracking target."""
    config = {"tour": dump_tour(tour), "media": media_urls, "tracking": tracking}
    if panoramas:
        config["panoramas"] = panoramas
    return config


def script_json(data: dict) -> str:
    """JSON safe inside a <script> element: '<' is escaped so no text can close the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def render_player_page(tour: Tour, media_urls: dict[str, str], *, asset_base: str,
                       tracking: str = "none", language: str | None = None,
                       panoramas: dict[str, dict] | None = None) -> str:
    language = language or tour.default_language
    title = tour.title.get(language) or next(iter(tour.title.values()), tour.id)
    config = player_config(tour, media_urls, tracking, panoramas)
    if language != tour.default_language:
        config["language"] = language
    return _environment().get_template("player.html").render(
        language=language, title=title, asset_base=asset_base, config_json=script_json(config),
        version=__version__,
    )
