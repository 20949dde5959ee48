"""Database objects that models do not describe (e.g. full-text search indexes).

A domain registers how to create them (for tests that build the schema with ``create_all``; migrations create
them in production) and how to empty them between tests.
"""

from __future__ import annotations

from collections.abc import Callable

_creators: list[Callable[[], None]] = []
_cleaners: list[Callable[[], None]] = []


def register(create: Callable[[], None], clean: Callable[[], None] | None = None) -> None:
    if create not in _creators:
        _creators.append(create)
    if clean is not None and clean not in _cleaners:
        _cleaners.append(clean)


def create_all_extras() -> None:
    for create in _creators:
        create()


def clean_all_extras() -> None:
    for clean in _cleaners:
        clean()
