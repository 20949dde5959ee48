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


def create_all_extras() -> None:
    for create in _creators:
        create()


def clean_all_extras() -> None:
    for clean in _cleaners:
        clean()
