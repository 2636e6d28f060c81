"""The tour folder: YAML files and media that a person can edit and import again."""

from __future__ import annotations

from pathlib import Path

from ..tourfolder import write_folder
from .pipeline import Source


class FolderTarget:
    name = "folder"
    help = "A tour folder (tour.yaml, scenes/, quizzes/, media/) to edit by hand and import again."

    def render(self, source: Source, stage: Path) -> None:
        write_folder(source.tour, source.media_path, stage)
