"""SCORM 1.2 and SCORM 2004 (4th edition) packages: the web tour with LMS tracking,
the official schema files at the root, and an imsmanifest.xml that lists every file."""

from __future__ import annotations

import shutil
from pathlib import Path

from .pipeline import Source
from .scorm_manifest import build_manifest, schema_files, validate_manifest
from .web import render_site

LAUNCH_FILE = "index.html"


class ScormTarget:
    def __init__(self, version: str, help: str):
        self.name = version
        self.help = help

    def render(self, source: Source, stage: Path) -> None:
        render_site(source, stage, tracking=self.name)
        for schema in schema_files(self.name):
            shutil.copyfile(schema, stage / schema.name)
        files = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
        manifest = build_manifest(source.tour, self.name, launch=LAUNCH_FILE, files=files)
        validate_manifest(manifest, self.name)
        (stage / "imsmanifest.xml").write_bytes(manifest)


SCORM12 = ScormTarget("scorm12", "A SCORM 1.2 package for an LMS such as Moodle.")
SCORM2004 = ScormTarget("scorm2004", "A SCORM 2004 4th edition package for an LMS such as Moodle.")
