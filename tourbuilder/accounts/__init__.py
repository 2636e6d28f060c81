"""Accounts and roles of the authoring app, kept in the tours' database.

Roles: ``admin`` (manages users, and may do anything with any tour), ``author`` (edits the
tours they own or that are shared with them) and ``reviewer`` (previews and comments on the
tours shared with them). See service.py for the rules, db.py for the tables, cli.py for the
`tourbuilder user` commands.
"""

from .service import (
    FIRST_ADMIN, LANGUAGES, ROLES, Access, AccountError, Accounts, Comment, LoginLimits, RateLimited, Share, User,
    normal_name,
)

__all__ = ["FIRST_ADMIN", "LANGUAGES", "ROLES", "Access", "AccountError", "Accounts", "Comment", "LoginLimits",
           "RateLimited", "Share", "User", "normal_name"]
