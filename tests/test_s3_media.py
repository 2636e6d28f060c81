"""Media in an S3 bucket: the S3 backend of the media store against a real S3-compatible service on
loopback (moto's standalone server, a third-party emulator of S3's HTTP API), through boto3."""

from __future__ import annotations

import hashlib
import io
import logging
import socket
import threading
import uuid
from pathlib import Path

import boto3
import pytest

from tourbuilder.app import create_app
from tourbuilder.demo.loader import DEMO_ID
from tourbuilder.export import export_tour
from tourbuilder.importing import import_tour
from tourbuilder.store import Store
from tourbuilder.store.media import MediaError, open_media_store
from tourbuilder.store.s3 import S3MediaStore, make_client

from tests.signin import AppClient, make_user, sign_in

PICTURE = b"\xff\xd8 a picture of the mill \xff\xd9" * 50
PREFIX = "tours/media"


@pytest.fixture(scope="module")
def s3_endpoint():
    """An S3-compatible HTTP service on a free loopback port."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch) -> str:
    """A new empty bucket; boto3 finds its (made-up) credentials where it always looks: the environment."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "tourbuilder-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "tourbuilder-test-secret")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    name = f"tb-{uuid.uuid4().hex[:12]}"
    make_client(s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3(s3_endpoint):
    """A plain boto3 client, to look into the bucket independently of the store."""
    return boto3.client("s3", endpoint_url=s3_endpoint)


def media_on(bucket: str, endpoint: str, cache: Path) -> S3MediaStore:
    return S3MediaStore(bucket, PREFIX, cache, endpoint_url=endpoint)


def objects(s3, bucket: str) -> dict[str, bytes]:
    listing = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing}


def test_media_goes_to_the_bucket_by_content_and_comes_back_on_another_machine(bucket, s3_endpoint, s3, tmp_path):
    media = media_on(bucket, s3_endpoint, tmp_path / "cache-a")
    digest = media.add_bytes(PICTURE)
    assert digest == hashlib.sha256(PICTURE).hexdigest()
    assert media.add_stream(io.BytesIO(PICTURE)) == (digest, len(PICTURE))
    source = tmp_path / "upload.bin"
    source.write_bytes(b"another file")
    other, size = media.add_file(source)
    stored = objects(s3, bucket)
    assert stored == {f"{PREFIX}/{digest[:2]}/{digest}": PICTURE, f"{PREFIX}/{other[:2]}/{other}": b"another file"}
    head = s3.head_object(Bucket=bucket, Key=f"{PREFIX}/{digest[:2]}/{digest}")
    assert head["Metadata"] == {"sha256": digest}
    assert not [p for p in media.root.rglob(".incoming-*")], "no temporary file is left in the cache"

    # Another app server with an empty cache: the files come from the bucket, as local paths.
    elsewhere = media_on(bucket, s3_endpoint, tmp_path / "cache-b")
    assert elsewhere.has(digest) and elsewhere.has(other)
    path = elsewhere.path(digest)
    assert path.is_file() and path.is_relative_to(tmp_path / "cache-b")
    assert path.read_bytes() == PICTURE
    with elsewhere.open(other) as stream:
        assert stream.read() == b"another file"

    missing = "0" * 64
    assert not elsewhere.has(missing)
    assert not elsewhere.path(missing).exists()
    with pytest.raises(FileNotFoundError):
        elsewhere.read_bytes(missing)


def test_a_damaged_object_never_enters_the_cache(bucket, s3_endpoint, s3, tmp_path):
    digest = hashlib.sha256(PICTURE).hexdigest()
    s3.put_object(Bucket=bucket, Key=f"{PREFIX}/{digest[:2]}/{digest}", Body=PICTURE[:-1] + b"!")
    media = media_on(bucket, s3_endpoint, tmp_path / "cache")
    with pytest.raises(MediaError, match="is damaged: its content does not hash to its name"):
        media.path(digest)
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []
    # As the message says: adding the original again repairs the bucket's copy.
    assert media_on(bucket, s3_endpoint, tmp_path / "other-cache").add_bytes(PICTURE) == digest
    assert media.read_bytes(digest) == PICTURE
    assert objects(s3, bucket) == {f"{PREFIX}/{digest[:2]}/{digest}": PICTURE}


