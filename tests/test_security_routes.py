"""Every route of the app, with every role and with no sign-in, answers as declared here.

ROUTES names each (endpoint, method) of ``app.url_map``: who may call it and what a
successful call answers. A route missing from ROUTES fails the test, so a new route needs
an expectation here (and a policy in tourbuilder/app/security.py, or the app refuses to
start). Each call is made by a fresh client, signed in through the real form, with the
CSRF token the app's forms carry, against fresh targets (a new user to delete, a new
one-time link...), so no call depends on another.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

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
    path: str                      # {tour}, {user_id}, {victim}, {grant}, {token}, {media}, {n} are filled in
    ok: int                        # the status of a successful call
    data: dict = field(default_factory=dict)
    ok_signed_in: int | None = None  # when a signed-in caller gets another success (e.g. /login redirects)


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
    ("tours.preview", "GET"): Route("tour:view", "/tours/{tour}/preview", 303),
    ("tours.comments", "GET"): Route("tour:view", "/tours/{tour}/comments", 200),
    ("tours.add_comment", "POST"): Route("tour:view", "/tours/{tour}/comments", 302, {"text": "Looks good."}),
    ("tours.export", "POST"): Route("tour:edit", "/tours/{tour}/export", 200, {"format": "folder"}),
    ("tours.sharing", "GET"): Route("tour:manage", "/tours/{tour}/sharing", 200),
    ("tours.share", "POST"): Route("tour:manage", "/tours/{tour}/sharing", 302, {"name": "{victim}"}),
    ("tours.unshare", "POST"): Route("tour:manage", "/tours/{tour}/sharing/{user_id}/remove", 302),
    ("sandbox.player", "GET"): Route("capability", "/sandbox/{grant}/", 200),
    ("sandbox.media", "GET"): Route("capability", "/sandbox/{grant}/media/{media}", 200),
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
    counter = itertools.count()
    failures = []
    for ((endpoint, method), route), who in itertools.product(sorted(ROUTES.items()), WHO):
        n = next(counter)
        victim = make_user(app, f"victim{n}", "author")
        accounts.share(TOUR, victim.id)
        values = {"tour": TOUR, "user_id": victim.id, "victim": victim.name, "grant": grant, "media": media,
                  "token": accounts.issue_sign_in_token(victim.id), "n": n}
        client = app.test_client()
        if who != "anonymous":
            sign_in(client, who)
        path = route.path.format(**values)
        data = {key: value.format(**values) for key, value in route.data.items()}
        response = client.open(path, method=method, data=data)
        expected = ALLOWED[route.policy][who]
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


def test_a_tour_that_does_not_exist_is_404_for_everyone_signed_in(tiny_app):
    for who, (role, _access) in WHO.items():
        if role is None:
            continue
        make_user(tiny_app, who, role)
        client = tiny_app.test_client()
        sign_in(client, who)
        for (endpoint, method), route in ROUTES.items():
            if route.policy.startswith("tour:"):
                path = route.path.format(tour="nope", user_id=1)
                assert client.open(path, method=method, data=route.data).status_code == 404, (who, endpoint)


def test_a_route_that_does_not_exist_is_404(tiny_app):
    assert tiny_app.test_client().get("/no/such/page").status_code == 404
