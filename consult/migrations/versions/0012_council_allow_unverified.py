"""A council says whether accounts whose residence is not verified may comment on the proposals of the
processes that feed it, and report content there.

``council.allow_unverified``: every council keeps allowing it, as the whole platform did.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-20 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_unverified', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.drop_column('allow_unverified')
