"""Small tours for tests: a valid document and a tour folder with real JPEGs."""

from __future__ import annotations

import json
import re
from pathlib import Path


def minimal_document(**changes) -> dict:
    """A small valid tour document; keyword arguments replace top-level keys."""
    doc = {
        "schema_version": 1,
        "id": "tiny",
        "title": {"mn": "Жижиг аялал", "en": "Tiny tour"},
        "languages": ["mn", "en"],
        "start_scene": "yard",
        "scenes": {
            "yard": {
                "title": {"mn": "Хашаа", "en": "Yard"},
                "panorama": "media/yard.jpg",
                "hotspots": [
                    {"id": "to-hall", "kind": "scene", "yaw": 90, "pitch": 0,
                     "title": {"mn": "Танхим руу", "en": "To the hall"}, "target": "hall"},
                ],
            },
            "hall": {
                "title": {"mn": "Танхим", "en": "Hall"},
                "panorama": "media/hall.jpg",
                "hotspots": [
                    {"id": "back", "kind": "scene", "yaw": -90, "pitch": 0,
                     "title": {"mn": "Буцах", "en": "Back"}, "target": "yard"},
                    {"id": "quiz", "kind": "quiz", "yaw": 0, "pitch": -10,
                     "title": {"mn": "Сорил", "en": "Quiz"}, "quiz": "final"},
                ],
            },
        },
        "quizzes": {
            "final": {
                "title": {"mn": "Сорил", "en": "Quiz"},
                "questions": [{
                    "id": "q1", "kind": "single", "prompt": {"mn": "Мөнгөн ус аюултай юу?", "en": "Is mercury dangerous?"},
                    "choices": [
                        {"id": "yes", "text": {"mn": "Тийм", "en": "Yes"}, "correct": True},
                        {"id": "no", "text": {"mn": "Үгүй", "en": "No"}},
                    ],
                }],
            }
        },
        "completion": {"rule": "quiz", "quiz": "final", "pass_mark": 80},
    }
    doc.update(changes)
    return doc


def write_tiny_folder(root: Path, document: dict | None = None) -> Path:
    """Write ``document`` (default: minimal_document()) as a tour folder with small real JPEGs."""
    import yaml
    from PIL import Image

    doc = dict(document or minimal_document())
    scenes = doc.pop("scenes")
    quizzes = doc.pop("quizzes", {})
    head = {**doc, "scenes": list(scenes), "quizzes": list(quizzes)}
    root.mkdir(parents=True, exist_ok=True)
    (root / "tour.yaml").write_text(yaml.safe_dump(head, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for section, items in (("scenes", scenes), ("quizzes", quizzes)):
        (root / section).mkdir(exist_ok=True)
        for ident, body in items.items():
            (root / section / f"{ident}.yaml").write_text(
                yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for number, scene in enumerate(scenes.values()):
        path = root / scene["panorama"]
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1024, 512), (40 * number, 120, 200 - 30 * number)).save(path, quality=90)
    return root


def player_config_of(page: str | Path) -> dict:
    """The player config a page carries: from HTML text, or from an export folder's index.html."""
    html = (Path(page) / "index.html").read_text(encoding="utf-8") if isinstance(page, Path) else page
    match = re.search(r'<script type="application/json" id="tourbuilder-config">(.*?)</script>', html, re.S)
    assert match, "the page carries the player config"
    return json.loads(match.group(1))


def page_variant(folder: Path, name: str, change) -> str:
    """Write `name` beside index.html with the player config changed by `change(config)`."""
    from tourbuilder.export.page import script_json

    html = (folder / "index.html").read_text(encoding="utf-8")
    config = player_config_of(html)
    change(config)
    pattern = r'(<script type="application/json" id="tourbuilder-config">)(.*?)(</script>)'
    html = re.sub(pattern, lambda m: m.group(1) + script_json(config) + m.group(3), html, flags=re.S)
    (folder / name).write_text(html, encoding="utf-8")
    return name
