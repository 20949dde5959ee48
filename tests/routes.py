"""Every route of the URL map, with its arguments filled from the demo data (smoke, authorization and query
tests).

``route_cases(app)`` walks ``app.url_map`` and returns one :class:`RouteCase` per (method, rule): GET for
every rule that answers GET, POST for every rule that answers POST. Arguments come from the demo objects that
the demo accounts hold a role on: THE council (its secretary, member, observer), THE upcoming debate (its
moderator), the open poll, a proposal and a comment written by someone who is none of the tested roles, and so
on. A rule whose arguments cannot be filled keeps ``url=None`` (tokens shown once, files); the callers decide
what to do with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for

from consult.extensions import db

#: the roles of the authorization matrix, in the order of its columns, and the demo account that plays each
ROLES = ("visitor", "unverified", "resident", "member", "observer", "secretary", "moderator", "registrar",
         "admin")
ACCOUNTS = {"unverified": "newcomer", "resident": "resident", "member": "member", "observer": "observer",
            "secretary": "secretary", "moderator": "moderator", "registrar": "registrar", "admin": "admin"}
DEMO_PASSWORD = "consult-demo"

SKIP_ENDPOINTS = {"static"}
#: routes that test modules add to the app for themselves (tests/comments/support.py), not part of Consult
TEST_ONLY_PREFIX = "/_test/"
#: choices of ``any(...)`` converters and other plain strings
PLAIN = {"event": "arrive", "step": "start", "lang": "fr", "name": "proposals", "role": "translator",
         "token": "not-a-real-token"}
ACTION_CHOICES = {"residency.account_action": "renew", "residency.resolve_claim": "dismiss"}


@dataclass(frozen=True)
class RouteCase:
    method: str
    rule: str
    endpoint: str
    url: str | None

    @property
    def key(self) -> str:
        return f"{self.method} {self.rule.replace(' ', '')}"


def _first(model, *where, order=None):
    q = sa.select(model)
    for condition in where:
        q = q.where(condition)
    return db.session.scalars(q.order_by(*(order or ()), model.id).limit(1)).first()


def _id(obj):
    return obj.id if obj is not None else None


def add_missing_objects() -> None:
    """What the demo does not hold but some routes need: an agenda item's attachment, a register claim."""
    from consult.accounts.models import User
    from consult.meetings import services as meetings
    from consult.meetings.models import AgendaItem, CouncilSession
    from consult.residency.models import RegisterClaim, RegisterEntry

    # the last item of the session: the matrix deletes the first one (its files go, even when rolled back)
    item = _first(AgendaItem, AgendaItem.session_id.in_(
        sa.select(CouncilSession.id).where(CouncilSession.status != "closed")), order=[AgendaItem.id.desc()])
    if item is not None:
        meetings.add_attachment(item, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "programme.pdf")
    _paper_batch()
    _election()
    _appeal()
    _budget()
    entry = _first(RegisterEntry)
    claimant = db.session.scalar(sa.select(User).where(User.username == "newcomer"))
    if entry is not None and claimant is not None:
        db.session.add(RegisterClaim(register_entry_id=entry.id, user_id=claimant.id))
    db.session.flush()


