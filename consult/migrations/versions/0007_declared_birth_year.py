"""A birth year the resident states on their honour, and the rules that accept it.

``resident_status.birth_year_declared`` says that the birth year was stated by the person (a resident-card code
records none), not recorded by the register or a registrar; existing birth years were all recorded, so false.
``eligibility_rule.accept_declared_birth_year`` says whether such a year meets the rule's age limit for proposing
and supporting (votes never count it); existing rules accept it, as new ones do by default.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resident_status', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year_declared', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('eligibility_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accept_declared_birth_year', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('eligibility_rule', schema=None) as batch_op:
        batch_op.drop_column('accept_declared_birth_year')
    with op.batch_alter_table('resident_status', schema=None) as batch_op:
        batch_op.drop_column('birth_year_declared')
