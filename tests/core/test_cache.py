"""The cache boundary (``consult.core.cache``): a region's entries depend on the versions it declares and
nothing else, each app has its own, workers share them through Redis when one is configured (values keep their
type, a new release reads none of an older one's), a Redis that does not answer costs nothing but the caching,
and every cache in the code is a region."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from markupsafe import Markup

from consult.core import cache, cache_redis, compression
from consult.proposals.page import Parts

CONSULT = Path(__file__).resolve().parents[2] / "consult"

NOTES = cache.region("test_cache_notes", depends_on=("note", "version"), max_entries=8)
SIZED = cache.region("test_cache_sized", depends_on=("note",), max_entries=8, max_size=100)
WORDS = cache.region("test_cache_words", depends_on=("word",), varies_on=(cache.language,), max_entries=8)
HELD = cache.region("test_cache_held", depends_on=("note",), max_entries=8, local=True)
WORDS_SMALL = cache.region("test_cache_small", depends_on=("word",), max_entries=64)
WHOLE = cache.region("test_cache_whole", depends_on=("note",), max_entries=8, precompressed=True)


class FakeRedis:
    """Stands for a Redis server: what ``consult.core.cache`` asks of one."""

    def __init__(self):
        self.data: dict[str, bytes] = {}
        self.down = False
        self.timeouts: list[int] = []
        self.gets = 0

    def get(self, key):
        if self.down:
            raise ConnectionError("Connection refused")
        self.gets += 1
        return self.data.get(key)

    def set(self, key, value, px=None):
        if self.down:
            raise ConnectionError("Connection refused")
        self.timeouts.append(px)
        self.data[key] = value


def worker(redis: FakeRedis | None = None, prefix: str | None = "release-1",
           secret: str = "the platform's secret key") -> Flask:
    """An app as one server process has it (several of them stand for several workers)."""
    app = Flask(__name__)
    if redis is not None:
        app.config.update(CACHE_REDIS_URL="redis://cache.internal:6379/0", CACHE_REDIS_CLIENT=redis,
                          CACHE_KEY_PREFIX=prefix, CACHE_DEFAULT_TIMEOUT=60, SECRET_KEY=secret)
    return app


class Maker:
    """``make()`` for a region, counting how often it had to make the value."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_region_takes_exactly_the_versions_it_declares():
    with worker().app_context():
        with pytest.raises(TypeError, match="note, version"):
            NOTES.get_or_make(Maker("x"), note=1)  # a forgotten version never means one entry for all
        with pytest.raises(TypeError):
            NOTES.get_or_make(Maker("x"), note=1, version=1, colour="red")
        with pytest.raises(TypeError):
            NOTES.get(note=1)
    with pytest.raises(ValueError, match="declares no version"):
        cache.region("test_cache_constant", depends_on=(), max_entries=8)
    with pytest.raises(ValueError, match="twice"):
        cache.region("test_cache_notes", depends_on=("note",), max_entries=8)


def test_a_new_version_is_a_new_entry():
    with worker().app_context():
        first, second = Maker(Markup("<p>first</p>")), Maker(Markup("<p>second</p>"))
        assert NOTES.get_or_make(first, note=1, version=1) == "<p>first</p>"
        assert NOTES.get_or_make(first, note=1, version=1) == "<p>first</p>" and first.calls == 1
        assert NOTES.get_or_make(second, note=1, version=2) == "<p>second</p>" and second.calls == 1
        assert NOTES.get_or_make(second, note=2, version=1) == "<p>second</p>" and second.calls == 2
        assert NOTES.stats() == cache.Stats(hits=1, misses=3, entries=3)
        NOTES.put("put", note=3, version=1)
        assert NOTES.get(note=3, version=1) == "put" and NOTES.get(note=3, version=2) is None


def test_a_value_larger_than_the_region_is_not_cached():
    with worker().app_context():
        big = Maker("x" * 101)
        SIZED.get_or_make(big, note=1)
        SIZED.get_or_make(big, note=1)
        assert big.calls == 2 and SIZED.stats().entries == 0


def test_each_app_has_its_own_entries():
    one, two = worker(), worker()
    with one.app_context():
        NOTES.get_or_make(Maker("one"), note=1, version=1)
    with two.app_context():
        assert NOTES.get(note=1, version=1) is None
        assert NOTES.get_or_make(Maker("two"), note=1, version=1) == "two"
    with one.app_context():
        assert NOTES.get(note=1, version=1) == "one"


def test_entries_vary_on_the_readers_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        WORDS.get_or_make(Maker("Bonjour"), word="hello")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert WORDS.get_or_make(Maker("Hello"), word="hello") == "Hello"
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert WORDS.get(word="hello") == "Bonjour"


