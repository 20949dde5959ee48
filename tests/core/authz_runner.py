"""Runs every route of the URL map as one role and sorts each answer into the symbols of ``authz_matrix``.

Shared by the authorization matrix test and by whoever wants to print the observed table
(``print_observed``). The requests never commit (the demo stays as loaded for every role), and every
INSERT, UPDATE or DELETE a request sends is recorded, so a refused request can be shown to save nothing even
where the real request would commit (a redirect to sign in is a 303, and 303s commit).
"""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from consult.core.db import commit_or_rollback
from consult.extensions import db, limiter
from tests.routes import ACCOUNTS, DEMO_PASSWORD

#: endpoints that would end the role's session or stream forever: visited last / without reading the body
LAST = {"accounts.sign_out"}
STREAMING = {"debates.events"}
WRITES = ("INSERT", "UPDATE", "DELETE")


#: what an empty POST answers when authorization let it through (the form or the state refuses it, or it is
#: done)
ACCEPTED_POST = {"ok", "go", "cf", "bad", "400"}


def classify(response, method: str = "GET") -> str:
    """One symbol per answer: see the legend of ``tests/core/authz_matrix.py``."""
    symbol = _symbol(response)
    return "do" if method == "POST" and symbol in ACCEPTED_POST else symbol


def _symbol(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        if "/sign-in" in location:
            return "in"
        return "go"
    return {200: "ok", 403: "no", 404: "nf", 409: "cf", 422: "bad"}.get(status, str(status))


def _rollback_only(response):
    db.session.rollback()
    return response


@contextmanager
def never_commit(app):
    """Requests roll back whatever they answer: each role meets the demo exactly as it was loaded."""
    funcs = app.after_request_funcs.setdefault(None, [])
    index = funcs.index(commit_or_rollback)
    funcs[index] = _rollback_only
    try:
        yield
    finally:
        funcs[funcs.index(_rollback_only)] = commit_or_rollback


class WriteRecorder:
    """The tables a block of code writes to (INSERT/UPDATE/DELETE statements sent to the database)."""

    def __init__(self):
        self.tables: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        words = statement.lstrip().split(None, 3)
        if words and words[0].upper() in WRITES:
            verb = words[0].upper()
            table = words[2] if verb in ("INSERT", "DELETE") and len(words) > 2 else (words[1]
                                                                                      if len(words) > 1
                                                                                      else "?")
            self.tables.append(verb + " " + table.strip('"'))

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self._record)


def run_role(app, cases, role):
    """Visit every case as ``role``; returns {key: (symbol, status, writes)} for the cases with a URL."""
    client = app.test_client()
    limiter.reset()
    if role != "visitor":
        client.sign_in(ACCOUNTS[role], DEMO_PASSWORD)
    token = client.csrf_token()
    results = {}
    ordered = sorted((c for c in cases if c.url is not None),
                     key=lambda c: (c.endpoint in LAST, c.method, c.key))
    with never_commit(app):
        for case in ordered:
            with WriteRecorder() as writes:
                if case.method == "GET":
                    response = client.get(case.url, buffered=False)
                else:
                    response = client.post(case.url, data={"csrf_token": token})
                status = response.status_code
                symbol = classify(response, case.method)
                response.close()
            results[case.key] = (symbol, status, writes.tables)
    return results
