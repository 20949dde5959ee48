"""Ballots: one index on (poll, tracker hash) instead of (poll).

The public tracker list of a poll is read page by page in tracker order and looked up by tracker; the
composite index serves that and every lookup by poll the old index served.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:44:26.550554

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vote_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_ballot_poll_id'))
        batch_op.create_index('ix_vote_ballot_poll_tracker', ['poll_id', 'tracker_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('vote_ballot', schema=None) as batch_op:
        batch_op.drop_index('ix_vote_ballot_poll_tracker')
        batch_op.create_index(batch_op.f('ix_vote_ballot_poll_id'), ['poll_id'], unique=False)
