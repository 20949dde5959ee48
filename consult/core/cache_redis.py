"""The cache's Redis backend (``consult.core.cache``): entries shared by every worker and host.

Values never go through ``pickle``: whoever can write to Redis must not be able to run code in the app. A
value is written as tagged JSON of the types the regions hold, and only those: ``str``, ``Markup``,
``bytes``, numbers, ``None``, tuples, lists, dicts with text keys, and dataclasses and named tuples defined in
``consult`` (rebuilt from their fields, by a class already imported: reading an entry imports nothing). A
value of any other type stays in the process's own store. Each entry is signed with a key derived from
``SECRET_KEY`` (keyed BLAKE2b over the entry's Redis key and its bytes): an entry written by anything but the
platform, or moved to another key, is not served — a Redis reachable by others cannot put HTML into a page.
Every host must therefore have the same ``SECRET_KEY`` (which sessions need anyway).

Keys are a digest of a canonical text of the region's name and key (ints, text, times, decimals, rows,
tuples...), the same in every process and on every host; a key holding anything else is not shared.

Values under ``CACHE_REDIS_MIN_BYTES`` stay in the process (see :class:`RedisStore`). Entries expire after
``CACHE_DEFAULT_TIMEOUT`` seconds; the Redis given to the cache should also have a
``maxmemory`` with an LRU policy (``deploy/redis/``). When Redis does not answer, pages are made as if
nothing were cached, and it is tried again 30 seconds later.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import hmac
import json
import logging
import sys
import time
import uuid
from collections.abc import Mapping, Sequence

from markupsafe import Markup

log = logging.getLogger("consult.core.cache")

#: bytes of the signature in front of each value
MAC_SIZE = 16


class Unshareable(TypeError):
    """A value or key of a type the Redis backend does not carry: it stays in the process."""


# ------------------------------------------------------------------------------------------------ values


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _is_record_class(cls) -> bool:
    """A dataclass or a named tuple of the platform's own code."""
    if not isinstance(cls, type) or cls.__module__.split(".")[0] != "consult":
        return False
    return dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))


def encode(value):
    """``value`` as JSON-ready data whose tags keep every type (see the module's docstring)."""
    kind = type(value)
    if kind is str or value is None or kind is bool or kind is int or kind is float:
        return value
    if kind is Markup:
        return {"m": str(value)}
    if kind is tuple:
        return {"t": [encode(item) for item in value]}
    if kind is list:
        return [encode(item) for item in value]
    if kind is bytes:
        return {"b": base64.b64encode(value).decode("ascii")}
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Unshareable("a dict with keys other than text")
        return {"d": {k: encode(v) for k, v in value.items()}}
    if _is_record_class(kind):
        fields = (value if issubclass(kind, tuple)
                  else [getattr(value, f.name) for f in dataclasses.fields(value)])
        return {"c": _class_name(kind), "v": [encode(item) for item in fields]}
    raise Unshareable(f"{kind.__module__}.{kind.__qualname__}")


def _record_class(name: str) -> type:
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name)  # already imported by the code that wrote it; never imported here
    cls = module
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if module is None or not _is_record_class(cls) or _class_name(cls) != name:
        raise ValueError(f"not a record class of the platform: {name}")
    return cls


def decode(data):
    """The value :func:`encode` was given (``ValueError`` when the data is not what it writes)."""
    if isinstance(data, (str, int, float)) or data is None:
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise ValueError("unknown data")
    if "m" in data:
        return Markup(data["m"])
    if "t" in data:
        return tuple([decode(item) for item in data["t"]])
    if "b" in data:
        return base64.b64decode(data["b"], validate=True)
    if "d" in data:
        return {str(k): decode(v) for k, v in data["d"].items()}
    if "c" in data:
        cls, fields = _record_class(data["c"]), [decode(item) for item in data["v"]]
        return cls._make(fields) if issubclass(cls, tuple) else cls(*fields)
    raise ValueError("unknown tag")


def dumps(value) -> bytes:
    """The bytes kept in Redis: a tag, then the text itself (a page's or a thread's HTML: the most common
    value, and the largest) or tagged JSON."""
    kind = type(value)
    if kind is Markup or kind is str:
        return (b"m" if kind is Markup else b"s") + value.encode("utf-8", "surrogatepass")
    return b"j" + json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes):
    tag, body = data[:1], data[1:]
    if tag == b"j":
        return decode(json.loads(body))
    if tag in (b"m", b"s"):
        text = body.decode("utf-8", "surrogatepass")
        return Markup(text) if tag == b"m" else text
    raise ValueError("unknown format")


# ------------------------------------------------------------------------------------------------ keys


