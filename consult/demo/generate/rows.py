"""What the generator's steps share: moments as offsets from ``ctx.now``, the next free id, rows written in
batches (through the driver: COPY on PostgreSQL; or through SQLAlchemy), the id sequences moved past explicit
ids, weighted draws, and the accounts of a list of ids."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from consult.extensions import db

BATCH = 5_000
DAY = 86_400.0
HOUR = 3_600.0


def at_offset(ctx, offset: float) -> datetime:
    """``ctx.now`` plus ``offset`` seconds (negative: the past), to the second."""
    base = ctx.__dict__.get("_whole_now")
    if base is None:
        base = ctx.__dict__["_whole_now"] = ctx.now.replace(microsecond=0)
    return base + timedelta(seconds=int(offset))


def next_free_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _write(conn, table, columns: list[str], batch: list[tuple]) -> None:
    """One batch through the driver: COPY on PostgreSQL, ``executemany`` on SQLite (datetimes written in the
    format SQLAlchemy uses there, so comparisons with its own parameters stay exact)."""
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    if conn.dialect.name == "postgresql":
        with conn.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        return
    if conn.dialect.name == "sqlite":
        moments = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.DateTime)]
        for k, row in enumerate(batch):
            row = list(row)
            for i in moments:
                if row[i] is not None:
                    row[i] = row[i].isoformat(" ", "microseconds")
            batch[k] = tuple(row)
    marks = ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", batch)


def bulk_insert(model, rows, advance=None) -> int:
    """Insert an iterable of dicts (all with the same keys, every value given) in batches; returns how
    many."""
    table = model.__table__ if hasattr(model, "__table__") else model
    conn = db.session.connection()
    columns, batch, total = None, [], 0
    for row in rows:
        if columns is None:
            columns = list(row)
        batch.append(tuple(row[c] for c in columns))
        if len(batch) >= BATCH:
            _write(conn, table, columns, batch)
            total += len(batch)
            if advance:
                advance(len(batch))
            batch = []
    if batch:
        _write(conn, table, columns, batch)
        total += len(batch)
        if advance:
            advance(len(batch))
    return total


def sync_sequences(*models) -> None:
    """On PostgreSQL, move each table's id sequence past the ids inserted explicitly."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__table__.name
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
            f"GREATEST((SELECT max(id) FROM \"{name}\"), 1))"))


def pick(rng, weights: dict):
    total = sum(weights.values())
    r = rng.random() * total
    for key, weight in weights.items():
        r -= weight
        if r < 0:
            return key
    return key


def allocate(rng, total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Split ``total`` over items in proportion to ``weights``, never above ``caps``; exact when caps
    allow."""
    n = len(weights)
    counts = [0] * n
    remaining = min(total, sum(caps))
    open_items = [i for i in range(n) if caps[i] > 0 and weights[i] > 0] or [i for i in range(n)
                                                                             if caps[i] > 0]
    while remaining > 0 and open_items:
        weight_sum = sum(weights[i] for i in open_items) or len(open_items)
        given = 0
        for i in open_items:
            share = weights[i] / weight_sum if weight_sum else 1 / len(open_items)
            add = min(int(remaining * share), caps[i] - counts[i])
            counts[i] += add
            given += add
        remaining -= given
        open_items = [i for i in open_items if counts[i] < caps[i]]
        if given == 0:  # the rest one by one, largest weights first
            for i in sorted(open_items, key=lambda i: -weights[i])[:remaining]:
                counts[i] += 1
                remaining -= 1
            open_items = [i for i in open_items if counts[i] < caps[i]]
    return counts


def insert_batches(model, rows: list[dict]) -> None:
    """Insert dicts through SQLAlchemy (its types convert the values), ``BATCH`` rows a statement."""
    table = model.__table__
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start:start + BATCH])


def accounts(ctx, ids: list[int]) -> dict[int, object]:
    """The accounts of ``ids``, by id (900 ids a query)."""
    from consult.accounts.models import User

    found = {}
    for start in range(0, len(ids), 900):
        for user in db.session.scalars(sa.select(User).where(User.id.in_(ids[start:start + 900]))):
            found[user.id] = user
    return found
