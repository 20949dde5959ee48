"""A poll may elect several options: ``vote_poll.seats`` (null: one) for the single transferable vote and the
proportional approval methods, and ``vote_poll.tie_seed``, the published seed of the lots that break the ties
the counting rules leave (see ``consult.votes.counting.ties``). Existing polls keep both null.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vote_poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seats', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tie_seed', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('vote_poll', schema=None) as batch_op:
        batch_op.drop_column('tie_seed')
        batch_op.drop_column('seats')
