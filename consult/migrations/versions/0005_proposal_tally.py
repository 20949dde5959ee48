"""Proposal lists count from a tally, not from the proposal rows; filtered lists read their own index.

``proposal_tally`` holds the number of visible proposals per (process, theme or 0, district or 0, state,
published); triggers on ``proposal`` keep it in the transaction of every change (see
``consult.proposals.tally``). The tally of the proposals already there is counted once here.
The single-column indexes on process, theme and district become (filter, newest first, covering) indexes, and
the state gets one, so that a filtered page reads 20 index entries whatever the number of proposals.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:27:14.980880

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The trigger SQL is copied here (not imported) so this revision stays as it was written.
SQLITE_TRIGGERS = (
    'DROP TRIGGER IF EXISTS proposal_tally_insert',
    'DROP TRIGGER IF EXISTS proposal_tally_update',
    'DROP TRIGGER IF EXISTS proposal_tally_delete',
    'CREATE TRIGGER proposal_tally_insert AFTER INSERT ON proposal FOR EACH ROW BEGIN INSERT INTO proposal_tally (process_id, theme_id, district_id, state, published, proposals) SELECT NEW.process_id, coalesce(NEW.theme_id, 0), coalesce(NEW.district_id, 0), NEW.state, NEW.published_at IS NOT NULL, 1 WHERE NEW.hidden_at IS NULL ON CONFLICT (process_id, theme_id, district_id, state, published) DO UPDATE SET proposals = proposals + 1; END',
    'CREATE TRIGGER proposal_tally_update AFTER UPDATE ON proposal FOR EACH ROW WHEN OLD.process_id IS NOT NEW.process_id OR OLD.theme_id IS NOT NEW.theme_id OR OLD.district_id IS NOT NEW.district_id OR OLD.state IS NOT NEW.state OR (OLD.published_at IS NULL) <> (NEW.published_at IS NULL) OR (OLD.hidden_at IS NULL) <> (NEW.hidden_at IS NULL) BEGIN UPDATE proposal_tally SET proposals = proposals - 1 WHERE OLD.hidden_at IS NULL AND process_id = OLD.process_id AND theme_id = coalesce(OLD.theme_id, 0) AND district_id = coalesce(OLD.district_id, 0) AND state = OLD.state AND published = (OLD.published_at IS NOT NULL); INSERT INTO proposal_tally (process_id, theme_id, district_id, state, published, proposals) SELECT NEW.process_id, coalesce(NEW.theme_id, 0), coalesce(NEW.district_id, 0), NEW.state, NEW.published_at IS NOT NULL, 1 WHERE NEW.hidden_at IS NULL ON CONFLICT (process_id, theme_id, district_id, state, published) DO UPDATE SET proposals = proposals + 1; END',
    'CREATE TRIGGER proposal_tally_delete AFTER DELETE ON proposal FOR EACH ROW BEGIN UPDATE proposal_tally SET proposals = proposals - 1 WHERE OLD.hidden_at IS NULL AND process_id = OLD.process_id AND theme_id = coalesce(OLD.theme_id, 0) AND district_id = coalesce(OLD.district_id, 0) AND state = OLD.state AND published = (OLD.published_at IS NOT NULL); END',
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION proposal_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP <> 'INSERT' THEN\n    IF OLD.hidden_at IS NULL THEN\n      UPDATE proposal_tally SET proposals = proposals - 1 WHERE TRUE AND process_id = OLD.process_id AND theme_id = coalesce(OLD.theme_id, 0) AND district_id = coalesce(OLD.district_id, 0) AND state = OLD.state AND published = (OLD.published_at IS NOT NULL);\n    END IF;\n  END IF;\n  IF TG_OP <> 'DELETE' THEN\n    IF NEW.hidden_at IS NULL THEN\n      INSERT INTO proposal_tally AS t (process_id, theme_id, district_id, state, published, proposals) VALUES (NEW.process_id, coalesce(NEW.theme_id, 0), coalesce(NEW.district_id, 0), NEW.state, NEW.published_at IS NOT NULL, 1) ON CONFLICT (process_id, theme_id, district_id, state, published) DO UPDATE SET proposals = t.proposals + 1;\n    END IF;\n  END IF;\n  RETURN NULL;\nEND $$",
    'DROP TRIGGER IF EXISTS proposal_tally_insert ON proposal',
    'DROP TRIGGER IF EXISTS proposal_tally_update ON proposal',
    'DROP TRIGGER IF EXISTS proposal_tally_delete ON proposal',
    'CREATE TRIGGER proposal_tally_insert AFTER INSERT ON proposal FOR EACH ROW EXECUTE FUNCTION proposal_tally_count()',
    'CREATE TRIGGER proposal_tally_update AFTER UPDATE ON proposal FOR EACH ROW WHEN (OLD.process_id IS DISTINCT FROM NEW.process_id OR OLD.theme_id IS DISTINCT FROM NEW.theme_id OR OLD.district_id IS DISTINCT FROM NEW.district_id OR OLD.state IS DISTINCT FROM NEW.state OR (OLD.published_at IS NULL) <> (NEW.published_at IS NULL) OR (OLD.hidden_at IS NULL) <> (NEW.hidden_at IS NULL)) EXECUTE FUNCTION proposal_tally_count()',
    'CREATE TRIGGER proposal_tally_delete AFTER DELETE ON proposal FOR EACH ROW EXECUTE FUNCTION proposal_tally_count()',
)
REBUILD = (
    'DELETE FROM proposal_tally',
    'INSERT INTO proposal_tally (process_id, theme_id, district_id, state, published, proposals) SELECT process_id, coalesce(theme_id, 0), coalesce(district_id, 0), state, published_at IS NOT NULL, count(*) FROM proposal WHERE hidden_at IS NULL GROUP BY process_id, coalesce(theme_id, 0), coalesce(district_id, 0), state, published_at IS NOT NULL',
)



def upgrade():
    op.create_table('proposal_tally',
    sa.Column('process_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('theme_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('district_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('proposals', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('process_id', 'theme_id', 'district_id', 'state', 'published', name=op.f('pk_proposal_tally'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_district_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_process_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_theme_id'))
        batch_op.create_index('ix_proposal_district', ['district_id', 'published_at', 'id', 'state', 'hidden_at', 'support_count', 'comment_count'], unique=False)
        batch_op.create_index('ix_proposal_process', ['process_id', 'published_at', 'id', 'state', 'hidden_at', 'support_count', 'comment_count'], unique=False)
        batch_op.create_index('ix_proposal_state', ['state', 'published_at', 'id', 'hidden_at', 'support_count', 'comment_count'], unique=False)
        batch_op.create_index('ix_proposal_theme', ['theme_id', 'published_at', 'id', 'state', 'hidden_at', 'support_count', 'comment_count'], unique=False)

    # the triggers last: nothing above rebuilds the proposal table (which would drop them on SQLite)
    triggers = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in (*triggers, *REBUILD):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS proposal_tally_{name}")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS proposal_tally_{name} ON proposal")
        op.execute("DROP FUNCTION IF EXISTS proposal_tally_count()")
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_theme')
        batch_op.drop_index('ix_proposal_state')
        batch_op.drop_index('ix_proposal_process')
        batch_op.drop_index('ix_proposal_district')
        batch_op.create_index(batch_op.f('ix_proposal_theme_id'), ['theme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_process_id'), ['process_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_district_id'), ['district_id'], unique=False)

    op.drop_table('proposal_tally')
