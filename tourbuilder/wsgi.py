"""The app under a production WSGI server (gunicorn), for Linux servers.

Either ``tourbuilder serve --production`` (runs :func:`serve_production`: the first start's
messages once, then gunicorn), or gunicorn directly with the app factory::

    TOURBUILDER_DATA=/srv/tours gunicorn --workers 3 --threads 4 --bind 127.0.0.1:8000 'tourbuilder.wsgi:create()'

Several worker processes share everything through the data folder: the database (SQLite in
WAL mode, or TOURBUILDER_DATABASE_URL), the media files, the job rows and the secret key
(made once, atomically, by whichever worker starts first). Each worker makes its own app
after the fork (no preloading), so no database connection is shared between processes.
"""

from __future__ import annotations

import os

from flask import Flask

#: Threads per worker process: requests mostly wait on the database and the disk.
DEFAULT_THREADS = 4


def create(data: str | None = None) -> Flask:
    """The app for a WSGI server (settings from the environment, see tourbuilder/settings.py)."""
    from .app import create_app

    return create_app({"DATA": data} if data else None)


def default_workers() -> int:
    """Worker processes: one per core plus one (a worker busy hashing a password or rendering a
    page leaves the others free), at least 2."""
    return max(2, (os.cpu_count() or 1) + 1)


def serve_production(host: str, port: int, *, data: str | None = None, workers: int | None = None,
                     threads: int = DEFAULT_THREADS, extra: dict | None = None) -> None:
    """Run the app under gunicorn (blocks until stopped by SIGTERM or SIGINT)."""
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or default_workers(),
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        # The common log format plus the worker's pid (which process answered).
        "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss pid=%(p)s',
        "errorlog": "-",
        # Uploads of big photos on a slow link take long; gthread workers still heartbeat meanwhile.
        "timeout": 120,
        "graceful_timeout": 30,
        "preload_app": False,
        **(extra or {}),
    }

    class Server(BaseApplication):
        def load_config(self):
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn >= 25 opens a control socket at one path per user: several instances
                # (or a test beside a running server) would fight over it. Nothing here uses it.
                self.cfg.set("control_socket_disable", True)
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return create(data)

    Server().run()
