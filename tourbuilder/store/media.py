"""Media files on local disk, stored by the sha256 of their content.

A file is written to a temporary name in its final folder and then renamed
(os.replace), so a crash never leaves a half-written file under a real name,
and the same content is stored once however often it is added.

The other backend, media in an S3 bucket with a local cache, is s3.py; ``open_media_store`` picks
one from the settings (MEDIA_URL). Both have the same methods: has, path, open, read_bytes,
add_bytes, add_stream, add_file, and ``root`` (the local folder of the files or of the cache).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..files import TEMPORARY_PREFIX, atomic_write_bytes, atomic_write_chunks

__all__ = ["MediaStore", "MediaError", "Spool", "atomic_write_bytes", "open_media_store", "spooled"]

CHUNK = 1 << 20


class MediaError(OSError):
    """A media file could not be stored or read back whole (a remote store's failure or damage)."""


def open_media_store(settings: dict):
    """The media store the settings ask for: MEDIA_URL empty means the data folder's media/,
    ``s3://bucket/prefix`` a bucket (cached in MEDIA_CACHE, or the data folder's media-cache/)."""
    url = (settings.get("MEDIA_URL") or "").strip()
    data = Path(settings["DATA"])
    if not url:
        return MediaStore(data / "media")
    if url.startswith("s3://"):
        from .s3 import S3MediaStore

        return S3MediaStore.from_url(url, settings.get("MEDIA_CACHE") or data / "media-cache",
                                     endpoint_url=settings.get("MEDIA_S3_ENDPOINT") or None)
    raise ValueError(f"MEDIA_URL={url!r} is not a media location: leave it empty for the data folder, "
                     "or write s3://bucket/prefix for an S3 bucket")


@dataclass(frozen=True)
class Spool:
    """A stream's content in a local temporary file, with its sha256 (hex), size and, when asked
    for, its MD5 (what an S3 upload is checked against)."""

    path: Path
    sha256: str
    size: int
    md5: bytes | None = None


@contextmanager
def spooled(stream: BinaryIO, folder: Path, *, md5: bool = False) -> Iterator[Spool]:
    """Copy ``stream`` once into a temporary file in ``folder`` (made when missing), hashing on the
    way, and fsync it. The caller moves ``spool.path`` to its final name (os.replace) within the
    block; whatever is still there afterwards, or after an error, is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    sha, md5_hash, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False) if md5 else None, 0
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                sha.update(chunk)
                if md5_hash is not None:
                    md5_hash.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        yield Spool(Path(tmp_name), sha.hexdigest(), size, md5_hash.digest() if md5_hash is not None else None)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


class MediaStore:
    """Media in a local folder, ``root/<sha[:2]>/<sha>``."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")

    def add_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.has(digest):
            atomic_write_chunks(self.path(digest), [data])
        return digest

    def add_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Store a stream's content; return (sha256, size). Hashes while copying, one pass."""
        with spooled(stream, self.root) as spool:
            final = self.path(spool.sha256)
            if not final.exists():  # (when it does, the spool is simply dropped)
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(spool.path, final)
            return spool.sha256, spool.size

    def add_file(self, path: str | os.PathLike) -> tuple[str, int]:
        with open(path, "rb") as stream:
            return self.add_stream(stream)

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
