"""The app's account pages, as each role uses them: signing in and out, one's own password,
the admin's user pages, sharing a tour, comments, and a tours list that shows each person
their tours and only the actions they may take."""

from __future__ import annotations

import re

from tests.signin import PASSWORD, make_user, sign_in

EN = {"Accept-Language": "en"}


def text(response) -> str:
    return response.get_data(as_text=True)


def signed_in(app, name, role="author", tours=(), owner=False):
    user = make_user(app, name, role)
    for tour_id in tours:
        app.extensions["tourbuilder.accounts"].share(tour_id, user.id, owner=owner)
    client = app.test_client()
    sign_in(client, name)
    client.user = user
    return client


def test_a_visitor_is_sent_to_sign_in_and_comes_back_where_they_were_going(tiny_app):
    make_user(tiny_app, "tuya", "author")
    client = tiny_app.test_client()
    response = client.get("/account?tab=password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account?tab%3Dpassword"
    page = client.get(response.headers["Location"], headers=EN)
    assert 'name="next" value="/account?tab=password"' in text(page)
    wrong = client.post("/login", data={"name": "tuya", "password": "nope", "next": "/account"}, headers=EN)
    assert wrong.status_code == 200
    assert '<p class="problem" role="alert">Wrong name or password.</p>' in text(wrong)
    assert 'value="tuya"' in text(wrong)
    unknown = client.post("/login", data={"name": "nobody", "password": "nope"}, headers=EN)
    assert "Wrong name or password." in text(unknown)  # the same answer: no way to find names
    right = client.post("/login", data={"name": "TUYA", "password": PASSWORD, "next": "/account"})
    assert right.headers["Location"] == "/account"
    assert client.get("/login").headers["Location"] == "/"  # already signed in
    out = client.post("/logout")
    assert out.headers["Location"] == "/login"
    assert "You are signed out." in text(client.get("/login", headers=EN))
    assert client.get("/account").status_code == 302


def test_everyone_changes_their_own_password(tiny_app):
    client = signed_in(tiny_app, "tuya")
    for form, problem in (
        ({"current_password": "wrong one!", "new_password": "new password 1", "confirm_password": "new password 1"},
         "The current password is not right."),
        ({"current_password": PASSWORD, "new_password": "new password 1", "confirm_password": "new password 2"},
         "The two new passwords are not the same."),
        ({"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
         "A password needs at least 10 characters."),
    ):
        response = client.post("/account/password", data=form)
        assert response.status_code == 400
        assert problem in text(response)
    done = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "new password 1",
                                                  "confirm_password": "new password 1"}, follow_redirects=True)
    assert "Your password is changed. You are signed out everywhere else." in text(done)
    sign_in(tiny_app.test_client(), "tuya", "new password 1")


def test_the_tours_list_shows_each_person_their_tours_and_their_actions(tiny_app):
    store = tiny_app.extensions["tourbuilder.store"]
    other = store.get_tour("tiny")
    other.id = "other"
    store.save_tour(other)

    def row(client, tour_id):
        html = text(client.get("/"))
        match = re.search(rf'<tr data-tour-id="{tour_id}">(.*?)</tr>', html, re.S)
        return match.group(1) if match else None

    admin = signed_in(tiny_app, "boss", "admin")
    owner = signed_in(tiny_app, "owner", tours=["tiny"], owner=True)
    author = signed_in(tiny_app, "author", tours=["tiny"])
    reviewer = signed_in(tiny_app, "reviewer", "reviewer", tours=["tiny"])
    stranger = signed_in(tiny_app, "stranger")
    assert row(admin, "tiny") and row(admin, "other")
    for client in (owner, author, reviewer):
        assert row(client, "tiny") and row(client, "other") is None
    assert row(stranger, "tiny") is None
    assert "No tour is shared with you yet" in text(stranger.get("/"))
    for client, export, sharing in ((admin, True, True), (owner, True, True), (author, True, False),
                                    (reviewer, False, False)):
        html = row(client, "tiny")
        assert ("/tours/tiny/export" in html) is export, client.user.name
        assert ("/tours/tiny/sharing" in html) is sharing, client.user.name
        assert "/tours/tiny/preview?lang=mn" in html and "/tours/tiny/comments" in html
    assert 'href="/admin/users"' in text(admin.get("/")) and 'href="/admin/users"' not in text(owner.get("/"))


def test_the_admin_adds_a_user_with_a_password_shown_once(tiny_app):
    admin = signed_in(tiny_app, "boss", "admin")
    response = admin.post("/admin/users", data={"name": "Bat", "role": "reviewer", "language": "en"})
    assert response.status_code == 200
    password = re.search(r"<span class=\"secret\" data-password>([^<]+)</span>", text(response)).group(1)
    assert len(password) == 16
    sign_in(tiny_app.test_client(), "bat", password)
    assert "data-password" not in text(admin.get("/admin/users"))  # once only
    chosen = admin.post("/admin/users", data={"name": "saraa", "role": "author", "password": "chosen by the admin"})
    assert chosen.headers["Location"] == "/admin/users"
    sign_in(tiny_app.test_client(), "saraa", "chosen by the admin")
    taken = admin.post("/admin/users", data={"name": "SARAA", "role": "author"})
    assert taken.status_code == 400 and "There is already a user “saraa”." in text(taken)
    assert 'value="SARAA"' in text(taken)  # the form keeps what was typed


