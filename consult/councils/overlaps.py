"""The database itself refuses two overlapping terms of one person in one council.

A term covers every day from ``starts_on`` to ``ends_on``, both included; no ``ends_on`` is open-ended
(``consult.councils.offices``). The service checks for an overlap before writing and says so on the form;
the database keeps the rule even when two requests pass that check at once, or rows arrive another way:

* PostgreSQL: an exclusion constraint over ``(council_id, user_id, daterange(starts_on, ends_on, '[]'))``
  (``btree_gist`` lets a GiST index compare the integers with ``=``). The range is written with the last day
  included; PostgreSQL keeps it in its canonical ``'[)'`` form, up to the day after the last, and a NULL end
  makes it unbounded.
* SQLite: triggers before an insert, and before an update of those columns, that abort with the same name.

Migration 0009 makes them in a database; :func:`create` makes them where the tests build the schema with
``create_all``. An SQLite migration that rebuilds ``council_membership`` must call :func:`create` again.
"""

from __future__ import annotations

from consult.core import schema_extras

#: the name both databases give the refusal (constraint name, trigger message)
NAME = "ex_council_membership_no_overlap"

_OVERLAP = ("SELECT 1 FROM council_membership AS other WHERE other.council_id = NEW.council_id "
            "AND other.user_id = NEW.user_id AND (other.ends_on IS NULL OR other.ends_on >= NEW.starts_on) "
            "AND (NEW.ends_on IS NULL OR other.starts_on <= NEW.ends_on)")

SQLITE = (
    "DROP TRIGGER IF EXISTS council_membership_no_overlap_insert",
    "DROP TRIGGER IF EXISTS council_membership_no_overlap_update",
    f"CREATE TRIGGER council_membership_no_overlap_insert BEFORE INSERT ON council_membership FOR EACH ROW "
    f"WHEN EXISTS ({_OVERLAP}) BEGIN SELECT RAISE(ABORT, '{NAME}'); END",
    f"CREATE TRIGGER council_membership_no_overlap_update "
    f"BEFORE UPDATE OF council_id, user_id, starts_on, ends_on ON council_membership FOR EACH ROW "
    f"WHEN EXISTS ({_OVERLAP} AND other.id <> OLD.id) BEGIN SELECT RAISE(ABORT, '{NAME}'); END",
)
POSTGRESQL = (
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"ALTER TABLE council_membership DROP CONSTRAINT IF EXISTS {NAME}",
    f"ALTER TABLE council_membership ADD CONSTRAINT {NAME} EXCLUDE USING gist "
    f"(council_id WITH =, user_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)",
)


def create(connection) -> None:
    """(Re)make the constraint (PostgreSQL) or the triggers (SQLite)."""
    schema_extras.run(connection, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def is_overlap(error) -> bool:
    """Whether a database error is this refusal (and not another constraint's)."""
    return NAME in str(getattr(error, "orig", error))


schema_extras.register_on_connection(create)
