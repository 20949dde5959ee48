"""Whole paper ballots typed twice (``consult.votes.paper_ballots``): batches of slips per polling station
(``vote_paper_batch``), each registrar's copy of each slip (``vote_paper_entry``, the audit trail of the double
entry, removed once the poll is closed and the batch counted) and the counted slips (``vote_paper_ballot``:
what they say and their batch; no registrar, no slip number, no time).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vote_paper_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('station', sa.String(length=80), nullable=False),
    sa.Column('slips', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('counted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status in ('entering', 'counted')", name=op.f('ck_vote_paper_batch_paper_batch_status_known')),
    sa.CheckConstraint('slips > 0', name=op.f('ck_vote_paper_batch_paper_batch_has_slips')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_vote_paper_batch_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['poll_id'], ['vote_poll.id'], name=op.f('fk_vote_paper_batch_poll_id_vote_poll'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_paper_batch')),
    sa.UniqueConstraint('poll_id', 'station', name='uq_vote_paper_batch_station')
    )
    with op.batch_alter_table('vote_paper_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_paper_batch_poll_id'), ['poll_id'], unique=False)

    op.create_table('vote_paper_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('slip', sa.Integer(), nullable=False),
    sa.Column('copy', sa.Integer(), nullable=False),
    sa.Column('registrar_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('choice', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('copy in (1, 2)', name=op.f('ck_vote_paper_entry_paper_entry_copy_known')),
    sa.CheckConstraint("kind in ('valid', 'blank', 'invalid')", name=op.f('ck_vote_paper_entry_paper_entry_kind_known')),
    sa.ForeignKeyConstraint(['batch_id'], ['vote_paper_batch.id'], name=op.f('fk_vote_paper_entry_batch_id_vote_paper_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registrar_id'], ['user.id'], name=op.f('fk_vote_paper_entry_registrar_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_paper_entry')),
    sa.UniqueConstraint('batch_id', 'slip', 'copy', name='uq_vote_paper_entry_copy'),
    sa.UniqueConstraint('batch_id', 'slip', 'registrar_id', name='uq_vote_paper_entry_registrar')
    )
    with op.batch_alter_table('vote_paper_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_paper_entry_batch_id'), ['batch_id'], unique=False)

    op.create_table('vote_paper_ballot',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('choice', sa.Text(), nullable=True),
    sa.CheckConstraint("kind in ('valid', 'blank', 'invalid')", name=op.f('ck_vote_paper_ballot_paper_ballot_kind_known')),
    sa.ForeignKeyConstraint(['batch_id'], ['vote_paper_batch.id'], name=op.f('fk_vote_paper_ballot_batch_id_vote_paper_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['poll_id'], ['vote_poll.id'], name=op.f('fk_vote_paper_ballot_poll_id_vote_poll'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_paper_ballot')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('vote_paper_ballot', schema=None) as batch_op:
        batch_op.create_index('ix_vote_paper_ballot_poll_batch', ['poll_id', 'batch_id'], unique=False)


def downgrade():
    op.drop_table('vote_paper_ballot')
    op.drop_table('vote_paper_entry')
    op.drop_table('vote_paper_batch')