def test_workers_share_entries_through_redis_and_values_keep_their_type():
    redis = FakeRedis()
    parts = Parts(Markup("<h1>Library</h1>"), Markup("<p>Open on Sundays</p>"), Markup(""))
    with worker(redis).app_context():
        NOTES.get_or_make(Maker(parts), note=1, version=1)
        NOTES.get_or_make(Maker((Markup("<b>head</b>"), b"\x1f\x8b bytes")), note=2, version=1)
    assert len(redis.data) == 2 and redis.timeouts == [60_000, 60_000]
    with worker(redis).app_context():  # another worker: nothing in its own memory yet
        again, other = Maker(None), Maker(None)
        shared = NOTES.get_or_make(again, note=1, version=1)
        assert again.calls == 0 and shared == parts and isinstance(shared.top, Markup)
        head, raw = NOTES.get_or_make(other, note=2, version=1)
        assert other.calls == 0 and isinstance(head, Markup) and raw == b"\x1f\x8b bytes"
        assert NOTES.get(note=1, version=2) is None  # a new version is not in Redis either


def test_small_values_are_drawn_again_rather_than_fetched_from_redis():
    redis = FakeRedis()
    app = worker(redis)
    app.config["CACHE_REDIS_MIN_BYTES"] = 100
    with app.app_context():
        NOTES.get_or_make(Maker("x" * 200), note=0, version=1)  # large: shared
        for n in range(1, 40):
            WORDS_SMALL.get_or_make(Maker(f"card {n}"), word=n)
    assert len(redis.data) == 1  # the small ones stay in the process
    asked = redis.gets
    with app.app_context():
        WORDS_SMALL.clear()
        WORDS_SMALL.get_or_make(Maker("card 1"), word=1)  # a region of small values: Redis is not asked
        assert redis.gets == asked
        NOTES.clear()
        again = Maker("not drawn")
        assert NOTES.get_or_make(again, note=0, version=1) == "x" * 200 and again.calls == 0
        assert redis.gets == asked + 1


def test_a_local_region_stays_in_the_process():
    redis = FakeRedis()
    with worker(redis).app_context():
        HELD.get_or_make(Maker(object()), note=1)
    assert redis.data == {}


def test_a_new_release_reads_nothing_an_older_one_cached():
    redis = FakeRedis()
    with worker(redis, prefix="release-1").app_context():
        NOTES.get_or_make(Maker("rendered by release 1"), note=1, version=1)
    with worker(redis, prefix="release-2").app_context():
        assert NOTES.get_or_make(Maker("rendered by release 2"), note=1, version=1) == "rendered by release 2"
    with worker(redis, prefix=None).app_context():  # by default the prefix is a stamp of the installed code
        NOTES.get_or_make(Maker("x"), note=1, version=1)
    assert any(key.startswith(f"consult:{cache.code_stamp()}:test_cache_notes:") for key in redis.data)


