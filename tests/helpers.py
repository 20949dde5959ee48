"""Small helpers for assertions that read like what a person would check."""

from __future__ import annotations

import re

import sqlalchemy as sa

from consult.extensions import db


def count(model, *where) -> int:
    """Rows of ``model`` matching ``where`` ('nothing was saved' assertions)."""
    q = sa.select(sa.func.count()).select_from(model)
    for condition in where:
        q = q.where(condition)
    return db.session.scalar(q)


def text_of(response) -> str:
    """The visible text of an HTML response, tags removed and spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def html_attr(response, tag: str, attr: str) -> str | None:
    match = re.search(rf"<{tag}\b[^>]*\b{attr}=\"([^\"]*)\"", response.get_data(as_text=True))
    return match.group(1) if match else None


class QueryCounter:
    """Counts SQL statements sent while the block runs (N+1 guards): ``with QueryCounter() as q: ...``."""

    def __init__(self, engine=None):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE",
                                                      "PRAGMA")):
            self.statements.append(statement)

    def __enter__(self):
        self.engine = self.engine or db.engine
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


def run_coroutine(coroutine):
    """``asyncio.run`` in a thread of its own: a test worker that ran Playwright before has an event loop
    running in its main thread, where ``asyncio.run`` refuses to start another. The thread runs in a copy of
    the caller's context, so an application context open in the test is open in the coroutine too."""
    import asyncio
    import contextvars
    import threading

    outcome: dict = {}
    context = contextvars.copy_context()

    def run():
        try:
            outcome["value"] = context.run(asyncio.run, coroutine)
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="test-coroutine")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


class VersionMoves:
    """``with VersionMoves(db, read): change`` -- the change, committed, gives a version kept by the database
    (``read()``: its value now) a new value (``expected=False``: leaves it as it was). Both ends commit."""

    def __init__(self, db_, read, expected: bool = True):
        self.db, self.read, self.expected = db_, read, expected

    def __enter__(self):
        self.db.session.commit()
        self.before = self.read()
        assert self.before is not None
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False
        self.db.session.commit()
        after = self.read()
        assert after is not None
        assert (after != self.before) is self.expected, "the version moved" if not self.expected else "same"
        return False


def migration(filename: str):
    """The module of the migration ``consult/migrations/versions/<filename>`` (it is no package to import)."""
    import importlib.util
    from pathlib import Path

    import consult

    path = Path(consult.__file__).parent / "migrations" / "versions" / filename
    spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
