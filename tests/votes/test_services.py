"""The vote engine: eligibility, secrecy by schema, double votes, changes, closing, paper tallies, results."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core import signals
from consult.core.audit import AuditEntry
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import YES, Decision
from consult.votes import services as votes
from consult.votes.methods import BallotError
from consult.votes.models import Ballot, NamedVote, Participation, Poll
from tests.helpers import count


def ids(poll):
    return [o.id for o in poll.options]


def test_default_rule_is_verified_residents_16_plus(db, make_poll):
    poll = make_poll()
    assert poll.rule.min_level == "verified" and poll.rule.min_age == 16 and poll.rule.district_ids == []
    assert votes.default_binding_rule().id == poll.rule_id  # created once


def test_verified_resident_votes_once_and_gets_a_tracker(db, make_user, make_poll):
    poll = make_poll()
    person = make_user(verified=True, birth_year=1990)
    tracker = votes.cast_ballot(poll, person, str(ids(poll)[1]))
    db.session.commit()
    assert len(tracker) == 19 and votes.has_voted(poll, person)
    assert count(Participation) == 1 and count(Ballot) == 1
    ballot = db.session.scalar(sa.select(Ballot))
    assert ballot.tracker_hash == votes.tracker_hash(tracker) and tracker not in ballot.tracker_hash
    assert ballot.replace_key is None
    with pytest.raises(Conflict):
        votes.cast_ballot(poll, person, str(ids(poll)[0]))
    db.session.rollback()
    assert count(Participation) == 1 and count(Ballot) == 1


@pytest.mark.parametrize("kind", ["unverified", "too_young", "no_birth_year", "visitor"])
def test_ineligible_people_are_refused_and_nothing_is_recorded(db, make_user, make_poll, kind):
    from flask_login import AnonymousUserMixin

    poll = make_poll()
    person = {
        "unverified": lambda: make_user(),
        "too_young": lambda: make_user(verified=True, birth_year=utcnow().year - 15),
        "no_birth_year": lambda: make_user(verified=True),
        "visitor": lambda: AnonymousUserMixin(),
    }[kind]()
    with pytest.raises(NotAllowed):
        votes.cast_ballot(poll, person, str(ids(poll)[0]))
    db.session.rollback()
    assert count(Participation) == 0 and count(Ballot) == 0


def test_outside_the_window_and_draft_and_closed_are_refused(db, make_user, make_poll):
    person = make_user(verified=True, birth_year=1990)
    draft = make_poll(open=False)
    later = make_poll(opens_at=utcnow() + timedelta(days=1))
    later.opens_at = utcnow() + timedelta(days=1)
    over = make_poll(closes_at=utcnow() + timedelta(seconds=1))
    over.closes_at = utcnow() - timedelta(seconds=1)
    closed = make_poll()
    votes.close_poll(closed)
    db.session.commit()
    for poll in (draft, later, over, closed):
        with pytest.raises(NotAllowed):
            votes.cast_ballot(poll, person, str(ids(poll)[0]))
    assert count(Participation) == 0 and count(Ballot) == 0


def test_bad_ballots_record_nothing(db, make_user, make_poll):
    person = make_user(verified=True, birth_year=1990)
    other = make_poll()
    cases = [
        (make_poll("approval", max_choices=1), lambda p: [str(i) for i in ids(p)[:2]]),
        (make_poll("ranked_irv"), lambda p: {str(ids(p)[0]): "1", str(ids(p)[1]): "1"}),
        (make_poll("points", points_budget=5), lambda p: {str(ids(p)[0]): "6"}),
        (make_poll("single"), lambda p: str(ids(other)[0])),  # an option of another poll
    ]
    for poll, choice in cases:
        with pytest.raises(BallotError):
            votes.cast_ballot(poll, person, choice(poll))
    db.session.rollback()
    assert count(Participation) == 0 and count(Ballot) == 0


def test_schema_keeps_ballots_apart_from_voters(db):
    inspector = sa.inspect(db.engine)
    ballot_cols = {c["name"]: c for c in inspector.get_columns("vote_ballot")}
    assert set(ballot_cols) == {"id", "poll_id", "choice", "tracker_hash", "replace_key"}
    assert not any("time" in str(c["type"]).lower() or "date" in str(c["type"]).lower()
                   for c in ballot_cols.values())
    assert "INT" not in str(ballot_cols["id"]["type"]).upper()
    fks = inspector.get_foreign_keys("vote_ballot")
    assert [fk["referred_table"] for fk in fks] == ["vote_poll"]
    # no table refers to a ballot, and participation has neither a ballot reference nor a timestamp
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            assert fk["referred_table"] != "vote_ballot"
    part_cols = {c["name"] for c in inspector.get_columns("vote_participation")}
    assert part_cols == {"id", "poll_id", "voter_id", "anon_key"}
    if db.engine.dialect.name == "sqlite":  # not even a hidden sequential rowid
        with db.engine.connect() as conn:
            sql = conn.exec_driver_sql("select sql from sqlite_master where name='vote_ballot'").scalar()
        assert "WITHOUT ROWID" in sql.upper()


@pytest.mark.committed_db  # fifty threads, each with its own connection
def test_same_voter_fifty_times_concurrently_counts_once(app, db, make_user, make_poll):
    from consult.core.db import write_transaction
    from consult.extensions import db as _db

    poll = make_poll()
    person = make_user(verified=True, birth_year=1990)
    poll_id, person_id, option = poll.id, person.id, str(ids(poll)[0])
    outcomes, barrier = [], threading.Barrier(50)

    def worker():
        with app.app_context():
            from consult.accounts.models import User

            barrier.wait()
            try:
                with write_transaction():
                    p = _db.session.get(Poll, poll_id)
                    voter = _db.session.get(User, person_id)
                    votes.cast_ballot(p, voter, option)
                    _db.session.commit()
                outcomes.append("ok")
            except Conflict:
                _db.session.rollback()
                outcomes.append("conflict")
            except Exception as err:  # noqa: BLE001 - reported below
                _db.session.rollback()
                outcomes.append(repr(err))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("conflict") == 49, outcomes
    db.session.rollback()  # end the test's own read transaction to see what the threads wrote
    assert count(Participation, Participation.poll_id == poll_id) == 1
    assert count(Ballot, Ballot.poll_id == poll_id) == 1


def test_changing_a_vote_replaces_the_ballot(db, make_user, make_poll):
    poll = make_poll(allow_change=True)
    person, other = make_user(verified=True, birth_year=1990), make_user(verified=True, birth_year=1990)
    votes.cast_ballot(poll, person, str(ids(poll)[0]))
    votes.cast_ballot(poll, other, str(ids(poll)[0]))
    votes.cast_ballot(poll, person, str(ids(poll)[2]))
    db.session.commit()
    assert count(Participation) == 2 and count(Ballot) == 2
    votes.close_poll(poll)
    counts = {o.label: o.count for o in votes.results(poll).options}
    assert counts == {"Library": 1, "Park": 0, "Clinic": 1}


def test_close_counts_once_stores_and_signals(db, make_user, make_poll):
    poll = make_poll("ranked_irv", quorum=2)
    for ranking in ([0, 1], [1], [2, 1]):
        voter = make_user(verified=True, birth_year=1990)
        votes.cast_ballot(poll, voter, [ids(poll)[i] for i in ranking])
    received = []

    def receiver(sender, **facts):
        received.append((sender, facts["result"].verdict))

    signals.poll_closed.connect(receiver)
    try:
        votes.close_poll(poll)
    finally:
        signals.poll_closed.disconnect(receiver)
    assert received == [(poll, "decided")]
    result = votes.results(poll)
    assert result.final and result.voters == 3 and result.verdict == "decided"
    assert [o.label for o in result.winners] == ["Park"]
    assert len(result.rounds) == 2 and result.rounds[0]["eliminated"] == ["Clinic"]
    assert result.eligible == 3 and result.turnout == 1
    # counting is stored: ballots deleted afterwards do not change the stored result
    db.session.execute(sa.delete(Ballot))
    assert votes.results(poll).voters == 3
    with pytest.raises(Conflict):
        votes.close_poll(poll)
    with pytest.raises(Conflict):
        votes.open_poll(poll)


def test_yes_no_verdicts_and_quorum(db, make_user, make_poll):
    def run(yes, no, abstain, **kw):
        poll = make_poll("yes_no_abstain", **kw)
        for code, n in (("yes", yes), ("no", no), ("abstain", abstain)):
            for _ in range(n):
                votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), code)
        votes.close_poll(poll)
        return votes.results(poll).verdict

    assert run(2, 1, 0) == "adopted"
    assert run(2, 1, 2, majority="absolute") == "rejected"
    assert run(2, 1, 0, majority="two_thirds") == "adopted"
    assert run(1, 1, 0) == "rejected"
    assert run(3, 0, 0, quorum=4) == "no_quorum"


def test_named_mode_publishes_names(db, make_user, make_poll):
    poll = make_poll(mode="named")
    person = make_user(display_name="Chen", verified=True, birth_year=1990)
    votes.cast_ballot(poll, person, str(ids(poll)[1]))
    votes.close_poll(poll)
    assert count(NamedVote) == 1
    assert votes.named_votes(poll) == [("Chen", ["Park"])]


def test_open_poll_accepts_anonymous_browsers_once(db, make_poll):
    from flask_login import AnonymousUserMixin

    poll = make_poll(mode="open")
    anonymous = AnonymousUserMixin()
    votes.cast_ballot(poll, anonymous, str(ids(poll)[0]), anon_key="browser-1")
    votes.cast_ballot(poll, anonymous, str(ids(poll)[1]), anon_key="browser-2")
    with pytest.raises(Conflict):
        votes.cast_ballot(poll, anonymous, str(ids(poll)[1]), anon_key="browser-1")
    assert votes.has_voted(poll, anon_key="browser-1")
    assert not votes.has_voted(poll, anon_key="browser-3")
    assert [o.count for o in votes.live_counts(poll).options] == [1, 1, 0]
    with pytest.raises(NotAllowed):
        votes.cast_ballot(poll, anonymous, str(ids(poll)[1]))


def test_live_counts_hidden_for_secret_polls(db, make_poll):
    with pytest.raises(NotAllowed):
        votes.live_counts(make_poll())
    assert votes.live_counts(make_poll(mode="named", results_before_close=True)).final is False


def test_owner_hook_decides_who_votes(db, make_user, make_poll):
    allowed = make_user()
    votes.register_owner("testowner", can_vote=lambda poll, person: YES if person.id == allowed.id
                         else Decision("refused", "Only members present"),
                         describe=lambda poll: ("Owner", "/owner"))
    poll = make_poll(owner_type="testowner", owner_id=1)
    votes.cast_ballot(poll, allowed, str(ids(poll)[0]))  # not verified, but the owner says yes
    with pytest.raises(NotAllowed, match="members present"):
        votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), str(ids(poll)[0]))
    assert votes.owner_of(poll) == ("Owner", "/owner")


def test_paper_channels_combine_with_audit_trail(db, make_user, make_poll):
    poll = make_poll()
    admin = make_user(roles=("admin",))
    for i in (0, 0, 1):
        votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), str(ids(poll)[i]))
    votes.record_paper_tally(poll, channel="Town hall", counts={str(ids(poll)[1]): 5}, blank=1, invalid=1,
                             by=admin)
    votes.close_poll(poll)
    result = votes.results(poll)
    assert {o.label: o.count for o in result.options} == {"Library": 2, "Park": 6, "Clinic": 0}
    assert [c["name"] for c in result.channels] == ["online", "Town hall"]
    assert result.voters == 3 + 7 and [o.label for o in result.winners] == ["Park"]
    # correction after close: combined again, audited with before and after
    votes.record_paper_tally(poll, channel="Town hall", counts={str(ids(poll)[1]): 1}, by=admin)
    result = votes.results(poll)
    assert {o.label: o.count for o in result.options}["Park"] == 2
    entries = (db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("votes.paper%"))
                                  .order_by(AuditEntry.id)).all())
    assert [e.action for e in entries] == ["votes.paper_tally_entered", "votes.paper_tally_corrected"]
    assert entries[1].details["before"]["counts"][str(ids(poll)[1])] == 5
    with pytest.raises(DomainError):
        votes.record_paper_tally(poll, channel="Booth", counts={str(ids(poll)[0]): -1}, by=admin)
    with pytest.raises(DomainError):
        votes.record_paper_tally(poll, channel="Booth", counts={"999999": 1}, by=admin)
    with pytest.raises(DomainError):
        votes.record_paper_tally(make_poll("ranked_irv"), channel="Booth", counts={}, by=admin)


def test_trackers_list_after_close(db, make_user, make_poll):
    poll = make_poll()
    tracker = votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), str(ids(poll)[0]))
    assert votes.counted_trackers(poll) == [] and not votes.is_counted(poll, tracker)
    votes.close_poll(poll)
    assert votes.counted_trackers(poll) == [votes.fingerprint(votes.tracker_hash(tracker))]
    assert votes.is_counted(poll, tracker.lower().replace("-", ""))
    assert not votes.is_counted(poll, "AAAA-BBBB-CCCC-DDDD")


def test_csv_has_totals_rounds_and_verdict(db, make_user, make_poll):
    poll = make_poll("ranked_irv")
    votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), [ids(poll)[2]])
    votes.close_poll(poll)
    text = votes.result_csv(poll)
    assert "Clinic,1,1,yes" in text and "verdict,decided" in text and "round 1" in text


def test_create_poll_refuses_bad_settings(db):
    for kwargs in ({"options": ["only one"]}, {"options": ["a", "A"]}, {"method": "borda"},
                   {"mode": "public"}, {"question": " "}, {"majority": "most"}):
        args = {"question": "Q?", "method": "single", "options": ["a", "b"], **kwargs}
        with pytest.raises(DomainError):
            votes.create_poll(**args)


def test_the_electorate_of_an_age_rule_leaves_out_birth_years_stated_by_the_person(db, make_user, make_poll):
    """Votes need a recorded birth year: a year the resident stated on their honour lets them propose, not
    vote, so it does not count them in the electorate either (turnout is measured against those who
    may vote)."""
    from consult.residency.models import ResidentStatus

    poll = make_poll()
    assert poll.rule is not None and poll.rule.min_age
    make_user(verified=True, birth_year=1990)
    stated = make_user(verified=True, birth_year=1990)
    status = db.session.scalar(sa.select(ResidentStatus).where(ResidentStatus.user_id == stated.id))
    status.birth_year_declared = True
    db.session.commit()
    votes.close_poll(poll)
    assert votes.results(poll).eligible == 1
