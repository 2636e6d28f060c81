"""Every route of the app, with every role and with no sign-in, answers as declared here.

ROUTES names each (endpoint, method) of ``app.url_map``: who may call it and what a
successful call answers. A route missing from ROUTES fails the test, so a new route needs
an expectation here (and a policy in tourbuilder/app/security.py, or the app refuses to
start). Each call is made by a fresh client, signed in through the real form, with the
CSRF token the app's forms carry, against fresh targets (a new user to delete, a new
one-time link...), so no call depends on another.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from dataclasses import dataclass, field
from typing import Callable

from tourbuilder.app.security import policy_of
from tourbuilder.app.sandbox import grant_url
from tests.signin import PASSWORD, make_user, sign_in

TOUR = "tiny"

#: Who calls: no one signed in, then each role with and without the tour.
#: name -> (role, access to the tour: None, "shared" or "owner")
WHO = {
    "anonymous": (None, None),
    "outsider": ("reviewer", None),
    "reviewer": ("reviewer", "shared"),
    "stranger": ("author", None),
    "author": ("author", "shared"),
    "owner": ("author", "owner"),
    "admin": ("admin", None),
}
OK, SIGN_IN = "ok", "sign in"
#: What each policy gives each caller: OK, SIGN_IN (GET: redirect to the sign-in page; else 401) or a status.
ALLOWED = {
    "public": dict.fromkeys(WHO, OK),
    "capability": dict.fromkeys(WHO, OK),
    "signed_in": {**dict.fromkeys(WHO, OK), "anonymous": SIGN_IN},
    "admin": {**dict.fromkeys(WHO, 403), "anonymous": SIGN_IN, "admin": OK},
    "tour:view": {"anonymous": SIGN_IN, "outsider": 404, "reviewer": OK, "stranger": 404, "author": OK,
                  "owner": OK, "admin": OK},
    "tour:edit": {"anonymous": SIGN_IN, "outsider": 404, "reviewer": 403, "stranger": 404, "author": OK,
                  "owner": OK, "admin": OK},
    "tour:manage": {"anonymous": SIGN_IN, "outsider": 404, "reviewer": 403, "stranger": 404, "author": 403,
                    "owner": OK, "admin": OK},
}


@dataclass(frozen=True)
class Route:
    policy: str
    path: str                      # {tour}, {user_id}, {victim}, {grant}, {token}, {media}, {n}, {job},
    ok: int                        # {done_job}, {conflict} are filled in; the status of a successful call
    data: dict | Callable[[dict], dict] = field(default_factory=dict)  # form fields, or values -> fields
    ok_signed_in: int | None = None  # when a signed-in caller gets another success (e.g. /login redirects)
    json: Callable[[dict], dict] | None = None   # values -> a JSON body (API routes)
    headers: dict = field(default_factory=dict)  # formatted with the values, like path
    differs: dict = field(default_factory=dict)  # who -> expectation, where the policy alone does not decide
    deleted: bool = False          # the call is made while the tour is deleted (in the trash)


def _junk_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a tour")
    return buffer.getvalue()


def _own_xliff(values: dict) -> bytes:
    """The tour's texts as the XLIFF file the translation page gives (mn to en)."""
    from tourbuilder.model import load_tour
    from tourbuilder.translations import write_xliff

    return write_xliff(load_tour(values["document"]), "mn", "en")


def _tone_wav() -> bytes:
    """One second of a tone as WAV: a recording the narration API accepts."""
    import numpy as np
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, 0.3 * np.sin(np.arange(22050) * 0.06), 22050, format="WAV")
    return buffer.getvalue()


#: Reviewers may not make tours (outsider and reviewer are reviewers).
NO_REVIEWERS = {"outsider": 403, "reviewer": 403}


