"""Accounts in the tours' database (tourbuilder/accounts): users, roles, per-tour access,
comments; the `tourbuilder user` commands; the first admin on the first start of `serve`."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from tourbuilder.accounts import Access, AccountError, Accounts
from tourbuilder.accounts.passwords import hasher
from tourbuilder.app import create_app
from tourbuilder.app.first_start import first_start
from tourbuilder.importing import import_tour
from tests.signin import PASSWORD


@pytest.fixture
def accounts(store, tiny_folder):
    import_tour(store, tiny_folder)
    return Accounts(store, hasher=hasher("CHEAPEST"))


def test_the_accounts_tables_live_in_the_tours_database(accounts, store):
    tables = set(inspect(store.engine).get_table_names())
    assert {"tours", "revisions", "users", "user_sessions", "tour_access", "login_attempts", "sign_in_tokens",
            "comments"} <= tables


def test_names_are_compared_in_one_form_and_the_rules_are_checked(accounts):
    made = accounts.create_user("  Tuya.B ", PASSWORD)
    assert made.name == "tuya.b" and made.role == "author" and made.language == "mn"
    assert accounts.find_user("TUYA.B").id == made.id
    assert accounts.create_user("Дулмаа", PASSWORD).name == "дулмаа"  # Mongolian names are fine
    for name, password, role, code in (
        ("tuya.b", PASSWORD, "author", "name_taken"),
        ("a b", PASSWORD, "author", "bad_name"),
        ("-x", PASSWORD, "author", "bad_name"),
        ("x" * 65, PASSWORD, "author", "bad_name"),
        ("bold", "short", "author", "short_password"),
        ("bold", "x" * 1025, "author", "long_password"),
        ("boldbaatar", "BoldBaatar", "author", "name_password"),
        ("bold", PASSWORD, "owner", "bad_role"),
    ):
        with pytest.raises(AccountError) as caught:
            accounts.create_user(name, password, role=role)
        assert caught.value.code == code, (name, password, role)


def test_what_each_role_may_do_with_a_tour(accounts):
    admin = accounts.create_user("boss", PASSWORD, role="admin")
    owner = accounts.create_user("owner", PASSWORD, role="author")
    author = accounts.create_user("author", PASSWORD, role="author")
    stranger = accounts.create_user("stranger", PASSWORD, role="author")
    reviewer = accounts.create_user("reviewer", PASSWORD, role="reviewer")
    accounts.share("tiny", owner.id, owner=True)
    accounts.share("tiny", author.id)
    accounts.share("tiny", reviewer.id)
    assert [accounts.access(u, "tiny") for u in (admin, owner, author, stranger, reviewer, None)] == [
        Access.MANAGE, Access.MANAGE, Access.EDIT, Access.NONE, Access.VIEW, Access.NONE]
    assert accounts.visible_tours(admin) is None
    assert accounts.visible_tours(stranger) == set()
    assert accounts.visible_tours(reviewer) == {"tiny"}
    with pytest.raises(AccountError, match="reviewer cannot own"):
        accounts.share("tiny", reviewer.id, owner=True)
    with pytest.raises(AccountError, match="no tour"):
        accounts.share("nope", author.id)
    assert [(s.user.name, s.owner) for s in accounts.shares("tiny")] == [
        ("author", False), ("owner", True), ("reviewer", False)]
    # A reviewer made an author edits; an author made a reviewer only previews.
    accounts.update_user(reviewer.id, role="author")
    accounts.update_user(author.id, role="reviewer")
    assert accounts.access(accounts.get_user(reviewer.id), "tiny") == Access.EDIT
    assert accounts.access(accounts.get_user(author.id), "tiny") == Access.VIEW
    accounts.unshare("tiny", owner.id)
    assert accounts.access(accounts.get_user(owner.id), "tiny") == Access.NONE


def test_there_is_always_an_active_admin(accounts):
    boss = accounts.create_user("boss", PASSWORD, role="admin")
    for change in (lambda: accounts.update_user(boss.id, role="author"),
                   lambda: accounts.update_user(boss.id, active=False),
                   lambda: accounts.delete_user(boss.id)):
        with pytest.raises(AccountError, match="last active admin"):
            change()
    second = accounts.create_user("second", PASSWORD, role="admin")
    accounts.update_user(boss.id, active=False)
    with pytest.raises(AccountError, match="last active admin"):
        accounts.delete_user(second.id)


def test_deleting_a_user_keeps_their_comments_and_removes_their_access(accounts):
    author = accounts.create_user("tuya", PASSWORD)
    accounts.share("tiny", author.id)
    accounts.add_comment("tiny", author, "  The gold room needs a second hotspot.  ")
    accounts.start_session(author.id)
    accounts.delete_user(author.id)
    [comment] = accounts.comments("tiny")
    assert (comment.author_name, comment.text) == ("tuya", "The gold room needs a second hotspot.")
    assert accounts.shares("tiny") == []
    with pytest.raises(AccountError):
        accounts.add_comment("tiny", author, "   ")


def test_a_one_time_sign_in_token_works_once(accounts):
    boss = accounts.create_user("boss", PASSWORD, role="admin")
    token = accounts.issue_sign_in_token(boss.id)
    assert accounts.redeem_sign_in_token(token).name == "boss"
    assert accounts.redeem_sign_in_token(token) is None
    assert accounts.redeem_sign_in_token("made-up") is None


def test_first_start_makes_the_admin_once_with_a_password_shown_once(tmp_path):
    app = create_app({"DATA": str(tmp_path / "d"), "ARGON2_PROFILE": "CHEAPEST"})
    try:
        lines = first_start(app, "127.0.0.1", 5000)
        assert lines[0].startswith("First start: made the admin 'admin' with the password ")
        password = lines[0].split()[9]
        assert len(password) == 16
        assert lines[1].startswith("Sign in as 'admin': http://127.0.0.1:5000/login/once/")
        accounts = app.extensions["tourbuilder.accounts"]
        assert accounts.authenticate("admin", password, "127.0.0.1").role == "admin"
        # The next start makes nobody and prints no password; only a new link on loopback.
        again = first_start(app, "127.0.0.1", 5000)
        assert len(again) == 1 and again[0].startswith("Sign in as 'admin'")
        assert first_start(app, "0.0.0.0", 5000) == []
        assert first_start(app, "::1", 8000)[0].startswith("Sign in as 'admin': http://[::1]:8000/login/once/")
        # The link signs in, once.
        client = app.test_client()
        link = again[0].split()[4].removeprefix("http://127.0.0.1:5000")
        assert client.get(link).headers["Location"] == "/"
        assert client.get("/account").status_code == 200
        assert app.test_client().get(link).status_code == 404
    finally:
        app.extensions["tourbuilder.store"].close()


def test_the_first_admins_password_can_come_from_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBUILDER_ADMIN_PASSWORD", "from the environment")
    app = create_app({"DATA": str(tmp_path / "d"), "ARGON2_PROFILE": "CHEAPEST"})
    try:
        lines = first_start(app, "10.0.0.5", 5000)
        assert lines == ["First start: made the admin 'admin' with the password from TOURBUILDER_ADMIN_PASSWORD"]
        assert app.extensions["tourbuilder.accounts"].authenticate("admin", "from the environment", "x")
    finally:
        app.extensions["tourbuilder.store"].close()


# --- the command line --------------------------------------------------------------------


def run(*args, input=None):
    from click.testing import CliRunner

    from tourbuilder.cli import cli

    try:
        cli_runner = CliRunner(mix_stderr=False)
    except TypeError:
        cli_runner = CliRunner()
    return cli_runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def test_user_commands_create_list_share_reset_and_delete(tmp_path, tiny_folder):
    data = tmp_path / "d"
    run("--data", data, "import", tiny_folder)
    made = run("--data", data, "user", "create", "Boss", "--role", "admin", "--password-stdin",
               input="a long enough password\n")
    assert (made.exit_code, made.stdout) == (0, "boss\n")
    assert "admin 'boss' created" in made.stderr
    asked = run("user", "create", "tuya", "--data", data, "--language", "en",
                input="another long password\nanother long password\n")
    assert asked.exit_code == 0, asked.stderr
    shared = run("--data", data, "user", "share", "tuya", "tiny", "--owner")
    assert shared.exit_code == 0 and "tiny shared with 'tuya' as owner" in shared.stderr
    listed = run("--data", data, "user", "list").stdout.splitlines()
    assert listed[0].startswith("boss\tadmin\tmn\tactive\tnever\tall tours")
    assert listed[1] == "tuya\tauthor\ten\tactive\tnever\ttiny(owner)"

    again = run("--data", data, "user", "create", "TUYA", "--password-stdin", input="whatever long one\n")
    assert again.exit_code == 2 and again.stderr == "error: there is already a user 'TUYA'\n"
    short = run("--data", data, "user", "create", "bat", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "at least 10 characters" in short.stderr
    empty = run("--data", data, "user", "create", "bat", "--password-stdin", input="")
    assert empty.exit_code == 2 and "no password on standard input" in empty.stderr

    reset = run("--data", data, "user", "password", "tuya", "--password-stdin", input="a brand new one!\n")
    assert reset.exit_code == 0
    app = create_app({"DATA": str(data)})
    try:
        assert app.extensions["tourbuilder.accounts"].authenticate("tuya", "a brand new one!", "x").name == "tuya"
    finally:
        app.extensions["tourbuilder.store"].close()
    assert run("--data", data, "user", "share", "tuya", "tiny", "--remove").exit_code == 0
    assert run("--data", data, "user", "list").stdout.splitlines()[1].endswith("\t-")
    last = run("--data", data, "user", "delete", "boss")
    assert last.exit_code == 2 and "last active admin" in last.stderr
    assert run("--data", data, "user", "delete", "tuya").exit_code == 0
    nobody = run("--data", data, "user", "password", "tuya", "--password-stdin", input="x" * 12 + "\n")
    assert nobody.exit_code == 2 and "there is no user 'tuya'" in nobody.stderr
