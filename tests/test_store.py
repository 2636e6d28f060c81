"""The store: revisions that are never overwritten, and content-addressed media."""

from __future__ import annotations

import hashlib
import io
import threading

import pytest
from tests.samples import minimal_document

from tourbuilder.model import MediaInfo, load_tour
from tourbuilder.store import Store, StoreError

YARD = b"\xff\xd8 yard picture \xff\xd9"
HALL = b"\xff\xd8 hall picture \xff\xd9"


def tour_with_media(store: Store, **changes):
    tour = load_tour(minimal_document(**changes))
    for key, data in (("media/yard.jpg", YARD), ("media/hall.jpg", HALL)):
        digest = store.media.add_bytes(data)
        tour.media[key] = MediaInfo(sha256=digest, type="image/jpeg", size=len(data))
    return tour


def test_every_save_is_a_new_revision_and_old_ones_stay_readable(store):
    tour = tour_with_media(store)
    assert store.save_tour(tour, author="a") == 1
    tour.title["en"] = "Second title"
    assert store.save_tour(tour, author="b", message="retitled") == 2
    assert store.get_tour("tiny").title["en"] == "Second title"
    assert store.get_tour("tiny", 1).title["en"] == "Tiny tour"
    assert [(r.number, r.author, r.message) for r in store.revisions("tiny")] == [
        (1, "a", ""), (2, "b", "retitled")]


def test_restore_makes_an_old_revision_current_as_a_new_revision(store):
    tour = tour_with_media(store)
    store.save_tour(tour)
    tour.title["en"] = "Changed"
    store.save_tour(tour)
    assert store.restore("tiny", 1) == 3
    assert store.get_tour("tiny").title["en"] == "Tiny tour"
    assert store.get_tour("tiny", 2).title["en"] == "Changed"
    assert len(store.revisions("tiny")) == 3


def test_a_stale_save_is_refused_and_loses_nothing(store):
    tour = tour_with_media(store)
    store.save_tour(tour)
    tour.title["en"] = "Editor A"
    store.save_tour(tour, expected_revision=1)
    tour.title["en"] = "Editor B"
    with pytest.raises(StoreError, match="changed since revision 1"):
        store.save_tour(tour, expected_revision=1)
    assert store.get_tour("tiny").title["en"] == "Editor A"
    assert len(store.revisions("tiny")) == 2


def test_concurrent_saves_all_get_distinct_revisions(store):
    tour = tour_with_media(store)
    store.save_tour(tour)
    numbers, errors = [], []

    def save():
        try:
            numbers.append(store.save_tour(tour))
        except StoreError as exc:  # a lost race is reported, never silent
            errors.append(exc)

    threads = [threading.Thread(target=save) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(numbers) + len(errors) == 8
    assert len(set(numbers)) == len(numbers)
    assert len(store.revisions("tiny")) == 1 + len(numbers)


def test_saving_a_tour_whose_media_is_missing_is_refused(store):
    tour = tour_with_media(store)
    tour.media["media/yard.jpg"] = MediaInfo(sha256="0" * 64, type="image/jpeg", size=1)
    with pytest.raises(StoreError, match="media not in the store: media/yard.jpg"):
        store.save_tour(tour)
    assert not store.has_tour("tiny")


def test_unknown_tour_and_revision_are_clear_errors(store):
    with pytest.raises(StoreError, match="no tour with id 'nope'"):
        store.get_tour("nope")
    store.save_tour(tour_with_media(store))
    with pytest.raises(StoreError, match="has no revision 7"):
        store.get_tour("tiny", 7)


def test_media_is_content_addressed_and_stored_once(store):
    first = store.media.add_bytes(YARD)
    second, size = store.media.add_stream(io.BytesIO(YARD))
    assert first == second == hashlib.sha256(YARD).hexdigest()
    assert size == len(YARD)
    assert store.media.read_bytes(first) == YARD
    files = [p for p in store.media.root.rglob("*") if p.is_file()]
    assert files == [store.media.path(first)]


def test_a_failed_media_write_leaves_no_partial_file(store):
    class Broken(io.RawIOBase):
        def __init__(self):
            self.calls = 0

        def read(self, n=-1):
            self.calls += 1
            if self.calls > 2:
                raise OSError("disk went away")
            return b"x" * 1000

    with pytest.raises(OSError):
        store.media.add_stream(Broken())
    assert [p for p in store.media.root.rglob("*") if p.is_file()] == []


def test_list_and_delete(store):
    store.save_tour(tour_with_media(store))
    store.save_tour(tour_with_media(store, id="other"))
    assert [s.id for s in store.list_tours()] == ["other", "tiny"]
    summary = store.list_tours()[1]
    assert (summary.revision, summary.scenes, summary.languages) == (1, 2, ["mn", "en"])
    store.delete_tour("other")
    assert [s.id for s in store.list_tours()] == ["tiny"]
    assert not store.has_tour("other")
    store.save_tour(tour_with_media(store, id="other"))
    assert store.get_tour("other").id == "other"
    assert len(store.revisions("other")) == 2


def test_the_store_reopens_with_its_data(database_url, data_dir):
    url = database_url
    first = Store(url, data_dir / "media")
    first.save_tour(tour_with_media(first))
    first.close()
    again = Store(url, data_dir / "media")
    assert again.get_tour("tiny").title["mn"] == "Жижиг аялал"
    again.close()


def test_the_order_of_scenes_and_quizzes_survives_storage(store):
    doc = minimal_document()
    doc["scenes"] = {"zeta": doc["scenes"]["yard"], "alpha": doc["scenes"]["hall"]}
    doc["start_scene"] = "zeta"
    doc["scenes"]["zeta"]["hotspots"][0]["target"] = "alpha"
    doc["scenes"]["alpha"]["hotspots"][0]["target"] = "zeta"
    doc["scenes"]["zeta"]["panorama"], doc["scenes"]["alpha"]["panorama"] = "media/yard.jpg", "media/hall.jpg"
    tour = load_tour(doc)
    for key, data in (("media/yard.jpg", YARD), ("media/hall.jpg", HALL)):
        tour.media[key] = MediaInfo(sha256=store.media.add_bytes(data), type="image/jpeg", size=len(data))
    store.save_tour(tour)
    assert list(store.get_tour("tiny").scenes) == ["zeta", "alpha"]
