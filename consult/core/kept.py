"""Bounded, thread-safe stores of things made once and kept between requests (rendered HTML, rows, compressed
bytes): the least recently used entry goes first when the store holds too many entries or too much in all.

Nothing in them is ever invalidated: each user keys its entries by everything the value shows, so a change
makes a new key and the old entry ages out. Each process keeps its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app


class KeptStore:
    """At most ``max_entries`` entries and ``max_size`` in all (a value's size is ``len(value)`` unless given)."""

    def __init__(self, max_entries: int = 128, max_size: int | None = None):
        self.max_entries, self.max_size = max_entries, max_size
        self._items: OrderedDict[object, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key, value, size: int | None = None) -> None:
        size = (len(value) if size is None else size) if self.max_size is not None else 0
        if self.max_size is not None and size > self.max_size:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size)
            self._size += size
            while len(self._items) > self.max_entries or (self.max_size is not None and self._size > self.max_size):
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def get_or_make(self, key, make: Callable, size_of: Callable | None = None):
        """The kept value, or ``make()`` kept (made outside the lock: two threads may make it once each)."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value, size_of(value) if size_of else None)
        return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


def app_store(name: str, max_entries: int, max_size: int | None = None) -> KeptStore:
    """This app's store called ``name`` (an app in tests has its own; several apps never share entries)."""
    app = current_app._get_current_object()
    kept = app.extensions.get(name)
    if kept is None:
        kept = app.extensions.setdefault(name, KeptStore(max_entries, max_size))
    return kept