def test_when_redis_does_not_answer_values_are_made_and_it_is_tried_again_later(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(cache_redis, "time", SimpleNamespace(monotonic=lambda: now[0]))
    redis = FakeRedis()
    redis.down = True
    with worker(redis).app_context():
        made = Maker("made anyway")
        assert NOTES.get_or_make(made, note=1, version=1) == "made anyway" and made.calls == 1
        assert NOTES.get_or_make(made, note=1, version=1) == "made anyway"
        assert made.calls == 1  # the process's copy
        redis.down = False
        now[0] += 10
        NOTES.get_or_make(Maker("not sent"), note=2, version=1)
        assert redis.data == {}  # not asked again at once: a dead server would slow every page
        now[0] += 30
        NOTES.get_or_make(Maker("sent"), note=3, version=1)
        assert len(redis.data) == 1


def test_values_keep_their_type_through_redis():
    from consult.comments.thread import _WithForms

    values = [Markup("<p>é</p>"), "text \udc80", {"status": "<p>live</p>", "phase": "live"}, [1, 2.5, None],
              _WithForms(Markup("<form>")), (Markup("<b>"), (b"\x00", True), {"nested": [Markup("<i>")]})]
    for value in values:
        again = cache_redis.loads(cache_redis.dumps(value))
        assert again == value and type(again) is type(value)
    assert type(cache_redis.loads(cache_redis.dumps(values[-1]))[2]["nested"][0]) is Markup


class Exploit:
    """What a pickle in Redis would run when read: ``touch`` a file."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_nothing_read_from_redis_is_unpickled_and_only_signed_entries_are_served(tmp_path):
    import pickle

    redis = FakeRedis()
    with worker(redis).app_context():
        NOTES.get_or_make(Maker(Markup("<p>the platform's own</p>")), note=1, version=1)
    (key, stored), = redis.data.items()
    ran = tmp_path / "ran"
    # someone who can write to Redis puts a pickle there, with or without a signature's room in front
    for forged in (pickle.dumps(Exploit(ran)), stored[:cache_redis.MAC_SIZE] + pickle.dumps(Exploit(ran))):
        redis.data[key] = forged
        with worker(redis).app_context():
            made = Maker("made again")
            assert NOTES.get_or_make(made, note=1, version=1) == "made again" and made.calls == 1
        assert not ran.exists()
    # HTML of their own, or an entry of the platform moved to another key: not served either
    redis.data[key] = stored
    other_key = key[:-1] + ("0" if key[-1] != "0" else "1")
    redis.data[other_key] = stored
    with worker(redis).app_context():
        assert NOTES.get(note=1, version=1) == "<p>the platform's own</p>"
    forged = stored.replace(b"own", b"OWN")
    for tampered in ({key: forged}, {key: stored[:-3] + b'x"}'}):
        redis.data.update(tampered)
        with worker(redis).app_context():
            assert NOTES.get(note=1, version=1) is None
    # another platform's (another secret key's) entries are not served
    redis.data[key] = stored
    with worker(redis, secret="another platform").app_context():
        assert NOTES.get(note=1, version=1) is None


@dataclass(frozen=True)
class Visitor:  # a test module's class: not the platform's, never rebuilt from Redis
    name: str


def test_values_redis_cannot_carry_stay_in_the_process():
    redis = FakeRedis()
    with worker(redis).app_context():
        held = Maker(Visitor("Ana"))
        assert NOTES.get_or_make(held, note=1, version=1) == Visitor("Ana")
        assert NOTES.get_or_make(held, note=1, version=1) == Visitor("Ana") and held.calls == 1
        NOTES.get_or_make(Maker({1: "a dict keyed by numbers"}), note=2, version=1)
        NOTES.get_or_make(Maker("a key holding an object"), note=object(), version=1)
    assert redis.data == {}
    # a record class named in an entry is rebuilt only when the platform's code defines it and has imported
    # it (decoding imports nothing)
    for name in ("tests.core.test_cache:Visitor", "consult.core.cache:LRUCache", "os:system",
                 "consult.nowhere:Parts", "consult.proposals.page:Parts.__init__"):
        with pytest.raises(ValueError):
            cache_redis.loads(b'j{"c":"%s","v":["x"]}' % name.encode())


def test_keys_in_redis_are_the_same_in_every_process_for_the_same_key():
    import datetime as dt
    import decimal
    import subprocess
    import sys

    key = (1, "two", 3.0, None, True, b"4", (dt.datetime(2026, 5, 1, 12, 30), dt.date(2026, 5, 1),
                                              decimal.Decimal("1.50")), frozenset({"a", "b", "c"}))
    store = cache_redis.RedisStore(FakeRedis(), "p", 60, "s")
    here = store._key("r", key)
    program = ("import datetime; from decimal import Decimal; from consult.core import cache_redis; "
               "print(cache_redis.RedisStore(None, 'p', 60, 's')._key('r', " + repr(key) + "))")
    for seed in ("1", "2"):  # another process, another string hash seed (a set's order changes with it)
        there = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
        assert there == here
    # distinct keys, distinct entries (1 and 1.0 and True, a text and its bytes, a tuple and a list)
    keys = [1, 1.0, True, "1", b"1", (1,), [1], (1, 2), ((1,), 2), Markup("1"), dt.date(2026, 1, 1),
            "2026-01-01", Parts(Markup("1"), Markup(""), Markup("")),
            Parts(Markup(""), Markup("1"), Markup(""))]
    assert len({store._key("r", k) for k in keys}) == len(keys)
    # the platform's dataclasses (a proposal page's answers are part of its key) are keys like any tuple
    assert store._key("r", (Parts(Markup("a"), Markup("b"), Markup("")),)) == store._key(
        "r", (Parts(Markup("a"), Markup("b"), Markup("")),))


def test_a_precompressed_regions_large_text_is_listed_for_the_gzip_of_the_page(app):
    large, small = "<li>a long thread</li>" * 2000, "<li>short</li>"
    with app.test_request_context("/"):
        WHOLE.get_or_make(Maker(large), note=1)
        WHOLE.get_or_make(Maker(large), note=1)
        WHOLE.get_or_make(Maker(small), note=2)
        NOTES.get_or_make(Maker("<li>other</li>" * 3000), note=1, version=1)
        assert compression.included() == [large]
    with app.test_request_context("/"):
        assert compression.included() == []


def test_every_cache_in_the_code_is_a_region():
    """No module keeps a store of its own or builds keys for one: ``LRUCache`` is the regions' storage."""
    allowed = {"core/cache.py"}
    found = []
    for path in CONSULT.rglob("*.py"):
        name = path.relative_to(CONSULT).as_posix()
        if name in allowed or name.startswith("migrations/"):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\b(LRUCache|KeptStore|app_store)\b|consult\.core\.kept", text):
            found.append(name)
    assert found == []
