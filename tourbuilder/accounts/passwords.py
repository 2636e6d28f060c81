"""Password hashing with argon2id (argon2-cffi), and the rules a new password must meet."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # hashing is deliberately slow: no megabyte "passwords"


def hasher(profile: str = "RFC_9106_LOW_MEMORY") -> PasswordHasher:
    """argon2id with one of argon2.profiles (the default: RFC 9106's low-memory choice,
    64 MiB and 3 passes); tests use CHEAPEST."""
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def verify(ph: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return ph.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def generate() -> str:
    """A password for a new account or a reset: 16 URL-safe characters (96 random bits)."""
    return secrets.token_urlsafe(12)
