"""A motion may name the minutes it approves.

``council_motion.approves_minutes_id`` names submitted minutes approved by motion: once the motion
is adopted, the minutes are approved. Existing motions name none.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('council_motion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approves_minutes_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_council_motion_approves_minutes_id'), ['approves_minutes_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_council_motion_approves_minutes_id_minutes'), 'minutes',
                                    ['approves_minutes_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('council_motion', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_council_motion_approves_minutes_id_minutes'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_council_motion_approves_minutes_id'))
        batch_op.drop_column('approves_minutes_id')
