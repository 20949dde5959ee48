"""Election services and policies: the call, candidacies, supporters, review, voting, the count with its
reserved seats, seating and substitutes, the council's record."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core import time
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import policies
from consult.councils import services as councils
from consult.councils.models import Membership
from consult.elections import services as elections
from consult.elections.models import (
    ACCEPTED,
    CALLED,
    DRAFT,
    RESULTS,
    SUBMITTED,
    VOTING,
    WITHDRAWN,
    CandidacySupport,
    Election,
)
from consult.minutes.models import Minutes
from consult.notifications.models import Notification
from consult.votes import services as engine
from consult.votes.models import Ballot, Participation
from tests.elections.conftest import calendar, close_nominations, close_voting, stand
from tests.helpers import count


def allowed(action, person, obj):
    return bool(policies.decide(action, person, obj))


# ------------------------------------------------------------------------------------------------ the call


def test_organisers_call_an_election_others_cannot(world, residents, db):
    with pytest.raises(NotAllowed):
        elections.create_election(world.council, title="X", seats=3, term_months=24, calendar=calendar(),
                                  by=residents[0])
    election = elections.create_election(world.council, title="  Council   2027 ", seats=3, term_months=24,
                                         calendar=calendar(), by=world.president)
    assert election.status == DRAFT and election.title == "Council 2027" and election.tie_seed is None
    assert election.voter_rule.min_age == 16 and election.voter_rule.min_level == "verified"
    assert election.candidate_rule.min_age == 18
    assert allowed("election.manage", world.admin, election)
    assert allowed("election.manage", world.secretary, election)
    assert not allowed("election.manage", residents[0], election)
    # a draft is seen only by those who manage it
    assert not allowed("election.view", residents[0], election)
    assert allowed("election.view", world.secretary, election)
    elections.publish_call(election, by=world.secretary)
    assert election.status == CALLED and len(election.tie_seed) == 32 and election.called_at is not None
    assert allowed("election.view", residents[0], election)
    with pytest.raises(NotAllowed):
        elections.publish_call(election, by=world.secretary)


def test_calendar_and_settings_are_checked(world, db):
    bad = calendar(nominations_close_at=-2)  # closes before it opens
    with pytest.raises(DomainError) as err:
        elections.create_election(world.council, title="X", seats=3, term_months=24, calendar=bad)
    assert err.value.field == "nominations_close_at"
    with pytest.raises(DomainError) as err:
        elections.create_election(world.council, title="X", seats=3, term_months=24,
                                  calendar=calendar(voting_closes_at=10))  # closes when it opens
    assert err.value.field == "voting_closes_at"
    missing = calendar()
    missing["appeal_ends_at"] = None
    with pytest.raises(DomainError) as err:
        elections.create_election(world.council, title="X", seats=3, term_months=24, calendar=missing)
    assert err.value.field == "appeal_ends_at"
    for values, field in (({"seats": 0}, "seats"), ({"term_months": 0}, "term_months"),
                          ({"method": "plurality"}, "method"), ({"title": " "}, "title")):
        settings = {"title": "X", "seats": 3, "term_months": 24, **values}
        with pytest.raises(DomainError) as err:
            elections.create_election(world.council, calendar=calendar(), **settings)
        assert err.value.field == field
    with pytest.raises(DomainError) as err:
        elections.create_election(world.council, title="X", seats=2, term_months=24, calendar=calendar(),
                                  reserved={d.id: 1 for d in world.districts.values()})
    assert err.value.field == "reserved"
    assert count(Election) == 0


# ------------------------------------------------------------------------------------------------ candidacies


def test_eligible_resident_of_any_origin_stands_non_resident_is_refused(world, called, residents, make_user,
                                                                        db):
    unverified = make_user("visitor1", display_name="Just arrived")
    assert not allowed("election.stand", unverified, called)
    with pytest.raises(NotAllowed):
        stand(called, unverified)
    too_young = make_user("young", verified=True, birth_year=utcnow().year - 17)
    with pytest.raises(NotAllowed):
        stand(called, too_young)
    # residence is all that counts: nothing about nationality exists to be asked
    candidacy = stand(called, residents[0], statement="**Ascolto** e lavoro.", language="it")
    assert candidacy.status == SUBMITTED and candidacy.district_id == world.districts["centro"].id
    assert candidacy.language == "it"
    with pytest.raises(Conflict):
        stand(called, residents[0])
    columns = {c.name for t in db.metadata.sorted_tables if t.name.startswith("election") for c in t.columns}
    assert not {c for c in columns if c.startswith("nationality") or "citizen" in c or "legal" in c}


def test_nominations_only_while_open(world, residents, db):
    election = elections.create_election(world.council, title="Later", seats=3, term_months=24,
                                         calendar=calendar(nominations_open_at=1), by=world.secretary)
    elections.publish_call(election, by=world.secretary)
    decision = policies.decide("election.stand", residents[0], election)
    assert not decision and "not open yet" in decision.message
    close_nominations(election, db)
    assert "closed" in policies.decide("election.stand", residents[0], election).message


def test_supporters_are_eligible_voters_once_each_and_acceptance_needs_them(world, called, residents,
                                                                          make_user, db):
    candidacy = stand(called, residents[0])
    with pytest.raises(Conflict):
        elections.review(candidacy, world.secretary, accept=True)
    with pytest.raises(NotAllowed):
        elections.support(candidacy, residents[0])  # not one's own
    with pytest.raises(NotAllowed):
        elections.support(candidacy, make_user("unverified1"))
    assert elections.support(candidacy, residents[1]) == 1
    with pytest.raises(Conflict):
        elections.support(candidacy, residents[1])
    assert count(CandidacySupport) == 1 and candidacy.support_count == 1
    assert elections.supports(residents[1], candidacy) and not elections.supports(residents[2], candidacy)
    with pytest.raises(NotAllowed):
        elections.review(candidacy, residents[2], accept=True)
    elections.review(candidacy, world.secretary, accept=True, reason="Complete.")
    assert candidacy.status == ACCEPTED
    db.session.commit()
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == residents[0].id,
                                                           Notification.event == "nomination_accepted"))
    assert note is not None


def test_refusal_needs_a_reason_and_hides_the_candidacy(world, called, residents, db):
    candidacy = stand(called, residents[0])
    with pytest.raises(DomainError) as err:
        elections.review(candidacy, world.secretary, accept=False, reason=" ")
    assert err.value.field == "reason"
    elections.review(candidacy, world.secretary, accept=False, reason="Not a resident of the city.")
    assert not allowed("candidacy.view", residents[3], candidacy)
    assert allowed("candidacy.view", residents[0], candidacy)
    assert allowed("candidacy.view", world.secretary, candidacy)


def test_withdrawal_until_voting_starts_and_translations_by_people(world, called, residents, make_user, db):
    first = stand(called, residents[0], language="fr", statement="Je serai là.")
    translator = make_user("tr", roles=("translator",))
    with pytest.raises(DomainError):
        elections.translate(first, translator, language="fr", statement="Same language")
    with pytest.raises(NotAllowed):
        elections.translate(first, residents[4], language="en", statement="I will be there.")
    elections.translate(first, translator, language="en", statement="I will be there.")
    assert elections.in_language(first, "en")[0] == "I will be there."
    assert elections.in_language(first, "ar")[0] == "Je serai là."
    with pytest.raises(NotAllowed):
        elections.withdraw(first, residents[1])
    elections.withdraw(first, residents[0])
    assert first.status == WITHDRAWN
    with pytest.raises(NotAllowed):
        elections.support(first, residents[2])


# ------------------------------------------------------------------------------------------------ the rule


def test_reserved_seat_replaces_the_lowest_placed_elected_not_needed():
    # order: a(1) b(1) c(2) d(2) e(3) f(3); 3 seats; one seat reserved for district 3
    order = ["a", "b", "c", "d", "e", "f"]
    district = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3, "f": 3}
    elected, substitutes, replacements = elections.apply_reservations(order, 3, district, {3: 1})
    assert elected == ["a", "b", "e"] and substitutes == ["c", "d", "f"] and replacements == [("e", "c")]
    # nothing to do when the district already has its seat
    assert elections.apply_reservations(order, 5, district, {3: 1})[0] == ["a", "b", "c", "d", "e"]
    # a district without candidates leaves its reservation unfilled
    assert elections.apply_reservations(order, 3, district, {4: 1})[0] == ["a", "b", "c"]


def test_reserved_seats_never_take_a_seat_another_reservation_needs():
    order = ["a", "b", "c", "d", "e"]
    district = {"a": 1, "b": 2, "c": 1, "d": 3, "e": 3}
    # 2 seats, district 2 and district 3 one each: a (not reserved) gives way, b (needed by 2) keeps its seat
    elected, substitutes, replacements = elections.apply_reservations(order, 2, district, {2: 1, 3: 1})
    assert elected == ["b", "d"] and replacements == [("d", "a")] and substitutes == ["a", "c", "e"]
    # two seats for district 3 among three: the two lowest not needed give way, in turn
    elected, _subs, replacements = elections.apply_reservations(order, 3, district, {3: 2})
    assert elected == ["a", "d", "e"] and replacements == [("d", "c"), ("e", "b")]
    # more reserved than free: reservations stop where no seat can be freed
    assert elections.apply_reservations(order, 1, district, {2: 1, 3: 1})[0] == ["b"]


# ---------------------------------------------------------------------------------------------- a whole walk


def _through_nominations(world, election, residents, db, standing=5):
    candidacies = []
    for n in range(standing):
        candidacy = stand(election, residents[n])
        elections.support(candidacy, residents[(n + 1) % len(residents)])
        elections.review(candidacy, world.secretary, accept=True)
        candidacies.append(candidacy)
    close_nominations(election, db)
    return candidacies


def test_voting_needs_closed_nominations_then_ballots_are_secret(world, called, residents, db):
    candidacies = _through_nominations(world, called, residents, db, standing=3)
    called.nominations_close_at = utcnow() + timedelta(days=1)
    with pytest.raises(NotAllowed):
        elections.open_voting(called, by=world.secretary)
    close_nominations(called, db)
    poll = elections.open_voting(called, by=world.secretary)
    assert called.status == VOTING and poll.owner_type == "election" and poll.owner_id == called.id
    assert poll.mode == "secret" and poll.seats == 3 and poll.tie_seed == called.tie_seed
    assert [(o.target_type, o.target_id) for o in poll.options] == [("candidacy", c.id) for c in candidacies]
    with pytest.raises(NotAllowed):  # withdrawal ends when voting starts
        elections.withdraw(candidacies[0], residents[0])
    by_candidacy = {o.target_id: o.id for o in poll.options}
    engine.cast_ballot(poll, residents[5], [by_candidacy[candidacies[1].id], by_candidacy[candidacies[0].id]])
    with pytest.raises(NotAllowed):  # the owner's rule: verified residents 16+ only
        from consult.accounts import services as accounts

        engine.cast_ballot(poll, accounts.sign_up("tourist", "Tourist", "pw-123456789", "en"),
                           [by_candidacy[candidacies[0].id]])
    db.session.commit()
    # secrecy by schema: the ballot has no voter, the participation no choice
    assert {c.name for c in Ballot.__table__.columns} == {"id", "poll_id", "choice", "tracker_hash",
                                                          "replace_key"}
    assert "choice" not in {c.name for c in Participation.__table__.columns}
    assert count(Participation, Participation.poll_id == poll.id) == 1
    # followers (the candidates) heard that voting opened
    assert count(Notification, Notification.event == "election_voting_open") == 3


def test_count_applies_reserved_seat_seats_the_elected_and_records_it(world, called, residents, db):
    candidacies = _through_nominations(world, called, residents, db, standing=5)
    # districts: r0 centro, r1 kalsa, r2 zisa, r3 centro, r4 kalsa; zisa has one reserved seat
    poll = elections.open_voting(called, by=world.secretary)
    option = {o.target_id: o.id for o in poll.options}
    for voter, choice in zip(residents, (0, 0, 0, 0, 1, 1, 1, 3, 3, 4), strict=True):  # r2 (zisa): none
        engine.cast_ballot(poll, voter, [option[candidacies[choice].id]])
    with pytest.raises(NotAllowed):  # not before voting closes
        elections.count_and_publish(called, by=world.secretary)
    close_voting(called, db)
    outcome = elections.count_and_publish(called, by=world.secretary)
    ids = [c.id for c in candidacies]
    assert outcome["order"] == [ids[0], ids[1], ids[3], ids[4], ids[2]]
    assert outcome["elected"] == [ids[0], ids[1], ids[2]]  # zisa's candidate replaces the lowest placed
    assert outcome["substitutes"] == [ids[3], ids[4]]
    assert outcome["replacements"] == [[ids[2], ids[3]]]
    assert called.status == RESULTS and [c.result for c in candidacies] == [
        "elected", "elected", "elected", "substitute", "substitute"]
    start, end = elections.term_start(called), elections.term_end(called)
    assert start > time.today() and (end - start).days in range(725, 733)
    seats = db.session.scalars(sa.select(Membership).where(Membership.starts_on == start)).all()
    assert sorted(m.user_id for m in seats) == sorted(residents[i].id for i in (0, 1, 2))
    assert all(m.ends_on == end and m.role == "member" for m in seats)
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.source_type == "election"))
    assert minutes.council_id == world.council.id
    body = minutes.revisions[-1].body
    assert "Resident 2" in body and "Substitutes" in body
    db.session.commit()
    assert count(Notification, Notification.event == "elected") == 3


def test_secretary_seats_the_first_available_substitute(world, called, residents, db):
    candidacies = _through_nominations(world, called, residents, db, standing=5)
    poll = elections.open_voting(called, by=world.secretary)
    option = {o.target_id: o.id for o in poll.options}
    for voter, choice in zip(residents, (0, 0, 0, 0, 1, 1, 1, 3, 3, 4), strict=True):
        engine.cast_ballot(poll, voter, [option[candidacies[choice].id]])
    close_voting(called, db)
    elections.count_and_publish(called, by=world.secretary)
    # time passes: the term has started, and the first elected member leaves
    called.appeal_ends_at = utcnow() - timedelta(days=30)
    for seat in elections.seats_of(called):
        seat.membership.starts_on = elections.term_start(called)
        seat.membership.ends_on = elections.term_end(called)
    db.session.flush()
    assert elections.vacancies(called) == []
    leaving = elections.seats_of(called)[0]
    councils.end_membership(leaving.membership, on=time.today() - timedelta(days=1))
    assert elections.vacancies(called) == [leaving]
    assert not allowed("election.seat_substitute", world.president, called)
    assert not allowed("election.seat_substitute", residents[5], called)
    assert allowed("election.seat_substitute", world.secretary, called)
    seat = elections.seat_substitute(called, leaving, by=world.secretary)
    assert seat.candidacy_id == candidacies[3].id and seat.replaces_id == leaving.id
    assert seat.membership.starts_on == time.today()
    assert seat.membership.ends_on == elections.term_end(called)
    assert elections.vacancies(called) == []
    with pytest.raises(Conflict):
        elections.seat_substitute(called, leaving, by=world.secretary)
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.source_type == "election_seat"))
    assert minutes is not None and minutes.council_id == world.council.id
    # the zisa member leaves: the reservation calls for a zisa substitute, and none is left, so the next one
    zisa_seat = next(s for s in elections.seats_of(called) if s.candidacy_id == candidacies[2].id)
    councils.end_membership(zisa_seat.membership, on=time.today() - timedelta(days=1))
    assert elections.next_substitute(called, zisa_seat).id == candidacies[4].id


def test_next_substitute_keeps_a_district_reservation(world, residents, db):
    election = elections.create_election(world.council, title="Reserved", seats=2, term_months=12,
                                         calendar=calendar(), reserved={world.districts["zisa"].id: 1},
                                         by=world.secretary)
    elections.publish_call(election, by=world.secretary)
    # r0 centro, r2 zisa, r3 centro, r5 zisa
    candidacies = {}
    for n in (0, 2, 3, 5):
        candidacies[n] = stand(election, residents[n])
        elections.review(candidacies[n], world.secretary, accept=True)
    close_nominations(election, db)
    poll = elections.open_voting(election, by=world.secretary)
    option = {o.target_id: o.id for o in poll.options}
    for voter, choice in zip(residents, (0, 0, 0, 0, 2, 2, 2, 3, 3, 5), strict=True):
        engine.cast_ballot(poll, voter, [option[candidacies[choice].id]])
    close_voting(election, db)
    outcome = elections.count_and_publish(election, by=world.secretary)
    assert outcome["elected"] == [candidacies[0].id, candidacies[2].id]
    assert outcome["substitutes"] == [candidacies[3].id, candidacies[5].id]
    zisa = next(s for s in elections.seats_of(election) if s.candidacy_id == candidacies[2].id)
    db.session.delete(zisa.membership)
    db.session.flush()
    db.session.refresh(zisa)
    assert elections.next_substitute(election, zisa).id == candidacies[5].id  # not r3 (centro)


def test_a_substitute_who_declines_is_passed_over(world, called, residents, db):
    candidacies = _through_nominations(world, called, residents, db, standing=5)
    poll = elections.open_voting(called, by=world.secretary)
    option = {o.target_id: o.id for o in poll.options}
    for voter, choice in zip(residents, (0, 0, 0, 0, 1, 1, 1, 3, 3, 4), strict=True):
        engine.cast_ballot(poll, voter, [option[candidacies[choice].id]])
    close_voting(called, db)
    called.appeal_ends_at = utcnow() - timedelta(days=1)
    elections.count_and_publish(called, by=world.secretary)
    leaving = elections.seats_of(called)[0]
    councils.end_membership(leaving.membership, on=time.today())
    assert elections.next_substitute(called, leaving).id == candidacies[3].id
    with pytest.raises(NotAllowed):
        elections.pass_over_substitute(called, leaving, by=residents[6])
    assert elections.pass_over_substitute(called, leaving, by=world.secretary).id == candidacies[3].id
    assert elections.next_substitute(called, leaving).id == candidacies[4].id
    seat = elections.seat_substitute(called, leaving, by=world.secretary)
    assert seat.candidacy_id == candidacies[4].id
