"""What the platform holds about a person, gathered from every domain, and how it is erased.

Each domain registers an *exporter* (``fn(user) -> JSON-able data``) for "download my data" and, when it holds
personal data beyond the account row, an *eraser* (``fn(user) -> None``) run when the account is deleted.
Contributions are not erased but shown as written by a "former participant"; ballots are never linked to
anyone, so nothing about them needs erasing.
"""

from __future__ import annotations

from collections.abc import Callable

_exporters: dict[str, Callable] = {}
_erasers: dict[str, Callable] = {}


def register_exporter(section: str, fn: Callable) -> None:
    _exporters[section] = fn


def register_eraser(section: str, fn: Callable) -> None:
    _erasers[section] = fn


def export_sections(user) -> dict:
    return {section: fn(user) for section, fn in sorted(_exporters.items())}


def erase_everywhere(user) -> None:
    for _section, fn in sorted(_erasers.items()):
        fn(user)
