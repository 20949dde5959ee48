"""What the council page shows besides the council itself, from the packages that build on councils.

Each registers a function ``(council, officer) -> dict`` whose items the page's template receives (meetings:
the sessions, the decisions and, for officers, the qualified proposals waiting for a session), so councils
needs no import of them.
"""

from __future__ import annotations

from collections.abc import Callable

_sections: list[Callable[..., dict]] = []


def section(fn: Callable[..., dict]) -> Callable[..., dict]:
    """Register ``fn(council, officer)`` (decorator)."""
    _sections.append(fn)
    return fn


def context(council, *, officer: bool) -> dict:
    """Everything the registered sections give for this council and reader."""
    merged: dict = {}
    for fn in _sections:
        merged.update(fn(council, officer))
    return merged
