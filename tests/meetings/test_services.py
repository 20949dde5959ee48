"""Sessions, roll call, quorum, motions and verdicts through the services."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core import signals
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.meetings import services as meetings
from consult.meetings.models import MotionVote
from tests.helpers import count
from tests.meetings.conftest import running_session


def _vote(setup, motion, votes):
    for username, choice in votes.items():
        meetings.cast_vote(motion, setup.users[username], choice)


def test_session_lifecycle_and_convocation_notice(council_setup, db):
    council = council_setup.council
    session = meetings.create_session(council, title="Soon", starts_at=utcnow() + timedelta(days=2),
                                      place="Hall")
    with pytest.raises(DomainError):  # empty agenda
        meetings.convene_session(session)
    meetings.add_item(session, title="Welcome")
    with pytest.raises(DomainError) as err:  # less than 5 days' notice
        meetings.convene_session(session)
    assert "5 days" in str(err.value.message)
    session.starts_at = utcnow() + timedelta(days=6)
    meetings.convene_session(session)
    with pytest.raises(Conflict):
        meetings.close_session(session)
    meetings.start_session(session)
    assert session.status == "in_progress"
    assert len(session.attendance) == 6  # every active seat, observers included
    received = []
    signals.council_session_closed.connect(lambda s, **kw: received.append(s), weak=False)
    meetings.close_session(session)
    assert session.status == "closed" and received[-1] is session


def test_a_closed_session_is_locked(running, db):
    setup, session, item = running
    meetings.close_session(session)
    for attempt in (
        lambda: meetings.update_session(session, title="New", starts_at=session.starts_at, planned_minutes=60,
                                        place="x", online_link=""),
        lambda: meetings.add_item(session, title="Late item"),
        lambda: meetings.update_item(item, title="x", description="", kind="decision", duration_minutes=None,
                                     presenter=""),
        lambda: meetings.move_item(item, "down"),
        lambda: meetings.add_motion(item, text="Too late"),
        lambda: meetings.add_speaker(item, "Someone"),
        lambda: meetings.record_attendance(session, []),
    ):
        with pytest.raises(Conflict):
            attempt()


def test_live_quorum_ignores_observers_and_members_who_left(council_setup, db):
    setup = council_setup
    session, _ = running_session(setup, db, present=("pres", "secr", "obs"))
    q = meetings.quorum(session)
    assert q == {"members": 5, "present": 2, "required": 3, "reached": False}
    row = next(a for a in session.attendance if a.membership.user.username == "member1")
    meetings.mark_presence(row, "arrive")
    assert meetings.quorum(session)["reached"]
    meetings.mark_presence(row, "leave")
    assert meetings.quorum(session) == {"members": 5, "present": 2, "required": 3, "reached": False}


def test_named_motion_simple_majority_is_adopted_and_signal_sent(running, db):
    setup, session, item = running
    motion = meetings.add_motion(item, text="Adopt the resident card", rule="simple", mode="named")
    meetings.open_motion(motion)
    _vote(setup, motion, {"pres": "yes", "secr": "yes", "member1": "no", "member2": "abstain"})
    decided = []
    signals.motion_decided.connect(lambda m, **kw: decided.append(kw["verdict"]), weak=False)
    meetings.close_motion(motion)
    assert (motion.yes, motion.no, motion.abstain, motion.verdict) == (2, 1, 1, "adopted")
    assert (motion.members_count, motion.present_count, motion.quorum_required) == (5, 5, 3)
    assert decided[-1] == "adopted"
    names = {v.membership.user.username: v.choice for v in motion.named_votes}
    assert names == {"pres": "yes", "secr": "yes", "member1": "no", "member2": "abstain"}


def test_tie_rejects_and_absolute_majority_needs_more_than_half_of_members(running, db):
    setup, session, item = running
    tie = meetings.add_motion(item, text="Tie", rule="simple", mode="named")
    meetings.open_motion(tie)
    _vote(setup, tie, {"pres": "yes", "member1": "no", "secr": "abstain"})
    meetings.close_motion(tie)
    assert tie.verdict == "rejected"
    absolute = meetings.add_motion(item, text="Absolute", rule="absolute", mode="named")
    meetings.open_motion(absolute)
    _vote(setup, absolute, {"pres": "yes", "secr": "yes", "member1": "abstain", "member2": "abstain"})
    meetings.close_motion(absolute)
    assert absolute.verdict == "rejected"  # 2 of 5 members, although nobody voted no


def test_no_quorum_at_the_moment_of_the_vote(running, db):
    setup, session, item = running
    motion = meetings.add_motion(item, text="Late vote", mode="named")
    meetings.open_motion(motion)
    _vote(setup, motion, {"pres": "yes", "secr": "yes"})
    for a in session.attendance:
        if a.membership.user.username in ("member1", "member2", "member3"):
            meetings.mark_presence(a, "leave")
    meetings.close_motion(motion)
    assert motion.verdict == "no_quorum" and motion.present_count == 2


def test_who_may_vote(running, db, make_user):
    setup, session, item = running
    motion = meetings.add_motion(item, text="Text", mode="named")
    with pytest.raises(NotAllowed):  # not open yet
        meetings.cast_vote(motion, setup.users["member1"], "yes")
    meetings.open_motion(motion)
    with pytest.raises(NotAllowed):  # observer
        meetings.cast_vote(motion, setup.users["obs"], "yes")
    with pytest.raises(NotAllowed):  # not a member
        meetings.cast_vote(motion, make_user(), "yes")
    left = next(a for a in session.attendance if a.membership.user.username == "member3")
    meetings.mark_presence(left, "leave")
    with pytest.raises(NotAllowed):  # left the room
        meetings.cast_vote(motion, setup.users["member3"], "yes")
    with pytest.raises(DomainError):
        meetings.cast_vote(motion, setup.users["member1"], "maybe")
    meetings.cast_vote(motion, setup.users["member1"], "yes")
    with pytest.raises(Conflict):  # twice
        meetings.cast_vote(motion, setup.users["member1"], "no")
    meetings.close_motion(motion)
    with pytest.raises(NotAllowed):  # after close
        meetings.cast_vote(motion, setup.users["member2"], "yes")
    with pytest.raises(Conflict):
        meetings.close_motion(motion)
    assert count(MotionVote) == 1


def test_secret_motion_cannot_link_a_member_to_a_choice(running, db):
    from consult.votes.models import Ballot, Participation

    setup, session, item = running
    motion = meetings.add_motion(item, text="Elect the delegate", rule="two_thirds", mode="secret")
    meetings.open_motion(motion)
    assert motion.poll_id
    _vote(setup, motion, {"pres": "yes", "secr": "yes", "member1": "no", "member2": "yes"})
    with pytest.raises(Conflict):
        meetings.cast_vote(motion, setup.users["pres"], "no")
    with pytest.raises(NotAllowed):
        meetings.cast_vote(motion, setup.users["obs"], "no")
    assert meetings.has_voted(motion, setup.users["pres"])
    meetings.close_motion(motion)
    assert (motion.yes, motion.no, motion.abstain, motion.verdict) == (3, 1, 0, "adopted")
    assert count(MotionVote) == 0
    ballot_columns = set(Ballot.__table__.columns.keys())
    assert not ballot_columns & {"voter_id", "user_id", "membership_id", "created_at", "cast_at"}
    participation_columns = set(Participation.__table__.columns.keys())
    assert "choice" not in participation_columns
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                             .where(Participation.poll_id == motion.poll_id)) == 4


def test_a_members_vote_asks_one_rule_once_then_writes_the_ballot(running, db, monkeypatch):
    """``motion.vote`` decides, once; the votes engine writes the secret ballot without asking again."""
    from consult.core.policy import policies

    setup, session, item = running
    motions = {mode: meetings.add_motion(item, text=f"A {mode} vote", mode=mode)
               for mode in ("named", "secret")}
    for motion in motions.values():
        meetings.open_motion(motion)
    asked = []
    decide = policies.decide
    monkeypatch.setattr(policies, "decide", lambda action,
                        *args: asked.append(action) or decide(action, *args))
    for motion in motions.values():
        asked.clear()
        meetings.cast_vote(motion, setup.users["member1"], "yes")
        assert asked == ["motion.vote"], motion.mode
        assert meetings.has_voted(motion, setup.users["member1"])


def test_a_secret_motions_poll_takes_votes_under_the_motions_rule(running, db):
    """Sent to the poll's own page, a vote on a secret motion is decided by ``motion.vote`` all the same."""
    from consult.votes import services as votes

    setup, session, item = running
    motion = meetings.add_motion(item, text="Secret", mode="secret")
    meetings.open_motion(motion)
    poll = votes.get_poll(motion.poll_id)
    yes = next(o.id for o in poll.options if o.code == "yes")
    with pytest.raises(NotAllowed, match="Observers"):
        votes.cast_ballot(poll, setup.users["obs"], str(yes))
    left = next(a for a in session.attendance if a.membership.user.username == "member3")
    meetings.mark_presence(left, "leave")
    with pytest.raises(NotAllowed, match="in the room"):
        votes.cast_ballot(poll, setup.users["member3"], str(yes))
    votes.cast_ballot(poll, setup.users["member2"], str(yes))
    with pytest.raises(Conflict, match="already voted"):
        votes.cast_ballot(poll, setup.users["member2"], str(yes))
    with pytest.raises(Conflict, match="already voted"):
        meetings.cast_vote(motion, setup.users["member2"], "no")
    assert meetings.close_motion(motion).yes == 1


