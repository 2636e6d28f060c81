"""Media files on local disk, stored by the sha256 of their content.

A file is written to a temporary name in its final folder and then renamed
(os.replace), so a crash never leaves a half-written file under a real name,
and the same content is stored once however often it is added.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from ..files import atomic_write_bytes, atomic_write_chunks

__all__ = ["MediaStore", "atomic_write_bytes"]

CHUNK = 1 << 20


class MediaStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def add_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.has(digest):
            atomic_write_chunks(self.path(digest), [data])
        return digest

    def add_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Store a stream's content; return (sha256, size). Hashes while copying, one pass."""
        self.root.mkdir(parents=True, exist_ok=True)
        hasher = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    hasher.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = hasher.hexdigest()
            final = self.path(digest)
            if final.exists():
                os.unlink(tmp_name)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp_name, final)
            return digest, size
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def add_file(self, path: str | os.PathLike) -> tuple[str, int]:
        with open(path, "rb") as stream:
            return self.add_stream(stream)

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
