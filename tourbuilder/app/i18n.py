"""The interface in Mongolian (first) and English: Flask-Babel with catalogues in translations/.

Source texts are English; translations/mn/LC_MESSAGES/messages.po holds the Mongolian.
The language is the signed-in user's choice (kept with the account), else the one chosen
before signing in (kept in the session), else the browser's preference, else Mongolian.
"""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_babel import Babel, get_locale, gettext

from ..accounts import LANGUAGES, AccountError
from .catalogs import FOLDER, compile_catalogs


def N_(text: str) -> str:
    """Marks a text for translation where it is defined; gettext() translates it where shown."""
    return text


LANGUAGE_NAMES = {"mn": "Монгол", "en": "English"}

ROLE_NAMES = {"admin": N_("Admin"), "author": N_("Author"), "reviewer": N_("Reviewer")}

ACCOUNT_MESSAGES = {
    "bad_name": N_("“%(name)s” is not a usable name: use 1 to 64 letters, digits, “.”, “-”, “_” or “@”, "
                   "starting with a letter or digit."),
    "name_taken": N_("There is already a user “%(name)s”."),
    "no_user": N_("There is no user “%(name)s”."),
    "bad_role": N_("Unknown role “%(role)s”."),
    "bad_language": N_("Unknown language “%(language)s”."),
    "short_password": N_("A password needs at least %(min)s characters."),
    "long_password": N_("A password has at most %(max)s characters."),
    "name_password": N_("The password cannot be the name."),
    "wrong_password": N_("The current password is not right."),
    "wrong_login": N_("Wrong name or password."),
    "rate_limited": N_("Too many failed sign-ins: try again in %(minutes)s minutes."),
    "last_admin": N_("This is the last active admin: make another admin first."),
    "no_tour": N_("There is no tour “%(tour)s”."),
    "reviewer_owner": N_("“%(name)s” is a reviewer: a reviewer cannot own a tour."),
    "empty_comment": N_("Write something first."),
    "long_comment": N_("A comment has at most %(limit)s characters."),
}

ERROR_TITLES = {
    400: N_("Bad request"), 401: N_("Please sign in"), 403: N_("Not allowed"), 404: N_("Not found"),
    405: N_("Not allowed this way"), 413: N_("Too large"), 422: N_("Cannot be done"),
    429: N_("Too many attempts"), 500: N_("Something went wrong"),
}


def account_message(error: AccountError) -> str:
    template = ACCOUNT_MESSAGES.get(error.code)
    return gettext(template, **error.params) if template else str(error)


def role_name(role: str) -> str:
    return gettext(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def error_title(code: int) -> str:
    return gettext(ERROR_TITLES[code]) if code in ERROR_TITLES else str(code)


def select_locale() -> str:
    user = g.get("user")
    if user is not None and user.language in LANGUAGES:
        return user.language
    chosen = session.get("lang") if g.get("policy") is None or g.policy.kind != "capability" else None
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language() -> str:
    return str(get_locale() or LANGUAGES[0])


def tour_title(tour) -> str:
    """A tour's title in the interface's language when it has one, else in its own first."""
    from ..export.page import tour_title as title

    language = current_language()
    return title(tour, language if language in tour.title else None)


def init_app(app: Flask) -> None:
    try:
        compile_catalogs()
    except OSError:  # an installed, read-only copy: the wheel ships compiled catalogues
        pass
    app.config.setdefault("BABEL_DEFAULT_LOCALE", LANGUAGES[0])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(FOLDER)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(role_name=role_name, current_language=current_language, tour_title=tour_title,
                                 language_names=LANGUAGE_NAMES, languages=LANGUAGES)
