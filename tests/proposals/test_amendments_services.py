"""Amendment services and rules: the window, eligibility, accepting (a new version, the author credited),
rejecting with a reason, withdrawing, supports counted once, out-of-date amendments, promotion, the diff."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core import audit
from consult.core.diff import diff
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import can
from consult.extensions import db
from consult.minutes import services as minutes_services
from consult.notifications.models import Notification
from consult.proposals import amendments
from consult.proposals.amendments_models import Amendment, AmendmentSupport, ProposalVersion
from consult.proposals.models import Proposal


@pytest.fixture
def proposal(process, resident, make_proposal):
    return make_proposal(process, resident, title="Resident cards", body="A card.\nFor every resident.")


@pytest.fixture
def amender(make_resident):
    return make_resident(username="amina", display_name="Amina")


@pytest.fixture
def open_window(proposal, resident):
    amendments.set_window(proposal, resident, utcnow() + timedelta(days=7))
    db.session.commit()
    return proposal


def _propose(proposal, who, body="A card.\nFor every resident, free of charge.", title=None):
    amendment = amendments.propose(proposal, who, title=title or proposal.title, body=body,
                                   explanation="Cost should not keep anyone out.")
    db.session.commit()
    return amendment


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(audit.AuditEntry.action).order_by(audit.AuditEntry.id)))


def test_no_amendment_without_an_open_window(proposal, amender, resident):
    assert not can("amendment.create", proposal, amender)
    with pytest.raises(NotAllowed):
        _propose(proposal, amender)
    amendments.set_window(proposal, resident, utcnow() + timedelta(hours=1))
    assert can("amendment.create", proposal, amender)
    amendments.set_window(proposal, resident, None)
    assert not can("amendment.create", proposal, amender)
    assert "amendments.window_set" in _actions() and "amendments.window_closed" in _actions()


def test_the_window_is_set_by_the_author_or_the_organisers_in_the_future(proposal, amender, resident, admin):
    with pytest.raises(NotAllowed):
        amendments.set_window(proposal, amender, utcnow() + timedelta(days=1))
    with pytest.raises(DomainError) as err:
        amendments.set_window(proposal, resident, utcnow() - timedelta(minutes=1))
    assert err.value.field == "closes_at"
    amendments.set_window(proposal, admin, utcnow() + timedelta(days=1))
    assert amendments.window_of(proposal).is_open()


def test_eligibility_is_the_process_rule_by_residence(open_window, make_user, resident):
    unverified = make_user("newcomer")
    assert not can("amendment.create", open_window, unverified)
    with pytest.raises(NotAllowed):
        _propose(open_window, unverified)
    # the author edits their own proposal instead
    assert not can("amendment.create", open_window, resident)


def test_an_amendment_must_change_something_and_explain_why(open_window, amender):
    with pytest.raises(DomainError) as err:
        _propose(open_window, amender, body=open_window.body)
    assert err.value.field == "body"
    with pytest.raises(DomainError) as err:
        amendments.propose(open_window, amender, title="T", body="B", explanation="  ")
    assert err.value.field == "explanation"
    with pytest.raises(DomainError):
        amendments.propose(open_window, amender, title="T" * 201, body="B", explanation="why")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Amendment)) == 0


def test_accepting_makes_a_new_version_and_credits_the_amender(open_window, amender, resident):
    amendment = _propose(open_window, amender, title="Resident cards for all")
    assert amendment.base_version == 1 and not amendment.is_out_of_date
    # the proposal's author is told (they follow their proposal)
    assert db.session.scalar(sa.select(Notification).where(Notification.user_id == resident.id,
                                                           Notification.event == "amendment_proposed"))
    assert not can("amendment.accept", amendment, amender)
    version = amendments.accept(amendment, resident)
    db.session.commit()
    proposal = db.session.get(Proposal, open_window.id)
    assert proposal.title == "Resident cards for all" and "free of charge" in proposal.body
    assert amendment.state == "accepted" and amendment.decided_by_id == resident.id
    versions = amendments.versions_of(proposal.id)
    assert [(v.number, v.amendment_id) for v in versions] == [(1, None), (2, amendment.id)]
    assert versions[0].body == "A card.\nFor every resident." and version.number == 2
    assert amendments.current_version(proposal.id) == 2
    assert db.session.scalar(sa.select(Notification).where(Notification.user_id == amender.id,
                                                           Notification.event == "amendment_accepted"))
    assert "amendments.accepted" in _actions()
    with pytest.raises(NotAllowed):
        amendments.accept(amendment, resident)  # decided once


def test_another_accepted_amendment_makes_the_others_out_of_date(open_window, amender, make_resident,
                                                                  resident):
    first = _propose(open_window, amender)
    other = make_resident(username="bo", display_name="Bo")
    second = _propose(open_window, other, body="A card.\nFor every resident and visitor.")
    amendments.accept(first, resident)
    db.session.commit()
    assert second.is_out_of_date and not first.is_out_of_date
    assert not can("amendment.accept", second, resident)  # accepting it would undo the first
    assert can("amendment.reject", second, resident)
    third = _propose(open_window, other, body="A card.\nFor every resident, free of charge, in 2027.")
    assert third.base_version == 2 and not third.is_out_of_date


def test_rejecting_needs_a_reason_then_supports_and_promotion(open_window, amender, resident, make_resident):
    amendment = _propose(open_window, amender)
    with pytest.raises(DomainError) as err:
        amendments.reject(amendment, resident, "  ")
    assert err.value.field == "reason"
    amendments.reject(amendment, resident, "The city cannot pay for it this year.")
    db.session.commit()
    assert amendment.state == "rejected" and amendment.reason.startswith("The city")
    assert db.session.scalar(sa.select(Notification).where(Notification.user_id == amender.id,
                                                           Notification.event == "amendment_rejected"))
    supporter = make_resident(username="chen")
    amendments.support(amendment, supporter)
    db.session.commit()
    assert amendment.support_count == 1
    # only its author makes it a proposal, once
    with pytest.raises(NotAllowed):
        amendments.promote(amendment, supporter)
    new = amendments.promote(amendment, amender)
    db.session.commit()
    assert new.state == "submitted" and new.author_id == amender.id and new.title == amendment.title
    assert new.process_id == open_window.process_id and amendment.promoted_to_id == new.id
    with pytest.raises(NotAllowed):
        amendments.promote(amendment, amender)


def test_supports_are_counted_once_per_person(open_window, amender, make_resident):
    amendment = _propose(open_window, amender)
    supporter = make_resident(username="dana")
    amendments.support(amendment, supporter)
    with pytest.raises(Conflict):
        amendments.support(amendment, supporter)
    db.session.commit()
    assert amendment.support_count == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AmendmentSupport)) == 1
    amendments.unsupport(amendment, supporter)
    with pytest.raises(Conflict):
        amendments.unsupport(amendment, supporter)
    db.session.commit()
    db.session.refresh(amendment)
    assert amendment.support_count == 0


def test_no_support_once_accepted_or_withdrawn(open_window, amender, make_resident, resident):
    supporter = make_resident(username="eli")
    withdrawn = _propose(open_window, amender)
    with pytest.raises(NotAllowed):
        amendments.withdraw(withdrawn, supporter)  # only its author
    amendments.withdraw(withdrawn, amender)
    assert not can("amendment.support", withdrawn, supporter)
    assert not can("amendment.withdraw", withdrawn, amender)
    accepted = _propose(open_window, amender, body="Other text")
    amendments.accept(accepted, resident)
    assert not can("amendment.support", accepted, supporter)


def test_a_hidden_amendment_is_neither_supported_nor_decided(open_window, amender, resident, make_resident):
    from consult.moderation import services as moderation

    moderator = make_resident(username="mod", roles=("moderator",))
    amendment = _propose(open_window, amender)
    moderation.hide(amendment, moderator, "Insults")
    assert amendment.is_hidden
    assert not can("amendment.support", amendment, make_resident(username="fay"))
    assert not can("amendment.accept", amendment, resident)


def test_a_closed_proposal_takes_no_decision(open_window, amender, resident):
    from consult.proposals import services as proposals

    amendment = _propose(open_window, amender)
    proposals.withdraw(open_window, resident)
    assert not can("amendment.accept", amendment, resident)
    assert not can("amendment.create", open_window, amender)


def test_the_diff_is_the_minutes_diff_moved_to_core():
    hunks = diff("a\nb\nc", "a\nB\nc")
    assert [(line.kind, line.text) for line in hunks[0].lines] == [
        ("same", "a"), ("removed", "b"), ("added", "B"), ("same", "c")]
    assert minutes_services.diff is diff
    assert diff("same", "same") == []


def test_versions_are_unique_per_proposal(open_window, amender, resident):
    amendments.accept(_propose(open_window, amender), resident)
    db.session.commit()
    db.session.add(ProposalVersion(proposal_id=open_window.id, number=2, title="x", body="y"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_download_my_data_lists_the_amendments_written_and_supported(open_window, amender, make_resident):
    from consult.proposals.amendments_views import _export

    written = _propose(open_window, amender)
    other = make_resident(username="gil")
    supported = _propose(open_window, other, body="Other text")
    amendments.support(supported, amender)
    data = _export(amender)
    assert [a["id"] for a in data["amendments"]] == [written.id]
    assert data["amendments"][0]["explanation"] == "Cost should not keep anyone out."
    assert data["supported_amendments"] == [supported.id]


def test_an_acceptance_is_refused_when_the_text_changed_after_the_rule_was_asked(open_window, amender,
                                                                                 resident, monkeypatch):
    """Two acceptances at once: the rule read the text before the other one wrote it (the conditional update
    decides, not the read)."""
    from consult.proposals import amendments as services

    first = _propose(open_window, amender)
    second = _propose(open_window, amender, body="A card.\\nFor all.")
    monkeypatch.setattr(services, "_require", lambda *args: None)  # as if both passed the rule together
    services.accept(first, resident)
    with pytest.raises(Conflict):
        services.accept(second, resident)
    db.session.commit()
    assert db.session.get(Proposal, open_window.id).body == first.body
    assert second.state == "pending" and amendments.current_version(open_window.id) == 2
