"""Outcomes: from the record, actions and derived progress, updates, the monitoring committee, feeds."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from consult.accounts import services as accounts
from consult.core.errors import DomainError
from consult.extensions import db as _db
from consult.outcomes import services
from consult.outcomes.models import FollowUpComment, Outcome, OutcomeUpdate
from tests.helpers import count, text_of
from tests.minutes.fixtures import record

COUNCIL = 1


@pytest.fixture
def people(db, make_user):
    secretary = make_user("secretary", display_name="Mariam")
    president = make_user("president", display_name="Adama")
    watcher = make_user("watcher", display_name="Fatou")
    make_user("someone", display_name="Someone")
    accounts.grant_role(secretary, "secretary", scope_type="council", scope_id=COUNCIL)
    accounts.grant_role(president, "president", scope_type="council", scope_id=COUNCIL)
    db.session.commit()
    return SimpleNamespace(secretary=secretary, president=president, watcher=watcher)


def make_outcomes():
    outcomes = services.outcomes_from_record(record(), council_id=COUNCIL)
    _db.session.commit()
    return outcomes


def test_each_adopted_motion_becomes_an_outcome_with_the_items_actions(db):
    outcomes = make_outcomes()
    assert len(outcomes) == 2  # the rejected motion gives none
    cards = outcomes[0]
    assert cards.proposal_id == 5 and cards.council_id == COUNCIL and cards.decided_on == date(2026, 3, 12)
    assert [(a.title, a.responsible, a.due_on) for a in cards.actions] == [
        ("Write to the mayor", "President", date(2026, 4, 1))]
    assert services.outcomes_from_record(record(), council_id=COUNCIL)[0].id == cards.id  # idempotent
    assert count(Outcome) == 2


def test_progress_is_derived_from_actions(db):
    outcome = services.create_outcome("Multi-year action plan", council_id=COUNCIL)
    assert outcome.progress is None and outcome.status == "planned"
    first = services.add_action(outcome, "Draft the plan with civil society")
    second = services.add_action(outcome, "Vote the plan")
    third = services.add_action(outcome, "Old idea")
    services.update_action(first, status="in_progress", progress=50)
    services.update_action(second, status="done", progress=None)
    services.update_action(third, status="dropped", progress=0)
    assert second.progress == 100
    assert outcome.progress == 75 and outcome.status == "in_progress"
    with pytest.raises(DomainError):
        services.update_action(first, status="finished", progress=10)
    with pytest.raises(DomainError):
        services.update_action(first, status="in_progress", progress=150)


def test_officer_posts_dated_updates_and_followers_hear_of_it(client, people):
    from consult.core.signals import outcome_updated

    outcome = make_outcomes()[0]
    action = outcome.actions[0]
    heard = []

    def listener(sender, **facts):
        heard.append((sender.id, facts.get("text")))

    outcome_updated.connect(listener)
    try:
        client.sign_in("secretary")
        response = client.post_form(f"/outcomes/actions/{action.id}/update", {
            f"action-{action.id}-status": "in_progress", f"action-{action.id}-progress": "40",
            f"action-{action.id}-text": "The letter was sent to the mayor."})
        assert response.status_code == 303
    finally:
        outcome_updated.disconnect(listener)
    assert heard == [(outcome.id, "The letter was sent to the mayor.")]
    page = text_of(client.get(f"/outcomes/{outcome.id}"))
    assert "The letter was sent to the mayor." in page and "40%" in page


def test_bad_update_is_refused_and_saves_nothing(client, people):
    outcome = make_outcomes()[0]
    action = outcome.actions[0]
    client.sign_in("secretary")
    response = client.post_form(f"/outcomes/actions/{action.id}/update", {
        f"action-{action.id}-status": "in_progress", f"action-{action.id}-progress": "150"})
    assert response.status_code == 422
    assert count(OutcomeUpdate) == 0
    client.sign_out()
    client.sign_in("someone")
    response = client.post_form(f"/outcomes/actions/{action.id}/update", {
        f"action-{action.id}-status": "done"})
    assert response.status_code == 403


def test_monitoring_committee_members_post_follow_ups(client, people):
    outcome = make_outcomes()[0]
    client.sign_in("watcher")
    assert client.post_form(f"/outcomes/{outcome.id}/follow-ups", {"body": "Not yet."}).status_code == 403
    client.sign_out()

    client.sign_in("secretary")  # only the president names the committee
    assert client.post_form(f"/outcomes/councils/{COUNCIL}/monitors",
                            {"username": "watcher"}).status_code == 403
    client.sign_out()
    client.sign_in("president")
    assert client.post_form(f"/outcomes/councils/{COUNCIL}/monitors",
                            {"username": "nobody"}).status_code == 422
    assert client.post_form(f"/outcomes/councils/{COUNCIL}/monitors",
                            {"username": "watcher"}).status_code == 303
    assert "Fatou" in text_of(client.get(f"/outcomes/councils/{COUNCIL}"))
    client.sign_out()

    client.sign_in("watcher")
    response = client.post_form(f"/outcomes/{outcome.id}/follow-ups",
                                {"body": "The cards are not printed yet."})
    assert response.status_code == 303
    assert client.post_form(f"/outcomes/{outcome.id}/follow-ups", {"body": ""}).status_code == 422
    client.sign_out()
    assert count(FollowUpComment) == 1
    assert "The cards are not printed yet." in text_of(client.get(f"/outcomes/{outcome.id}"))


def test_public_pages_per_council_and_process(client, people):
    outcome = make_outcomes()[0]
    outcome.process_id = 4
    _db.session.commit()
    assert "Ask the mayor" in text_of(client.get(f"/outcomes/councils/{COUNCIL}"))
    assert "Ask the mayor" in text_of(client.get("/outcomes/processes/4"))
    assert "Ask the mayor" not in text_of(client.get("/outcomes/processes/5"))
    assert "Ask the mayor" in text_of(client.get("/outcomes/?proposal=5"))
    assert client.get("/outcomes/?council=abc").status_code == 400
    fragment = client.get(f"/outcomes/councils/{COUNCIL}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_updates_feed_parses(client, people):
    import feedparser

    outcome = make_outcomes()[0]
    services.update_action(outcome.actions[0], status="in_progress", progress=20, text="Started.")
    _db.session.commit()
    feed = feedparser.parse(client.get("/outcomes/feed.atom").get_data())
    assert not feed.bozo and len(feed.entries) == 1
    assert "Write to the mayor" in feed.entries[0].title


def test_a_decision_without_a_motion_is_an_outcome_too(db):
    data = record()
    data["items"][1]["motions"] = []
    data["items"][1]["decisions"] = ["The council will take part in the 18 December ceremony."]
    titles = [o.title for o in services.outcomes_from_record(data, council_id=COUNCIL)]
    assert titles == ["Ask the mayor to issue local resident cards in 2027.",
                      "The council will take part in the 18 December ceremony."]


def test_followers_of_an_outcome_are_notified(db, people):
    from consult.notifications import services as notifications
    from consult.notifications.models import Notification

    outcome = make_outcomes()[0]
    notifications.follow(people.watcher, outcome)
    services.update_action(outcome.actions[0], status="in_progress", progress=10, text="Started",
                           actor=people.secretary)
    _db.session.commit()
    assert count(Notification, Notification.user_id == people.watcher.id) == 1


def test_officer_records_an_outcome_by_hand(client, people):
    from consult.outcomes.queries import outcomes_for_proposal

    client.sign_in("someone")
    assert client.post_form(f"/outcomes/councils/{COUNCIL}/new", {"title": "x"}).status_code == 403
    client.sign_out()
    client.sign_in("secretary")
    assert client.post_form(f"/outcomes/councils/{COUNCIL}/new", {"title": ""}).status_code == 422
    assert client.post_form(f"/outcomes/councils/{COUNCIL}/new",
                            {"title": "A citizens' monitoring committee",
                             "proposal_id": "abc"}).status_code == 422
    assert count(Outcome) == 0
    response = client.post_form(f"/outcomes/councils/{COUNCIL}/new", {
        "title": "A citizens' monitoring committee", "decided_on": "2026-11-02", "proposal_id": "9"})
    assert response.status_code == 303
    assert [o.title for o in outcomes_for_proposal(9)] == ["A citizens' monitoring committee"]
