"""What must behave the same on SQLite and PostgreSQL: races between workers, what text a column
can hold, timestamps. The suite runs these on both (`make test`; `pytest --database=postgresql`)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from tests.samples import minimal_document

from tourbuilder.accounts import AccountError, Accounts, LoginLimits, RateLimited
from tourbuilder.model import MediaInfo, load_tour
from tourbuilder.store import Store, StoreError
from tourbuilder.store.db import utcnow

PASSWORD = "a long enough password"
PICTURE = b"\xff\xd8 a picture \xff\xd9"


def saved_tour(store: Store):
    tour = load_tour(minimal_document())
    for key in ("media/yard.jpg", "media/hall.jpg"):
        tour.media[key] = MediaInfo(sha256=store.media.add_bytes(PICTURE), type="image/jpeg", size=len(PICTURE))
    store.save_tour(tour)
    return tour


def test_the_suite_runs_on_the_database_it_was_asked_for(store, request):
    assert store.engine.dialect.name == request.config.getoption("--database")


def in_parallel(count: int, work) -> list:
    """Run work(i) on ``count`` threads released at the same moment; return results or exceptions."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        start.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # the outcome to check
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_workers_saving_at_the_same_moment_get_distinct_numbers_or_a_clear_error(store, database_url, data_dir):
    tour = saved_tour(store)
    # Separate Store objects: separate connection pools, like separate app processes.
    workers = [Store(database_url, data_dir / "media") for _ in range(6)]
    try:
        results = in_parallel(6, lambda i: workers[i].save_tour(tour, author=f"w{i}"))
    finally:
        for worker in workers:
            worker.close()
    numbers = [r for r in results if isinstance(r, int)]
    errors = [r for r in results if not isinstance(r, int)]
    assert numbers, "at least one save gets through"
    assert all(isinstance(e, StoreError) and "at the same moment" in str(e) for e in errors), errors
    assert len(set(numbers)) == len(numbers)
    assert [r.number for r in store.revisions("tiny")] == list(range(1, 2 + len(numbers)))


def test_two_editors_from_the_same_revision_one_wins_the_other_is_told(store, database_url, data_dir):
    tour = saved_tour(store)
    workers = [Store(database_url, data_dir / "media") for _ in range(4)]
    try:
        results = in_parallel(4, lambda i: workers[i].save_tour(tour, expected_revision=1))
    finally:
        for worker in workers:
            worker.close()
    assert sorted(r for r in results if isinstance(r, int)) == [2]
    assert all(isinstance(r, StoreError) for r in results if not isinstance(r, int))


def slow_enough_hasher() -> PasswordHasher:
    # A few milliseconds per check: long enough that parallel sign-ins overlap.
    return PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1)


def test_a_burst_of_parallel_wrong_passwords_gets_no_more_guesses_than_the_limit(store):
    limits = LoginLimits(per_account=3, per_ip=1000, window=timedelta(minutes=10))
    hasher = slow_enough_hasher()
    Accounts(store, hasher=hasher, limits=limits).create_user("tuya", PASSWORD)
    # Each thread is a worker of its own (its own Accounts), all on the same database.
    workers = [Accounts(store, hasher=hasher, limits=limits) for _ in range(12)]
    results = in_parallel(12, lambda i: workers[i].authenticate("tuya", f"guess number {i}", f"10.0.0.{i}"))
    checked = [r for r in results if isinstance(r, AccountError) and r.code == "wrong_login"]
    refused = [r for r in results if isinstance(r, RateLimited)]
    assert len(checked) + len(refused) == 12, results
    # At most the limit (when every attempt is written down before any is counted, all may be refused).
    assert len(checked) <= limits.per_account, f"{len(checked)} passwords were checked"
    # The refused attempts did not count: after the window, the right password works at once.
    later = utcnow() + timedelta(minutes=11)
    workers[0].clock = lambda: later
    assert workers[0].authenticate("tuya", PASSWORD, "10.0.0.1").name == "tuya"


def test_control_characters_in_names_comments_and_addresses_are_no_server_error(store):
    accounts = Accounts(store, hasher=slow_enough_hasher())
    saved_tour(store)
    user = accounts.create_user("tuya", PASSWORD)
    with pytest.raises(AccountError) as wrong:
        accounts.authenticate("tu\x00ya", PASSWORD, "10.0.0.1\x00")
    assert wrong.value.code == "wrong_login"
    assert accounts.find_user("tu\x00ya") is None
    with pytest.raises(AccountError) as bad:
        accounts.create_user("bat\x00", PASSWORD)
    assert bad.value.code == "bad_name"
    comment = accounts.add_comment("tiny", user, "fine\x00 work\x07")
    assert [c.text for c in accounts.comments("tiny")] == [comment.text] == ["fine work"]


def test_times_are_naive_utc_and_keep_their_microseconds(store):
    before = utcnow()
    tour = saved_tour(store)
    store.save_tour(tour, message="again")
    created = [r.created_at for r in store.revisions("tiny")]
    assert all(t.tzinfo is None for t in created)
    assert before - timedelta(seconds=1) <= created[0] <= created[1] <= utcnow() + timedelta(seconds=1)
    accounts = Accounts(store, hasher=slow_enough_hasher())
    exact = datetime(2024, 2, 29, 23, 59, 58, 123456)
    accounts.clock = lambda: exact
    user = accounts.create_user("tuya", PASSWORD)
    assert accounts.get_user(user.id).created_at == exact


@pytest.mark.parametrize("role", ["admin", "author"])
def test_a_nul_in_an_address_or_a_form_is_not_found_not_a_server_error(login, client, role):
    signed_in = login(role)
    for url in ("/api/tours/a%00b", "/api/tours/a%00b/revisions", "/tours/a%00b/preview", "/media/a%00b"):
        assert signed_in.get(url).status_code == 404, url
    refused = client.post("/login", data={"name": "adm\x00in", "password": "whatever it is"})
    assert refused.status_code == 200  # the form again, with "wrong name or password"


@pytest.mark.filterwarnings("ignore::tests.pg.StraySQLite")  # the second store is SQLite on purpose
def test_an_export_is_the_same_bytes_whatever_the_database(demo_store, demo_folder, tmp_path):
    """Why the browser tests that play an export (marked exported_player) run on SQLite only:
    the exported files do not depend on the database they came from."""
    import hashlib

    from tourbuilder.export import export_tour
    from tourbuilder.importing import import_tour

    def files(folder):
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    on_sqlite = Store(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other-media")
    try:
        import_tour(on_sqlite, demo_folder)
        export_tour(demo_folder.name, "web", tmp_path / "a", store=demo_store)
        export_tour(demo_folder.name, "web", tmp_path / "b", store=on_sqlite)
    finally:
        on_sqlite.close()
    exported = files(tmp_path / "a")
    assert len(exported) > 50 and exported == files(tmp_path / "b")
