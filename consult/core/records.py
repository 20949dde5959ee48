"""The structured record of what was held (a council session's agenda, attendance, motions and votes): what
minutes are drafted from and outcomes made from.

The domain that holds the sessions registers how to build their record (meetings: ``council_session``), so
that minutes and outcomes read records without importing that domain (which links to its minutes). A debate's
record travels with the ``debate_closed`` signal instead.
"""

from __future__ import annotations

from collections.abc import Callable

#: source type -> function building the record (a JSON-able dict) of one such object
builders: dict[str, Callable[[object], dict]] = {}


def register(source_type: str, builder: Callable[[object], dict]) -> None:
    builders[source_type] = builder


def record_of(source_type: str, source) -> dict:
    """The record of ``source``, built now from what is stored (KeyError for a type nobody registered)."""
    return builders[source_type](source)
