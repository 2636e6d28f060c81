"""The authoring web app: an app factory with one blueprint per area."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .. import settings
from ..store import Store


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app. ``test_config`` overrides settings (see tourbuilder.settings)."""
    values = settings.resolve(test_config or {})
    app = Flask(__name__, static_folder=str(Path(__file__).resolve().parent.parent / "static"),
                static_url_path="/static")
    app.config.from_mapping(values)
    app.config["MAX_CONTENT_LENGTH"] = values["MAX_UPLOAD_MB"] * 1024 * 1024
    if test_config:
        app.config.update({k: v for k, v in test_config.items() if k not in values and v is not None})

    store = Store.from_settings(values)
    app.extensions["tourbuilder.store"] = store

    from . import media, tours

    tours.init_app(app)
    media.init_app(app)
    return app


def get_store() -> Store:
    return current_app.extensions["tourbuilder.store"]
