"""Amendments to proposals: the window in which a proposal takes them, the amendments (new text, explanation,
the text they were written against, decision, supports, moderation), their supports, and the versions of a
proposal's text.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 00:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_amendment_window',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_amendment_window_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_proposal_amendment_window_set_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_proposal_amendment_window'))
    )
    op.create_table('proposal_amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('explanation', sa.String(length=1000), nullable=False),
    sa.Column('base_title', sa.String(length=200), nullable=False),
    sa.Column('base_body', sa.Text(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('support_count', sa.Integer(), nullable=False),
    sa.Column('promoted_to_id', sa.Integer(), nullable=True),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'accepted', 'rejected', 'withdrawn')", name=op.f('ck_proposal_amendment_state_known')),
    sa.CheckConstraint('support_count >= 0', name=op.f('ck_proposal_amendment_support_count_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_proposal_amendment_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_proposal_amendment_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['promoted_to_id'], ['proposal.id'], name=op.f('fk_proposal_amendment_promoted_to_id_proposal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_amendment_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_amendment'))
    )
    with op.batch_alter_table('proposal_amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_amendment_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_proposal_amendment_proposal', ['proposal_id', 'created_at'], unique=False)

    op.create_table('proposal_amendment_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['proposal_amendment.id'], name=op.f('fk_proposal_amendment_support_amendment_id_proposal_amendment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_proposal_amendment_support_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_amendment_support')),
    sa.UniqueConstraint('amendment_id', 'user_id', name=op.f('uq_proposal_amendment_support_amendment_id_user_id'))
    )
    with op.batch_alter_table('proposal_amendment_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_amendment_support_user_id'), ['user_id'], unique=False)

    op.create_table('proposal_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['proposal_amendment.id'], name=op.f('fk_proposal_version_amendment_id_proposal_amendment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_version_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_version')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_version_proposal_id_number'))
    )
    with op.batch_alter_table('proposal_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_version_proposal_id'), ['proposal_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_version_proposal_id'))
    op.drop_table('proposal_version')
    with op.batch_alter_table('proposal_amendment_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_amendment_support_user_id'))
    op.drop_table('proposal_amendment_support')
    with op.batch_alter_table('proposal_amendment', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_amendment_proposal')
        batch_op.drop_index(batch_op.f('ix_proposal_amendment_author_id'))
    op.drop_table('proposal_amendment')
    op.drop_table('proposal_amendment_window')