def test_the_admin_changes_role_and_state_resets_a_password_and_deletes(tiny_app):
    accounts = tiny_app.extensions["tourbuilder.accounts"]
    admin = signed_in(tiny_app, "boss", "admin")
    author = signed_in(tiny_app, "tuya", tours=["tiny"])
    uid = author.user.id
    page = text(admin.get(f"/admin/users/{uid}"))
    assert "User “tuya”" in page and 'href="/tours/tiny/sharing"' in page
    assert admin.post(f"/admin/users/{uid}", data={"role": "reviewer", "active": "1", "language": "mn"}).status_code == 302
    assert accounts.get_user(uid).role == "reviewer" and accounts.get_user(uid).language == "mn"
    assert author.get("/").status_code == 302  # a new role: signed in again
    admin.post(f"/admin/users/{uid}", data={"role": "author", "active": "0"})
    assert accounts.get_user(uid).active is False
    refused = tiny_app.test_client().post("/login", data={"name": "tuya", "password": PASSWORD})
    assert refused.status_code == 200  # the form again: a disabled user cannot sign in
    admin.post(f"/admin/users/{uid}", data={"role": "author", "active": "1"})
    reset = admin.post(f"/admin/users/{uid}/password", data={})
    password = re.search(r"data-password>([^<]+)<", text(reset)).group(1)
    sign_in(tiny_app.test_client(), "tuya", password)
    given = admin.post(f"/admin/users/{uid}/password", data={"password": "set by the admin"})
    assert given.status_code == 302
    sign_in(tiny_app.test_client(), "tuya", "set by the admin")
    # Not to oneself: no demotion, no disabling, no deleting.
    me = admin.user.id
    for path, data in ((f"/admin/users/{me}", {"role": "author", "active": "1"}),
                       (f"/admin/users/{me}", {"role": "admin", "active": "0"}),
                       (f"/admin/users/{me}/delete", {})):
        assert admin.post(path, data=data).status_code == 400
    assert accounts.get_user(me).role == "admin"
    assert admin.post(f"/admin/users/{uid}/delete").headers["Location"] == "/admin/users"
    assert accounts.get_user(uid) is None
    assert admin.get(f"/admin/users/{uid}").status_code == 404


def test_an_owner_shares_a_tour_and_takes_it_back(tiny_app):
    owner = signed_in(tiny_app, "owner", tours=["tiny"], owner=True)
    reviewer = signed_in(tiny_app, "saraa", "reviewer")
    assert reviewer.get("/tours/tiny/comments").status_code == 404
    page = text(owner.get("/tours/tiny/sharing"))
    assert '<option value="saraa">' in page and "owner: edit and share" in page
    shared = owner.post("/tours/tiny/sharing", data={"name": "saraa"}, follow_redirects=True)
    assert "Shared with “saraa”." in text(shared)
    assert reviewer.get("/tours/tiny/comments").status_code == 200
    assert reviewer.get("/tours/tiny/sharing").status_code == 403
    as_owner = owner.post("/tours/tiny/sharing", data={"name": "saraa", "owner": "1"})
    assert as_owner.status_code == 400 and "a reviewer cannot own a tour" in text(as_owner)
    nobody = owner.post("/tours/tiny/sharing", data={"name": "nobody"})
    assert nobody.status_code == 400
    assert owner.post(f"/tours/tiny/sharing/{owner.user.id}/remove").status_code == 400  # not oneself
    removed = owner.post(f"/tours/tiny/sharing/{reviewer.user.id}/remove", follow_redirects=True)
    assert "“saraa” no longer has this tour." in text(removed)
    assert reviewer.get("/tours/tiny/comments").status_code == 404


def test_reviewers_and_authors_comment(tiny_app):
    reviewer = signed_in(tiny_app, "saraa", "reviewer", tours=["tiny"])
    author = signed_in(tiny_app, "tuya", tours=["tiny"])
    done = reviewer.post("/tours/tiny/comments", data={"text": "<b>Hall</b>: the label is cut."},
                         follow_redirects=True)
    assert "Comment added." in text(done)
    assert "&lt;b&gt;Hall&lt;/b&gt;: the label is cut." in text(done)  # shown as text, never as markup
    empty = author.post("/tours/tiny/comments", data={"text": "   "})
    assert empty.status_code == 400 and "Write something first." in text(empty)
    author.post("/tours/tiny/comments", data={"text": "Fixed."})
    page = text(author.get("/tours/tiny/comments"))
    assert page.index("saraa") < page.index("Fixed.")
    assert reviewer.post("/tours/tiny/export", data={"format": "folder"}).status_code == 403
