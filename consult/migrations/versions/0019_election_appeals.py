"""Appeals against an election's results: lodged before the appeal window ends, decided by the organisers
with a public reason (the text and the decision are public; who lodged it is kept for the organisers).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 21:37:56.177614

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('election_appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('lodged_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status in ('lodged', 'upheld', 'dismissed')", name=op.f('ck_election_appeal_status_known')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_election_appeal_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_election_appeal_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_election_appeal_election_id_election'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_appeal'))
    )
    with op.batch_alter_table('election_appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_appeal_election_id'), ['election_id'], unique=False)



def downgrade():
    with op.batch_alter_table('election_appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_appeal_election_id'))

    op.drop_table('election_appeal')