def test_hands_count_is_checked_against_the_room(running, db):
    setup, session, item = running
    motion = meetings.add_motion(item, text="Hands", rule="unanimity", mode="hands")
    meetings.open_motion(motion)
    with pytest.raises(NotAllowed):
        meetings.cast_vote(motion, setup.users["member1"], "yes")
    with pytest.raises(DomainError):
        meetings.close_motion(motion, hands={"yes": 5, "no": 1, "abstain": 0})  # 6 hands, 5 voters
    meetings.close_motion(motion, hands={"yes": 4, "no": 0, "abstain": 1})
    assert motion.verdict == "adopted"


def test_session_cannot_close_with_an_open_vote(running, db):
    setup, session, item = running
    motion = meetings.add_motion(item, text="Open", mode="named")
    meetings.open_motion(motion)
    with pytest.raises(Conflict):
        meetings.close_session(session)


def test_agenda_nesting_one_level_and_moves(running, db):
    setup, session, first = running
    second = meetings.add_item(session, title="Migrants Day")
    sub = meetings.add_item(session, title="Programme", parent=second)
    with pytest.raises(DomainError):
        meetings.add_item(session, title="Too deep", parent=sub)
    meetings.move_item(second, "up")
    assert [(n, i.title) for n, i in meetings.numbered_items(session)] == [
        ("1", "Migrants Day"), ("1.1", "Programme"), ("2", "Resident cards")]
    meetings.move_item(second, "up")  # already first: nothing moves
    assert meetings.numbered_items(session)[0][1] is second


