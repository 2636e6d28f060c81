"""The tours API (/api/tours...): documents with ETag/If-Match, conflicts that lose nothing, the
tours list and its actions, revisions and media uploads; on real SQLite, through the real app."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from tests.signin import make_user, sign_in

TOUR = "tiny"


@pytest.fixture
def as_user(tiny_app):
    """as_user(name, role="author", tour_access=None|"shared"|"owner") -> a signed-in client."""

    def signed(name: str, role: str = "author", tour_access: str | None = "shared"):
        user = make_user(tiny_app, name, role)
        if tour_access:
            tiny_app.extensions["tourbuilder.accounts"].share(TOUR, user.id, owner=tour_access == "owner")
        client = tiny_app.test_client()
        sign_in(client, name)
        client.user = user
        return client

    return signed


def load(client, tour_id=TOUR):
    response = client.get(f"/api/tours/{tour_id}")
    assert response.status_code == 200, response.json
    assert response.headers["ETag"] == f'"{response.json["revision"]}"'
    return response.json["revision"], response.json["document"]


def put(client, document, revision, message="edit", tour_id=TOUR):
    headers = {"If-Match": f'"{revision}"'} if revision is not None else {}
    return client.put(f"/api/tours/{tour_id}", json={"document": document, "message": message}, headers=headers)


def test_save_needs_if_match_and_answers_the_new_etag(as_user):
    client = as_user("ann")
    revision, document = load(client)
    document["title"]["en"] = "Tiny tour, edited"
    refused = put(client, document, None)
    assert refused.status_code == 428
    assert "If-Match" in refused.json["error"]["message"]
    bad = client.put(f"/api/tours/{TOUR}", json={"document": document}, headers={"If-Match": "soon"})
    assert bad.status_code == 400 and "If-Match" in bad.json["error"]["message"]
    saved = put(client, document, revision, "new title")
    assert saved.status_code == 200, saved.json
    assert saved.json == {"revision": revision + 1}
    assert saved.headers["ETag"] == f'"{revision + 1}"'
    again, stored = load(client)
    assert again == revision + 1 and stored["title"]["en"] == "Tiny tour, edited"
    history = client.get(f"/api/tours/{TOUR}/revisions").json["revisions"]
    assert history[0]["number"] == revision + 1 and history[0]["author"] == "ann"
    assert history[0]["message"] == "new title"


def test_a_stale_save_is_409_with_the_current_version_and_the_refused_document_is_kept(as_user):
    ann, bob = as_user("ann"), as_user("bob")
    revision, document = load(ann)
    _, theirs = load(bob)
    document["title"]["en"] = "Ann's title"
    theirs["title"]["en"] = "Bob's title"
    assert put(ann, document, revision).status_code == 200
    conflict = put(bob, theirs, revision, "bob's edit")
    assert conflict.status_code == 409
    body = conflict.json
    assert "revision" in body["error"]["message"]
    assert body["current"]["revision"] == revision + 1
    assert body["current"]["author"] == "ann"
    assert body["current"]["document"]["title"]["en"] == "Ann's title"
    kept = bob.get(f"/api/tours/{TOUR}/conflicts/{body['conflict']['id']}")
    assert kept.status_code == 200
    assert kept.json["document"]["title"]["en"] == "Bob's title"
    assert kept.json["base_revision"] == revision and kept.json["latest_revision"] == revision + 1
    assert kept.json["author"] == "bob" and kept.json["message"] == "bob's edit"
    # Nothing was overwritten: Ann's save is current.
    assert load(ann)[1]["title"]["en"] == "Ann's title"
    assert bob.get(f"/api/tours/{TOUR}/conflicts/999").status_code == 404


def test_two_threads_saving_at_once_exactly_one_wins(as_user):
    clients = [as_user("ann"), as_user("bob")]
    for round_ in range(4):
        revision, document = load(clients[0])
        barrier = threading.Barrier(2)
        statuses: list[int] = [0, 0]

        def save(i):
            mine = {**document, "title": {**document["title"], "en": f"round {round_} by {i}"}}
            barrier.wait()
            statuses[i] = put(clients[i], mine, revision).status_code

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(statuses) == [200, 409], statuses
        latest, stored = load(clients[0])
        assert latest == revision + 1, "exactly one new revision"
        winner = statuses.index(200)
        assert stored["title"]["en"] == f"round {round_} by {winner}"


def test_an_invalid_document_is_422_with_problems_and_the_last_good_one_stays(as_user):
    client = as_user("ann")
    revision, document = load(client)
    broken = {**document, "start_scene": "nowhere", "scenes": {**document["scenes"]}}
    broken["scenes"]["yard"] = {**broken["scenes"]["yard"], "title": "not a dict"}
    refused = put(client, broken, revision)
    assert refused.status_code == 422
    paths = [p["path"] for p in refused.json["error"]["problems"]]
    assert "scenes.yard.title" in paths, refused.json
    assert load(client) == (revision, document)
    other_id = put(client, {**document, "id": "other"}, revision)
    assert other_id.status_code == 422 and other_id.json["error"]["problems"][0]["path"] == "id"
    missing = {**document, "media": {**document["media"], "media/new.jpg": {
        "sha256": "0" * 64, "type": "image/jpeg", "size": 3}}}
    unknown = put(client, missing, revision)
    assert unknown.status_code == 422
    assert unknown.json["error"]["problems"][0]["path"] == "media.media/new.jpg"
    not_json = client.put(f"/api/tours/{TOUR}", data="document", headers={"If-Match": f'"{revision}"'})
    assert not_json.status_code == 400 and "JSON" in not_json.json["error"]["message"]


def test_create_duplicate_rename_delete_and_undelete(as_user):
    ann = as_user("ann", tour_access="owner")
    made = ann.post("/api/tours", json={"id": "new-tour", "title": {"mn": "Шинэ", "en": "New"},
                                        "languages": ["mn", "en"]})
    assert made.status_code == 201, made.json
    summary = made.json
    assert summary["access"] == "manage" and summary["revision"] == 1 and summary["scenes"] == 1
    assert summary["updated_by"] == "ann" and summary["size_bytes"] > 1000
    assert summary["check"] == {"errors": 0, "warnings": summary["check"]["warnings"]}
    taken = ann.post("/api/tours", json={"id": "new-tour", "title": {"en": "Again"}})
    assert taken.status_code == 409 and taken.json["error"]["problems"][0]["path"] == "id"
    bad_id = ann.post("/api/tours", json={"id": "New Tour!", "title": {"en": "x"}})
    assert bad_id.status_code == 422 and "lower-case" in bad_id.json["error"]["message"]
    no_title = ann.post("/api/tours", json={"id": "untitled", "title": {"en": "  "}})
    assert no_title.status_code == 422 and no_title.json["error"]["problems"][0]["path"] == "title"
    assert ann.post("/api/tours", json={"title": {"en": "no id"}}).json["error"]["problems"][0]["path"] == "id"

    copy = ann.post(f"/api/tours/{TOUR}/duplicate", json={"id": "tiny-copy", "title": {"en": "Copy"}})
    assert copy.status_code == 201 and copy.json["title"] == {"en": "Copy"}
    assert copy.json["access"] == "manage" and copy.json["scenes"] == 2
    renamed = ann.post("/api/tours/tiny-copy/rename", json={"title": {"mn": "Хуулбар", "en": "The copy"}})
    assert renamed.status_code == 200 and renamed.json == {"revision": 2}
    listed = {t["id"]: t for t in ann.get("/api/tours").json["tours"]}
    assert set(listed) == {"tiny", "new-tour", "tiny-copy"}
    assert listed["tiny-copy"]["title"]["en"] == "The copy" and listed["tiny-copy"]["updated_by"] == "ann"

    assert ann.delete("/api/tours/tiny-copy").status_code == 204
    assert "tiny-copy" not in {t["id"] for t in ann.get("/api/tours").json["tours"]}
    assert ann.get("/api/tours/tiny-copy").status_code == 404
    assert [t["id"] for t in ann.get("/api/trash").json["tours"]] == ["tiny-copy"]
    back = ann.post("/api/tours/tiny-copy/undelete")
    assert back.status_code == 200 and back.json["title"]["en"] == "The copy"
    assert ann.get("/api/trash").json["tours"] == []
    assert ann.post("/api/tours/tiny-copy/undelete").status_code == 404  # not deleted any more


def test_who_may_do_what_to_tours(as_user):
    reviewer = as_user("rita", "reviewer")
    assert reviewer.post("/api/tours", json={"id": "mine", "title": {"en": "x"}}).status_code == 403
    assert reviewer.put(f"/api/tours/{TOUR}", json={"document": {}}, headers={"If-Match": '"1"'}).status_code == 403
    author = as_user("ann")  # shared, not an owner
    assert author.delete(f"/api/tours/{TOUR}").status_code == 403
    stranger = as_user("sam", tour_access=None)
    assert stranger.get(f"/api/tours/{TOUR}").status_code == 404
    assert [t["id"] for t in stranger.get("/api/tours").json["tours"]] == []
    owner = as_user("olga", tour_access="owner")
    assert owner.delete(f"/api/tours/{TOUR}").status_code == 204
    assert author.get("/api/trash").json["tours"] == []  # only those who manage it may bring it back
    assert author.post(f"/api/tours/{TOUR}/undelete").status_code == 404
    assert owner.post(f"/api/tours/{TOUR}/undelete").status_code == 200


def test_errors_are_json_for_api_paths(tiny_app, as_user):
    anonymous = tiny_app.test_client()
    for response, status in ((anonymous.get("/api/tours"), 401), (anonymous.post("/api/tours", json={}), 401),
                             (as_user("ann").get("/api/no/such/thing"), 404),
                             (as_user("bob").post("/api/tours", json={}, csrf=False), 400)):
        assert response.status_code == status
        assert response.is_json and response.json["error"]["message"], response.data
    assert "CSRF" in as_user("cat").post("/api/tours", json={}, csrf=False).json["error"]["message"]
    page = anonymous.get("/no/such/page")
    assert page.status_code == 404 and page.mimetype == "text/html"  # pages keep their error pages


def jpeg(width=64, height=32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_media_upload_is_checked_by_content(as_user, tiny_app):
    client = as_user("ann")
    url = f"/api/tours/{TOUR}/media"
    ok = client.post(url, data={"file": (io.BytesIO(jpeg()), "Hall photo.JPG")})
    assert ok.status_code == 201, ok.json
    assert ok.json["key"] == "media/hall-photo.jpg"
    assert ok.json["info"]["type"] == "image/jpeg" and ok.json["info"]["size"] == len(jpeg())
    assert tiny_app.extensions["tourbuilder.store"].media.has(ok.json["info"]["sha256"])
    keyed = client.post(url, data={"file": (io.BytesIO(jpeg()), "x.jpg"), "key": "media/scenes/a.jpg"})
    assert keyed.json["key"] == "media/scenes/a.jpg"
    text = client.post(url, data={"file": (io.BytesIO(b"hello, not a picture"), "x.jpg")})
    assert text.status_code == 415 and "JPEG" in text.json["error"]["message"]
    renamed = client.post(url, data={"file": (io.BytesIO(jpeg()), "sound.mp3")})
    assert renamed.status_code == 415 and "extension" in renamed.json["error"]["message"]
    cut = client.post(url, data={"file": (io.BytesIO(jpeg()[:40]), "cut.jpg")})
    assert cut.status_code == 422
    escape = client.post(url, data={"file": (io.BytesIO(jpeg()), "x.jpg"), "key": "../x.jpg"})
    assert escape.status_code == 422 and escape.json["error"]["problems"][0]["path"] == "key"
    assert client.post(url, data={}).status_code == 400


def test_revisions_can_be_read_and_restored(as_user):
    client = as_user("ann")
    revision, document = load(client)
    document["title"]["en"] = "Changed"
    assert put(client, document, revision).status_code == 200
    old = client.get(f"/api/tours/{TOUR}/revisions/{revision}")
    assert old.status_code == 200 and old.json["document"]["title"]["en"] == "Tiny tour"
    assert client.get(f"/api/tours/{TOUR}/revisions/99").status_code == 404
    restored = client.post(f"/api/tours/{TOUR}/revisions/{revision}/restore")
    assert restored.status_code == 200 and restored.json == {"revision": revision + 2}
    assert load(client)[1]["title"]["en"] == "Tiny tour"
