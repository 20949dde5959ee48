"""Participatory budgets: a budget of a process (city-wide or for one district; its total, currency, ballot
kind, rule, step and calendar, the poll it owns once voting opens, who votes) and its projects (cost,
proposer, the proposal it was promoted from, place, status, the technical review with its published reason).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 00:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("ballot_kind", sa.String(length=12), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposing_opens_at", sa.DateTime(), nullable=True),
        sa.Column("proposing_closes_at", sa.DateTime(), nullable=True),
        sa.Column("review_ends_at", sa.DateTime(), nullable=True),
        sa.Column("voting_opens_at", sa.DateTime(), nullable=True),
        sa.Column("voting_closes_at", sa.DateTime(), nullable=True),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("eligibility_rule_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("counted_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "ballot_kind in ('knapsack', 'approval', 'cumulative')", name=op.f("ck_budget_ballot_kind_known")
        ),
        sa.CheckConstraint("rule in ('greedy', 'equal_shares')", name=op.f("ck_budget_rule_known")),
        sa.CheckConstraint(
            "status in ('draft', 'proposing', 'reviewing', 'voting', 'counted', 'closed')",
            name=op.f("ck_budget_status_known"),
        ),
        sa.CheckConstraint(
            "max_choices is null or max_choices >= 1", name=op.f("ck_budget_max_choices_positive")
        ),
        sa.CheckConstraint("points is null or points >= 1", name=op.f("ck_budget_points_positive")),
        sa.CheckConstraint("total >= 1", name=op.f("ck_budget_total_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_budget_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["district_id"], ["district.id"], name=op.f("fk_budget_district_id_district"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["eligibility_rule_id"],
            ["eligibility_rule.id"],
            name=op.f("fk_budget_eligibility_rule_id_eligibility_rule"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["vote_poll.id"], name=op.f("fk_budget_poll_id_vote_poll"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["process_id"], ["process.id"], name=op.f("fk_budget_process_id_process"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget")),
    )
    with op.batch_alter_table("budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_process_id"), ["process_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_status"), ["status"], unique=False)

    op.create_table(
        "budget_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("proposed_cost", sa.Integer(), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("feasible", sa.Boolean(), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status in ('submitted', 'accepted', 'set_aside', 'funded', 'not_funded', 'withdrawn')",
            name=op.f("ck_budget_project_status_known"),
        ),
        sa.CheckConstraint("cost >= 1", name=op.f("ck_budget_project_cost_positive")),
        sa.CheckConstraint(
            "latitude is null or (latitude >= -90 and latitude <= 90)",
            name=op.f("ck_budget_project_latitude_range"),
        ),
        sa.CheckConstraint(
            "longitude is null or (longitude >= -180 and longitude <= 180)",
            name=op.f("ck_budget_project_longitude_range"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["budget.id"], name=op.f("fk_budget_project_budget_id_budget"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
            name=op.f("fk_budget_project_district_id_district"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user.id"],
            name=op.f("fk_budget_project_proposed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user.id"],
            name=op.f("fk_budget_project_reviewed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_project")),
    )
    with op.batch_alter_table("budget_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_project_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_budget_project_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_budget_project_proposed_by_id"), ["proposed_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_budget_project_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("budget_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_project_status"))
        batch_op.drop_index(batch_op.f("ix_budget_project_proposed_by_id"))
        batch_op.drop_index(batch_op.f("ix_budget_project_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_budget_project_budget_id"))

    op.drop_table("budget_project")
    with op.batch_alter_table("budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_status"))
        batch_op.drop_index(batch_op.f("ix_budget_process_id"))
        batch_op.drop_index(batch_op.f("ix_budget_district_id"))

    op.drop_table("budget")
