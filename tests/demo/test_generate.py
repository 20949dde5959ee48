"""``flask demo generate --scale small``: one run through the CLI, then the invariants the services keep."""

from __future__ import annotations

import sqlalchemy as sa

from consult.extensions import db as _db
from tests.helpers import count


def _pairs(query) -> dict:
    return dict(_db.session.execute(query).all())


def test_set_takes_only_known_counts(runner):
    result = runner.invoke(args=["demo", "generate", "--set", "voters=3"])
    assert result.exit_code == 2 and "NAME=NUMBER" in result.output


def test_small_city_keeps_every_invariant(db, runner, client):
    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.demo.generate import SCALES
    from consult.notifications.models import Follow
    from consult.processes.models import Process
    from consult.proposals import search
    from consult.proposals.models import (
        ACCEPTED,
        ADOPTED,
        IMPLEMENTED,
        MERGED,
        QUALIFIED,
        REJECTED,
        SUBMITTED,
        UNDER_REVIEW,
        Proposal,
        ProposalAnswer,
        ProposalSource,
        ProposalSupport,
    )
    from consult.residency.models import RegisterEntry, ResidentStatus

    # the small scale as it is for the participation half; the civic half (tested on its own in
    # test_generate_civic.py) made smaller to keep this test quick
    civic = {"councils": 1, "years": 1, "polls": 3, "ballots": 600, "debates": 1}
    result = runner.invoke(args=["demo", "generate", "--scale", "small", "--quiet", "--seed", "3",
                                 *[f"--set={k}={v}" for k, v in civic.items()]])
    assert result.exit_code == 0, result.output
    assert "Generated the 'small' city" in result.output and "Time per step" in result.output
    small = SCALES["small"]

    # people: no password, no email; about 70 % verified, register ones with their own entry
    assert count(User, User.password_hash.is_(None), User.email.is_(None)) >= small["residents"]
    verified = count(ResidentStatus)
    assert 0.6 * small["residents"] < verified < 0.8 * small["residents"]
    assert count(ResidentStatus, ResidentStatus.method == "register") == count(RegisterEntry) > 0
    assert {m for (m,) in _db.session.execute(sa.select(ResidentStatus.method).distinct())} == {
        "register", "card_code", "in_person"}

    # processes with the five themes and phases; proposals, merges, supports and comments in the numbers asked
    processes = _db.session.scalars(sa.select(Process)).all()
    assert len(processes) == small["processes"]
    assert all(len(p.themes) == 5 and len(p.phases) == 5 for p in processes)
    merges = count(ProposalSource) // 2
    assert merges >= 1 and count(Proposal, Proposal.state == MERGED) == 2 * merges
    assert count(Proposal) == small["proposals"] + merges
    assert count(Comment, Comment.target_type == "proposal") == small["comments"]
    direct = count(ProposalSupport, ProposalSupport.carried_from_id.is_(None))
    assert direct == small["supports"]

    # cached counters equal the rows
    supports = _pairs(sa.select(ProposalSupport.proposal_id, sa.func.count())
                      .group_by(ProposalSupport.proposal_id))
    comments = _pairs(sa.select(Comment.target_id, sa.func.count())
                      .where(Comment.target_type == "proposal", Comment.deleted_at.is_(None))
                      .group_by(Comment.target_id))
    for proposal_id, support_count, comment_count in _db.session.execute(
            sa.select(Proposal.id, Proposal.support_count, Proposal.comment_count)):
        assert support_count == supports.get(proposal_id, 0), proposal_id
        assert comment_count == comments.get(proposal_id, 0), proposal_id
    assert count(Comment, Comment.deleted_at.is_not(None)) > 0  # deleted ones are not counted
    # one support per person and proposal, only from verified residents
    assert not _db.session.execute(sa.select(ProposalSupport.proposal_id).group_by(
        ProposalSupport.proposal_id, ProposalSupport.user_id).having(sa.func.count() > 1)).first()
    assert count(ProposalSupport, ~ProposalSupport.user_id.in_(sa.select(ResidentStatus.user_id))) == 0

    # states agree with the thresholds; official states have an official answer
    threshold = _pairs(sa.select(Process.id, Process.support_threshold))
    states = {}
    answered = set(_db.session.scalars(sa.select(ProposalAnswer.proposal_id)))
    for p in _db.session.scalars(sa.select(Proposal)):
        states[p.state] = states.get(p.state, 0) + 1
        if p.state in (SUBMITTED, UNDER_REVIEW):
            assert p.support_count < threshold[p.process_id], p.id
        if p.state in (QUALIFIED, ACCEPTED, ADOPTED, IMPLEMENTED):
            assert p.qualified_at is not None and p.support_count >= threshold[p.process_id], p.id
        if p.state in (UNDER_REVIEW, ACCEPTED, ADOPTED, REJECTED, IMPLEMENTED):
            assert p.id in answered, p.id
    assert states.get(SUBMITTED) and states.get(QUALIFIED), states

    # threads: at most three deep, a reply one level under its parent on the same proposal, and after it
    parent = sa.orm.aliased(Comment)
    assert count(Comment, Comment.parent_id.is_(None), Comment.depth != 1) == 0
    bad = _db.session.execute(sa.select(sa.func.count()).select_from(Comment)
                              .join(parent, Comment.parent_id == parent.id)
                              .where(sa.or_(Comment.depth != parent.depth + 1,
                                            Comment.target_id != parent.target_id,
                                            Comment.created_at < parent.created_at))).scalar()
    assert bad == 0
    assert count(Comment, Comment.depth == 3) > 0
    hot_id, hot_count = _db.session.execute(sa.select(Proposal.id, Proposal.comment_count)
                                            .order_by(Proposal.comment_count.desc()).limit(1)).one()
    assert hot_count >= 500 - 10  # 500 comments, a few of them deleted by their authors
    assert count(Follow, Follow.target_type == "proposal") >= count(Proposal, Proposal.author_id.is_not(None))

    # secret ballots: every poll has as many participations as ballots
    from consult.votes.models import Ballot, Participation, Poll

    ballots = _pairs(sa.select(Ballot.poll_id, sa.func.count()).group_by(Ballot.poll_id))
    voters = _pairs(sa.select(Participation.poll_id, sa.func.count()).group_by(Participation.poll_id))
    assert ballots and ballots == voters
    assert count(Poll) >= civic["polls"]

    # search finds a generated proposal (on SQLite: every proposal and answer text has its FTS row); its pages
    # answer
    if _db.engine.dialect.name == "sqlite":
        from consult.proposals.models import AnswerText

        indexed = _db.session.execute(sa.text("SELECT count(*) FROM proposal_fts")).scalar()
        assert indexed == count(Proposal) + (count(AnswerText) if hasattr(search, "SQLITE_INDEX_ANSWERS")
                                             else 0)
    sample = _db.session.scalar(sa.select(Proposal).where(Proposal.state == SUBMITTED).order_by(Proposal.id)
                                .limit(1))
    words = " ".join(search.words(sample.title)[:3])
    assert sample.id in set(_db.session.scalars(sa.select(Proposal.id).where(search.matching(words))))
    assert client.get("/proposals?" + f"q={words}").status_code == 200
    for url in (f"/proposals/{hot_id}", f"/proposals/{sample.id}", "/proposals", "/processes",
                f"/processes/{processes[0].id}", "/proposals?sort=supported"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert sample.title in client.get(f"/proposals/{sample.id}").get_data(as_text=True)
