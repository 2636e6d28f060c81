"""The web tour: a static folder (index.html, the player, media) for any static web server."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..assets import built
from .page import render_player_page
from .pipeline import Source, copy_media, copy_panoramas

PLAYER_FOLDER = "player"


def render_site(source: Source, stage: Path, tracking: str = "none") -> None:
    """index.html + player/ + panoramas/ + media/: the part every web-based target shares.

    Scenes ship as a small preview and cube tiles; the full photos stay with the author.
    """
    panoramas = copy_panoramas(source, stage)
    media_urls = copy_media(source, stage, skip=set(panoramas))
    shutil.copytree(built("player"), stage / PLAYER_FOLDER)
    html = render_player_page(source.tour, media_urls, asset_base=f"{PLAYER_FOLDER}/", tracking=tracking,
                              panoramas=panoramas)
    (stage / "index.html").write_text(html, encoding="utf-8")


class WebTarget:
    name = "web"
    help = "A static web tour: open index.html on any static web server."

    def render(self, source: Source, stage: Path) -> None:
        render_site(source, stage, tracking="none")
