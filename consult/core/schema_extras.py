"""Database objects that models do not describe (e.g. full-text search indexes).

A domain registers how to create them (for tests that build the schema with ``create_all``; migrations create
them in production) and how to empty them between tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

_creators: list[Callable[[], None]] = []
_cleaners: list[Callable[[], None]] = []


def register(create: Callable[[], None], clean: Callable[[], None] | None = None) -> None:
    if create not in _creators:
        _creators.append(create)
    if clean is not None and clean not in _cleaners:
        _cleaners.append(clean)


def register_on_connection(create: Callable[[object], None]) -> None:
    """Register ``create(connection)``, run in a transaction of its own when the schema is made."""

    def create_in_transaction() -> None:
        from consult.extensions import db

        with db.engine.begin() as connection:
            create(connection)

    register(create_in_transaction)


def run(connection, by_dialect: dict[str, Sequence[str]]) -> None:
    """Run the statements written for this connection's database (``"sqlite"`` or ``"postgresql"``)."""
    for statement in by_dialect[connection.dialect.name]:
        connection.exec_driver_sql(statement)


#: a new random version in a trigger, per database: 53 bits, so it is exact as a JavaScript number too, and a
#: database emptied or restored starts no series a process could still hold (the versions kept by triggers:
#: comment threads, council sessions, the proposals list's filter choices)
RANDOM_VERSION = {"sqlite": "(random() >> 11)", "postgresql": "floor(random() * 9007199254740992)::bigint"}
#: "the value changed", NULLs compared as values, per database (a trigger's WHEN on an update)
DISTINCT = {"sqlite": "IS NOT", "postgresql": "IS DISTINCT FROM"}


def sqlite_trigger(name: str, event: str, table: str, *statements: str, when: str | None = None
                   ) -> tuple[str, str]:
    """Drop and create an SQLite trigger run after ``event`` (``"INSERT"``, ``"UPDATE OF a, b"``, ...) on each
    row of ``table``, when the condition ``when`` holds: its body is ``statements``."""
    condition = f"WHEN {when} " if when else ""
    body = "".join(f"{statement}; " for statement in statements)
    return (f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {condition}BEGIN {body}END")


def postgres_trigger(name: str, event: str, table: str, function: str, when: str | None = None
                     ) -> tuple[str, str]:
    """Drop and create a PostgreSQL trigger that runs ``function`` (see :func:`postgres_function`) after
    ``event`` on each row of ``table``, when the condition ``when`` holds."""
    condition = f"WHEN ({when}) " if when else ""
    return (f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {condition}"
            f"EXECUTE FUNCTION {function}()")


def postgres_function(name: str, *, on_old: str = "", on_new: str = "", always: str = "") -> str:
    """A PL/pgSQL trigger function: ``on_old`` runs for the old row (an update or a deletion), ``on_new``
    for the new row (an insertion or an update), ``always`` for every row (statements, each ending in ;)."""
    blocks = []
    if on_old:
        blocks.append(f"  IF TG_OP <> 'INSERT' THEN\n    {on_old}\n  END IF;\n")
    if on_new:
        blocks.append(f"  IF TG_OP <> 'DELETE' THEN\n    {on_new}\n  END IF;\n")
    if always:
        blocks.append(f"  {always}\n")
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{''.join(blocks)}  RETURN NULL;\nEND $$")


def create_all_extras() -> None:
    for create in _creators:
        create()


def clean_all_extras() -> None:
    for clean in _cleaners:
        clean()
