"""The version of each comment thread, kept by the database (``comment_thread``, ``models.CommentThread``).

The HTML of a thread is kept between readers (``consult.comments.thread``) and must change as soon as anything
it shows changes: a comment's columns (a new comment, an edit, a deletion, a hide or restore, an erased
author's comments losing their author) or the public name of one of its authors (a new display name, an erased
account). Database triggers give the thread a new version in the transaction of any such change, whoever makes
it (the services, moderation, the generators' bulk inserts, ``ON DELETE SET NULL`` of an account): a page
reads one row to know whether what it keeps is current, whatever the number of comments.

A version is a random 53-bit number, not a counter: a database emptied and filled again (the tests do it
between tests) or restored from a backup starts no series that could meet a version a process still keeps.
Accounts' other changes (a sign-in, a language) fire nothing.

The triggers are made by migration 0006 in production and by ``create_extras`` for schemas made with
``create_all`` (tests, benchmarks). A later SQLite migration that rebuilds ``comment`` or ``user``
(``batch_alter_table`` with "move and copy") drops them with it: it must run ``create_triggers`` again.
"""

from __future__ import annotations

from consult.core import schema_extras

_RANDOM = schema_extras.RANDOM_VERSION
_AUTHOR_CHANGED = "OLD.display_name {op} NEW.display_name OR OLD.deleted_at {op} NEW.deleted_at"
_AUTHOR_EVENT = "UPDATE OF display_name, deleted_at"


#: what the triggers run (``{random}``: a new version, in the database's own SQL): a new version for the
#: thread of the comment's old row, one for the thread of its new row (made if it has none yet), and one for
#: every thread an author with a new public name wrote in
_TOUCH = ("UPDATE comment_thread SET version = {random} "
          "WHERE target_type = OLD.target_type AND target_id = OLD.target_id")
_UPSERT = ("INSERT INTO comment_thread (target_type, target_id, version) "
           "VALUES (NEW.target_type, NEW.target_id, {random}) "
           "ON CONFLICT (target_type, target_id) DO UPDATE SET version = excluded.version")
_AUTHORS = ("UPDATE comment_thread SET version = {random} WHERE (target_type, target_id) IN "
            "(SELECT target_type, target_id FROM comment WHERE author_id = NEW.id)")


def _sql(statement: str, dialect: str) -> str:
    return statement.format(random=_RANDOM[dialect])


SQLITE_TRIGGERS = (
    *schema_extras.sqlite_trigger("comment_thread_insert", "INSERT", "comment", _sql(_UPSERT, "sqlite")),
    *schema_extras.sqlite_trigger("comment_thread_update", "UPDATE", "comment", _sql(_TOUCH, "sqlite"),
                                  _sql(_UPSERT, "sqlite")),
    *schema_extras.sqlite_trigger("comment_thread_delete", "DELETE", "comment", _sql(_TOUCH, "sqlite")),
    *schema_extras.sqlite_trigger("comment_thread_author", _AUTHOR_EVENT, '"user"', _sql(_AUTHORS, "sqlite"),
                                  when=_AUTHOR_CHANGED.format(op="IS NOT")),
)
POSTGRES_TRIGGERS = (
    schema_extras.postgres_function("comment_thread_touch", on_old=_sql(_TOUCH, "postgresql") + ";",
                                    on_new=_sql(_UPSERT, "postgresql") + ";"),
    schema_extras.postgres_function("comment_thread_author", always=_sql(_AUTHORS, "postgresql") + ";"),
    *(statement for event in ("INSERT", "UPDATE", "DELETE") for statement in schema_extras.postgres_trigger(
        f"comment_thread_{event.lower()}", event, "comment", "comment_thread_touch")),
    *schema_extras.postgres_trigger("comment_thread_author", _AUTHOR_EVENT, '"user"', "comment_thread_author",
                                    when=_AUTHOR_CHANGED.format(op="IS DISTINCT FROM")),
)


def rebuild(dialect: str) -> tuple[str, ...]:
    """A version for every thread there is (when the triggers are made on a table that has rows)."""
    return ("DELETE FROM comment_thread",
            f"INSERT INTO comment_thread (target_type, target_id, version) SELECT target_type, target_id, "
            f"{_RANDOM[dialect]} FROM comment GROUP BY target_type, target_id")


def create_triggers(connection) -> None:
    """(Re)create the triggers and give every thread there is a version."""
    schema_extras.run(connection, {"sqlite": (*SQLITE_TRIGGERS, *rebuild("sqlite")),
                                   "postgresql": (*POSTGRES_TRIGGERS, *rebuild("postgresql"))})


schema_extras.register_on_connection(create_triggers)
