"""argon2id password hashing (argon2-cffi). The cheapest RFC 9106 profile is used only by the test suite."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_hashers: dict[str, PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "default")
    if profile not in _hashers:
        params = profiles.CHEAPEST if profile == "test" else profiles.RFC_9106_LOW_MEMORY
        _hashers[profile] = PasswordHasher.from_parameters(params)
    return _hashers[profile]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a dummy hash is checked for missing accounts)."""
    hasher = _hasher()
    try:
        return hasher.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)


_dummy: dict[str, str] = {}


def _dummy_hash() -> str:
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "default")
    if profile not in _dummy:
        _dummy[profile] = _hasher().hash("not a real password, only for constant timing")
    return _dummy[profile]
