"""The version of each council session's live part, kept by the database (``session_version``,
``models.SessionVersion``).

The session page keeps its live part (roll call, quorum, agenda, motions and votes) between readers
(``queries``): it must change as soon as anything it shows changes. Database triggers give the session a new
version in the transaction of any such change, whoever makes it (the services, plain SQL, the generators,
a cascade): a page reads one row, with the session itself, to know whether what it keeps is current.

What moves a session's version, each insert, update or deletion of:

* the session (``council_session``: its status, times, ...; a new session gets its first version, a deleted
  one loses it);
* its agenda items, their speakers, documents and linked proposals, its motions and their named votes;
* its roll call (``council_attendance``);
* the seats of its council (``council_membership``: the roll call lists the seats of the session's day and
  counts the quorum among them), and any change of the council (its quorum rule);
* the participation in the poll of one of its secret motions (the votes cast so far);

and a new public name of an account holding a seat in its council (a display name, an erasure), or a new title
of a proposal its agenda links. Nothing else fires (a sign-in, a language, another council's changes).

A version is a random 53-bit number, not a counter: a database emptied and filled again (the tests do it
between tests) or restored from a backup starts no series that could meet a version a process still keeps.

The triggers are made by migration 0013 in production and by ``create_triggers`` for schemas made with
``create_all`` (tests, benchmarks). A later SQLite migration that rebuilds one of these tables
(``batch_alter_table`` with "move and copy") drops its triggers with it: it must run ``create_triggers``
again.
"""

from __future__ import annotations

from consult.core import schema_extras

_RANDOM = schema_extras.RANDOM_VERSION

_OF_ITEM = "(SELECT i.session_id FROM agenda_item i WHERE i.id = {row}.item_id)"
_OF_MOTION = ("(SELECT i.session_id FROM council_motion m JOIN agenda_item i ON i.id = m.item_id "
              "WHERE m.id = {row}.motion_id)")
_OF_POLL = ("(SELECT i.session_id FROM council_motion m JOIN agenda_item i ON i.id = m.item_id "
            "WHERE m.poll_id = {row}.poll_id)")
_OF_COUNCIL = "(SELECT s.id FROM council_session s WHERE s.council_id = {row}.council_id)"

#: the tables whose every row change moves the version of the sessions ``session_id IN (...)`` names
#: (``{row}``: OLD or NEW)
ROW_SOURCES = {
    "agenda_item": "(SELECT {row}.session_id)",
    "council_attendance": "(SELECT {row}.session_id)",
    "agenda_speaker": _OF_ITEM,
    "agenda_attachment": _OF_ITEM,
    "agenda_item_proposal": _OF_ITEM,
    "council_motion": _OF_ITEM,
    "council_motion_vote": _OF_MOTION,
    "vote_participation": _OF_POLL,
    "council_membership": _OF_COUNCIL,
}

#: the changes of other tables that move versions: (trigger name, event, table, sessions (of NEW), when
#: (``{op}``: the database's "is distinct from"), or None)
UPDATE_SOURCES = (
    ("session_version_council", "UPDATE", "council",
     "(SELECT s.id FROM council_session s WHERE s.council_id = NEW.id)", None),
    ("session_version_member", "UPDATE OF display_name, deleted_at", '"user"',
     "(SELECT s.id FROM council_session s JOIN council_membership ms ON ms.council_id = s.council_id "
     "WHERE ms.user_id = NEW.id)",
     "OLD.display_name {op} NEW.display_name OR OLD.deleted_at {op} NEW.deleted_at"),
    ("session_version_proposal", "UPDATE OF title", "proposal",
     "(SELECT i.session_id FROM agenda_item_proposal l JOIN agenda_item i ON i.id = l.item_id "
     "WHERE l.proposal_id = NEW.id)", "OLD.title {op} NEW.title"),
)
_DISTINCT = schema_extras.DISTINCT


def _touch(sessions: str, row: str, dialect: str) -> str:
    return (f"UPDATE session_version SET version = {_RANDOM[dialect]} "
            f"WHERE session_id IN {sessions.format(row=row)}")


def _upsert(dialect: str) -> str:
    return (f"INSERT INTO session_version (session_id, version) VALUES (NEW.id, {_RANDOM[dialect]}) "
            f"ON CONFLICT (session_id) DO UPDATE SET version = excluded.version")


_FORGET = "DELETE FROM session_version WHERE session_id = OLD.id"
_EVENTS = ("INSERT", "UPDATE", "DELETE")


def _sqlite() -> tuple[str, ...]:
    session, upsert = "council_session", _upsert("sqlite")
    statements = [
        *schema_extras.sqlite_trigger("session_version_insert", "INSERT", session, upsert),
        *schema_extras.sqlite_trigger("session_version_update", "UPDATE", session, upsert),
        *schema_extras.sqlite_trigger("session_version_delete", "DELETE", session, _FORGET),
    ]
    for table, sessions in ROW_SOURCES.items():
        rows = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}
        for event in _EVENTS:
            statements += schema_extras.sqlite_trigger(
                f"session_version_{table}_{event.lower()}", event, table,
                *(_touch(sessions, row, "sqlite") for row in rows[event]))
    for name, event, table, sessions, when in UPDATE_SOURCES:
        statements += schema_extras.sqlite_trigger(
            name, event, table, _touch(sessions, "NEW", "sqlite"),
            when=when.format(op=_DISTINCT["sqlite"]) if when else None)
    return tuple(statements)


def _postgres() -> tuple[str, ...]:
    statements = [
        schema_extras.postgres_function("session_version_session", on_old="IF TG_OP = 'DELETE' THEN "
                                        + _FORGET + "; END IF;", on_new=_upsert("postgresql") + ";"),
        *(statement for event in _EVENTS for statement in schema_extras.postgres_trigger(
            f"session_version_{event.lower()}", event, "council_session", "session_version_session")),
    ]
    for table, sessions in ROW_SOURCES.items():
        function = f"session_version_{table}"
        statements.append(schema_extras.postgres_function(
            function, on_old=_touch(sessions, "OLD", "postgresql") + ";",
            on_new=_touch(sessions, "NEW", "postgresql") + ";"))
        for event in _EVENTS:
            statements += schema_extras.postgres_trigger(f"{function}_{event.lower()}", event, table,
                                                         function)
    for name, event, table, sessions, when in UPDATE_SOURCES:
        statements.append(schema_extras.postgres_function(
            name, always=_touch(sessions, "NEW", "postgresql") + ";"))
        statements += schema_extras.postgres_trigger(
            name, event, table, name, when=when.format(op=_DISTINCT["postgresql"]) if when else None)
    return tuple(statements)


SQLITE_TRIGGERS = _sqlite()
POSTGRES_TRIGGERS = _postgres()


def rebuild(dialect: str) -> tuple[str, ...]:
    """A version for every session there is (when the triggers are made on tables that have rows)."""
    return ("DELETE FROM session_version",
            f"INSERT INTO session_version (session_id, version) SELECT id, {_RANDOM[dialect]} "
            f"FROM council_session")


def create_triggers(connection) -> None:
    """(Re)create the triggers and give every session there is a version."""
    schema_extras.run(connection, {"sqlite": (*SQLITE_TRIGGERS, *rebuild("sqlite")),
                                   "postgresql": (*POSTGRES_TRIGGERS, *rebuild("postgresql"))})


schema_extras.register_on_connection(create_triggers)
