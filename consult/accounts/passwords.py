"""argon2id password hashing (argon2-cffi). The cheapest RFC 9106 profile is used only by the test suite.

A hash or a check takes a tenth of a second of CPU or more, on ``parallelism`` threads of its own that do
not wait for Python's GIL: a hundred sign-ins at once would share the cores a hundred ways, every one of
them slower, and starve the rest of the server (the database's writers first: a writer holding SQLite's
lock would get a few per cent of a core). So a process computes at most ``HASHES_AT_ONCE`` of them at once;
the others wait their turn, asleep.
"""

from __future__ import annotations

import os
import threading

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_hashers: dict[str, PasswordHasher] = {}
#: argon2 computations at once in one process (each uses up to 4 threads, the profile's parallelism): as
#: many as the machine has cores, so that a burst of sign-ins keeps every core busy without swamping them
HASHES_AT_ONCE = os.cpu_count() or 2
_turns = threading.BoundedSemaphore(HASHES_AT_ONCE)


def _hasher() -> PasswordHasher:
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "default")
    if profile not in _hashers:
        params = profiles.CHEAPEST if profile == "test" else profiles.RFC_9106_LOW_MEMORY
        _hashers[profile] = PasswordHasher.from_parameters(params)
    return _hashers[profile]


def hash_password(password: str) -> str:
    with _turns:
        return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a dummy hash is checked for missing accounts)."""
    hasher = _hasher()
    stored_or_dummy = stored or _dummy_hash()
    try:
        with _turns:
            return hasher.verify(stored_or_dummy, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)


_dummy: dict[str, str] = {}


def _dummy_hash() -> str:
    profile = current_app.config.get("PASSWORD_HASH_PROFILE", "default")
    if profile not in _dummy:
        _dummy[profile] = hash_password("not a real password, only for constant timing")
    return _dummy[profile]
