"""Elections of council members: the election (its calendar, rules and poll), the seats reserved per
district, candidacies with their supporters and human translations, and the seats the result gave.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 21:10:57.467736

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('election',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('supporters_needed', sa.Integer(), nullable=False),
    sa.Column('voter_rule_id', sa.Integer(), nullable=True),
    sa.Column('candidate_rule_id', sa.Integer(), nullable=True),
    sa.Column('tie_seed', sa.String(length=64), nullable=True),
    sa.Column('called_at', sa.DateTime(), nullable=True),
    sa.Column('nominations_open_at', sa.DateTime(), nullable=False),
    sa.Column('nominations_close_at', sa.DateTime(), nullable=False),
    sa.Column('campaign_starts_at', sa.DateTime(), nullable=True),
    sa.Column('voting_opens_at', sa.DateTime(), nullable=False),
    sa.Column('voting_closes_at', sa.DateTime(), nullable=False),
    sa.Column('results_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('appeal_ends_at', sa.DateTime(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status in ('draft', 'called', 'voting', 'results')", name=op.f('ck_election_status_known')),
    sa.CheckConstraint('seats >= 1 AND seats <= 200', name=op.f('ck_election_seats_range')),
    sa.CheckConstraint('supporters_needed >= 0', name=op.f('ck_election_supporters_range')),
    sa.CheckConstraint('term_months >= 1 AND term_months <= 120', name=op.f('ck_election_term_range')),
    sa.ForeignKeyConstraint(['candidate_rule_id'], ['eligibility_rule.id'], name=op.f('fk_election_candidate_rule_id_eligibility_rule'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_election_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_election_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['poll_id'], ['vote_poll.id'], name=op.f('fk_election_poll_id_vote_poll'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['voter_rule_id'], ['eligibility_rule.id'], name=op.f('fk_election_voter_rule_id_eligibility_rule'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election'))
    )
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_council_id'), ['council_id'], unique=False)

    op.create_table('election_candidacy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('support_count', sa.Integer(), nullable=False),
    sa.Column('review_reason', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('photo_name', sa.String(length=60), nullable=True),
    sa.Column('photo_type', sa.String(length=40), nullable=True),
    sa.Column('photo_alt', sa.String(length=300), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=12), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status in ('submitted', 'accepted', 'refused', 'withdrawn')", name=op.f('ck_election_candidacy_status_known')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_election_candidacy_district_id_district'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_election_candidacy_election_id_election'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_election_candidacy_reviewed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_election_candidacy_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_candidacy')),
    sa.UniqueConstraint('election_id', 'user_id', name='uq_election_candidacy_person')
    )
    with op.batch_alter_table('election_candidacy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_candidacy_election_id'), ['election_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_election_candidacy_user_id'), ['user_id'], unique=False)

    op.create_table('election_reserved_seats',
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_election_reserved_seats_seats_positive')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_election_reserved_seats_district_id_district'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_election_reserved_seats_election_id_election'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('election_id', 'district_id', name=op.f('pk_election_reserved_seats'))
    )
    op.create_table('election_candidacy_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['election_candidacy.id'], name=op.f('fk_election_candidacy_support_candidacy_id_election_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_election_candidacy_support_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_candidacy_support')),
    sa.UniqueConstraint('candidacy_id', 'user_id', name='uq_candidacy_support')
    )
    with op.batch_alter_table('election_candidacy_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_candidacy_support_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_election_candidacy_support_user_id'), ['user_id'], unique=False)

    op.create_table('election_candidacy_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('translator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['election_candidacy.id'], name=op.f('fk_election_candidacy_translation_candidacy_id_election_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['translator_id'], ['user.id'], name=op.f('fk_election_candidacy_translation_translator_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_candidacy_translation')),
    sa.UniqueConstraint('candidacy_id', 'language', name='uq_candidacy_translation')
    )
    with op.batch_alter_table('election_candidacy_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_candidacy_translation_candidacy_id'), ['candidacy_id'], unique=False)

    op.create_table('election_seat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('seated_at', sa.DateTime(), nullable=False),
    sa.Column('seated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['candidacy_id'], ['election_candidacy.id'], name=op.f('fk_election_seat_candidacy_id_election_candidacy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['election_id'], ['election.id'], name=op.f('fk_election_seat_election_id_election'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['membership_id'], ['council_membership.id'], name=op.f('fk_election_seat_membership_id_council_membership'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['replaces_id'], ['election_seat.id'], name=op.f('fk_election_seat_replaces_id_election_seat'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['seated_by_id'], ['user.id'], name=op.f('fk_election_seat_seated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_seat')),
    sa.UniqueConstraint('candidacy_id', name=op.f('uq_election_seat_candidacy_id'))
    )
    with op.batch_alter_table('election_seat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_seat_election_id'), ['election_id'], unique=False)



def downgrade():
    with op.batch_alter_table('election_seat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_seat_election_id'))

    op.drop_table('election_seat')
    with op.batch_alter_table('election_candidacy_translation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_candidacy_translation_candidacy_id'))

    op.drop_table('election_candidacy_translation')
    with op.batch_alter_table('election_candidacy_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_candidacy_support_user_id'))
        batch_op.drop_index(batch_op.f('ix_election_candidacy_support_candidacy_id'))

    op.drop_table('election_candidacy_support')
    op.drop_table('election_reserved_seats')
    with op.batch_alter_table('election_candidacy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_candidacy_user_id'))
        batch_op.drop_index(batch_op.f('ix_election_candidacy_election_id'))

    op.drop_table('election_candidacy')
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_council_id'))

    op.drop_table('election')
