"""Media in an S3 bucket (AWS S3 or an S3-compatible service: MinIO, Ceph, Garage, R2...), by sha256,
behind the same interface as the local MediaStore (media.py).

Objects are named ``<prefix><sha[:2]>/<sha>``, like the local store's files. Exports and the
panorama pipeline read local files, so ``path()`` returns a file in a local read-through cache
(same layout as the local store; safe to delete at any time).

Nothing partial is ever seen under a real name:
- an upload is one PUT of the whole object (atomic in S3: an object appears complete or not at all),
  sent with Content-MD5, which the service checks; the ETag it answers with is checked as well
  (when it is an MD5, as for a plain PUT), and an object that came out wrong is deleted again;
- a download goes to a temporary file and enters the cache only if its sha256 is its name;
- the cache only holds objects known to be in the bucket, so ``has()`` may trust it.

Credentials and region come from boto3's usual places (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_REGION, ~/.aws, an instance role); the endpoint from MEDIA_S3_ENDPOINT or AWS_ENDPOINT_URL_S3.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from ..files import atomic_output, fsync_folder
from .media import CHUNK, MediaError, MediaStore, spooled


class S3MediaStore:
    """Content-addressed media in ``bucket`` under ``prefix``, with a local cache in ``cache_root``."""

    def __init__(self, bucket: str, prefix: str, cache_root: str | os.PathLike, *, client=None,
                 endpoint_url: str | None = None):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._cache = MediaStore(cache_root)
        self.root = self._cache.root  # the cache, laid out like a local store
        self.client = client or make_client(endpoint_url)

    @classmethod
    def from_url(cls, url: str, cache_root: str | os.PathLike, *, endpoint_url: str | None = None) -> "S3MediaStore":
        """``url`` is ``s3://bucket`` or ``s3://bucket/prefix``."""
        parts = urlparse(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"{url!r} is not an S3 location: write it as s3://bucket or s3://bucket/prefix")
        return cls(parts.netloc, parts.path, cache_root, endpoint_url=endpoint_url)

    def __repr__(self) -> str:
        return f"S3MediaStore(s3://{self.bucket}/{self.prefix}, cache {self.root})"

    # --- reading -----------------------------------------------------------

    def key(self, sha256: str) -> str:
        """The object's name in the bucket."""
        self._cache.path(sha256)  # checks that it is a sha256
        return f"{self.prefix}{sha256[:2]}/{sha256}"

    def path(self, sha256: str) -> Path:
        """A local file with the content (fetched into the cache when needed); a path that does
        not exist when the bucket has no such object."""
        local = self._cache.path(sha256)
        if not local.is_file():
            self._download(sha256, local)
        return local

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def has(self, sha256: str) -> bool:
        return self._cache.has(sha256) or self._exists(sha256)

    # --- adding ------------------------------------------------------------

    def add_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        md5 = hashlib.md5(data, usedforsecurity=False).digest()
        if self._needs_upload(digest, md5):
            self._put(digest, data, md5, len(data))
            with atomic_output(self._cache.path(digest)) as out:
                out.write(data)
        return digest

    def add_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Store a stream's content; return (sha256, size). The stream is copied once to a local
        temporary file (hashing on the way), which is uploaded and then becomes the cached copy."""
        with spooled(stream, self.root, md5=True) as spool:
            if self._needs_upload(spool.sha256, spool.md5):
                with open(spool.path, "rb") as body:
                    self._put(spool.sha256, body, spool.md5, spool.size)
            final = self._cache.path(spool.sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(spool.path, final)
            fsync_folder(final.parent)
            return spool.sha256, spool.size

    def add_file(self, path: str | os.PathLike) -> tuple[str, int]:
        with open(path, "rb") as stream:
            return self.add_stream(stream)

    # --- the bucket --------------------------------------------------------

    def _exists(self, sha256: str) -> bool:
        return self._etag(sha256) is not None

    def _etag(self, sha256: str) -> str | None:
        """The object's ETag, or None when there is no such object."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.key(sha256)).get("ETag", "").strip('"')
        except ClientError as exc:
            if _status(exc) == 404:
                return None
            raise MediaError(f"cannot reach s3://{self.bucket}/{self.key(sha256)}: {exc}") from None
        except BotoCoreError as exc:
            raise MediaError(f"cannot reach s3://{self.bucket}/{self.key(sha256)}: {exc}") from None

    def _needs_upload(self, sha256: str, md5: bytes) -> bool:
        """Whether the bucket lacks this content: no object, or (its ETag being an MD5) an object
        with other bytes under this name, a damaged copy that adding the original again repairs."""
        if self._cache.has(sha256):
            return False
        etag = self._etag(sha256)
        return etag is None or (_looks_like_md5(etag) and etag != md5.hex())

    def _put(self, sha256: str, body, md5: bytes, size: int) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.key(sha256)
        try:
            answer = self.client.put_object(
                Bucket=self.bucket, Key=key, Body=body, ContentLength=size,
                ContentMD5=base64.b64encode(md5).decode("ascii"),
                ContentType="application/octet-stream", Metadata={"sha256": sha256})
        except (BotoCoreError, ClientError) as exc:
            raise MediaError(f"uploading to s3://{self.bucket}/{key} failed: {exc}; nothing was stored, "
                             "try again") from None
        etag = answer.get("ETag", "").strip('"')
        if _looks_like_md5(etag) and etag != md5.hex():
            # The service stored other bytes than were sent: do not leave them under this name.
            self.client.delete_object(Bucket=self.bucket, Key=key)
            raise MediaError(f"s3://{self.bucket}/{key} arrived damaged (its MD5 is {etag}, the file's is "
                             f"{md5.hex()}); it was removed: try the upload again")

    def _download(self, sha256: str, local: Path) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        key = self.key(sha256)
        hasher = hashlib.sha256()
        try:
            with atomic_output(local) as out:
                try:
                    answer = self.client.get_object(Bucket=self.bucket, Key=key)
                except ClientError as exc:
                    if _status(exc) == 404:
                        raise _Absent() from None
                    raise
                for chunk in answer["Body"].iter_chunks(CHUNK):
                    hasher.update(chunk)
                    out.write(chunk)
                if hasher.hexdigest() != sha256:
                    raise MediaError(f"s3://{self.bucket}/{key} is damaged: its content does not hash to its "
                                     "name. Add the original file again to repair it")
        except _Absent:
            return
        except (BotoCoreError, ClientError) as exc:
            raise MediaError(f"downloading s3://{self.bucket}/{key} failed: {exc}") from None


class _Absent(Exception):
    """No such object (atomic_output then leaves nothing behind)."""


def make_client(endpoint_url: str | None = None):
    """A boto3 S3 client that suits S3-compatible services too: checksums only where S3 requires
    them (newer boto3 adds CRC32 trailers many services refuse; we send Content-MD5 ourselves),
    path-style addresses for a custom endpoint, a few retries."""
    import boto3
    from botocore.config import Config

    config = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required",
                    retries={"max_attempts": 5, "mode": "standard"},
                    s3={"addressing_style": "path" if endpoint_url else "auto"})
    return boto3.client("s3", endpoint_url=endpoint_url or None, config=config)


def _status(exc) -> int | None:
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _looks_like_md5(etag: str) -> bool:
    return len(etag) == 32 and all(c in "0123456789abcdef" for c in etag.lower())
