"""The version of the proposals list's filter choices, kept by the database (a row of ``catalog_version``,
``consult.core.models.CatalogVersion``).

The list's filter form offers every process (id, title), every theme (id, name, its process's title) and
every district (id, name), ordered by title, by process title and position, by name
(``queries.filter_choices``). The choices and the form's HTML are kept between requests (``queries.CHOICES``,
``cards.FORMS``) under this version: the list page reads it with its cards, in the same statement, and runs
the choices' query only when the version is new to it.

Database triggers give the choices a new version in the transaction of any change they show, whoever makes it
(the services, plain SQL, the generators, a cascade): the insertion or deletion of a process, a theme or a
district, and an update of a column the choices show or order by (``WATCHED``: a process's title, a theme's
name, position or process, a district's name, and any row's id). Nothing else fires (a process's description
or phases, a district's code, a proposal).

A version is a random 53-bit number, not a counter: a database emptied and filled again (the tests do it
between tests) or restored from a backup starts no series that could meet a version a process still keeps.
Each trigger writes the row whether it is there or not (an emptied table gets it back at the next change);
while there is none (an emptied database, a ``TRUNCATE``, which fires no row trigger) the list reads the
choices at each request and keeps nothing.

The triggers are made by migration 0014 in production and by ``create_triggers`` for schemas made with
``create_all`` (tests, benchmarks). A later SQLite migration that rebuilds one of the watched tables
(``batch_alter_table`` with "move and copy") drops its triggers with it: it must run ``create_triggers``
again.
"""

from __future__ import annotations

from consult.core import schema_extras

#: the choices' row in ``catalog_version``
NAME = "proposal_filter_choices"

_RANDOM = schema_extras.RANDOM_VERSION
_DISTINCT = schema_extras.DISTINCT

#: the tables whose rows the choices show, and the columns of theirs the choices show or order by
WATCHED = {
    "process": ("id", "title"),
    "process_theme": ("id", "process_id", "name", "position"),
    "district": ("id", "name"),
}
_EVENTS = ("INSERT", "UPDATE", "DELETE")


def _bump(dialect: str) -> str:
    """A new version (the row is made when there is none)."""
    return (f"INSERT INTO catalog_version (name, version) VALUES ('{NAME}', {_RANDOM[dialect]}) "
            f"ON CONFLICT (name) DO UPDATE SET version = excluded.version")


def _event(event: str, columns: tuple[str, ...]) -> str:
    return f"UPDATE OF {', '.join(columns)}" if event == "UPDATE" else event


def _changed(event: str, columns: tuple[str, ...], dialect: str) -> str | None:
    if event != "UPDATE":
        return None
    return " OR ".join(f"OLD.{column} {_DISTINCT[dialect]} NEW.{column}" for column in columns)


def _sqlite() -> tuple[str, ...]:
    statements: list[str] = []
    for table, columns in WATCHED.items():
        for event in _EVENTS:
            statements += schema_extras.sqlite_trigger(
                f"filter_choices_{table}_{event.lower()}", _event(event, columns), table, _bump("sqlite"),
                when=_changed(event, columns, "sqlite"))
    return tuple(statements)


_FUNCTION = "filter_choices_version"


def _postgres() -> tuple[str, ...]:
    statements = [schema_extras.postgres_function(_FUNCTION, always=_bump("postgresql") + ";")]
    for table, columns in WATCHED.items():
        for event in _EVENTS:
            statements += schema_extras.postgres_trigger(
                f"filter_choices_{table}_{event.lower()}", _event(event, columns), table, _FUNCTION,
                when=_changed(event, columns, "postgresql"))
    return tuple(statements)


SQLITE_TRIGGERS = _sqlite()
POSTGRES_TRIGGERS = _postgres()


def rebuild(dialect: str) -> tuple[str, ...]:
    """A first version (when the triggers are made on tables that may have rows)."""
    return (_bump(dialect),)


def create_triggers(connection) -> None:
    """(Re)create the triggers and give the choices a new version."""
    schema_extras.run(connection, {"sqlite": (*SQLITE_TRIGGERS, *rebuild("sqlite")),
                                   "postgresql": (*POSTGRES_TRIGGERS, *rebuild("postgresql"))})


schema_extras.register_on_connection(create_triggers)