def _election() -> None:
    """An election of THE council whose nominations are open, with one candidacy (by someone who plays none of
    the roles) and one seat, when the demo holds none (the demo's 2025 election has its results)."""
    from datetime import timedelta

    from consult.accounts.models import User
    from consult.core.models import utcnow
    from consult.councils.models import Council
    from consult.elections import services as elections
    from consult.elections.models import Candidacy, Election, ElectionSeat

    council = _first(Council)
    if council is None or _first(Election, Election.status == "called") is not None:
        return
    now = utcnow()
    calendar = {"nominations_open_at": now - timedelta(days=1),
                "nominations_close_at": now + timedelta(days=5),
                "voting_opens_at": now + timedelta(days=10), "voting_closes_at": now + timedelta(days=12),
                "appeal_ends_at": now + timedelta(days=20)}
    election = elections.create_election(council, title="Council of Cultures 2027", seats=3, term_months=24,
                                         calendar=calendar, supporters_needed=2)
    elections.publish_call(election)
    candidate = db.session.scalar(sa.select(User).where(User.username.not_in(ACCOUNTS.values()))
                                  .order_by(User.id.desc()).limit(1))
    candidacy = Candidacy(election_id=election.id, user_id=candidate.id, name=candidate.display_name,
                          statement="I will listen.", language="en")
    db.session.add(candidacy)
    db.session.flush()
    db.session.add(ElectionSeat(election_id=election.id, candidacy_id=candidacy.id, kind="elected"))
    db.session.flush()


def _appeal() -> None:
    """An appeal against the results of the demo's election (by someone who plays none of the roles), when
    none was lodged."""
    from consult.accounts.models import User
    from consult.elections.models import Election, ElectionAppeal

    election = _first(Election, Election.status == "results")
    if election is None or _first(ElectionAppeal) is not None:
        return
    author = db.session.scalar(sa.select(User).where(User.username.not_in(ACCOUNTS.values()))
                               .order_by(User.id).limit(1))
    db.session.add(ElectionAppeal(election_id=election.id, author_id=author.id,
                                  text="A polling station opened late."))
    db.session.flush()


def _budget() -> None:
    """A budget of the first process taking proposals, with a project waiting for review (by someone who plays
    none of the roles), when the demo holds none."""
    from datetime import timedelta

    from consult.accounts.models import User
    from consult.budgets import services as budgets
    from consult.budgets.models import Budget, BudgetProject
    from consult.core.models import utcnow
    from consult.processes.models import Process

    process = _first(Process)
    if process is None or _first(Budget, Budget.status == "proposing") is not None:
        return
    budget = budgets.create_budget(process, title="Neighbourhood budget", total=100_000,
                                   calendar={"voting_closes_at": utcnow() + timedelta(days=60)})
    budgets.start_proposing(budget)
    author = db.session.scalar(sa.select(User).where(User.username.not_in(ACCOUNTS.values()))
                               .order_by(User.id).limit(1))
    db.session.add(BudgetProject(budget_id=budget.id, title="Language café", description="Weekly.",
                                 cost=12_000, proposed_cost=12_000, proposed_by_id=_id(author)))
    db.session.flush()


def _paper_batch() -> None:
    """A batch of paper slips being typed (the demo's batch is counted): on the demo's ranked-choice poll."""
    from consult.accounts.models import User
    from consult.votes import paper_ballots
    from consult.votes.models import Poll
    from consult.votes.paper_models import PaperBatch

    poll = _first(Poll, Poll.method == "ranked_irv")
    registrar = db.session.scalar(sa.select(User).where(User.username == "registrar"))
    typing = _first(PaperBatch, PaperBatch.status == "entering")
    if typing is None and poll is not None and registrar is not None:
        batch = paper_ballots.open_batch(poll, station="Test polling station", slips=2, by=registrar)
        paper_ballots.enter_slip(batch, slip=1, kind="blank", by=registrar)


