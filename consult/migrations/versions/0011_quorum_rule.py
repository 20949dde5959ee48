"""A council counts its quorum by a rule: more than a share of its voting members (as before), at least a
share of them rounded up, or at least a set number of them.

``council.quorum_rule`` ('over_share', 'share' or 'number'; every council keeps 'over_share', the rule it
had) and ``council.quorum_number`` (the number, for the rule by number).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-20 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quorum_rule', sa.String(length=12), server_default='over_share',
                                      nullable=False))
        batch_op.add_column(sa.Column('quorum_number', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.drop_column('quorum_number')
        batch_op.drop_column('quorum_rule')
