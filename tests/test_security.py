"""Access security of the app (issue 8, item 1): argon2 hashes, session cookies, server-side
sessions, login rate limits shared by workers, CSRF on every state-changing route, security
headers and the Content-Security-Policy, and the sandbox that serves tour content.

The route-by-role table is test_security_routes.py.
"""

from __future__ import annotations


import os
import re
import stat
import time
from datetime import timedelta

import pytest

from tourbuilder.accounts import LoginLimits
from tourbuilder.app import create_app
from tourbuilder.app.sandbox import GRANT_SECONDS, grant_url
from tourbuilder.store.db import utcnow
from tests.signin import PASSWORD, AppClient, make_user, sign_in


def accounts_of(app):
    return app.extensions["tourbuilder.accounts"]


def login_post(client, name, password, **kw):
    return client.post("/login", data={"name": name, "password": password}, **kw)


# --- passwords ---------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes_and_rehashed_when_the_parameters_change(tiny_app):
    accounts = accounts_of(tiny_app)
    user = make_user(tiny_app, "tuya", "author")
    from sqlalchemy import select

    from tourbuilder.accounts.db import UserRow

    def stored():
        with accounts._session() as session:
            return session.scalar(select(UserRow.password_hash).where(UserRow.id == user.id))

    first = stored()
    assert first.startswith("$argon2id$") and PASSWORD not in first
    # The app's own default is RFC 9106's low-memory profile (64 MiB, 3 passes).
    from tourbuilder.accounts.passwords import hasher
    accounts.hasher = hasher()
    assert accounts.hasher.memory_cost == 65536 and accounts.hasher.time_cost == 3
    accounts.authenticate("tuya", PASSWORD, "10.0.0.1")
    second = stored()
    assert second != first and "m=65536,t=3" in second
    assert accounts.authenticate("tuya", PASSWORD, "10.0.0.1").name == "tuya"


def test_the_secret_key_is_generated_once_kept_private_and_reused(tmp_path):
    data = tmp_path / "data"
    first = create_app({"DATA": str(data)})
    key_file = data / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert first.secret_key == key_file.read_text().strip() and len(first.secret_key) == 64
    second = create_app({"DATA": str(data)})
    assert second.secret_key == first.secret_key
    given = create_app({"DATA": str(data), "SECRET_KEY": "from-the-setting"})
    assert given.secret_key == "from-the-setting"
    for app in (first, second, given):
        app.extensions["tourbuilder.store"].close()


# --- cookies and sessions ----------------------------------------------------------------


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(tiny_app):
    make_user(tiny_app, "tuya", "author")
    plain = tiny_app.test_client()
    cookie = sign_in(plain, "tuya").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert cookie.startswith("tourbuilder_session=")
    secure = tiny_app.test_client()
    # Over https the CSRF check also wants a Referer of this site (browsers send it: Referrer-Policy same-origin).
    data = {"name": "tuya", "password": PASSWORD}
    assert secure.post("/login", data=data, base_url="https://localhost").status_code == 400
    assert secure.post("/login", data=data, base_url="https://localhost",
                       headers={"Referer": "https://evil.example/login"}).status_code == 400
    response = secure.post("/login", data=data, base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"})
    assert response.status_code == 302
    assert "; Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_behind_a_trusted_proxy_https_is_seen_and_the_cookie_is_secure(tiny_app, tmp_path):
    app = create_app({"DATA": tiny_app.config["DATA"], "ARGON2_PROFILE": "CHEAPEST", "TRUST_PROXY": 1})
    app.test_client_class = AppClient
    make_user(app, "tuya", "author")
    client = app.test_client()
    response = client.post("/login", data={"name": "tuya", "password": PASSWORD},
                           headers={"X-Forwarded-Proto": "https", "Referer": "https://localhost/login"})
    assert "; Secure" in response.headers["Set-Cookie"]
    app.extensions["tourbuilder.store"].close()


def test_signing_in_replaces_the_session_and_signing_out_ends_it_on_the_server(tiny_app):
    make_user(tiny_app, "tuya", "author")
    client = tiny_app.test_client()
    client.get("/login")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    sign_in(client, "tuya")
    with client.session_transaction() as after:
        assert "planted" not in after and "sid" in after
        stolen = dict(after)
    assert client.get("/account").status_code == 200
    assert client.post("/logout").status_code == 302
    # The old cookie (say, copied before signing out) no longer signs anyone in.
    replay = tiny_app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)
    assert replay.get("/account").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_a_disabled_user_is_out_at_once(tiny_app):
    user = make_user(tiny_app, "tuya", "author")
    phone, laptop = tiny_app.test_client(), tiny_app.test_client()
    sign_in(phone, "tuya")
    sign_in(laptop, "tuya")
    new = PASSWORD + " 2"
    response = laptop.post("/account/password", data={"current_password": PASSWORD, "new_password": new,
                                                      "confirm_password": new})
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    accounts_of(tiny_app).update_user(user.id, active=False)
    assert laptop.get("/account").status_code == 302
    assert login_post(tiny_app.test_client(), "tuya", new).status_code == 200  # refused: the form again


