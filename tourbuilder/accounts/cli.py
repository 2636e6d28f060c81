"""`tourbuilder user ...`: accounts from the command line (the same rules as the app's admin pages)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import UserError, data_option, friendly_errors, open_store
from . import LANGUAGES, ROLES, Accounts


def _accounts(data: Path | None) -> Accounts:
    store, _ = open_store(data)
    return Accounts(store)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UserError("no password on standard input: pipe one line, e.g. `printf '%s\\n' \"$PW\" | "
                            "tourbuilder user create NAME --password-stdin`")
        return line
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


@click.group("user")
def user():
    """Accounts of the authoring app: create, list, reset a password, delete, share a tour."""


@user.command("create")
@data_option
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="author", show_default=True,
              help="admin: manages users; author: edits own and shared tours; reviewer: previews and comments.")
@click.option("--language", type=click.Choice(LANGUAGES), default="mn", show_default=True,
              help="Language of the app's interface for this user.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
@friendly_errors
def create(data, name, role, language, password_stdin):
    """Make a user (the password is asked for twice, or read from standard input)."""
    accounts = _accounts(data)
    if accounts.find_user(name) is not None:
        raise UserError(f"there is already a user '{name}'")
    made = accounts.create_user(name, _read_password(password_stdin), role=role, language=language)
    click.echo(made.name)
    click.echo(f"{made.role} '{made.name}' created", err=True)


@user.command("list")
@data_option
@friendly_errors
def list_(data):
    """List the users: name, role, language, state, last sign-in, tours shared with them."""
    accounts = _accounts(data)
    for found in accounts.users():
        tours = "all tours" if found.is_admin else (
            ",".join(f"{s.tour_id}{'(owner)' if s.owner else ''}" for s in accounts.shares_of(found.id)) or "-")
        last = found.last_login_at.strftime("%Y-%m-%d %H:%M") if found.last_login_at else "never"
        click.echo(f"{found.name}\t{found.role}\t{found.language}\t{'active' if found.active else 'disabled'}\t"
                   f"{last}\t{tours}")


@user.command("password")
@data_option
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input instead of asking.")
@friendly_errors
def password(data, name, password_stdin):
    """Set a new password for a user who lost theirs; every session of theirs ends."""
    accounts = _accounts(data)
    found = accounts.user(name)
    accounts.set_password(found.id, _read_password(password_stdin))
    click.echo(f"password of '{found.name}' changed; their sessions have ended", err=True)


@user.command("delete")
@data_option
@click.argument("name")
@friendly_errors
def delete(data, name):
    """Delete a user (their comments stay, under their name)."""
    accounts = _accounts(data)
    found = accounts.user(name)
    accounts.delete_user(found.id)
    click.echo(f"'{found.name}' deleted", err=True)


@user.command("share")
@data_option
@click.argument("name")
@click.argument("tour")
@click.option("--owner", is_flag=True, help="Make them an owner: an author who owns a tour may share it.")
@click.option("--remove", is_flag=True, help="Take the tour away from them instead.")
@friendly_errors
def share(data, name, tour, owner, remove):
    """Share a stored tour with a user (authors edit it, reviewers preview and comment)."""
    accounts = _accounts(data)
    found = accounts.user(name)
    if remove:
        accounts.unshare(tour, found.id)
        click.echo(f"'{found.name}' no longer has {tour}", err=True)
    else:
        accounts.share(tour, found.id, owner=owner)
        click.echo(f"{tour} shared with '{found.name}'{' as owner' if owner else ''}", err=True)
