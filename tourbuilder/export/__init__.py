"""Export targets behind one small interface (see pipeline.Target), and the pipeline that runs them."""

from __future__ import annotations

from pathlib import Path

from ..store import Store
from .cmi5 import CMI5
from .folder import FolderTarget
from .pipeline import ExportError, ExportReport, Source, Target, load_source, run_export
from .scorm import SCORM12, SCORM2004
from .web import WebTarget

TARGETS: dict[str, Target] = {
    target.name: target for target in (WebTarget(), SCORM12, SCORM2004, CMI5, FolderTarget())
}


def export_tour(reference: str, format: str, out: str | Path, *, store: Store | None = None,
                strict: bool = False) -> ExportReport:
    """Export a stored tour (by id) or a tour folder (by path) to ``out`` (a folder or a .zip)."""
    if format not in TARGETS:
        raise ExportError(f"unknown format '{format}': choose one of {', '.join(TARGETS)}")
    return run_export(load_source(reference, store), TARGETS[format], Path(out), strict=strict)


__all__ = ["TARGETS", "ExportError", "ExportReport", "Source", "export_tour", "load_source", "run_export"]
