"""Who may open which route, enforced in one place for every request.

Every view declares its policy with one of the decorators below; ``create_app`` refuses
to start when a route has none, so no route can be forgotten. Before each request the
signed-in user is loaded from the session and the route's policy is applied:

- ``public``: anyone (the sign-in page, static files);
- ``signed_in``: any signed-in user;
- ``admin_only``: admins;
- ``tour(level)``: the route's ``tour_id`` needs at least that Access for the user
  (an unknown tour and a tour the user may not see are both 404);
- ``capability``: the URL carries a signed, expiring grant (the sandboxed preview); the
  session is not read at all.

Not signed in: GET and HEAD go to the sign-in page, anything else is 401. Allowed to see
the tour but not to do this: 403. Afterwards every response gets the security headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, has_request_context, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext

from ..accounts import Access

#: The app's own pages: nothing from elsewhere, no inline script or style, never framed.
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
           "connect-src 'self'; media-src 'self'; object-src 'none'; frame-src 'self'; "
           "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
#: Tour content (the player with a tour's own text and media): a sandbox, i.e. an opaque origin that
#: shares nothing with the app (no cookies, no same-origin requests), so a tour cannot act as the
#: signed-in author. No allow-same-origin, ever.
SANDBOX_CSP = ("sandbox allow-scripts allow-forms allow-popups; default-src 'none'; script-src 'self'; "
               "style-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:; "
               "connect-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; "
               "object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
PERMISSIONS = "camera=(), geolocation=(), payment=(), usb=(), microphone=(self)"


@dataclass(frozen=True)
class Policy:
    kind: str                      # public | signed_in | admin | tour | capability
    level: Access | None = None    # for kind == "tour"

    def __str__(self) -> str:
        return f"tour:{self.level.name.lower()}" if self.kind == "tour" else self.kind


def _declare(policy: Policy) -> Callable:
    def decorate(view):
        view.access_policy = policy
        return view
    return decorate


public = _declare(Policy("public"))
signed_in = _declare(Policy("signed_in"))
admin_only = _declare(Policy("admin"))
capability = _declare(Policy("capability"))


def no_such_tour(tour_id: str) -> str:
    """What anyone hears of a tour that does not exist or that they may not see: the same words
    for both, so a route never tells which tours exist."""
    return gettext("There is no tour “%(tour)s”, or it is not shared with you.", tour=tour_id)


def tour(level: Access) -> Callable:
    return _declare(Policy("tour", level))


#: Endpoints Flask makes itself.
BUILT_IN = {"static": Policy("public"), "ui.static": Policy("public")}


def policy_of(app: Flask, endpoint: str) -> Policy | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_policy", None) or BUILT_IN.get(endpoint)


def check_every_route_has_a_policy(app: Flask) -> None:
    missing = sorted(e for e in app.view_functions if policy_of(app, e) is None)
    if missing:
        raise RuntimeError(f"routes without an access policy: {', '.join(missing)} "
                           "(declare one with tourbuilder.app.security)")


def current_user():
    return g.get("user")


def safe_next(target: str | None) -> str | None:
    """A redirect target of this app only: a path, never another site (//evil, /\\evil, http:)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def enforce():
    from . import get_accounts, get_store

    g.user = None
    endpoint = request.endpoint
    if endpoint is None:  # no such route: the 404/405 follows
        return None
    policy = policy_of(current_app, endpoint)
    if policy is None:
        abort(500)
    g.policy = policy
    if policy.kind == "capability":
        return None
    accounts = get_accounts()
    sid = session.get("sid")
    g.user = accounts.session_user(sid)
    if sid and g.user is None:
        session.pop("sid", None)
    if policy.kind == "public":
        return None
    if g.user is None:
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    if policy.kind == "admin" and not g.user.is_admin:
        abort(403)
    if policy.kind == "tour":
        tour_id = (request.view_args or {}).get("tour_id", "")
        access = accounts.access(g.user, tour_id)
        if access == Access.NONE or not get_store().has_tour(tour_id):
            abort(404, description=no_such_tour(tour_id))
        if access < policy.level:
            abort(403)
        g.tour_access = access
    return None


def add_headers(response):
    policy = g.get("policy")
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if policy is not None and policy.kind == "capability":
        headers["Content-Security-Policy"] = SANDBOX_CSP
        headers["Referrer-Policy"] = "no-referrer"
        headers.setdefault("Cache-Control", "private, no-store")
    elif request.endpoint not in BUILT_IN:
        headers.setdefault("Content-Security-Policy", APP_CSP)
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS
        headers.setdefault("Cache-Control", "no-store")  # pages of signed-in people stay out of caches
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over https (behind a
    proxy: with TOURBUILDER_TRUST_PROXY set) or SESSION_COOKIE_SECURE says so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (has_request_context() and request.is_secure)

    def should_set_cookie(self, app: Flask, session) -> bool:
        policy = g.get("policy") if has_request_context() else None
        if policy is not None and policy.kind == "capability":
            return False  # the sandbox neither reads nor renews the session
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.config.update(SESSION_COOKIE_NAME="tourbuilder_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax")
    app.config.setdefault("SESSION_COOKIE_SECURE", False)
    app.before_request(enforce)
    app.after_request(add_headers)
