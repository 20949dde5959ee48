"""The task queue's tables: the mail outbox and the failed tasks.

``mail_outbox`` holds a message from the commit that asks for it until it is sent (then the row goes);
``task_failure`` keeps the tasks whose last attempt failed, for the administrators (``/admin/tasks``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_outbox',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('to_address', sa.String(length=254), nullable=False),
                    sa.Column('subject', sa.String(length=300), nullable=False),
                    sa.Column('body', sa.Text(), nullable=False),
                    sa.Column('message_id', sa.String(length=200), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.Column('claim_token', sa.String(length=64), nullable=True),
                    sa.Column('claimed_until', sa.DateTime(), nullable=True),
                    sa.Column('failed_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')))
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outbox_to_address'), ['to_address'], unique=False)

    op.create_table('task_failure',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('name', sa.String(length=100), nullable=False),
                    sa.Column('args', sa.JSON(), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('error', sa.String(length=100), nullable=False),
                    sa.Column('failed_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_failure')))
    with op.batch_alter_table('task_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_failure_failed_at'), ['failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('task_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_failure_failed_at'))
    op.drop_table('task_failure')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_to_address'))
    op.drop_table('mail_outbox')
