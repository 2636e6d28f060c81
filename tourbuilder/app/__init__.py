"""The authoring web app: an app factory with one blueprint per area.

| module       | routes |
|---|---|
| auth.py      | sign in and out, the one-time sign-in link, the interface language |
| account.py   | the signed-in user's own page: language, password |
| admin.py     | users: add, change role, disable, reset password, delete (admins) |
| tours.py     | the tours list, preview (to the sandbox), export, comments, sharing |
| sandbox.py   | tour content in a sandboxed origin: the player and its media |
| media.py     | media files by content hash, for signed-in users |
| translations_view.py | a tour's texts side by side in its languages, edited in place; XLIFF out and in |
| api/         | the JSON API (/api/), its OpenAPI document and jobs (see api/__init__.py) |

security.py declares and enforces who may open each route; i18n.py is the language.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, current_app
from flask_wtf.csrf import CSRFProtect

from .. import settings
from ..accounts import Accounts, LoginLimits
from ..accounts.passwords import hasher
from ..files import sweep_temporaries
from ..store import Store

SESSION_LIFETIME = timedelta(hours=12)


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app. ``test_config`` overrides settings (see tourbuilder.settings) and may set
    Flask options, ``ARGON2_PROFILE`` (a name in argon2.profiles) and ``LOGIN_LIMITS``."""
    values = settings.resolve(test_config or {})
    app = Flask(__name__, static_folder=str(Path(__file__).resolve().parent.parent / "static"),
                static_url_path="/static")
    app.config.from_mapping(values)
    app.config["MAX_CONTENT_LENGTH"] = values["MAX_UPLOAD_MB"] * 1024 * 1024
    app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME
    # A form's CSRF token lives as long as the session it belongs to.
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    if test_config:
        app.config.update({k: v for k, v in test_config.items() if k not in values and v is not None})
    if values.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(values["TRUST_PROXY"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)

    store = Store.from_settings(values)
    app.extensions["tourbuilder.store"] = store
    _sweep_what_killed_writes_left(store, values)
    app.extensions["tourbuilder.accounts"] = Accounts(
        store, hasher=hasher(app.config.get("ARGON2_PROFILE", "RFC_9106_LOW_MEMORY")),
        limits=app.config.get("LOGIN_LIMITS") or LoginLimits(), session_lifetime=SESSION_LIFETIME)

    from . import account, admin, api, auth, editor, errors, i18n, media, sandbox, security, tours, translations_view

    security.init_app(app)   # before CSRF: who may call a route is decided first
    CSRFProtect(app)
    i18n.init_app(app)
    app.register_blueprint(Blueprint("ui", __name__, static_folder="static", static_url_path="/ui"))
    errors.init_app(app)
    for area in (auth, account, admin, tours, sandbox, media, translations_view, editor, api):  # api after errors: it reuses its handlers
        area.init_app(app)
    security.check_every_route_has_a_policy(app)
    return app


def _sweep_what_killed_writes_left(store: Store, values: dict) -> None:
    """Temporary files of writes whose process was killed (an hour old or more; younger ones may be
    another worker's write in progress): nothing under a final name is ever partial, so this only
    frees space, and nobody has to clean up by hand."""
    for folder in (store.media.root, store.derived_root / "panoramas", values["EXPORT_DIR"]):
        sweep_temporaries(folder)


def get_store() -> Store:
    return current_app.extensions["tourbuilder.store"]


def get_accounts() -> Accounts:
    return current_app.extensions["tourbuilder.accounts"]