def test_sessions_expire(tiny_app):
    make_user(tiny_app, "tuya", "author")
    client = tiny_app.test_client()
    sign_in(client, "tuya")
    accounts = accounts_of(tiny_app)
    accounts.clock = lambda: utcnow() + accounts.session_lifetime + timedelta(minutes=1)
    assert client.get("/account").status_code == 302


def test_after_signing_in_only_a_path_of_this_app_is_followed(tiny_app):
    make_user(tiny_app, "tuya", "author")
    for target, lands in (("/account", "/account"), ("https://evil.example/", "/"), ("//evil.example/x", "/"),
                          ("/\\evil.example", "/"), ("javascript:alert(1)", "/")):
        client = tiny_app.test_client()
        response = client.post("/login", data={"name": "tuya", "password": PASSWORD, "next": target})
        assert response.headers["Location"] == lands, target


# --- rate limiting -----------------------------------------------------------------------


@pytest.fixture
def limited_app(tiny_app):
    accounts_of(tiny_app).limits = LoginLimits(per_account=3, per_ip=5, window=timedelta(minutes=10))
    make_user(tiny_app, "tuya", "author")
    make_user(tiny_app, "bat", "author")
    return tiny_app


def test_failed_sign_ins_lock_the_account_for_a_while_even_with_the_right_password(limited_app):
    accounts = accounts_of(limited_app)
    client = limited_app.test_client()
    for _ in range(3):
        assert login_post(client, "tuya", "wrong password").status_code == 200
    refused = login_post(client, "tuya", PASSWORD, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert "Too many failed sign-ins: try again in 10 minutes." in refused.get_data(as_text=True)
    # Another address is refused too (it is the account that is locked), the other account is not.
    other = limited_app.test_client()
    assert login_post(other, "tuya", PASSWORD, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 429
    assert login_post(other, "bat", PASSWORD).status_code == 302
    # After the window, the right password works again, and a success starts the count afresh.
    later = utcnow() + timedelta(minutes=11)
    accounts.clock = lambda: later
    assert login_post(limited_app.test_client(), "tuya", PASSWORD).status_code == 302
    for _ in range(2):
        login_post(client, "tuya", "wrong password")
    assert login_post(limited_app.test_client(), "tuya", PASSWORD).status_code == 302


def test_one_address_trying_many_names_is_stopped(limited_app):
    client = limited_app.test_client()
    for n in range(5):
        assert login_post(client, f"guess{n}", "wrong password").status_code == 200
    assert login_post(client, "bat", PASSWORD).status_code == 429
    elsewhere = limited_app.test_client()
    assert login_post(elsewhere, "bat", PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302


def test_the_counts_are_in_the_database_so_every_worker_sees_them(limited_app):
    worker_a = limited_app
    worker_b = create_app({"DATA": worker_a.config["DATA"], "ARGON2_PROFILE": "CHEAPEST",
                           "LOGIN_LIMITS": accounts_of(worker_a).limits})
    worker_b.test_client_class = AppClient
    try:
        for worker in (worker_a, worker_b, worker_a):
            login_post(worker.test_client(), "tuya", "wrong password")
        assert login_post(worker_b.test_client(), "tuya", PASSWORD).status_code == 429
        # Sessions live in the database as well: signed in on one worker is signed in on the other.
        client = worker_a.test_client()
        sign_in(client, "bat")
        with client.session_transaction() as session:
            cookie = dict(session)
        other = worker_b.test_client()
        with other.session_transaction() as session:
            session.update(cookie)
        assert other.get("/account").status_code == 200
    finally:
        worker_b.extensions["tourbuilder.store"].close()


# --- CSRF --------------------------------------------------------------------------------


def test_every_state_changing_route_refuses_a_request_without_the_csrf_token(tiny_app):
    make_user(tiny_app, "boss", "admin")
    victim = make_user(tiny_app, "victim", "author")
    client = tiny_app.test_client()
    sign_in(client, "boss")
    unsafe = sorted((rule.rule, method) for rule in tiny_app.url_map.iter_rules()
                    for method in rule.methods - {"GET", "HEAD", "OPTIONS"})
    assert len(unsafe) >= 10
    for rule, method in unsafe:
        path = rule.replace("<tour_id>", "tiny").replace("<int:user_id>", str(victim.id))
        path = re.sub(r"<[^>]+>", "1", path)  # other parts (a revision, a job): any value reaches the check
        for token in (None, "forged"):
            headers = {"X-CSRFToken": token} if token else {}
            response = client.open(path, method=method, data={"name": "x", "format": "web", "text": "x"},
                                   headers=headers, csrf=False)
            assert response.status_code == 400, (method, path, token)
            if path.startswith("/api/"):  # API clients are told what to send
                assert "X-CSRFToken" in response.get_json()["error"]["message"], (method, path)
            else:
                assert "did not come from this app" in response.get_data(as_text=True), (method, path)
    # Nothing happened: the victim is still there, and nobody signed out.
    assert accounts_of(tiny_app).get_user(victim.id) is not None
    assert client.get("/account").status_code == 200


def test_the_sign_in_form_itself_needs_the_token(tiny_app):
    make_user(tiny_app, "tuya", "author")
    response = tiny_app.test_client().post("/login", data={"name": "tuya", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400


def test_the_token_of_one_session_is_no_good_in_another(tiny_app):
    make_user(tiny_app, "tuya", "author")
    mine, theirs = tiny_app.test_client(), tiny_app.test_client()
    sign_in(mine, "tuya")
    sign_in(theirs, "tuya")
    token = theirs.csrf_token()
    response = mine.post("/logout", headers={"X-CSRFToken": token}, csrf=False)
    assert response.status_code == 400


# --- headers and the sandbox -------------------------------------------------------------


def test_app_pages_carry_the_security_headers_and_a_strict_csp(tiny_app):
    make_user(tiny_app, "boss", "admin")
    client = tiny_app.test_client()
    for response in (client.get("/login"), (sign_in(client, "boss"), client.get("/"))[1],
                     client.get("/admin/users"), client.get("/no/such/page")):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        for part in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                     "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"):
            assert part in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert headers["Cache-Control"] == "no-store"
    html = client.get("/").get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
    assert scripts and all(body.strip() == "" for body in scripts), "only script files, no inline script"
    assert all(re.search(r'src="/static/', tag) for tag in re.findall(r"<script\b[^>]*>", html))
    assert "style=" not in html and "<style" not in html


def test_tour_content_is_served_only_sandboxed(tiny_app):
    make_user(tiny_app, "boss", "admin")
    client = tiny_app.test_client()
    sign_in(client, "boss")
    player_url = client.get("/tours/tiny/preview").headers["Location"]
    page = client.get(player_url)
    csp = page.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox allow-scripts ")
    assert "allow-same-origin" not in csp and "allow-top-navigation" not in csp
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in page.headers  # the sandbox never reads or writes the session
    media = client.get(player_url + "media/" + "0" * 64 + ".jpg")
    assert media.status_code == 404 and media.headers["Content-Security-Policy"].startswith("sandbox")


def test_a_sandbox_grant_is_for_one_user_and_ends_with_their_access(tiny_app, monkeypatch):
    accounts = accounts_of(tiny_app)
    author = make_user(tiny_app, "tuya", "author")
    accounts.share("tiny", author.id)
    with tiny_app.test_request_context():
        url = grant_url("tiny", author)
    client = tiny_app.test_client()
    assert client.get(url).status_code == 200
    # A grant changed by hand, the end of the user's access, a disabled user, an old grant: 404.
    grant = url.split("/")[2]
    assert client.get(url.replace(grant, grant[:-2] + ("AA" if grant[-2:] != "AA" else "BB"))).status_code == 404
    accounts.unshare("tiny", author.id)
    assert client.get(url).status_code == 404
    accounts.share("tiny", author.id)
    assert client.get(url).status_code == 200
    accounts.update_user(author.id, active=False)
    assert client.get(url).status_code == 404
    accounts.update_user(author.id, active=True)
    assert client.get(url).status_code == 200
    import itsdangerous.timed

    later = time.time() + GRANT_SECONDS + 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    assert client.get(url).status_code == 404