def _key_text(value, out: list) -> None:
    """Append a canonical, typed text of ``value`` (a region's key) to ``out``."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str, bytes, Markup):
        out.append(f"{kind.__name__[0]}{value!r}")
    elif isinstance(value, (str, bytes)):  # another subclass: by its class, and its text
        out.append(f"{_class_name(kind)}{(str(value) if isinstance(value, str) else bytes(value))!r}")
    elif isinstance(value, (dt.datetime, dt.date, dt.time)):
        out.append(f"{kind.__name__}:{value.isoformat()}")
    elif isinstance(value, (decimal.Decimal, uuid.UUID, dt.timedelta)):
        out.append(f"{kind.__name__}:{value}")
    elif isinstance(value, enum.Enum):
        out.append(f"{_class_name(kind)}:")
        _key_text(value.value, out)
    elif isinstance(value, Mapping):
        out.append("{")
        for item in sorted(value.items(), key=lambda pair: repr(pair[0])):
            _key_text(item[0], out)
            _key_text(item[1], out)
        out.append("}")
    elif isinstance(value, (set, frozenset)):
        out.append("<" + ",".join(sorted(_key_of(item) for item in value)) + ">")
    else:
        opening, items = _key_items(value, kind)
        out.append(opening)
        for item in items:
            _key_text(item, out)
            out.append(",")
        out.append(")")


def _key_items(value, kind) -> tuple[str, Sequence]:
    """How a key's sequence opens, and its items: the platform's dataclasses and named tuples by class, lists,
    tuples and rows (a row and the tuple of its values are one key)."""
    if _is_record_class(kind):
        return f"{_class_name(kind)}(", (value if isinstance(value, tuple) else
                                         [getattr(value, f.name) for f in dataclasses.fields(value)])
    if isinstance(value, list):
        return "[(", value
    if isinstance(value, Sequence) or hasattr(value, "_fields"):
        return "(", value
    raise Unshareable(f"a key holding {kind.__module__}.{kind.__qualname__}")


def _key_of(value) -> str:
    out: list[str] = []
    _key_text(value, out)
    return "".join(out)


# ------------------------------------------------------------------------------------------------ backend


class RedisStore:
    """Entries of every region, shared through one Redis (see the module's docstring).

    Only values of ``min_bytes`` or more go to Redis: a smaller one (a card, a pager) is drawn again faster
    than it comes back from Redis. A region whose first :attr:`SMALL_AFTER` values were all smaller is not
    asked of Redis any more in this process (a page of twenty cards does not make twenty round trips)."""

    RETRY_AFTER = 30.0
    SMALL_AFTER = 16

    def __init__(self, client, prefix: str, timeout: int, secret: str | bytes, min_bytes: int = 4096):
        self.client, self.prefix, self.timeout_ms = client, prefix, int(timeout * 1000)
        self.min_bytes = min_bytes
        secret = secret.encode() if isinstance(secret, str) else secret
        self._mac_key = hashlib.blake2b(secret, digest_size=32, person=b"consult.cache").digest()
        self._down_until = 0.0
        self._refused: set[str] = set()
        #: region → [values below min_bytes, values of min_bytes or more] seen by this process
        self._sizes: dict[str, list[int]] = {}

    def _worth_asking(self, name: str) -> bool:
        small, large = self._sizes.get(name, (0, 0))
        return large > 0 or small < self.SMALL_AFTER

    def _key(self, name: str, key) -> str:
        digest = hashlib.blake2b(_key_of(key).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
        return f"{self.prefix}:{name}:{digest}"

    def _mac(self, redis_key: str, data: bytes) -> bytes:
        return hashlib.blake2b(redis_key.encode() + b"\0" + data, key=self._mac_key,
                               digest_size=MAC_SIZE).digest()

    def get(self, name: str, key):
        if time.monotonic() < self._down_until or not self._worth_asking(name):
            return None
        try:
            redis_key = self._key(name, key)
        except Unshareable:
            return None
        try:
            stored = self.client.get(redis_key)
        except Exception as error:  # any failure of the server or the connection: made as if not cached
            self._down(error)
            return None
        if stored is None:
            return None
        mac, data = stored[:MAC_SIZE], stored[MAC_SIZE:]
        if not hmac.compare_digest(mac, self._mac(redis_key, data)):
            log.warning("cache: an entry of %s in Redis has no valid signature; not served", name)
            return None
        try:
            return loads(data)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("cache: an entry of %s in Redis could not be read (%s)", name, error)
            return None

    def put(self, name: str, key, value) -> None:
        if time.monotonic() < self._down_until:
            return
        sizes = self._sizes.setdefault(name, [0, 0])
        if not self._worth_asking(name) and sizes[0] % self.SMALL_AFTER:
            sizes[0] += 1  # a region of small values: one in SMALL_AFTER is still weighed, nothing else
            return
        try:
            data = dumps(value)
            if len(data) < self.min_bytes:
                sizes[0] += 1
                return
            sizes[1] += 1
            redis_key = self._key(name, key)
        except Unshareable as error:
            if name not in self._refused:  # said once per region and process
                self._refused.add(name)
                log.warning("cache: %s keeps an entry in the process (%s cannot be shared)", name, error)
            return
        try:
            self.client.set(redis_key, self._mac(redis_key, data) + data, px=self.timeout_ms)
        except Exception as error:
            self._down(error)

    def _down(self, error: Exception) -> None:
        log.warning("cache: Redis did not answer (%s); trying again in %.0f s", error, self.RETRY_AFTER)
        self._down_until = time.monotonic() + self.RETRY_AFTER


def connect(url: str):
    """A client of the Redis at ``url`` that gives up within half a second (a page never waits on it)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5,
                                health_check_interval=30)
