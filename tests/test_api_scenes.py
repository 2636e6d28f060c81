"""POST /api/tours/<id>/panoramas: bad files are refused at once with a message that says what to do
and leave nothing behind; a good photo becomes a job that runs the real panorama pipeline and
answers what the client adds to its document (the server never edits the document itself)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.signin import make_user, sign_in

TOUR = "tiny"


def picture(width: int, height: int, kind: str = "JPEG", colour=(90, 140, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, kind)
    return out.getvalue()


@pytest.fixture
def author(tiny_app):
    user = make_user(tiny_app, "oyun", "author")
    tiny_app.extensions["tourbuilder.accounts"].share(TOUR, user.id)
    client = tiny_app.test_client()
    sign_in(client, "oyun")
    return client


def stored_files(app) -> set[str]:
    root = app.extensions["tourbuilder.store"].media.root
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def job_count(app) -> int:
    from sqlalchemy import func, select

    from tourbuilder.store.db import JobRow

    with app.extensions["tourbuilder.store"]._session() as session:
        return session.scalar(select(func.count()).select_from(JobRow))


def upload(client, data: bytes, name: str):
    return client.post(f"/api/tours/{TOUR}/panoramas", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("data", "name", "status", "words"), [
    (b"hello, not a picture", "notes.jpg", 415, "is not an image"),
    (picture(1200, 800), "room.jpg", 422, "is not a 360° panorama"),
    (picture(800, 400), "small.jpg", 422, "too small"),
    (picture(1024, 512, "GIF"), "anim.gif", 415, "GIF images are not accepted"),
    (b"", "empty.jpg", 422, "is empty"),
])
def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_is_stored(tiny_app, author, data, name, status,
                                                                            words):
    files, jobs, revision = stored_files(tiny_app), job_count(tiny_app), tiny_app.extensions[
        "tourbuilder.store"].revisions(TOUR)[-1].number
    response = upload(author, data, name)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert words in error["message"]
    if data:
        assert name in error["message"]  # it names the file
        assert error["problems"][0]["path"] == "file"
    assert stored_files(tiny_app) == files
    assert job_count(tiny_app) == jobs
    assert tiny_app.extensions["tourbuilder.store"].revisions(TOUR)[-1].number == revision


def test_no_file_is_400(author):
    response = author.post(f"/api/tours/{TOUR}/panoramas", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "“file”" in response.get_json()["error"]["message"]


def test_a_reviewer_may_not_upload(tiny_app):
    user = make_user(tiny_app, "bold", "reviewer")
    tiny_app.extensions["tourbuilder.accounts"].share(TOUR, user.id)
    client = tiny_app.test_client()
    sign_in(client, "bold")
    assert upload(client, picture(1024, 512), "x.jpg").status_code == 403


def test_a_good_photo_is_processed_and_the_client_adds_the_scene(tiny_app, author):
    store = tiny_app.extensions["tourbuilder.store"]
    before = store.get_tour(TOUR)
    response = upload(author, picture(1024, 512, colour=(10, 200, 30)), "Gold_Room.jpg")
    assert response.status_code == 202, response.get_json()
    job = response.get_json()["job"]
    assert job["kind"] == "panorama" and job["state"] in ("queued", "running", "done")
    tiny_app.extensions["tourbuilder.jobs"].wait(job["id"], timeout=120)
    done = author.get(f"/api/jobs/{job['id']}").get_json()
    assert done["state"] == "done", done
    result = done["result"]
    assert result["key"] == "media/gold-room.jpg"
    assert result["suggested_id"] == "gold-room" and result["suggested_title"] == "Gold Room"
    assert result["info"]["type"] == "image/jpeg" and store.media.has(result["info"]["sha256"])
    assert result["pose"] is None
    # The previews and tiles are in the store's panorama cache (the exports reuse them).
    from tourbuilder.panorama.pipeline import PanoramaSettings
    from tourbuilder.panorama.scenes import panorama_cache

    folder = panorama_cache(store).folder_for(result["info"]["sha256"], PanoramaSettings())
    assert (folder / "manifest.json").is_file() and (folder / "preview.jpg").is_file()
    # The document is the client's to change.
    assert store.get_tour(TOUR) == before
    current = author.get(f"/api/tours/{TOUR}")
    document = current.get_json()["document"]
    document["media"][result["key"]] = result["info"]
    document["scenes"][result["suggested_id"]] = {"title": {"en": result["suggested_title"]}, "panorama": result["key"]}
    saved = author.put(f"/api/tours/{TOUR}", json={"document": document, "message": "add scene"},
                       headers={"If-Match": current.headers["ETag"]})
    assert saved.status_code == 200, saved.get_json()
    assert list(store.get_tour(TOUR).scenes)[-1] == "gold-room"


def test_a_name_in_use_gets_a_new_key_and_a_damaged_photo_fails_its_job_leaving_nothing(tiny_app, author):
    store = tiny_app.extensions["tourbuilder.store"]
    jobs = tiny_app.extensions["tourbuilder.jobs"]
    used = store.get_tour(TOUR).media
    assert "media/yard.jpg" in used
    job = upload(author, picture(1024, 512, colour=(200, 10, 10)), "yard.jpg").get_json()["job"]
    assert jobs.wait(job["id"], timeout=120).result["key"] == "media/yard-2.jpg"

    files = stored_files(tiny_app)
    whole = picture(2048, 1024)
    cut = upload(author, whole[: len(whole) // 3], "cut.jpg")
    assert cut.status_code == 202  # the header is fine; the pixels are read by the job
    failed = jobs.wait(cut.get_json()["job"]["id"], timeout=120)
    assert failed.state == "failed"
    assert "cut.jpg" in failed.error and "upload.bin" not in failed.error
    assert stored_files(tiny_app) == files
