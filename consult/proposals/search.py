"""Full-text search of proposals, one service for both databases: the title and body of the original and of
every translation, and the texts of the official answers (in every language they were written in). Each of
these texts is matched on its own: a proposal is found when one of them has every word searched for.

* SQLite: an FTS5 virtual table ``proposal_fts(proposal_id UNINDEXED, title, body)`` kept in sync by mapper
  events in the same transaction. The row id is the proposal id for the original text, minus the
  translation id for a translation, and ``ANSWER_ROWID + id`` for an answer text (its title is empty).
* PostgreSQL: ``to_tsvector('simple', title || ' ' || body)`` matched with ``to_tsquery``, on the proposal,
  on its translations and on its answer texts; the migrations add GIN expression indexes (see
  ``POSTGRES_INDEXES``).

The person's words are never passed as FTS syntax: they are split into words and each is quoted.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import aliased

from consult.core import schema_extras
from consult.extensions import db
from consult.proposals.models import AnswerText, Proposal, ProposalAnswer, ProposalTranslation

SQLITE_CREATE = ("CREATE VIRTUAL TABLE IF NOT EXISTS proposal_fts USING fts5("
                 "proposal_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')")
#: accents folded in SQL with ``translate`` (portable: no ``unaccent`` extension needed)
ACCENTED = "àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿźżž"
PLAIN = "aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz"
assert len(ACCENTED) == len(PLAIN)


def pg_document(table: str = "") -> str:
    """The indexed expression; the query repeats it verbatim so PostgreSQL uses the GIN index."""
    prefix = f"{table}." if table else ""
    return (f"to_tsvector('simple', translate(lower(coalesce({prefix}title, '') || ' ' || "
            f"coalesce({prefix}body, '')), '{ACCENTED}', '{PLAIN}'))")


def pg_answer_document(table: str = "") -> str:
    """The indexed expression of an answer text (it has no title)."""
    prefix = f"{table}." if table else ""
    return f"to_tsvector('simple', translate(lower(coalesce({prefix}body, '')), '{ACCENTED}', '{PLAIN}'))"


POSTGRES_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS ix_proposal_fts ON proposal USING gin (({pg_document()}))",
    "CREATE INDEX IF NOT EXISTS ix_proposal_translation_fts ON proposal_translation USING gin "
    f"(({pg_document()}))",
    f"CREATE INDEX IF NOT EXISTS ix_proposal_answer_text_fts ON proposal_answer_text "
    f"USING gin (({pg_answer_document()}))",
)
#: answer texts' FTS row ids start here (proposal ids stay below it; translations are negative)
ANSWER_ROWID = 1 << 40
#: (re)index answer texts in bulk on SQLite, e.g. after rows were inserted without the ORM; ``:first`` is the
#: lowest answer text id to index
SQLITE_INDEX_ANSWERS = (
    f"INSERT OR REPLACE INTO proposal_fts (rowid, proposal_id, title, body) "
    f"SELECT {ANSWER_ROWID} + t.id, a.proposal_id, '', t.body FROM proposal_answer_text AS t "
    f"JOIN proposal_answer AS a ON a.id = t.answer_id WHERE t.id >= :first")
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12


def _is_sqlite(connection) -> bool:
    return connection.dialect.name == "sqlite"


def create_extras() -> None:
    """Create the search objects that ``create_all`` cannot make (tests; migrations do it in production)."""
    with db.engine.begin() as conn:
        if _is_sqlite(conn):
            conn.exec_driver_sql(SQLITE_CREATE)
        else:
            for statement in POSTGRES_INDEXES:
                conn.exec_driver_sql(statement)


def clean_extras() -> None:
    with db.engine.begin() as conn:
        if _is_sqlite(conn):
            conn.exec_driver_sql("DELETE FROM proposal_fts")


schema_extras.register(create_extras, clean_extras)


_ensured: set[str] = set()


def _ensure_table(connection) -> None:
    """Create the FTS table on first use when no migration made it yet (SQLite DDL is transactional)."""
    key = str(connection.engine.url)
    if key not in _ensured:
        connection.exec_driver_sql(SQLITE_CREATE)
        _ensured.add(key)


def _write(connection, rowid: int, proposal_id: int, title: str, body: str) -> None:
    _ensure_table(connection)
    connection.execute(sa.text("DELETE FROM proposal_fts WHERE rowid = :r"), {"r": rowid})
    connection.execute(sa.text("INSERT INTO proposal_fts (rowid, proposal_id, title, body) VALUES (:r, :p, "
                               ":t, :b)"),
                       {"r": rowid, "p": proposal_id, "t": title or "", "b": body or ""})


@event.listens_for(Proposal, "after_insert")
@event.listens_for(Proposal, "after_update")
def _index_proposal(_mapper, connection, target):
    if _is_sqlite(connection):
        _write(connection, target.id, target.id, target.title, target.body)


@event.listens_for(ProposalTranslation, "after_insert")
@event.listens_for(ProposalTranslation, "after_update")
def _index_translation(_mapper, connection, target):
    if _is_sqlite(connection):
        _write(connection, -target.id, target.proposal_id, target.title, target.body)


@event.listens_for(AnswerText, "after_insert")
@event.listens_for(AnswerText, "after_update")
def _index_answer_text(_mapper, connection, target):
    if _is_sqlite(connection):
        proposal_id = connection.scalar(sa.select(ProposalAnswer.proposal_id).where(
            ProposalAnswer.id == target.answer_id))
        _write(connection, ANSWER_ROWID + target.id, proposal_id, "", target.body)


@event.listens_for(AnswerText, "after_delete")
def _unindex_answer_text(_mapper, connection, target):
    if _is_sqlite(connection):
        connection.execute(sa.text("DELETE FROM proposal_fts WHERE rowid = :r"),
                           {"r": ANSWER_ROWID + target.id})


@event.listens_for(Proposal, "after_delete")
def _unindex_proposal(_mapper, connection, target):
    if _is_sqlite(connection):
        connection.execute(sa.text("DELETE FROM proposal_fts WHERE proposal_id = :p"), {"p": target.id})


@event.listens_for(ProposalTranslation, "after_delete")
def _unindex_translation(_mapper, connection, target):
    if _is_sqlite(connection):
        connection.execute(sa.text("DELETE FROM proposal_fts WHERE rowid = :r"), {"r": -target.id})


def words(query: str | None) -> list[str]:
    return WORD.findall(query or "")[:MAX_WORDS]


def matching(query: str | None):
    """A SQL condition on ``Proposal`` that is true for proposals matching every word (None: no search)."""
    terms = words(query)
    if not terms:
        return None
    if db.engine.dialect.name == "sqlite":
        _ensure_table(db.session.connection())
        fts = " ".join('"' + t.replace('"', "") + '"*' for t in terms)
        # an original's row id is its proposal id: reading the (unindexed) proposal_id column only for the
        # other rows saves most of the cost of a search that matches many proposals
        ids = sa.select(sa.literal_column(
            f"CASE WHEN rowid > 0 AND rowid < {ANSWER_ROWID} THEN rowid ELSE proposal_id END")).select_from(
            sa.table("proposal_fts")).where(sa.text("proposal_fts MATCH :fts").bindparams(fts=fts))
        return Proposal.id.in_(ids)
    # every word as a prefix, accents folded like the document; words are \w+ only, so quoting is safe
    folded = ["".join(c for c in unicodedata.normalize("NFKD", t.lower()) if not unicodedata.combining(c))
              for t in terms]
    query_ts = sa.func.to_tsquery("simple", " & ".join(f"'{w}':*" for w in folded if w))
    # one IN over the union of the three matches, each read through its GIN index: an OR of the proposal's
    # own document with the other two would make PostgreSQL compute the document of every proposal row
    original = aliased(Proposal, name="searched")
    in_original = sa.select(original.id).where(sa.literal_column(pg_document("searched")).op("@@")(query_ts))
    in_translation = sa.select(ProposalTranslation.proposal_id).where(
        sa.literal_column(pg_document("proposal_translation")).op("@@")(query_ts))
    in_answer = sa.select(ProposalAnswer.proposal_id).join(
        AnswerText, AnswerText.answer_id == ProposalAnswer.id).where(
        sa.literal_column(pg_answer_document("proposal_answer_text")).op("@@")(query_ts))
    return Proposal.id.in_(sa.union(in_original, in_translation, in_answer))
