"""The bundled demo tour "Mercury-free gold processing": its folder and loading it into a store.

The text lives in the repository's tour.yaml, scenes/ and quizzes/ (packaged into
the wheel as tourbuilder/demo/tour/); the panoramas are painted by painter.py,
deterministically, when the demo is built, and the scenes' narration is spoken then by
espeak-ng in both languages (labelled robot voices; see tourbuilder/narration/). Without
espeak-ng (or piper-tts's data for Mongolian) the demo is built without those tracks, and
`tourbuilder narrate` says what to install.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from ..importing import import_tour
from ..store import Store
from ..tourfolder import TOUR_FILE, read_folder

DEMO_ID = "mercury-free-processing"
DEMO_WIDTH = 4096

log = logging.getLogger(__name__)


def demo_text_folder() -> Path:
    """tour.yaml, scenes/, quizzes/ of the demo: packaged data, or the source checkout's root."""
    packaged = Path(__file__).resolve().parent / "tour"
    if (packaged / TOUR_FILE).is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / TOUR_FILE).is_file():
        return checkout
    raise FileNotFoundError("the demo tour's files are missing from this installation: reinstall tourbuilder")


def build_demo_folder(out: Path, *, width: int = DEMO_WIDTH, narrate: bool = True,
                      cache_root: Path | None = None) -> Path:
    """Write the complete demo tour folder (text, painted panoramas, spoken narration) into ``out``.

    ``cache_root``: where narration tracks are cached (default: the temporary folder's).
    """
    from .painter import write_demo_media

    source = demo_text_folder()
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / TOUR_FILE, out / TOUR_FILE)
    for section in ("scenes", "quizzes"):
        shutil.copytree(source / section, out / section, dirs_exist_ok=True)
    scenes = _scenes_without_media(out)
    write_demo_media(out, scenes, width=width)
    if narrate:
        narrate_demo(out, cache_root)
    return out


def narrate_demo(folder: Path, cache_root: Path | None = None):
    """Speak the demo's narration with the engines its scenes ask for (espeak-ng, offline).

    A track that cannot be made (espeak-ng missing) is logged and left for `tourbuilder narrate`."""
    from ..narration import narrate_folder

    if cache_root is None:
        cache_root = Path(tempfile.gettempdir()) / "tourbuilder-derived" / "narration"
    report = narrate_folder(folder, cache_root=cache_root)
    for track in report.failed:
        log.warning("demo narration %s %s not made: %s", track.where, track.lang, track.message)
    return report


def _scenes_without_media(folder: Path):
    """The demo's scenes, read before its panoramas exist (the painter needs their hotspots)."""
    import yaml

    from ..model import Scene

    head = yaml.safe_load((folder / TOUR_FILE).read_text(encoding="utf-8"))
    return {
        ident: Scene.model_validate(yaml.safe_load((folder / "scenes" / f"{ident}.yaml").read_text(encoding="utf-8")))
        for ident in head["scenes"]
    }


def load_demo(store: Store, *, width: int = DEMO_WIDTH) -> tuple[str, bool]:
    """Put the demo tour into ``store`` unless it is there; return (its id, whether it was added)."""
    if store.has_tour(DEMO_ID):
        return DEMO_ID, False
    with tempfile.TemporaryDirectory(prefix="tourbuilder-demo-") as tmp:
        folder = build_demo_folder(Path(tmp) / DEMO_ID, width=width)
        read_folder(folder)  # validate before anything is stored
        tour, _ = import_tour(store, folder, author="tourbuilder demo")
    return tour.id, True
