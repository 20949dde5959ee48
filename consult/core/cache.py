"""The one cache boundary: named regions of things made once and reused between requests (rendered HTML, rows,
compressed streams).

A domain declares a region where its cached things are made: a name, bounds, the *versions* its entries depend
on and the request facets they vary on. A version is a value that changes whenever what the entry shows
changes: a thread's version moved by database triggers (``comments.versions``), the rows a page shows, a
digest of them. Callers give the versions by name and the region makes the key from them and the facets,
nothing else: no view or service builds a key, and a call that leaves out a declared version is an error,
never an entry shared by mistake.

Nothing is invalidated, so nothing stale can be served: a change is a new version, hence a new key, at once
and in every process, and the old entry ages out (least recently used first). That is why domains declare
versions rather than send signals to clear entries: a signal reaches one process, a version is read by all of
them.

Storage is each app's own (the tests make several apps; they never share entries). By default it is in the
process: a bounded LRU per region and worker, holding values as they are (a cached HTML string is the same
object request after request). When ``REDIS_URL`` (``CONSULT_REDIS_URL``) or ``CACHE_REDIS_URL`` is set, the
regions not declared ``local`` also keep their entries in Redis, shared by every worker and host, with the
process's store in front (``consult.core.cache_redis``): values are signed tagged JSON, never pickles
(``Markup``, text, bytes, tuples, dicts, the platform's dataclasses and named tuples keep their type; a value
of another type stays in the process), keys are a digest of the region's name and key under
``CACHE_KEY_PREFIX`` (by default a stamp of the installed code, so a new release never reads what an older one
rendered) and expire after ``CACHE_DEFAULT_TIMEOUT`` seconds. When Redis does not answer, pages are made as if
nothing were cached, and it is tried again 30 seconds later.

A region declared ``precompressed`` holds large fragments that go out as they are: the gzip of a page that
includes one reuses the fragment's compressed stream (``consult.core.compression``).

Flask-Caching was considered: its in-process backend pickles every value on each read and write (a 500 KB
thread copied per request), bounds entries by number only and evicts by age, not use; its keys are strings.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, get_timezone
from flask_login import current_user

from consult.core import cache_redis
from consult.core.cache_redis import RedisStore


class LRUCache:
    """At most ``max_entries`` entries and ``max_size`` in all (a value's size is ``len(value)`` unless
    given); the least recently used entry goes first. Thread-safe."""

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

    def fits(self, size: int) -> bool:
        return self.max_size is None or size <= self.max_size

    def put(self, key, value, size: int | None = None) -> None:
        size = (len(value) if size is None else size) if self.max_size is not None else 0
        if not self.fits(size):
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size)
            self._size += size
            while len(self._items) > self.max_entries or (
                    self.max_size is not None and self._size > self.max_size):
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


# ------------------------------------------------------------------------------------------------ facets
# What an entry varies on besides its versions, read from the request each time the region is used.


def language() -> str:
    """The interface language (Flask-Babel's locale)."""
    return str(get_locale())


def time_zone() -> str:
    """The reader's time zone."""
    return str(get_timezone())


def signed_in() -> bool:
    return bool(current_user.is_authenticated)


def script_root() -> str:
    """Where the app is mounted (every link starts with it)."""
    return request.script_root


def path() -> str:
    return request.path


def query_string() -> tuple:
    """Every argument of the query string, in order."""
    return tuple(request.args.items(multi=True))


def query_args(*names: str) -> Callable[[], tuple]:
    """A facet: the values of these query-string arguments."""

    def facet() -> tuple:
        args = request.args
        return tuple([args.get(name) for name in names])

    facet.__name__ = f"query_args{names}"
    return facet


# ------------------------------------------------------------------------------------------------ regions


@dataclass(frozen=True)
class Stats:
    hits: int
    misses: int
    entries: int


class Region:
    """A named cache; see the module's docstring. Declared once, at import, by :func:`region`."""

    def __init__(self, name: str, *, depends_on: tuple[str, ...], varies_on: tuple[Callable[[], object], ...],
                 max_entries: int, max_size: int | None, size_of: Callable | None, local: bool,
                 precompressed: bool):
        if not depends_on:
            raise ValueError(f"cache region {name!r} declares no version: its key would never change")
        self.name, self.depends_on, self.varies_on = name, tuple(depends_on), tuple(varies_on)
        self.max_entries, self.max_size, self.size_of = max_entries, max_size, size_of
        self.local, self.precompressed = local, precompressed

    def _key(self, versions: dict, facets: tuple | None = None) -> tuple:
        """The key for these versions (each declared one, by name) and the request's facets."""
        try:
            if len(versions) != len(self.depends_on):
                raise KeyError
            values = tuple([versions[name] for name in self.depends_on])
        except KeyError:
            raise TypeError(f"cache region {self.name!r} takes the versions {', '.join(self.depends_on)}; "
                            f"got {', '.join(versions) or 'none'}") from None
        if not self.varies_on:
            return values
        return values, (self._facets() if facets is None else facets)

    def _facets(self) -> tuple:
        return tuple([facet() for facet in self.varies_on])

    def get(self, **versions):
        """The cached value for these versions, or None."""
        return self._served(_store(self).get(self._key(versions)))

    def put(self, value, **versions) -> None:
        _store(self).put(self._key(versions), value)

    def get_or_make(self, make: Callable, /, **versions):
        """The cached value for these versions, or ``make()`` cached (made outside any lock: two threads may
        each make it once)."""
        return self._get_or_make(_store(self), self._key(versions), make)

    def _get_or_make(self, store: _Store, key: tuple, make: Callable):
        value = store.get(key)
        if value is None:
            value = make()
            store.put(key, value)
        return self._served(value)

    def for_request(self) -> BoundRegion:
        """The region with this request's facets read once, for many entries in one request (a list's
        cards)."""
        return BoundRegion(self, _store(self), self._facets() if self.varies_on else None)

    def _served(self, value):
        if self.precompressed and isinstance(value, str) and has_request_context():
            whole = g.setdefault(_WHOLE, [])
            if not any(part is value for part in whole):  # shown twice (or g outlives the request): once
                whole.append(value)
        return value

    def stats(self) -> Stats:
        """This app's figures for the region (in this process)."""
        local = _store(self).local
        return Stats(local.hits, local.misses, len(local))

    def clear(self) -> None:
        """Forget this app's entries in this process."""
        _store(self).local.clear()


class BoundRegion:
    """A region for the entries of one request (:meth:`Region.for_request`)."""

    __slots__ = ("region", "store", "facets")

    def __init__(self, region: Region, store: _Store, facets: tuple | None):
        self.region, self.store, self.facets = region, store, facets

    def get_or_make(self, make: Callable, /, **versions):
        """As :meth:`Region.get_or_make`."""
        return self.region._get_or_make(self.store, self.region._key(versions, self.facets), make)


#: every region, by name
REGIONS: dict[str, Region] = {}


def region(name: str, *, depends_on: tuple[str, ...], varies_on: tuple[Callable[[], object], ...] = (),
           max_entries: int, max_size: int | None = None, size_of: Callable | None = None,
           local: bool = False, precompressed: bool = False) -> Region:
    """Declare a region. ``depends_on``: the names of the versions each call gives; ``varies_on``: facets of
    the request (:func:`language`, :func:`time_zone`, ...); ``max_size`` bounds the sum of ``size_of(value)``
    (``len``) in each process; ``local``: never shared through Redis (values that are the process's own
    objects, or keys that only mean something in this process); ``precompressed``: see the module's
    docstring."""
    if name in REGIONS:
        raise ValueError(f"cache region {name!r} is declared twice")
    REGIONS[name] = made = Region(name, depends_on=depends_on, varies_on=varies_on, max_entries=max_entries,
                                  max_size=max_size, size_of=size_of, local=local,
                                  precompressed=precompressed)
    return made


#: where this request's values from ``precompressed`` regions are listed
_WHOLE = "consult_cache_precompressed"


def precompressed_fragments() -> list[str]:
    """The text values served in this request by ``precompressed`` regions (``consult.core.compression``)."""
    return (g.get(_WHOLE) or []) if has_request_context() else []


# ------------------------------------------------------------------------------------------------ storage


class _Store:
    """One region's entries for one app: the process's LRU, and Redis behind it when the app has one."""

    def __init__(self, region: Region, shared: RedisStore | None):
        self.local = LRUCache(region.max_entries, region.max_size)
        self.shared = None if region.local else shared
        self.name, self.size_of = region.name, region.size_of

    def get(self, key):
        value = self.local.get(key)
        if value is None and self.shared is not None:
            value = self.shared.get(self.name, key)
            if value is not None:
                self.local.put(key, value, self._size(value))
        return value

    def put(self, key, value) -> None:
        size = self._size(value)
        self.local.put(key, value, size)
        if self.shared is not None and self.local.fits(size):
            self.shared.put(self.name, key, value)

    def _size(self, value) -> int:
        if self.local.max_size is None:
            return 0
        return self.size_of(value) if self.size_of else len(value)


#: the files whose change makes a new release of what is rendered
_STAMPED = (".py", ".html", ".mo", ".txt", ".json", ".svg")


def code_stamp() -> str:
    """A stamp of the installed code, templates and catalogues (paths, sizes and modification times)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=8)
    for file in sorted(root.rglob("*")):
        if file.suffix in _STAMPED and "__pycache__" not in file.parts:
            stat = file.stat()
            digest.update(f"{file.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _shared(app) -> RedisStore | None:
    url = app.config.get("CACHE_REDIS_URL") or app.config.get("REDIS_URL")
    if not url:
        return None
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("the cache's Redis needs SECRET_KEY: its entries are signed with it")
    client = app.config.get("CACHE_REDIS_CLIENT") or cache_redis.connect(url)  # tests give a stand-in
    prefix = app.config.get("CACHE_KEY_PREFIX") or f"consult:{code_stamp()}"
    return RedisStore(client, prefix, int(app.config.get("CACHE_DEFAULT_TIMEOUT") or 86400),
                      app.config["SECRET_KEY"], int(app.config.get("CACHE_REDIS_MIN_BYTES") or 0))


class _AppCache:
    def __init__(self, app):
        self.shared = _shared(app)
        self.stores: dict[str, _Store] = {}
        self.lock = threading.Lock()


_EXTENSION = "consult_cache"


def _store(region: Region) -> _Store:
    app = current_app._get_current_object()
    caches = app.extensions.get(_EXTENSION)
    if caches is None:
        caches = app.extensions.setdefault(_EXTENSION, _AppCache(app))
    store = caches.stores.get(region.name)
    if store is None:
        with caches.lock:
            store = caches.stores.get(region.name)
            if store is None:
                store = caches.stores[region.name] = _Store(region, caches.shared)
    return store
