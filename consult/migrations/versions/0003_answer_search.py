"""Full-text search covers the official answers' texts.

SQLite: the answer texts get rows in ``proposal_fts`` (row id ``2**40 + answer text id``, empty title).
PostgreSQL: a GIN expression index on ``proposal_answer_text`` (the search service repeats the expression).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# The search SQL is copied here (not imported) so this revision stays as it was written.
ANSWER_ROWID = 1 << 40
SQLITE_FTS = "CREATE VIRTUAL TABLE IF NOT EXISTS proposal_fts USING fts5(proposal_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')"
SQLITE_INDEX_ANSWERS = (
    f"INSERT OR REPLACE INTO proposal_fts (rowid, proposal_id, title, body) "
    f"SELECT {ANSWER_ROWID} + t.id, a.proposal_id, '', t.body FROM proposal_answer_text AS t "
    f"JOIN proposal_answer AS a ON a.id = t.answer_id")
POSTGRES_ANSWER_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_proposal_answer_text_fts ON proposal_answer_text USING gin "
    "((to_tsvector('simple', translate(lower(coalesce(body, '')), 'àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿźżž', 'aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz'))))")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(SQLITE_FTS)
        op.execute(SQLITE_INDEX_ANSWERS)
    elif bind.dialect.name == "postgresql":
        op.execute(POSTGRES_ANSWER_INDEX)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(f"DELETE FROM proposal_fts WHERE rowid >= {ANSWER_ROWID}")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposal_answer_text_fts")