ROUTES = {
    ("static", "GET"): Route("public", "/static/build/player/player.js", 200),
    ("ui.static", "GET"): Route("public", "/ui/app.css", 200),
    ("auth.login", "GET"): Route("public", "/login", 200, ok_signed_in=302),
    ("auth.login", "POST"): Route("public", "/login", 302, {"name": "{victim}", "password": PASSWORD}),
    ("auth.once", "GET"): Route("public", "/login/once/{token}", 302),
    ("auth.language", "POST"): Route("public", "/language", 302, {"language": "mn"}),
    ("auth.logout", "POST"): Route("signed_in", "/logout", 302),
    ("account.index", "GET"): Route("signed_in", "/account", 200),
    ("account.password", "POST"): Route("signed_in", "/account/password", 302, {
        "current_password": PASSWORD, "new_password": PASSWORD, "confirm_password": PASSWORD}),
    ("tours.index", "GET"): Route("signed_in", "/", 200),
    ("media.file", "GET"): Route("signed_in", "/media/{media}", 200),
    ("admin.users", "GET"): Route("admin", "/admin/users", 200),
    ("admin.create_user", "POST"): Route("admin", "/admin/users", 302,
                                         {"name": "new{n}", "role": "author", "password": PASSWORD}),
    ("admin.user", "GET"): Route("admin", "/admin/users/{user_id}", 200),
    ("admin.update_user", "POST"): Route("admin", "/admin/users/{user_id}", 302, {"role": "reviewer"}),
    ("admin.reset_password", "POST"): Route("admin", "/admin/users/{user_id}/password", 302,
                                            {"password": PASSWORD + "!"}),
    ("admin.delete_user", "POST"): Route("admin", "/admin/users/{user_id}/delete", 302),
    # The dashboard's forms (tours.py) call the same service as the API routes below.
    ("tours.create", "POST"): Route("signed_in", "/tours", 302, differs=NO_REVIEWERS, data=lambda v: {
        "id": f"form{v['n']}", "title_mn": "Хийсэн", "title_en": "Made", "languages": ["mn", "en"]}),
    ("tours.duplicate", "POST"): Route("tour:edit", "/tours/{tour}/duplicate", 302, {"id": "formcopy{n}"}),
    ("tours.rename", "POST"): Route("tour:edit", "/tours/{tour}/rename", 302, {"title_en": "Tiny tour"}),
    ("tours.delete", "POST"): Route("tour:manage", "/tours/{tour}/delete", 302),
    ("tours.undelete", "POST"): Route("signed_in", "/tours/{tour}/undelete", 302, deleted=True, differs={
        "outsider": 404, "reviewer": 404, "stranger": 404, "author": 404}),
    ("tours.preview", "GET"): Route("tour:view", "/tours/{tour}/preview", 303),
    ("tours.comments", "GET"): Route("tour:view", "/tours/{tour}/comments", 200),
    ("tours.add_comment", "POST"): Route("tour:view", "/tours/{tour}/comments", 302, {"text": "Looks good."}),
    ("tours.export", "POST"): Route("tour:edit", "/tours/{tour}/export", 200, {"format": "folder"}),
    ("tours.sharing", "GET"): Route("tour:manage", "/tours/{tour}/sharing", 200),
    ("tours.share", "POST"): Route("tour:manage", "/tours/{tour}/sharing", 302, {"name": "{victim}"}),
    ("tours.unshare", "POST"): Route("tour:manage", "/tours/{tour}/sharing/{user_id}/remove", 302),
    ("sandbox.player", "GET"): Route("capability", "/sandbox/{grant}/", 200),
    ("sandbox.media", "GET"): Route("capability", "/sandbox/{grant}/media/{media}", 200),
    # The JSON API: tours and documents (api/tours.py), jobs (api/jobs.py), its description.
    ("api.openapi_json", "GET"): Route("public", "/api/openapi.json", 200),
    ("api.docs", "GET"): Route("public", "/api/docs", 200),
    ("api.list_tours", "GET"): Route("signed_in", "/api/tours", 200),
    ("api.create_tour", "POST"): Route("signed_in", "/api/tours", 201, differs=NO_REVIEWERS,
                                       json=lambda v: {"id": f"made{v['n']}", "title": {"en": "Made"}}),
    ("api.get_document", "GET"): Route("tour:view", "/api/tours/{tour}", 200),
    ("api.save_document", "PUT"): Route("tour:edit", "/api/tours/{tour}", 200, headers={"If-Match": '"{revision}"'},
                                        json=lambda v: {"document": v["document"], "message": "walk"}),
    ("api.delete_tour", "DELETE"): Route("tour:manage", "/api/tours/{tour}", 204),
    ("api.duplicate_tour", "POST"): Route("tour:edit", "/api/tours/{tour}/duplicate", 201,
                                          json=lambda v: {"id": f"copy{v['n']}"}),
    ("api.rename_tour", "POST"): Route("tour:edit", "/api/tours/{tour}/rename", 200,
                                       json=lambda v: {"title": {"en": "Tiny tour"}}),
    ("api.trash", "GET"): Route("signed_in", "/api/trash", 200),
    ("api.undelete_tour", "POST"): Route("signed_in", "/api/tours/{tour}/undelete", 200, deleted=True, differs={
        "outsider": 404, "reviewer": 404, "stranger": 404, "author": 404}),
    ("api.get_conflict", "GET"): Route("tour:edit", "/api/tours/{tour}/conflicts/{conflict}", 200),
    ("api.list_revisions", "GET"): Route("tour:view", "/api/tours/{tour}/revisions", 200),
    ("api.get_revision", "GET"): Route("tour:view", "/api/tours/{tour}/revisions/1", 200),
    ("api.restore_revision", "POST"): Route("tour:edit", "/api/tours/{tour}/revisions/1/restore", 200),
    ("api.upload_media", "POST"): Route("tour:edit", "/api/tours/{tour}/media", 201,
                                        data=lambda v: {"file": (io.BytesIO(v["jpeg"]), "walk.jpg")}),
    ("api.start_import", "POST"): Route("signed_in", "/api/imports", 202, differs=NO_REVIEWERS,
                                        data=lambda v: {"file": (io.BytesIO(_junk_zip()), "junk.zip")}),
    ("api.start_export", "POST"): Route("tour:edit", "/api/tours/{tour}/exports", 202,
                                        json=lambda v: {"format": "folder"}),
    ("api.get_job", "GET"): Route("signed_in", "/api/jobs/{job}", 200),
    ("api.download_job", "GET"): Route("signed_in", "/api/jobs/{done_job}/download", 200),
    # Translations: the page (translations_view.py) and the API (api/translations.py); an upload is the
    # tour's own XLIFF file, which changes nothing.
    ("translations.index", "GET"): Route("tour:view", "/tours/{tour}/translations", 200),
    ("translations.save", "POST"): Route("tour:edit", "/tours/{tour}/translations", 302,
                                         data=lambda v: {"revision": str(v["revision"])}),
    ("translations.download", "GET"): Route("tour:view", "/tours/{tour}/translations/xliff", 200),
    ("translations.upload", "POST"): Route("tour:edit", "/tours/{tour}/translations/xliff", 200, data=lambda v: {
        "revision": str(v["revision"]), "file": (io.BytesIO(_own_xliff(v)), "tiny.xlf")}),
    ("api.translations_list", "GET"): Route("tour:view", "/api/tours/{tour}/translations", 200),
    ("api.translations_xliff", "GET"): Route("tour:view", "/api/tours/{tour}/translations.xliff", 200),
    ("api.translations_import", "POST"): Route("tour:edit", "/api/tours/{tour}/translations.xliff", 200,
                                               headers={"If-Match": '"{revision}"'},
                                               data=lambda v: {"file": (io.BytesIO(_own_xliff(v)), "tiny.xlf")}),
    # Narration and checks (api/narration.py, api/checks.py).
    ("api.speech", "POST"): Route("tour:edit", "/api/tours/{tour}/narration/speech", 202,
                                  json=lambda v: {"text": "Hi.", "language": "en", "engine": "espeak"}),
    ("api.recording", "POST"): Route("tour:edit", "/api/tours/{tour}/narration/recording", 201, data=lambda v: {
        "file": (io.BytesIO(_tone_wav()), "take.wav"), "language": "en", "text": "Hi."}),
    ("api.check", "POST"): Route("tour:view", "/api/tours/{tour}/check", 200, json=lambda v: {}),
    # The scene editor: its page (editor.py) and panorama uploads (api/scenes.py).
    ("editor.edit", "GET"): Route("tour:edit", "/tours/{tour}/edit", 200),
    ("api.add_panorama", "POST"): Route("tour:edit", "/api/tours/{tour}/panoramas", 202,
                                        data=lambda v: {"file": (io.BytesIO(v["jpeg"]), "walk.jpg")}),
}