class DemoObjects:
    """The demo objects each argument name stands for (queried once)."""

    def __init__(self):
        from consult.accounts.models import User
        from consult.comments.models import Comment
        from consult.councils.models import Council, Membership
        from consult.debates.models import Debate, DebatePoll, Panelist, Question, Segment, SpeakerRequest
        from consult.lotteries.models import Lottery
        from consult.meetings.models import AgendaItem, Attachment, Attendance, CouncilSession, Motion
        from consult.minutes.models import Minutes
        from consult.moderation.models import FactCheckNote
        from consult.notifications.models import Notification
        from consult.outcomes.models import Outcome, OutcomeAction
        from consult.processes.models import Phase, Process
        from consult.proposals.models import Proposal
        from consult.residency.models import CardCodeBatch, EligibilityRule, RegisterClaim
        from consult.votes.models import Poll

        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        tested = {users[name].id for name in ACCOUNTS.values() if name in users}
        self.user = users.get("resident")
        self.council = _first(Council)
        self.session = _first(CouncilSession, CouncilSession.status != "closed") or _first(CouncilSession)
        self.item = _first(AgendaItem, AgendaItem.session_id == _id(self.session)) or _first(AgendaItem)
        self.motion = _first(Motion)
        self.attendance = _first(Attendance)
        self.attachment = _first(Attachment)
        self.membership = _first(Membership, Membership.user_id.not_in(tested))
        self.debate = _first(Debate, Debate.status != "ended") or _first(Debate)
        self.link = _first(DebatePoll)
        self.question = (_first(Question, Question.debate_id == _id(self.debate),
                                Question.author_id.is_(None))
                         or _first(Question))
        self.speaker_request = _first(SpeakerRequest)
        self.panelist = _first(Panelist, Panelist.debate_id == _id(self.debate)) or _first(Panelist)
        self.segment = _first(Segment, Segment.debate_id == _id(self.debate)) or _first(Segment)
        self.minutes = _first(Minutes, Minutes.source_type != "election") or _first(Minutes)
        self.poll = _first(Poll, Poll.status == "open") or _first(Poll)
        self.process = _first(Process)
        self.phase = _first(Phase, Phase.process_id == _id(self.process))
        self.proposal = (_first(Proposal, Proposal.state != "draft", Proposal.author_id.is_not(None),
                                Proposal.author_id.not_in(tested)) or _first(Proposal))
        self.comment = _first(Comment, Comment.author_id.is_not(None), Comment.author_id.not_in(tested)) \
            or _first(Comment)
        self.note = _first(FactCheckNote)
        self.notification = (_first(Notification, Notification.user_id == _id(self.user))
                             or _first(Notification))
        self.outcome = _first(Outcome)
        self.action = (_first(OutcomeAction, OutcomeAction.outcome_id == _id(self.outcome))
                       or _first(OutcomeAction))
        self.rule = _first(EligibilityRule)
        self.batch = _first(CardCodeBatch)
        self.claim = _first(RegisterClaim)
        self.lottery = _first(Lottery, Lottery.status == "open") or _first(Lottery)
        from consult.surveys.models import Survey, SurveyQuestion, SurveyResponse, SurveySection

        self.survey = _first(Survey, Survey.status == "published") or _first(Survey)
        self.survey_section = _first(SurveySection, SurveySection.survey_id == _id(self.survey))
        self.survey_question = _first(SurveyQuestion, SurveyQuestion.survey_id == _id(self.survey))
        self.survey_response = db.session.scalars(sa.select(SurveyResponse).where(
            SurveyResponse.survey_id == _id(self.survey)).order_by(SurveyResponse.id).limit(1)).first()
        from consult.votes.paper_models import PaperBatch

        self.paper_batch = _first(PaperBatch, PaperBatch.status == "entering") or _first(PaperBatch)
        from consult.elections.models import Candidacy, Election, ElectionSeat

        self.election = (_first(Election, Election.status == "called")
                         or _first(Election, Election.status != "draft") or _first(Election))
        self.candidacy = (_first(Candidacy, Candidacy.election_id == _id(self.election),
                                 Candidacy.status != "refused") or _first(Candidacy))
        self.seat = (_first(ElectionSeat, ElectionSeat.election_id == _id(self.election))
                     or _first(ElectionSeat))
        from consult.elections.models import ElectionAppeal

        self.appeal = _first(ElectionAppeal)
        from consult.budgets.models import Budget, BudgetProject

        self.budget = _first(Budget, Budget.status == "proposing") or _first(Budget)
        #: the demo's welcome budget, its results published (the results page's own budget)
        self.published_budget = _first(Budget, Budget.status == "closed") or self.budget
        self.budget_project = (_first(BudgetProject, BudgetProject.budget_id == _id(self.budget),
                                      BudgetProject.status == "submitted") or _first(BudgetProject))
        from consult.proposals.amendments_models import Amendment

        self.amendment = _first(Amendment, Amendment.state == "pending") or _first(Amendment)

    def values(self, rule) -> dict | None:
        """The URL arguments for ``rule``, or None when one cannot be filled."""
        args = set(rule.arguments)
        debate_id = _id(self.debate)
        for argument, child in (("link_id", self.link), ("request_id", self.speaker_request),
                                ("question_id", self.question), ("panelist_id", self.panelist),
                                ("segment_id", self.segment)):
            if argument in args and child is not None:  # the debate the child belongs to
                debate_id = child.debate_id
                break
        debate = db.session.get(type(self.debate), debate_id) if debate_id else None
        target = ("proposal", _id(self.proposal))
        if rule.endpoint.startswith("moderation.") and self.comment is not None:
            target = ("comment", _id(self.comment))
        known = {
            "slug": self.council.slug if self.council else None,
            "council_id": _id(self.council),
            "session_id": _id(self.session),
            "item_id": _id(self.item),
            "motion_id": _id(self.motion),
            "attendance_id": _id(self.attendance),
            "attachment_id": _id(self.attachment),
            "membership_id": _id(self.membership),
            "debate_id": _id(debate),
            "code": debate.join_code if debate else None,
            "link_id": _id(self.link),
            "question_id": _id(self.question),
            "request_id": _id(self.speaker_request),
            "panelist_id": _id(self.panelist),
            "segment_id": _id(self.segment),
            "minutes_id": _id(self.minutes),
            "poll_id": _id(self.poll),
            "process_id": _id(self.process),
            "phase_id": _id(self.phase),
            "proposal_id": _id(self.proposal),
            "comment_id": _id(self.comment),
            "note_id": _id(self.note),
            "notification_id": _id(self.notification),
            "outcome_id": _id(self.outcome),
            "action_id": _id(self.action),
            "rule_id": _id(self.rule),
            "batch_id": _id(self.batch),
            "claim_id": _id(self.claim),
            "lottery_id": _id(self.lottery),
            "survey_id": _id(self.survey),
            "survey_section_id": _id(self.survey_section),
            "survey_question_id": _id(self.survey_question),
            "response_id": self.survey_response.id if self.survey_response else None,
            "owner_type": "debate",
            "owner_id": _id(debate),
            "paper_batch_id": _id(self.paper_batch),
            "election_id": _id(self.election),
            "candidacy_id": _id(self.candidacy),
            "seat_id": _id(self.seat),
            "appeal_id": _id(self.appeal),
            "budget_id": _id(self.budget),
            "project_id": _id(self.budget_project),
            "amendment_id": _id(self.amendment),
            "user_id": _id(self.user),
            "target_type": target[0],
            "target_id": target[1],
            "ident": _id(self.proposal),
            "action": ACTION_CHOICES.get(rule.endpoint),
            **PLAIN,
        }
        if rule.endpoint == "budgets.results":
            known["budget_id"] = _id(self.published_budget)
        values = {}
        for argument in rule.arguments:
            value = known.get(argument)
            if value is None:
                return None
            values[argument] = value
        return values


def route_cases(app, methods=("GET", "POST")) -> list[RouteCase]:
    """One case per (method, rule) of the URL map, arguments filled from the demo (``url`` None when
    impossible).

    Needs an application context with the demo loaded.
    """
    objects = DemoObjects()
    cases = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in SKIP_ENDPOINTS or rule.rule.startswith(TEST_ONLY_PREFIX):
            continue
        values = objects.values(rule)
        url = None
        if values is not None:
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
        for method in methods:
            if method in rule.methods:
                cases.append(RouteCase(method, rule.rule, rule.endpoint, url))
    return cases
