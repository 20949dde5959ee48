"""Proposal services and policies: eligibility, phases, supports, threshold, merges, translations, answers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core import signals
from consult.core.db import write_transaction
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import can
from consult.extensions import db
from consult.proposals import services as proposals
from consult.proposals.models import Proposal, ProposalSupport
from consult.proposals.queries import Filters, list_query
from tests.helpers import count


def test_a_draft_is_published_by_its_author(process, resident):
    draft = proposals.create_draft(process, resident, title="  Resident   cards ", body="Text", language="fr")
    assert draft.state == "draft" and draft.published_at is None
    assert draft.title == "Resident cards"
    proposals.publish(draft, resident)
    assert draft.state == "submitted" and draft.published_at is not None
    with pytest.raises(Conflict):
        proposals.publish(draft, resident)


@pytest.mark.parametrize("title, body, field", [
    ("", "text", "title"),
    ("   ", "text", "title"),
    ("Title", "", "body"),
    ("Title", "   \n ", "body"),
    ("T" * 201, "text", "title"),
    ("Title", "x" * 20_001, "body"),
])
def test_empty_or_huge_text_is_refused(process, resident, title, body, field):
    with pytest.raises(DomainError) as err:
        proposals.create_draft(process, resident, title=title, body=body, language="en")
    assert err.value.field == field
    assert count(Proposal) == 0


def test_unknown_language_theme_or_district_is_refused(process, resident, make_process, district):
    other = make_process(title="Other", themes=("Elsewhere",))
    with pytest.raises(DomainError):
        proposals.create_draft(process, resident, title="T", body="B", language="xx")
    with pytest.raises(DomainError):
        proposals.create_draft(process, resident, title="T", body="B", language="en",
                               theme_id=other.themes[0].id)
    with pytest.raises(DomainError):
        proposals.create_draft(process, resident, title="T", body="B", language="en", district_id=999)


def test_only_eligible_residents_propose(process, make_user):
    unverified = make_user("newcomer")
    young = make_user("young", verified=True, birth_year=utcnow().year - 14)
    blocked = make_user("blocked", verified=True, birth_year=1980)
    blocked.is_blocked = True
    db.session.commit()
    for person in (unverified, young, blocked):
        with pytest.raises(NotAllowed):
            proposals.create_draft(process, person, title="T", body="B", language="en")
    decision = can("proposal.create", process, person=unverified)
    assert decision.needs_verification


def test_proposing_is_closed_outside_a_proposals_phase(make_process, resident):
    process = make_process(kind="information")
    decision = can("proposal.create", process, person=resident)
    assert not decision and "new proposals" in decision.message
    with pytest.raises(NotAllowed):
        proposals.create_draft(process, resident, title="T", body="B", language="en")


def test_one_support_per_resident_and_the_counter_follows(process, resident, make_resident, make_proposal):
    proposal = make_proposal(process, resident)
    other = make_resident()
    proposals.support(proposal, other)
    assert proposal.support_count == 1
    with pytest.raises(Conflict):
        proposals.support(proposal, other)
    db.session.commit()
    assert count(ProposalSupport) == 1
    proposals.unsupport(proposal, other)
    assert proposal.support_count == 0
    with pytest.raises(Conflict):
        proposals.unsupport(proposal, other)


def test_supports_outside_the_phase_are_refused(make_process, resident, make_resident, make_proposal, admin):
    process = make_process(threshold=10)
    proposal = make_proposal(process, resident)
    supporter = make_resident()
    proposals.support(proposal, supporter)
    db.session.commit()
    # the proposals phase ends: the voting phase opens only comments
    now = utcnow()
    process.phases[-1].ends_at = now - timedelta(minutes=1)
    from consult.processes import services as processes

    processes.add_phase(process, actor=admin, kind="voting", starts_at=now - timedelta(minutes=1),
                        ends_at=now + timedelta(days=3))
    db.session.commit()
    late = make_resident()
    with pytest.raises(NotAllowed) as err:
        proposals.support(proposal, late)
    assert "closed" in str(err.value.message)
    with pytest.raises(NotAllowed):
        proposals.unsupport(proposal, supporter)
    assert proposal.support_count == 1


def test_unverified_people_cannot_support(process, resident, make_user, make_proposal):
    proposal = make_proposal(process, resident)
    with pytest.raises(NotAllowed):
        proposals.support(proposal, make_user("visitor"))


def test_crossing_the_threshold_qualifies_once_and_sends_the_signal(process, resident, make_resident,
                                                                    make_proposal):
    proposal = make_proposal(process, resident)  # threshold 3
    received = []

    def receiver(sender, **extra):
        received.append(sender.id)

    signals.proposal_qualified.connect(receiver)
    try:
        for _ in range(2):
            proposals.support(proposal, make_resident())
        assert proposal.state == "submitted" and not received
        proposals.support(proposal, make_resident())
        assert proposal.state == "qualified" and proposal.qualified_at is not None
        assert received == [proposal.id]
        proposals.support(proposal, make_resident())
        assert received == [proposal.id]
    finally:
        signals.proposal_qualified.disconnect(receiver)
    assert proposal.support_count == 4


@pytest.mark.committed_db  # two threads, each with its own connection
def test_the_same_person_supporting_twice_at_once_counts_once(app, process, resident, make_resident,
                                                              make_proposal):
    proposal = make_proposal(process, resident)
    supporter = make_resident()
    ids = (proposal.id, supporter.id)
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        with app.app_context():
            from consult.accounts.models import User

            try:
                with write_transaction():
                    barrier.wait(timeout=5)
                    target = db.session.get(Proposal, ids[0])
                    person = db.session.get(User, ids[1])
                    proposals.support(target, person)
                    db.session.commit()
                outcomes.append("ok")
            except Conflict:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes) == ["conflict", "ok"]
    db.session.expire_all()
    assert count(ProposalSupport, ProposalSupport.proposal_id == ids[0]) == 1
    assert db.session.get(Proposal, ids[0]).support_count == 1


def test_edit_window_and_withdraw(app, process, resident, make_proposal, make_resident):
    proposal = make_proposal(process, resident)
    assert can("proposal.edit", proposal, person=resident)
    assert not can("proposal.edit", proposal, person=make_resident())
    proposal.published_at = utcnow() - timedelta(minutes=61)
    assert not can("proposal.edit", proposal, person=resident)
    app.config["PROPOSAL_EDIT_WINDOW_MINUTES"] = 120
    try:
        assert can("proposal.edit", proposal, person=resident)
    finally:
        app.config.pop("PROPOSAL_EDIT_WINDOW_MINUTES")
    proposals.withdraw(proposal, resident)
    assert proposal.state == "withdrawn"
    assert not can("proposal.support", proposal, person=make_resident())
    with pytest.raises(NotAllowed):
        proposals.withdraw(proposal, resident)


def test_merge_carries_supports_without_counting_anyone_twice(process, make_resident, make_proposal,
                                                              make_user):
    moderator = make_user("mod", roles=("moderator",))
    a_author, b_author = make_resident(display_name="Amina"), make_resident(display_name="Bruno")
    a = make_proposal(process, a_author, title="Resident cards")
    b = make_proposal(process, b_author, title="A citizen card")
    both, only_a, only_b = make_resident(), make_resident(), make_resident()
    process.support_threshold = 10
    for person in (both, only_a):
        proposals.support(a, person)
    for person in (both, only_b):
        proposals.support(b, person)
    db.session.commit()
    with pytest.raises(NotAllowed):
        proposals.merge([a, b], both, title="X", body="Y", language="en")
    merged = proposals.merge([a, b], moderator, title="Local resident cards", body="Merged text",
                             language="en")
    db.session.commit()
    assert merged.support_count == 3
    assert count(ProposalSupport, ProposalSupport.proposal_id == merged.id) == 3
    assert [s.id for s in merged.sources] == [a.id, b.id]
    assert {s.author.display_name for s in merged.sources} == {"Amina", "Bruno"}
    assert a.state == b.state == "merged" and a.merged_into_id == b.merged_into_id == merged.id
    assert merged.author is None and merged.merged_by_id == moderator.id
    # the sources keep their own history; supporting the merged proposal again is a double support
    assert a.support_count == 2
    with pytest.raises(Conflict):
        proposals.support(merged, both)
    with pytest.raises(NotAllowed):
        proposals.support(a, make_resident())
    with pytest.raises(Conflict):
        proposals.merge([a, b], moderator, title="Again", body="Y", language="en")


def test_merge_needs_two_open_proposals_of_one_process(process, make_process, resident, make_proposal,
                                                       make_user):
    moderator = make_user("mod", roles=("moderator",))
    a = make_proposal(process, resident)
    other = make_proposal(make_process(title="Other"), resident)
    with pytest.raises(DomainError):
        proposals.merge([a], moderator, title="X", body="Y", language="en")
    with pytest.raises(DomainError):
        proposals.merge([a, other], moderator, title="X", body="Y", language="en")


def test_merge_can_qualify_at_once(process, make_resident, make_proposal, make_user):
    moderator = make_user("mod", roles=("moderator",))
    a, b = make_proposal(process, make_resident()), make_proposal(process, make_resident())
    for _ in range(2):
        proposals.support(a, make_resident())
    proposals.support(b, make_resident())
    merged = proposals.merge([a, b], moderator, title="M", body="B", language="en")
    assert merged.support_count == 3 and merged.state == "qualified"


def test_translation_fallbacks(process, resident, make_user, make_proposal):
    translator = make_user("lucia", roles=("translator",), verified=True)
    proposal = make_proposal(process, resident, title="Cartes de résident", body="Texte", language="fr")
    assert proposals.in_language(proposal, "es") == ("Cartes de résident", "Texte", None)
    with pytest.raises(NotAllowed):
        proposals.translate(proposal, make_user("random"), language="es", title="T", body="B")
    with pytest.raises(DomainError):
        proposals.translate(proposal, translator, language="fr", title="T", body="B")
    proposals.translate(proposal, translator, language="es", title="Tarjetas de residente", body="Texto")
    proposals.translate(proposal, resident, language="en", title="Resident cards", body="Text")
    db.session.commit()
    db.session.refresh(proposal)
    title, body, tr = proposals.in_language(proposal, "es")
    assert (title, body, tr.language) == ("Tarjetas de residente", "Texto", "es")
    assert proposals.in_language(proposal, "fr")[2] is None
    assert proposals.in_language(proposal, "ar")[0] == "Cartes de résident"
    # correcting a translation replaces it
    proposals.translate(proposal, translator, language="es", title="Tarjetas", body="Texto")
    db.session.commit()
    db.session.refresh(proposal)
    assert len(proposal.translations) == 2


def test_official_answers_in_several_languages(process, resident, make_user, make_proposal):
    official = make_user("off", roles=("moderator",))
    proposal = make_proposal(process, resident, language="fr")
    states = []

    def receiver(sender, **extra):
        states.append((extra["old"], extra["new"]))

    signals.proposal_state_changed.connect(receiver)
    try:
        first = proposals.answer(proposal, official, state="accepted", language="fr", text="Acceptée")
        same = proposals.answer(proposal, official, state="accepted", language="en", text="Accepted")
    finally:
        signals.proposal_state_changed.disconnect(receiver)
    assert first is same and proposal.state == "accepted"
    assert states == [("submitted", "accepted")]
    assert first.text_for("en").body == "Accepted"
    assert first.text_for("ar", "fr").body == "Acceptée"
    with pytest.raises(DomainError):
        proposals.answer(proposal, official, state="accepted", language="en", text="   ")
    with pytest.raises(DomainError):
        proposals.answer(proposal, official, state="merged", language="en", text="x")
    with pytest.raises(NotAllowed):
        proposals.answer(proposal, resident, state="adopted", language="en", text="x")


def _search(text):
    return [p.id for p in db.session.scalars(list_query(Filters(q=text))).unique()]


def test_full_text_search_covers_titles_bodies_and_translations(process, resident, make_proposal, make_user):
    a = make_proposal(process, resident, title="Resident cards", body="A card for every **resident**")
    b = make_proposal(process, resident, title="Debates in every district", body="Évènements publics")
    translator = make_user("t", roles=("translator",), verified=True)
    proposals.translate(b, translator, language="es", title="Debates en cada barrio", body="Eventos")
    db.session.commit()
    assert _search("cards") == [a.id]
    assert _search("card") == [a.id]  # prefix
    assert _search("evenements") == [b.id]  # accents removed
    assert _search("barrio") == [b.id]
    assert set(_search("every")) == {a.id, b.id}
    assert _search("nothing-here-xyz") == []
    for hostile in ('"', "AND OR NOT", "*", "card) OR (x", "NEAR(", "'; DROP TABLE proposal; --"):
        _search(hostile)  # never a syntax error
    # edits are re-indexed in the same transaction
    proposals.update_proposal(a, resident, title="Welcome signs", body="Signs", language="en")
    db.session.commit()
    assert _search("cards") == [] and _search("signs") == [a.id]


def test_generator_keeps_the_counters_true(process):
    from consult.demo.generate.bulk import add_proposals

    stats = add_proposals(process, proposals=50, people=30, supports=400, seed=3)
    db.session.commit()
    assert count(Proposal) == 50
    assert count(ProposalSupport) == stats["supports"]
    total = db.session.scalar(sa.select(sa.func.sum(Proposal.support_count)))
    assert total == stats["supports"]
    assert _search("welcome") or _search("city") or _search("card")


def test_qualified_list_for_the_council_and_personal_export(process, resident, make_resident, make_proposal):
    from consult.core.personal_data import export_sections
    from consult.proposals.queries import qualified_for_council

    process.council_id = 42
    proposal = make_proposal(process, resident)
    supporter = make_resident()
    for person in (supporter, make_resident(), make_resident()):
        proposals.support(proposal, person)
    db.session.commit()
    assert [p.id for p in db.session.scalars(qualified_for_council(42))] == [proposal.id]
    assert list(db.session.scalars(qualified_for_council(7))) == []
    data = export_sections(resident)["proposals"]
    assert data["proposals"][0]["title"] == proposal.title
    assert export_sections(supporter)["proposals"]["supports"][0]["proposal_id"] == proposal.id


def test_the_author_follows_and_hears_about_answers_and_merges(process, resident, make_resident, make_user,
                                                                 make_proposal):
    from consult.notifications import services as notifications

    moderator = make_user("mod", roles=("moderator",))
    proposal = make_proposal(process, resident)
    assert notifications.is_following(resident, proposal)
    proposals.answer(proposal, moderator, state="under_review", language="en", text="We look at it")
    db.session.commit()
    assert notifications.unread_count(resident) == 1
    other = make_proposal(process, make_resident())
    merged = proposals.merge([proposal, other], moderator, title="Both", body="B", language="en")
    db.session.commit()
    assert notifications.unread_count(resident) == 2
    assert notifications.is_following(resident, merged)
