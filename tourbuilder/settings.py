"""Every setting, declared once with its default and help.

A setting comes from (highest first) the Flask test_config / CLI option, the
environment variable ``TOURBUILDER_<NAME>``, then the default here.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Setting:
    name: str
    default: Callable[[dict], Any]
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env(self) -> str:
        return f"TOURBUILDER_{self.name}"


def _default_database(values: dict) -> str:
    return f"sqlite:///{Path(values['DATA']) / 'tourbuilder.sqlite3'}"


def _default_secret(values: dict) -> str:
    """A random key kept in the data folder, so sessions survive restarts."""
    path = Path(values["DATA"]) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".secret_key.{os.getpid()}.tmp")
    tmp.write_text(secrets.token_hex(32))
    os.chmod(tmp, 0o600)  # only the app's user may read it
    try:
        os.link(tmp, path)  # atomic; when several workers start at once, the first key wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA", lambda v: str(Path.cwd() / "instance"),
            "Folder that holds the database and media files.", str),
    Setting("DATABASE_URL", _default_database,
            "SQLAlchemy database URL; SQLite in the data folder by default, "
            "e.g. postgresql+psycopg://user@host/db for a larger installation.", str),
    Setting("MEDIA_URL", lambda v: "",
            "Where media files are kept: empty for the data folder's media/, or s3://bucket/prefix for an "
            "S3-compatible bucket (credentials and region from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
            "AWS_REGION or ~/.aws; see docs/deployment.md).", str),
    Setting("MEDIA_S3_ENDPOINT", lambda v: "",
            "Address of an S3-compatible service (e.g. https://minio.example.org); empty for AWS S3 "
            "or AWS_ENDPOINT_URL_S3.", str),
    Setting("MEDIA_CACHE", lambda v: str(Path(v["DATA"]) / "media-cache"),
            "Local copies of S3 media for exports and previews (safe to delete).", str),
    Setting("EXPORT_DIR", lambda v: str(Path.cwd() / "export"),
            "Where exports land when no --out is given.", str),
    Setting("MAX_UPLOAD_MB", lambda v: 200,
            "Largest accepted upload, in megabytes.", int),
    Setting("SECRET_KEY", _default_secret,
            "Key that signs session cookies; generated and kept in the data folder when unset.", str),
    Setting("ADMIN_PASSWORD", lambda v: "",
            "Password of the first admin ('admin'), made on the first start of `serve` when there are no "
            "users; when unset, one is generated and printed once.", str),
    Setting("TRUST_PROXY", lambda v: 0,
            "How many reverse proxies in front of the app to trust for the client's address and https "
            "(X-Forwarded-For/-Proto/-Host); 0 when the app is reached directly.", int),
)


def resolve(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Return every setting's value: overrides, then environment, then default."""
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = overrides[setting.name]
        elif setting.env in environ:
            try:
                values[setting.name] = setting.parse(environ[setting.env])
            except ValueError:
                raise ValueError(f"{setting.env}={environ[setting.env]!r} is not valid: {setting.help}") from None
        else:
            values[setting.name] = setting.default(values)
    values["DATA"] = str(Path(values["DATA"]).resolve())
    return values
