"""Civic lotteries: a lottery (its owner, seats, calendar, the named public value, the frozen draw input and
its digest, the seed, the published draws, aggregate selection probabilities), its categories and their
values with quotas, and the pool's volunteers (a random row id and one value per category).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 22:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lottery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_type", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("eligibility_rule_id", sa.Integer(), nullable=True),
        sa.Column("pool_opens_at", sa.DateTime(), nullable=False),
        sa.Column("pool_closes_at", sa.DateTime(), nullable=False),
        sa.Column("draw_at", sa.DateTime(), nullable=False),
        sa.Column("random_source", sa.String(length=500), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("draw_input", sa.JSON(), nullable=True),
        sa.Column("pool_digest", sa.String(length=64), nullable=True),
        sa.Column("revealed_value", sa.String(length=500), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("draws", sa.JSON(), nullable=False),
        sa.Column("probability_min", sa.Float(), nullable=True),
        sa.Column("probability_max", sa.Float(), nullable=True),
        sa.Column("probability_mean", sa.Float(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.Column("seated_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed', 'drawn', 'final')", name=op.f("ck_lottery_status")),
        sa.CheckConstraint(
            "owner_type IN ('debate', 'process', 'council')", name=op.f("ck_lottery_owner_type")
        ),
        sa.CheckConstraint("seats >= 1", name=op.f("ck_lottery_seats_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_lottery_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["eligibility_rule_id"],
            ["eligibility_rule.id"],
            name=op.f("fk_lottery_eligibility_rule_id_eligibility_rule"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lottery")),
    )
    with op.batch_alter_table("lottery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lottery_status"), ["status"], unique=False)

    op.create_table(
        "lottery_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lottery_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('district', 'age_band', 'custom')", name=op.f("ck_lottery_category_kind")
        ),
        sa.ForeignKeyConstraint(
            ["lottery_id"],
            ["lottery.id"],
            name=op.f("fk_lottery_category_lottery_id_lottery"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lottery_category")),
        sa.UniqueConstraint("lottery_id", "key", name=op.f("uq_lottery_category_lottery_id_key")),
    )
    with op.batch_alter_table("lottery_category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lottery_category_lottery_id"), ["lottery_id"], unique=False)

    op.create_table(
        "lottery_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("min_seats", sa.Integer(), nullable=False),
        sa.Column("max_seats", sa.Integer(), nullable=False),
        sa.Column("age_from", sa.Integer(), nullable=True),
        sa.Column("age_to", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "min_seats >= 0 AND max_seats >= min_seats", name=op.f("ck_lottery_value_quota_range")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["lottery_category.id"],
            name=op.f("fk_lottery_value_category_id_lottery_category"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lottery_value")),
        sa.UniqueConstraint("category_id", "key", name=op.f("uq_lottery_value_category_id_key")),
    )
    with op.batch_alter_table("lottery_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lottery_value_category_id"), ["category_id"], unique=False)

    op.create_table(
        "lottery_volunteer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lottery_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("row_id", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("draw_number", sa.Integer(), nullable=True),
        sa.Column("invited_at", sa.DateTime(), nullable=True),
        sa.Column("reply", sa.String(length=10), nullable=True),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "reply IS NULL OR reply IN ('accepted', 'declined')", name=op.f("ck_lottery_volunteer_reply")
        ),
        sa.ForeignKeyConstraint(
            ["lottery_id"],
            ["lottery.id"],
            name=op.f("fk_lottery_volunteer_lottery_id_lottery"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_lottery_volunteer_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lottery_volunteer")),
        sa.UniqueConstraint("lottery_id", "row_id", name=op.f("uq_lottery_volunteer_lottery_id_row_id")),
        sa.UniqueConstraint("lottery_id", "user_id", name=op.f("uq_lottery_volunteer_lottery_id_user_id")),
    )
    with op.batch_alter_table("lottery_volunteer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lottery_volunteer_lottery_id"), ["lottery_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lottery_volunteer_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("lottery_volunteer")
    op.drop_table("lottery_value")
    op.drop_table("lottery_category")
    op.drop_table("lottery")
