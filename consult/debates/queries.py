"""Read models for debate pages: everything a live screen shows, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.core.models import utcnow
from consult.debates import polls
from consult.debates.models import (
    Debate,
    DebatePoll,
    Question,
    QuestionLike,
    Registration,
    Segment,
    SpeakerRequest,
)
from consult.debates.speakers import ordered_queue, speaking_totals
from consult.extensions import db

QUESTION_SORTS = ("likes", "time")
PUBLIC_QUESTION_LIMIT = 100


@dataclass
class LiveState:
    debate: Debate
    segments: list[Segment]
    current_segment: Segment | None
    requests: list[SpeakerRequest]
    queue: list[SpeakerRequest]
    speaking: SpeakerRequest | None
    totals: list[dict]
    questions: list[Question]
    live_question: Question | None
    polls: list[DebatePoll]
    projected_poll: DebatePoll | None
    projected_counts: list[dict] = field(default_factory=list)
    now_epoch: int = 0

    @property
    def segment_elapsed(self) -> int:
        return self.current_segment.elapsed_seconds() if self.current_segment else 0

    @property
    def open_poll(self) -> DebatePoll | None:
        return next((p for p in self.polls if p.status == "open"), None)


def load_debate(debate_id: int) -> Debate | None:
    return db.session.scalar(sa.select(Debate).where(Debate.id == debate_id)
                             .options(selectinload(Debate.segments), selectinload(Debate.panelists)))


def questions_for(debate: Debate, *, sort: str = "likes", status: str | None = None,
                  include_hidden: bool = False, limit: int = PUBLIC_QUESTION_LIMIT) -> list[Question]:
    q = sa.select(Question).where(Question.debate_id == debate.id)
    if status:
        q = q.where(Question.status == status)
    elif not include_hidden:
        q = q.where(Question.status != "hidden")
    if sort == "time":
        q = q.order_by(Question.created_at.desc(), Question.id.desc())
    else:
        q = q.order_by(Question.likes.desc(), Question.created_at, Question.id)
    return list(db.session.scalars(q.limit(limit)))


def live_state(debate: Debate, *, sort: str = "likes", status: str | None = None,
               include_hidden: bool = False) -> LiveState:
    """The state every live screen is drawn from (debate with agenda: 1-2 queries, then 4 more)."""
    segments = list(debate.segments)
    current = next((s for s in segments if s.id == debate.current_segment_id), None)
    requests = list(db.session.scalars(sa.select(SpeakerRequest).where(SpeakerRequest.debate_id == debate.id)
                                       .order_by(SpeakerRequest.position, SpeakerRequest.id)))
    questions = questions_for(debate, sort=sort, status=status, include_hidden=include_hidden)
    live_question = next((q for q in questions if q.id == debate.live_question_id), None)
    if live_question is None and debate.live_question_id:
        live_question = db.session.get(Question, debate.live_question_id)
    links = list(db.session.scalars(sa.select(DebatePoll).where(DebatePoll.debate_id == debate.id)
                                    .order_by(DebatePoll.id)))
    projected = next((p for p in links if p.poll_id == debate.projected_poll_id), None)
    return LiveState(
        debate=debate, segments=segments, current_segment=current, requests=requests,
        queue=ordered_queue(debate, requests),
        speaking=next((r for r in requests if r.status == "speaking"), None),
        totals=speaking_totals(requests), questions=questions, live_question=live_question, polls=links,
        projected_poll=projected, projected_counts=polls.safe_counts(projected) if projected else [],
        now_epoch=int(utcnow().timestamp()),
    )


def liked_by(debate: Debate, participant_key: str | None) -> set[int]:
    """Ids of the questions of ``debate`` that this participant liked (for their own page; one query)."""
    if not participant_key:
        return set()
    return set(db.session.scalars(
        sa.select(QuestionLike.question_id).join(Question, Question.id == QuestionLike.question_id)
        .where(Question.debate_id == debate.id, QuestionLike.participant_key == participant_key)))


@dataclass
class Ballot:
    """What the public "Live poll" section shows: the open poll with its options (while the debate runs), else
    the final results of the last poll closed, else nothing."""

    link: DebatePoll | None = None
    options: list[dict] = field(default_factory=list)
    counts: list[dict] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.link is not None and self.link.status == "open" and bool(self.options)

    @property
    def is_closed(self) -> bool:
        return self.link is not None and self.link.status == "closed"


def ballot(state: LiveState) -> Ballot:
    """The ballot of ``state`` (one call to the votes engine: the options, or the results)."""
    link = state.open_poll
    if link is not None and state.debate.is_live:
        return Ballot(link, options=polls.options(link))
    closed = [p for p in state.polls if p.status == "closed"]
    if closed:
        return Ballot(closed[-1], counts=polls.safe_counts(closed[-1]))
    return Ballot()


def debates_list() -> dict[str, list[Debate]]:
    """Live, upcoming and past debates for the index page (one query)."""
    rows = list(db.session.scalars(sa.select(Debate).order_by(Debate.starts_at.desc()).limit(200)))
    return {
        "live": [d for d in rows if d.is_live],
        "upcoming": sorted((d for d in rows if d.status == "scheduled"), key=lambda d: d.starts_at),
        "past": [d for d in rows if d.is_ended],
    }


def registration_counts(debate: Debate) -> dict[str, int]:
    rows = db.session.execute(sa.select(Registration.status, sa.func.count()).where(
        Registration.debate_id == debate.id).group_by(Registration.status)).all()
    return {status: n for status, n in rows}


def registration_of(debate: Debate, user) -> Registration | None:
    """``user``'s registration for ``debate`` (a place or the waiting list), if any."""
    return db.session.scalar(sa.select(Registration).where(
        Registration.debate_id == debate.id, Registration.user_id == user.id))


def request_of(debate: Debate, participant_key: str | None) -> SpeakerRequest | None:
    """This participant's request to speak that is waiting or speaking, if any (one query)."""
    if not participant_key:
        return None
    return db.session.scalar(sa.select(SpeakerRequest).where(
        SpeakerRequest.debate_id == debate.id, SpeakerRequest.participant_key == participant_key,
        SpeakerRequest.status.in_(("waiting", "speaking"))).order_by(SpeakerRequest.id).limit(1))
