"""Places on maps: a district's shape (GeoJSON geometry in longitude/latitude) and an optional place
(latitude, longitude) on a proposal.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 00:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geometry', sa.JSON(), nullable=True))
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.drop_column('geometry')