def route_table(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_an_expectation_and_the_policy_the_app_declares(tiny_app):
    table = route_table(tiny_app)
    missing = sorted(table - set(ROUTES))
    assert not missing, f"routes without an expectation in ROUTES (add them): {missing}"
    stale = sorted(set(ROUTES) - table)
    assert not stale, f"ROUTES names routes the app does not have: {stale}"
    for (endpoint, _method), route in ROUTES.items():
        assert str(policy_of(tiny_app, endpoint)) == route.policy, endpoint


def test_every_route_with_every_role_and_without_signing_in(tiny_app):
    app = tiny_app
    accounts = app.extensions["tourbuilder.accounts"]
    callers = {}
    for who, (role, access) in WHO.items():
        if role is not None:
            user = make_user(app, who, role)
            if access:
                accounts.share(TOUR, user.id, owner=access == "owner")
            callers[who] = user
    owner = callers["owner"]
    media = next(info.sha256 + ".jpg" for info in app.extensions["tourbuilder.store"].get_tour(TOUR).media.values())
    with app.test_request_context():
        grant = grant_url(TOUR, owner).split("/")[2]
    store = app.extensions["tourbuilder.store"]
    jobs = app.extensions["tourbuilder.jobs"]
    stale = store.get_tour(TOUR)
    store.save_tour(stale, message="walk")
    try:
        store.save_tour(stale, message="stale", expected_revision=1)
    except Exception as exc:  # StoreConflict: the refused document is kept
        conflict = exc.conflict_id
    jpeg = media_bytes(store, TOUR)
    counter = itertools.count()
    failures = []
    for ((endpoint, method), route), who in itertools.product(sorted(ROUTES.items()), WHO):
        n = next(counter)
        victim = make_user(app, f"victim{n}", "author")
        accounts.share(TOUR, victim.id)
        caller = callers.get(who)
        revision, document, _author = store.document(TOUR)
        values = {"tour": TOUR, "user_id": victim.id, "victim": victim.name, "grant": grant, "media": media,
                  "token": accounts.issue_sign_in_token(victim.id), "n": n, "conflict": conflict,
                  "revision": revision, "document": document, "jpeg": jpeg,
                  "job": jobs.submit("import", user_id=caller and caller.id, files={"upload.zip": b"x"}).id,
                  "done_job": done_job(jobs, caller)}
        if route.deleted:
            store.delete_tour(TOUR)
        client = app.test_client()
        if who != "anonymous":
            sign_in(client, who)
        path = route.path.format(**values)
        if callable(route.data):
            data = route.data(values)
        else:
            data = {key: value.format(**values) for key, value in route.data.items()}
        headers = {key: value.format(**values) for key, value in route.headers.items()}
        if route.json is not None:
            response = client.open(path, method=method, json=route.json(values), headers=headers)
        else:
            response = client.open(path, method=method, data=data, headers=headers)
        if store.exists(TOUR) and not store.has_tour(TOUR):
            store.undelete(TOUR)  # the next call needs the tour again
        expected = route.differs.get(who, ALLOWED[route.policy][who])
        if expected == SIGN_IN and path.startswith("/api/"):
            expected = 401  # API clients are told, not sent to a page
        if expected == OK:
            wanted = route.ok_signed_in if (route.ok_signed_in and who != "anonymous") else route.ok
            good = response.status_code == wanted
        elif expected == SIGN_IN:
            wanted = "302 to /login" if method == "GET" else 401
            good = (response.status_code == 302 and response.headers["Location"].startswith("/login")
                    if method == "GET" else response.status_code == 401)
        else:
            wanted = expected
            good = response.status_code == expected
        if not good:
            failures.append(f"{method} {path} ({endpoint}) as {who}: {response.status_code}, expected {wanted}")
    assert not failures, "\n".join(failures)


def media_bytes(store, tour_id: str) -> bytes:
    """The bytes of one of the tour's pictures (a valid upload)."""
    return store.media.read_bytes(next(iter(store.get_tour(tour_id).media.values())).sha256)


def done_job(jobs, user) -> str:
    """A finished job of ``user`` with a file to download (made without running anything)."""
    from tourbuilder.store.db import JobRow

    job_id = f"done{next(_job_numbers)}"
    (jobs.folder(job_id)).mkdir(parents=True, exist_ok=True)
    (jobs.folder(job_id) / "out.zip").write_bytes(b"PK")
    with jobs.store._session.begin() as session:
        session.add(JobRow(id=job_id, kind="export", state="done", progress=1.0, stage="done",
                           result=json.dumps({"file": "out.zip"}), user_id=user and user.id, runner=jobs.runner))
    return job_id


_job_numbers = itertools.count()


def test_a_tour_that_does_not_exist_is_404_for_everyone_signed_in(tiny_app):
    for who, (role, _access) in WHO.items():
        if role is None:
            continue
        make_user(tiny_app, who, role)
        client = tiny_app.test_client()
        sign_in(client, who)
        for (endpoint, method), route in ROUTES.items():
            if route.policy.startswith("tour:"):
                path = route.path.format_map(_Anything(tour="nope", user_id=1))
                data = {} if callable(route.data) else route.data
                assert client.open(path, method=method, data=data).status_code == 404, (who, endpoint)


class _Anything(dict):
    """Format values: the given ones, and "1" for any other placeholder."""

    def __missing__(self, key):
        return "1"


def test_a_route_that_does_not_exist_is_404(tiny_app):
    assert tiny_app.test_client().get("/no/such/page").status_code == 404
