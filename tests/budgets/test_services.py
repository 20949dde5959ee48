"""Budget services: the budget and its calendar, the steps, projects proposed, promoted and reviewed, who may
propose (residence, district), the audit log and the notifications."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.budgets import projects as budget_projects
from consult.budgets import services as budgets
from consult.budgets.models import ACCEPTED, DRAFT, PROPOSING, REVIEWING, SET_ASIDE, SUBMITTED
from consult.core.audit import AuditEntry
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.policy import policies
from consult.notifications.models import Notification
from consult.notifications.services import fan_out
from consult.proposals.models import Proposal
from tests.budgets.conftest import calendar


def audit_actions(db, subject_id=None):
    query = sa.select(AuditEntry.action).where(AuditEntry.action.like("budgets.%"))
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_a_budget_is_created_as_a_draft_for_the_whole_city(world, db):
    b = budgets.create_budget(world.process, by=world.admin, title="  Welcome   budget ", total=500_000,
                              currency="eur", calendar=calendar())
    assert (b.status, b.title, b.currency, b.district_id) == (DRAFT, "Welcome budget", "EUR", None)
    rule = b.eligibility_rule
    assert rule.min_level == "verified" and rule.min_age == 16 and rule.district_ids == []
    assert budgets.budgets_of(world.process) == []  # a draft is not public
    assert budgets.budgets_of(world.process, include_drafts=True) == [b]
    assert "budgets.created" in audit_actions(db, b.id)


def test_a_district_budget_is_voted_by_that_districts_residents(world, db):
    kalsa = world.districts["kalsa"]
    b = budgets.create_budget(world.process, by=world.admin, title="Kalsa", total=50_000, district=kalsa,
                              calendar=calendar())
    again = budgets.create_budget(world.process, by=world.admin, title="Kalsa 2", total=50_000,
                                  district=kalsa, calendar=calendar())
    assert b.eligibility_rule.district_ids == [kalsa.id]
    assert again.eligibility_rule_id == b.eligibility_rule_id  # one rule per district
    budgets.start_proposing(b, by=world.admin)
    resident_of_kalsa, resident_of_centro = world.residents[1], world.residents[0]
    assert policies.decide("budget.propose", resident_of_kalsa, b)
    refused = policies.decide("budget.propose", resident_of_centro, b)
    assert not refused and "district" in str(refused.message)
    project = budget_projects.submit_project(b, resident_of_kalsa, title="Courtyard", description="Benches",
                                             cost=5_000, district=world.districts["zisa"])
    assert project.district_id == kalsa.id  # a district budget's project is in its district


@pytest.mark.parametrize(("changes", "field"), [
    ({"total": 0}, "total"),
    ({"currency": "EURO"}, "currency"),
    ({"title": "   "}, "title"),
    ({"ballot_kind": "ranked"}, "ballot_kind"),
    ({"rule": "lottery"}, "rule"),
])
def test_bad_settings_are_refused_on_their_field(world, db, changes, field):
    values = {"title": "B", "total": 10, "currency": "EUR", "ballot_kind": "knapsack", "rule": "greedy"}
    values.update(changes)
    with pytest.raises(DomainError) as err:
        budgets.create_budget(world.process, by=world.admin, calendar=calendar(), **values)
    assert err.value.field == field


def test_the_calendar_must_come_in_order(world, db):
    with pytest.raises(DomainError) as err:
        budgets.create_budget(world.process, by=world.admin, title="B", total=10,
                              calendar=calendar(voting_opens_at=30))
    assert err.value.field == "voting_closes_at"
    with pytest.raises(DomainError) as err:
        budgets.create_budget(world.process, by=world.admin, title="B", total=10,
                              calendar=calendar(proposing_closes_at=-1))
    assert err.value.field == "proposing_closes_at"
    b = budgets.create_budget(world.process, by=world.admin, title="B", total=10,
                              calendar={"voting_closes_at": calendar()["voting_closes_at"]})
    assert b.proposing_opens_at is None


def test_approval_and_points_settings_belong_to_their_ballot(world, db):
    b = budgets.create_budget(world.process, by=world.admin, title="B", total=10, ballot_kind="approval",
                              max_choices=3, points=50, calendar=calendar())
    assert (b.max_choices, b.points) == (3, None)
    b = budgets.create_budget(world.process, by=world.admin, title="C", total=10, ballot_kind="cumulative",
                              max_choices=3, calendar=calendar())
    assert (b.max_choices, b.points) == (None, 10)


def test_only_organisers_create_and_the_steps_follow_one_another(world, budget, db):
    with pytest.raises(NotAllowed):
        budgets.create_budget(world.process, by=world.residents[0], title="Mine", total=10)
    assert budget.status == PROPOSING
    with pytest.raises(NotAllowed):
        budgets.start_proposing(budget, by=world.admin)
    with pytest.raises(Conflict):
        budgets.start_proposing(budget)
    budgets.start_review(budget, by=world.admin)
    assert budget.status == REVIEWING and budget.proposing_closes_at is not None
    assert audit_actions(db, budget.id)[-2:] == ["budgets.proposing_started", "budgets.review_started"]
    with pytest.raises(NotAllowed):
        budget_projects.submit_project(budget, world.residents[0], title="Late", description="x", cost=1)


def test_residents_propose_between_the_dates_only(world, db):
    b = budgets.create_budget(world.process, by=world.admin, title="B", total=10,
                              calendar=calendar(proposing_opens_at=1, proposing_closes_at=2))
    budgets.start_proposing(b, by=world.admin)
    assert budgets.phase(b) == "announced"
    decision = policies.decide("budget.propose", world.residents[0], b)
    assert not decision and "dates" in str(decision.message)


def test_an_unverified_person_may_not_propose(world, budget, make_user, db):
    visitor = make_user("visitor")
    assert not policies.decide("budget.propose", visitor, budget)
    with pytest.raises(NotAllowed):
        budget_projects.submit_project(budget, visitor, title="X", description="Y", cost=10)


def test_a_submitted_project_waits_for_review_and_its_proposer_follows_it(world, budget, db):
    resident = world.residents[0]
    project = budget_projects.submit_project(
        budget, resident, title=" Language café ", description="Weekly.", cost=12_000,
        district=world.districts["zisa"], latitude=38.11, longitude=13.36)
    assert (project.status, project.title, project.cost, project.proposed_cost) == (
        SUBMITTED, "Language café", 12_000, 12_000)
    assert (project.proposed_by_id, project.district_id) == (resident.id, world.districts["zisa"].id)
    from consult.notifications.services import is_following

    assert is_following(resident, project)
    with pytest.raises(DomainError) as err:
        budget_projects.submit_project(budget, resident, title="X", description="Y", cost=1, latitude=38.0)
    assert err.value.field == "longitude"
    with pytest.raises(DomainError) as err:
        budget_projects.submit_project(budget, resident, title="X", description="Y", cost=0)
    assert err.value.field == "cost"


def test_review_puts_a_project_on_the_ballot_at_the_staffs_cost(world, budget, db):
    project = budget_projects.submit_project(budget, world.residents[0], title="Desk", description="x",
                                             cost=10_000)
    budget_projects.review_project(project, by=world.admin, accept=True, cost=14_000, reason="Checked.",
                                   note="Quote from the works office.")
    assert (project.status, project.cost, project.proposed_cost, project.feasible) == (
        ACCEPTED, 14_000, 10_000, True)
    assert project.reviewed_by_id == world.admin.id and project.review_note == "Quote from the works office."
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "budgets.project_reviewed"))
    assert entry.details["cost"] == 14_000 and entry.details["proposed_cost"] == 10_000
    made = fan_out("budget_project", project.id, "budget_project_accepted", world.admin.id, {"title": "Desk"})
    assert [n.user_id for n in made] == [world.residents[0].id]


def test_setting_a_project_aside_needs_a_published_reason(world, budget, db):
    project = budget_projects.submit_project(budget, world.residents[0], title="Desk", description="x",
                                             cost=10_000)
    with pytest.raises(DomainError) as err:
        budget_projects.review_project(project, by=world.admin, accept=False, reason="  ")
    assert err.value.field == "reason"
    budget_projects.review_project(project, by=world.admin, accept=False, feasible=True,
                                   reason="Another service pays for it.")
    assert (project.status, project.feasible, project.review_reason) == (
        SET_ASIDE, True, "Another service pays for it.")
    with pytest.raises(NotAllowed):
        budget_projects.review_project(project, by=world.residents[1], accept=True)


def _proposal(world, db, author, title="Free bus passes", state="submitted"):
    proposal = Proposal(process_id=world.process.id, author_id=author.id, title=title, body="For newcomers.",
                        language="en", state=state, district_id=world.districts["centro"].id)
    db.session.add(proposal)
    db.session.flush()
    return proposal


def test_a_proposal_is_promoted_into_a_project_once(world, budget, db):
    author = world.residents[2]
    proposal = _proposal(world, db, author)
    draft = _proposal(world, db, author, title="Unpublished", state="draft")
    assert budget_projects.promotable_proposals(budget) == [proposal]
    project = budget_projects.promote_proposal(budget, proposal, by=world.admin, cost=25_000)
    assert (project.title, project.description, project.proposal_id, project.proposed_by_id) == (
        "Free bus passes", "For newcomers.", proposal.id, author.id)
    assert project.status == SUBMITTED and project.district_id == world.districts["centro"].id
    assert budget_projects.promotable_proposals(budget) == []
    with pytest.raises(Conflict):
        budget_projects.promote_proposal(budget, proposal, by=world.admin, cost=25_000)
    with pytest.raises(DomainError):
        budget_projects.promote_proposal(budget, draft, by=world.admin, cost=25_000)
    with pytest.raises(NotAllowed):
        budget_projects.promote_proposal(budget, proposal, by=author, cost=1)
    assert "budgets.proposal_promoted" in audit_actions(db, project.id)


def test_projects_and_budgets_are_read_in_order(world, budget, db):
    zisa = budgets.create_budget(world.process, by=world.admin, title="Zisa", total=10,
                                 district=world.districts["zisa"], calendar=calendar())
    centro = budgets.create_budget(world.process, by=world.admin, title="Centro", total=10,
                                   district=world.districts["centro"], calendar=calendar())
    for b in (zisa, centro):
        budgets.start_proposing(b, by=world.admin)
    assert budgets.budgets_of(world.process) == [budget, centro, zisa]
    assert budgets.published_budget_count(world.process.id) == 3


def test_the_proposers_data_lists_their_projects(world, budget, db):
    from consult.budgets import _export

    budget_projects.submit_project(budget, world.residents[0], title="Desk", description="x", cost=7)
    assert _export(world.residents[0])["budget_projects"][0]["title"] == "Desk"
    assert _export(world.residents[1]) == {"budget_projects": []}


def test_notifications_name_the_events(world, reviewed, db):
    from consult.notifications.services import message_for

    note = Notification(user_id=world.residents[2].id, event="budget_project_set_aside",
                        target_type="budget_project", target_id=reviewed[2].id,
                        params={"title": "Bike school"})
    assert "set aside" in message_for(note)


def test_the_organisers_of_the_process_run_its_budgets_and_no_other(world, db, make_user):
    """Budgets are run by admins and by the organisers of their process (role for that process), as surveys
    are: not by an organiser of another process, nor by a resident."""
    from consult.accounts import services as accounts
    from consult.core.errors import NotAllowed
    from consult.core.policy import policies
    from consult.processes import services as processes

    ours, theirs = make_user("ours"), make_user("theirs")
    other = processes.create_process(actor=world.admin, title="Another process", description="Elsewhere.")
    db.session.flush()
    accounts.grant_role(ours, "organiser", scope_type="process", scope_id=world.process.id)
    accounts.grant_role(theirs, "organiser", scope_type="process", scope_id=other.id)
    db.session.commit()
    b = budgets.create_budget(world.process, by=ours, title="Neighbours' budget", total=50_000,
                              calendar=calendar())
    budgets.start_proposing(b, by=ours)
    db.session.commit()
    assert policies.decide("budget.manage", ours, b)
    assert not policies.decide("budget.manage", theirs, b)
    assert not policies.decide("budget.manage", world.residents[0], b)
    with pytest.raises(NotAllowed):
        budgets.create_budget(world.process, by=theirs, title="Not mine", total=1, calendar=calendar())
