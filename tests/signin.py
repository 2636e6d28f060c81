"""Signing in from tests: users with a known password, and a test client that sends the
CSRF token with every state-changing request (as the app's own forms do)."""

from __future__ import annotations

import secrets

from flask import session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import Headers

PASSWORD = "correct horse battery staple"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AppClient(FlaskClient):
    """A test client whose POST/PUT/PATCH/DELETE carry the session's CSRF token in X-CSRFToken.
    Pass ``csrf=False`` to send a request without it (as another site's form would)."""

    def open(self, *args, csrf: bool = True, **kwargs):
        method = str(kwargs.get("method") or "GET").upper()
        if csrf and method in UNSAFE:
            headers = Headers(kwargs.get("headers") or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """A valid token for this client's session (made, like a page would, when there is none)."""
        with self.session_transaction() as stored:
            raw = stored.get("csrf_token")
            if raw is None:
                raw = stored["csrf_token"] = secrets.token_hex(20)
        with self.application.test_request_context():
            session["csrf_token"] = raw
            return generate_csrf()


def make_user(app, name: str, role: str = "author", language: str = "en", password: str = PASSWORD):
    """The user ``name`` (made with ``password`` when absent)."""
    accounts = app.extensions["tourbuilder.accounts"]
    return accounts.find_user(name) or accounts.create_user(name, password, role=role, language=language)


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign ``client`` in through the real sign-in form; returns the response (a redirect)."""
    response = client.post("/login", data={"name": name, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response

