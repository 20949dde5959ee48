"""The civic half of ``flask demo generate``: councils, sessions and minutes, polls and ballots, debates.

One small run (built on residents inserted here, so the test does not depend on the participation step) is
checked for the invariants the services keep, and every generated page answers.
"""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from consult.core.models import utcnow
from consult.demo.generate import Context, civic
from consult.demo.generate.polls import METHODS
from consult.extensions import db as _db

COUNTS = {"councils": 1, "years": 1, "sessions_per_year": 5, "polls": 8, "ballots": 1_500, "debates": 4}


def _residents(n: int = 400) -> tuple[list[int], list[int]]:
    from consult.accounts.models import User
    from consult.residency.models import District, ResidentStatus

    districts = [District(code=f"gen-d{k}", name=f"District {k}") for k in range(3)]
    _db.session.add_all(districts)
    _db.session.flush()
    now = utcnow()
    _db.session.execute(sa.insert(User.__table__), [
        {"username": f"gen{k}", "display_name": f"Resident {k}", "language": "en", "is_blocked": False,
         "created_at": now, "updated_at": now} for k in range(n)])
    ids = list(_db.session.scalars(sa.select(User.id).where(User.username.like("gen%")).order_by(User.id)))
    _db.session.execute(sa.insert(ResidentStatus.__table__), [
        {"user_id": uid, "method": "register", "verified_at": now, "birth_year": 1950 + k % 55,
         "district_id": districts[k % 3].id, "created_at": now, "updated_at": now}
        for k, uid in enumerate(ids)])
    _db.session.commit()
    return ids, [d.id for d in districts]


@pytest.fixture
def generated(db):
    ids, districts = _residents()
    ctx = Context(counts=dict(COUNTS), rng=random.Random(7), now=utcnow(), resident_ids=ids, user_ids=ids,
                  district_ids=districts)
    made = civic.generate(ctx)
    _db.session.commit()
    return made


def test_civic_generation_keeps_the_invariants_and_every_page_answers(generated, client):
    from consult.councils.models import Council, Membership
    from consult.debates.models import Debate, Question, QuestionLike
    from consult.meetings.models import CLOSED, CouncilSession, Motion, MotionVote
    from consult.minutes.models import Minutes
    from consult.votes import methods, tallies
    from consult.votes import services as votes
    from consult.votes.models import Ballot, Participation, Poll

    made = generated
    assert made["councils"] == 1 and made["sessions"] >= 5 and made["motions"] > 0
    assert made["polls"] == COUNTS["polls"] and made["ballots"] == COUNTS["ballots"]
    assert made["debates"] == COUNTS["debates"]
    assert {"seconds_councils", "seconds_polls", "seconds_debates"} <= set(made)

    # secret ballots: as many ballots as participations in every poll, stored results equal a fresh tally
    polls = _db.session.scalars(sa.select(Poll)).all()
    assert {p.method for p in polls if p.owner_type is None} == set(METHODS)
    for poll in polls:
        voters = _db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                                    .where(Participation.poll_id == poll.id))
        ballots = _db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                     .where(Ballot.poll_id == poll.id))
        assert voters == ballots, poll.question
        if poll.is_closed:
            fresh = methods.get(poll.method).tally(tallies.ballot_groups(poll), votes.spec_for(poll))
            assert poll.result["online"] == fresh
            assert poll.result["tally"] == tallies.compose_result(poll, fresh, voters)["tally"]
            assert poll.closed_at <= utcnow()
            # counted when it closed (back-dated with it), not when the generator ran
            assert poll.result["counted_at"] == poll.closed_at.isoformat(timespec="seconds"), poll.question
    assert sum(1 for p in polls if p.owner_type is None and p.is_open) >= 1
    # ballots have no voter, no time: the table has none of those columns
    assert set(Ballot.__table__.c.keys()) == {"id", "poll_id", "choice", "tracker_hash", "replace_key"}
    assert not _db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                  .where(Ballot.replace_key.is_not(None)))

    # councils: named votes only from voting members present; minutes published for past sessions
    council = _db.session.scalars(sa.select(Council)).one()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) >= 13
    for vote in _db.session.scalars(sa.select(MotionVote)):
        assert vote.membership.role != "observer"
    for motion in _db.session.scalars(sa.select(Motion)):
        assert motion.verdict in ("adopted", "rejected", "no_quorum")
        assert (motion.yes or 0) + (motion.no or 0) + (motion.abstain or 0) <= motion.present_count
    closed = _db.session.scalars(sa.select(CouncilSession).where(CouncilSession.status == CLOSED)).all()
    minutes = _db.session.scalars(sa.select(Minutes)).all()
    published = [m for m in minutes if m.status == "published"]
    assert len(published) >= len(closed) - 1 + made["debates"] - made["debates_upcoming"] - 2
    assert all(m.held_at <= m.submitted_at <= m.approved_at <= m.published_at <= utcnow() for m in published)

    # debates: likes counter equals the rows; nobody likes their own question
    for question in _db.session.scalars(sa.select(Question)):
        likes = (_db.session.scalars(sa.select(QuestionLike).where(QuestionLike.question_id == question.id))
                 .all())
        assert question.likes == len(likes)
        assert question.participant_key not in {like.participant_key for like in likes}
    debates = _db.session.scalars(sa.select(Debate)).all()
    assert sum(1 for d in debates if d.is_ended) == made["debates"] - made["debates_upcoming"]

    # every generated page answers
    urls = [f"/councils/{council.slug}/"]
    urls += [f"/sessions/{s.id}" for s in _db.session.scalars(sa.select(CouncilSession))
             if s.status != "draft"]
    urls += [f"/minutes/{m.id}" for m in published]
    urls += [f"/polls/{p.id}" for p in polls if p.owner_type is None]
    urls += [f"/polls/{p.id}/results" for p in polls if p.is_closed]
    urls += [f"/debates/{d.id}" for d in debates]
    urls += ["/polls", "/debates/", "/minutes/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
