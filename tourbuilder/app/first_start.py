"""What `tourbuilder serve` says when it starts: the first admin, and a sign-in link.

- No users at all (a first start): the admin ``admin`` is made, with TOURBUILDER_ADMIN_PASSWORD
  when set, else with a generated password printed once.
- Listening on a loopback address (the default, and `make run`): a one-time link that signs
  the first admin in (15 minutes, once), so the demo opens with no manual step. On any other
  address no link is printed: sign in with a name and password.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LINK_LIFETIME = timedelta(minutes=15)


def first_start(app: Flask, host: str, port: int) -> list[str]:
    accounts = app.extensions["tourbuilder.accounts"]
    lines = []
    made = accounts.ensure_first_admin(app.config.get("ADMIN_PASSWORD") or None)
    if made is not None:
        user, generated = made
        if generated:
            lines.append(f"First start: made the admin '{user.name}' with the password {generated}  (shown only "
                         f"now: change it on the account page, or later with `tourbuilder user password {user.name}`)")
        else:
            lines.append(f"First start: made the admin '{user.name}' with the password from TOURBUILDER_ADMIN_PASSWORD")
    if host in LOOPBACK:
        admin = next((u for u in sorted(accounts.users(), key=lambda u: u.id) if u.is_admin and u.active), None)
        if admin is not None:
            token = accounts.issue_sign_in_token(admin.id, LINK_LIFETIME)
            where = f"[{host.strip('[]')}]" if ":" in host else host
            lines.append(f"Sign in as '{admin.name}': http://{where}:{port}/login/once/{token}  "
                         f"(works once, for {int(LINK_LIFETIME.total_seconds() // 60)} minutes)")
    return lines
