"""Exact totals of proposal lists that cost the same at any number of proposals.

Counting the matching rows of ``proposal`` grows with the table (26 ms for 100,000 proposals on SQLite, more
for the API's count of a subquery). ``proposal_tally`` (``models.ProposalTally``) keeps, per group
``(process, theme or 0, district or 0, state, published)``, the number of visible (not hidden) proposals; a
list's total is the sum of the groups its filters select, a few hundred rows at most whatever the data size.

Database triggers on ``proposal`` keep it, in the transaction of the change and whoever makes it: the
services, moderation (``hidden_at``), the generators' bulk inserts, ``ON DELETE SET NULL`` of a theme or
district and ``ON DELETE CASCADE`` of a process (both fire the triggers on SQLite and PostgreSQL). An
increment is an upsert and a decrement an ``UPDATE ... SET proposals = proposals - 1``: each reads the row's
latest committed value under its row lock, so concurrent transactions cannot lose a change (SQLite serialises
writers anyway). An update fires them only when a grouped value (or visibility) changes, not on every support
or comment.

The triggers are made by migration 0005 in production and by ``create_extras`` for schemas made with
``create_all`` (tests, benchmarks). A later SQLite migration that rebuilds the ``proposal`` table
(``batch_alter_table`` with "move and copy") drops them with it: it must run ``create_triggers`` again.
"""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa

from consult.core import schema_extras
from consult.extensions import db
from consult.proposals.models import ProposalTally

KEY = ("process_id", "theme_id", "district_id", "state", "published")


def _values(row: str) -> str:
    return (f"{row}.process_id, coalesce({row}.theme_id, 0), coalesce({row}.district_id, 0), {row}.state, "
            f"{row}.published_at IS NOT NULL")


def _match(row: str) -> str:
    return (f"process_id = {row}.process_id AND theme_id = coalesce({row}.theme_id, 0) "
            f"AND district_id = coalesce({row}.district_id, 0) AND state = {row}.state "
            f"AND published = ({row}.published_at IS NOT NULL)")


_COLUMNS = "process_id, theme_id, district_id, state, published, proposals"
_CONFLICT = ("ON CONFLICT (process_id, theme_id, district_id, state, published) "
             "DO UPDATE SET proposals = {t}proposals + 1")
_CHANGED = ("OLD.process_id IS DISTINCT FROM NEW.process_id OR OLD.theme_id IS DISTINCT FROM NEW.theme_id "
            "OR OLD.district_id IS DISTINCT FROM NEW.district_id OR OLD.state IS DISTINCT FROM NEW.state "
            "OR (OLD.published_at IS NULL) <> (NEW.published_at IS NULL) "
            "OR (OLD.hidden_at IS NULL) <> (NEW.hidden_at IS NULL)")
_INCREMENT_SQLITE = (f"INSERT INTO proposal_tally ({_COLUMNS}) SELECT {_values('NEW')}, 1 WHERE "
                     "NEW.hidden_at IS NULL "
                     + _CONFLICT.format(t=""))
_DECREMENT = "UPDATE proposal_tally SET proposals = proposals - 1 WHERE {cond}" + " AND " + _match("OLD")
_DECREMENT_SQLITE = _DECREMENT.format(cond="OLD.hidden_at IS NULL")
SQLITE_TRIGGERS = (
    *schema_extras.sqlite_trigger("proposal_tally_insert", "INSERT", "proposal", _INCREMENT_SQLITE),
    *schema_extras.sqlite_trigger("proposal_tally_update", "UPDATE", "proposal", _DECREMENT_SQLITE,
                                  _INCREMENT_SQLITE, when=_CHANGED.replace("IS DISTINCT FROM", "IS NOT")),
    *schema_extras.sqlite_trigger("proposal_tally_delete", "DELETE", "proposal", _DECREMENT_SQLITE),
)
POSTGRES_TRIGGERS = (
    schema_extras.postgres_function(
        "proposal_tally_count",
        on_old=f"IF OLD.hidden_at IS NULL THEN {_DECREMENT.format(cond='TRUE')}; END IF;",
        on_new=f"IF NEW.hidden_at IS NULL THEN INSERT INTO proposal_tally AS t ({_COLUMNS}) VALUES "
               f"({_values('NEW')}, 1) {_CONFLICT.format(t='t.')}; END IF;"),
    *schema_extras.postgres_trigger("proposal_tally_insert", "INSERT", "proposal", "proposal_tally_count"),
    *schema_extras.postgres_trigger("proposal_tally_update", "UPDATE", "proposal", "proposal_tally_count",
                                    when=_CHANGED),
    *schema_extras.postgres_trigger("proposal_tally_delete", "DELETE", "proposal", "proposal_tally_count"),
)
#: the tally of the proposals already there (when the triggers are made on a table that has rows)
REBUILD = (
    "DELETE FROM proposal_tally",
    f"INSERT INTO proposal_tally ({_COLUMNS}) SELECT process_id, coalesce(theme_id, 0), "
    "coalesce(district_id, 0), "
    "state, published_at IS NOT NULL, count(*) FROM proposal WHERE hidden_at IS NULL "
    "GROUP BY process_id, coalesce(theme_id, 0), coalesce(district_id, 0), state, published_at IS NOT NULL",
)


def create_triggers(connection) -> None:
    """(Re)create the triggers and recount the tally from the proposals there are."""
    schema_extras.run(connection, {"sqlite": (*SQLITE_TRIGGERS, *REBUILD),
                                   "postgresql": (*POSTGRES_TRIGGERS, *REBUILD)})


schema_extras.register_on_connection(create_triggers)


@lru_cache(maxsize=32)
def _total_statement(process: bool, theme: bool, district: bool, published_only: bool) -> sa.Select:
    """The sum for each shape of filters (built once each: building costs more than running it). Parameters:
    ``states`` (a list) and ``process_id``, ``theme_id``, ``district_id`` for the filters given."""
    conditions = [ProposalTally.state.in_(sa.bindparam("states", expanding=True))]
    for given, column in ((process, ProposalTally.process_id), (theme, ProposalTally.theme_id),
                          (district, ProposalTally.district_id)):
        if given:
            conditions.append(column == sa.bindparam(column.key, type_=sa.Integer))
    if published_only:
        conditions.append(ProposalTally.published.is_(True))
    return sa.select(sa.func.coalesce(sa.func.sum(ProposalTally.proposals), 0)).where(*conditions)


def total(*, states, process_id: int | None = None, theme_id: int | None = None,
          district_id: int | None = None, published_only: bool = False) -> int:
    """Visible proposals in ``states`` with these process, theme and district (None: any), from the tally."""
    statement = _total_statement(bool(process_id), bool(theme_id), bool(district_id), published_only)
    return db.session.connection().execute(statement, {
        "states": list(states), "process_id": process_id, "theme_id": theme_id, "district_id": district_id,
    }).scalar_one()