def test_attachments_checked_by_content_and_size(running, db, app):
    setup, session, item = running
    with pytest.raises(DomainError):
        meetings.add_attachment(item, b"MZ\x90\x00 not a pdf at all", "report.pdf")
    with pytest.raises(DomainError):
        meetings.add_attachment(item, b"", "empty.pdf")
    app.config["MEETINGS_ATTACHMENT_MAX_BYTES"] = 1024
    try:
        with pytest.raises(DomainError):
            meetings.add_attachment(item, b"%PDF-1.7\n" + b"0" * 2000, "big.pdf")
    finally:
        app.config.pop("MEETINGS_ATTACHMENT_MAX_BYTES")
    attached = meetings.add_attachment(item, b"\x89PNG\r\n\x1a\n" + b"0" * 50, "../../etc/photo.exe")
    assert attached.content_type == "image/png" and attached.filename == "photo.png"
    assert attached.stored_name != attached.filename and "/" not in attached.stored_name
    assert meetings.attachment_path(attached).read_bytes().startswith(b"\x89PNG")


def test_queue_is_empty_when_no_process_feeds_the_council(council_setup):
    assert meetings.qualified_proposals(council_setup.council) == []
    assert meetings.proposal_titles([1, 2]) == {}


def test_qualified_proposals_queue_and_titles(council_setup, db):
    from consult.processes.models import Process
    from consult.proposals.models import Proposal

    ours = Process(title="Welcoming city 2027", council_id=council_setup.council.id)
    other = Process(title="Other process", council_id=None)
    db.session.add_all([ours, other])
    db.session.flush()
    qualified = Proposal(process_id=ours.id, title="Resident cards for all", body="b", state="qualified")
    waiting = Proposal(process_id=ours.id, title="Still collecting", body="b", state="published")
    elsewhere = Proposal(process_id=other.id, title="Elsewhere", body="b", state="qualified")
    db.session.add_all([qualified, waiting, elsewhere])
    db.session.flush()
    assert meetings.qualified_proposals(council_setup.council) == [qualified]
    assert meetings.proposal_titles([qualified.id, 12345]) == {qualified.id: "Resident cards for all"}


def test_a_session_after_the_city_s_midnight_seats_who_starts_that_day(council_setup, db, make_user):
    """A session at 00:30 in Rome on 8 December is at 23:30 UTC on the 7th: a member whose term starts on the
    8th sits in it, one whose term ended on the 7th does not."""
    from datetime import date, datetime

    from consult.councils import services as councils
    from consult.meetings.attendance import memberships_for

    newcomer, leaver = make_user("newcomer8"), make_user("leaver7")
    councils.add_membership(council_setup.council, newcomer, role="member", starts_on=date(2026, 12, 8))
    councils.add_membership(council_setup.council, leaver, role="member", starts_on=date(2026, 1, 1),
                            ends_on=date(2026, 12, 7))
    session = meetings.create_session(council_setup.council, title="Night session",
                                      starts_at=utcnow() + timedelta(days=10), place="Town hall")
    session.starts_at = datetime(2026, 12, 7, 23, 30)
    db.session.flush()
    seated = {m.user.username for m in memberships_for(session)}
    assert "newcomer8" in seated and "leaver7" not in seated
