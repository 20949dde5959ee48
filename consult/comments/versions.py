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

_RANDOM = {"sqlite": "(random() >> 11)", "postgresql": "floor(random() * 9007199254740992)::bigint"}
_AUTHOR_CHANGED = "OLD.display_name {op} NEW.display_name OR OLD.deleted_at {op} NEW.deleted_at"


def _touch(row: str, dialect: str) -> str:
    return (f"UPDATE comment_thread SET version = {_RANDOM[dialect]} "
            f"WHERE target_type = {row}.target_type AND target_id = {row}.target_id")


def _upsert(dialect: str) -> str:
    return (f"INSERT INTO comment_thread (target_type, target_id, version) "
            f"VALUES (NEW.target_type, NEW.target_id, {_RANDOM[dialect]}) "
            f"ON CONFLICT (target_type, target_id) DO UPDATE SET version = excluded.version")


def _authors(dialect: str) -> str:
    return (f"UPDATE comment_thread SET version = {_RANDOM[dialect]} WHERE (target_type, target_id) IN "
            f"(SELECT target_type, target_id FROM comment WHERE author_id = NEW.id)")


SQLITE_TRIGGERS = (
    "DROP TRIGGER IF EXISTS comment_thread_insert",
    "DROP TRIGGER IF EXISTS comment_thread_update",
    "DROP TRIGGER IF EXISTS comment_thread_delete",
    "DROP TRIGGER IF EXISTS comment_thread_author",
    f"CREATE TRIGGER comment_thread_insert AFTER INSERT ON comment FOR EACH ROW BEGIN {_upsert('sqlite')}; "
    "END",
    "CREATE TRIGGER comment_thread_update AFTER UPDATE ON comment FOR EACH ROW BEGIN "
    f"{_touch('OLD', 'sqlite')}; "
    f"{_upsert('sqlite')}; END",
    "CREATE TRIGGER comment_thread_delete AFTER DELETE ON comment FOR EACH ROW BEGIN "
    f"{_touch('OLD', 'sqlite')}; END",
    f'CREATE TRIGGER comment_thread_author AFTER UPDATE OF display_name, deleted_at ON "user" FOR EACH ROW '
    f"WHEN {_AUTHOR_CHANGED.format(op='IS NOT')} BEGIN {_authors('sqlite')}; END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION comment_thread_touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  IF TG_OP <> 'INSERT' THEN\n"
    f"    {_touch('OLD', 'postgresql')};\n"
    "  END IF;\n"
    "  IF TG_OP <> 'DELETE' THEN\n"
    f"    {_upsert('postgresql')};\n"
    "  END IF;\n"
    "  RETURN NULL;\n"
    "END $$",
    "CREATE OR REPLACE FUNCTION comment_thread_author() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    f"  {_authors('postgresql')};\n"
    "  RETURN NULL;\n"
    "END $$",
    "DROP TRIGGER IF EXISTS comment_thread_insert ON comment",
    "DROP TRIGGER IF EXISTS comment_thread_update ON comment",
    "DROP TRIGGER IF EXISTS comment_thread_delete ON comment",
    'DROP TRIGGER IF EXISTS comment_thread_author ON "user"',
    "CREATE TRIGGER comment_thread_insert AFTER INSERT ON comment FOR EACH ROW EXECUTE FUNCTION "
    "comment_thread_touch()",
    "CREATE TRIGGER comment_thread_update AFTER UPDATE ON comment FOR EACH ROW EXECUTE FUNCTION "
    "comment_thread_touch()",
    "CREATE TRIGGER comment_thread_delete AFTER DELETE ON comment FOR EACH ROW EXECUTE FUNCTION "
    "comment_thread_touch()",
    'CREATE TRIGGER comment_thread_author AFTER UPDATE OF display_name, deleted_at ON "user" FOR EACH ROW '
    f"WHEN ({_AUTHOR_CHANGED.format(op='IS DISTINCT FROM')}) EXECUTE FUNCTION comment_thread_author()",
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
