"""Who may do what with a survey: the process's organisers (a role for that process) and admins build and see
the results; residents who meet the rule answer once while it is open; the results go public by choice."""

from __future__ import annotations

from datetime import timedelta

from consult.accounts import services as accounts
from consult.core.models import utcnow
from consult.core.policy import policies
from consult.processes import services as processes
from consult.surveys import services as surveys
from tests.surveys.conftest import build


def allowed(action, person, obj) -> bool:
    return bool(policies.decide(action, person, obj))


def test_organisers_of_the_process_and_admins_manage(world, db):
    s, _q = build(world, publish=False)
    other = processes.create_process(actor=world.admin, title="Another process")
    elsewhere = world.residents[3]
    accounts.grant_role(elsewhere, "organiser", scope_type="process", scope_id=other.id)
    assert allowed("survey.manage", world.organiser, s) and allowed("survey.manage", world.admin, s)
    assert allowed("survey.manage", world.organiser, world.process)
    assert not allowed("survey.manage", elsewhere, s) and not allowed("survey.manage", world.residents[0], s)
    assert not allowed("survey.view", world.residents[0], s) and allowed("survey.view", world.organiser, s)
    assert allowed("survey.publish", world.organiser, s)


def test_answering_needs_the_rule_the_dates_and_a_first_time(world, db):
    s, q = build(world)
    resident = world.residents[0]
    assert allowed("survey.answer", resident, s)
    assert not allowed("survey.answer", world.stranger, s)  # not a verified resident
    s.opens_at = utcnow() + timedelta(hours=1)
    decision = policies.decide("survey.answer", resident, s)
    assert not decision and str(decision.reason) == "This survey is not open yet."
    s.opens_at, s.closes_at = None, utcnow() - timedelta(minutes=1)
    assert str(policies.decide("survey.answer", resident, s).reason) == "This survey is closed."
    s.closes_at = None
    surveys.respond(s, resident, {q["used"].field: ["2"]})
    decision = policies.decide("survey.answer", resident, s)
    assert not decision and decision.is_conflict
    assert not allowed("survey.edit_structure", world.organiser, s)
    assert allowed("survey.manage", world.organiser, s)


def test_results_are_public_only_when_published(world, db):
    s, _q = build(world)
    assert not allowed("survey.see_results", world.residents[0], s)
    assert allowed("survey.see_results", world.organiser, s)
    surveys.set_results_public(s, world.organiser, True)
    assert allowed("survey.see_results", world.residents[0], s)