class CorruptingProxy:
    """A loopback TCP relay to ``target`` that swaps ``needle`` for ``replacement`` (same length) in
    what the client sends: bytes damaged on the way, as a bad network or proxy could."""

    def __init__(self, target: tuple[str, int], needle: bytes, replacement: bytes):
        self.target, self.needle, self.replacement = target, needle, replacement
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source, sink, damaging):
        try:
            while data := source.recv(65536):
                sink.sendall(data.replace(self.needle, self.replacement) if damaging else data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


def test_an_upload_that_arrives_damaged_is_refused_and_removed(bucket, s3_endpoint, s3, tmp_path):
    host, port = s3_endpoint.removeprefix("http://").split(":")
    proxy = CorruptingProxy((host, int(port)), b"of the mill", b"of the MILL")
    try:
        media = media_on(bucket, proxy.url, tmp_path / "cache")
        with pytest.raises(MediaError, match="arrived damaged"):
            media.add_bytes(PICTURE)
        with pytest.raises(MediaError, match="arrived damaged"):
            media.add_stream(io.BytesIO(PICTURE))
    finally:
        proxy.close()
    assert objects(s3, bucket) == {}, "nothing damaged stays in the bucket"
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == [], "nor in the cache"


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_demo_tour_exports_the_same_from_a_bucket_as_from_its_folder(
        bucket, s3_endpoint, s3, demo_folder, database_url, tmp_path):
    store = Store(database_url, tmp_path / "unused", media=media_on(bucket, s3_endpoint, tmp_path / "cache"))
    try:
        import_tour(store, demo_folder)
        tour = store.get_tour(DEMO_ID)
        in_bucket = {key.rsplit("/", 1)[1] for key in objects_keys(s3, bucket)}
        assert {info.sha256 for info in tour.media.values()} <= in_bucket
        # Another server: nothing cached; the export reads every file through the cache.
        store.media = media_on(bucket, s3_endpoint, tmp_path / "fresh-cache")
        export_tour(DEMO_ID, "web", tmp_path / "from-bucket", store=store)
    finally:
        store.close()
    assert not (tmp_path / "unused").exists()
    export_tour(str(demo_folder), "web", tmp_path / "from-folder")
    exported = tree(tmp_path / "from-bucket")
    assert exported == tree(tmp_path / "from-folder")
    assert any(name.endswith(".jpg") for name in exported), "the panoramas are in the export"


def objects_keys(s3, bucket: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{PREFIX}/")
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def test_the_app_keeps_media_in_the_bucket_named_by_its_settings(bucket, s3_endpoint, s3, tiny_folder, tmp_path):
    data = tmp_path / "data"
    app = create_app({"DATA": str(data), "TESTING": True, "ARGON2_PROFILE": "CHEAPEST",
                      "MEDIA_URL": f"s3://{bucket}/{PREFIX}/", "MEDIA_S3_ENDPOINT": s3_endpoint})
    app.test_client_class = AppClient
    store = app.extensions["tourbuilder.store"]
    try:
        assert isinstance(store.media, S3MediaStore)
        assert store.media.root == data / "media-cache"
        import_tour(store, tiny_folder)
        info = next(iter(store.get_tour("tiny").media.values()))
        assert f"{PREFIX}/{info.sha256[:2]}/{info.sha256}" in objects_keys(s3, bucket)
        # The served file comes from the bucket even when the local copy is gone.
        store.media.path(info.sha256).unlink()
        client = app.test_client()
        make_user(app, "admin", "admin")
        sign_in(client, "admin")
        response = client.get(f"/media/{info.sha256}.jpg")
        assert response.status_code == 200
        assert hashlib.sha256(response.get_data()).hexdigest() == info.sha256
        assert not (data / "media").exists(), "nothing went to the local media folder"
    finally:
        store.close()


def test_a_media_url_that_is_not_a_place_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="leave it empty for the data folder, or write s3://bucket/prefix"):
        open_media_store({"DATA": str(tmp_path), "MEDIA_URL": "ftp://files.example.org/media"})
    with pytest.raises(ValueError, match="write it as s3://bucket"):
        open_media_store({"DATA": str(tmp_path), "MEDIA_URL": "s3:///no-bucket"})
    assert open_media_store({"DATA": str(tmp_path), "MEDIA_URL": ""}).root == tmp_path / "media"
