"""The main navigation: each domain registers its entry, so the layout needs no knowledge of modules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object  # lazy translated string
    order: int
    prefix: str  # the URL prefix that marks the entry as the current page


_entries: list[NavEntry] = []


def register(endpoint: str, label, order: int, prefix: str) -> None:
    if any(e.endpoint == endpoint for e in _entries):
        return
    _entries.append(NavEntry(endpoint, label, order, prefix))
    _entries.sort(key=lambda e: e.order)


def entries() -> list[NavEntry]:
    return list(_entries)
