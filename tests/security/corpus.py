"""Put the XSS corpus into every user text field of the platform, through the services (no HTTP: fast).

Long text fields (Markdown bodies, descriptions, notes, minutes) get the whole corpus in one object. Short
fields (titles, names, labels) get it packed into as few strings as fit the column; where a page lists many
such objects (themes, poll options, panelists, speakers, comment authors, memberships...) every chunk gets its
own object so that the whole corpus is shown; elsewhere the field gets a different slice of the corpus on each
object.

Form fields that are never shown back (usernames, passwords, document numbers, card and reset codes) are left
out; search boxes that show what was searched are visited with a vector in the query string.

``build()`` returns the pages that show the fields (visitor, staff and author pages) and the fields it filled;
``build(light=True)`` makes the same objects with short plain texts (the world of the fuzz tests).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

import sqlalchemy as sa

from consult.accounts import services as accounts
from consult.comments import services as comments
from consult.core.models import utcnow
from consult.councils import services as councils
from consult.debates import polls as debate_polls
from consult.debates import services as debates
from consult.extensions import db
from consult.meetings import services as meetings
from consult.minutes import services as minutes_services
from consult.minutes.models import Minutes, MinutesRevision
from consult.moderation import services as moderation
from consult.outcomes import services as outcomes
from consult.processes import services as processes
from consult.proposals import services as proposals
from consult.residency import services as residency
from consult.residency.models import ResidentStatus
from consult.votes import services as votes
from tests.security.xss_vectors import VECTORS, every_vector, packed

PASSWORD = "correct horse battery"
STAFF = "xstaff"


@dataclass
class Corpus:
    public: dict[str, str] = field(default_factory=dict)  # name -> URL, seen by anyone
    staff: dict[str, str] = field(default_factory=dict)  # name -> URL, seen by the staff account
    # name -> URL, seen by the author of the main proposal
    author: dict[str, str] = field(default_factory=dict)
    fields: set[str] = field(default_factory=set)  # "model.column" filled with vectors
    author_username: str = ""


def _len(column) -> int | None:
    return getattr(column.type, "length", None)


#: ``build(light=True)``: the same objects with a few short plain texts (a world for the fuzz tests)
_light = [False]


def chunks(column, *, start: int = 0) -> list[str]:
    if _light[0]:
        return [f"Plain text {start + n}" for n in range(3)]
    return packed(_len(column), start=start)


def limited(limit: int, *, start: int = 0) -> list[str]:
    """Like :func:`chunks` for a limit the service sets (not the column)."""
    if _light[0]:
        return [f"Plain text {start + n}" for n in range(3)]
    return packed(limit, start=start)


def one(column, start: int = 0) -> str:
    return chunks(column, start=start)[0]


def _no_spaces(n: int) -> str:
    return VECTORS[n % len(VECTORS)].replace(" ", "").replace("\n", "").replace("\t", "")


def _user(username: str, display_name: str, *, roles=(), verified=True):
    user = accounts.sign_up(username, display_name, PASSWORD, "en")
    for role in roles:
        accounts.grant_role(user, role)
    if verified:
        db.session.add(ResidentStatus(user=user, method="in_person", birth_year=1990))
    return user


def build(*, light: bool = False) -> Corpus:
    _light[0] = light
    try:
        return _build()
    finally:
        _light[0] = False


def _build() -> Corpus:  # noqa: PLR0915 - one long story, in the order a city would live it
    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.councils.models import Council, Membership
    from consult.debates.models import Debate, Segment, SpeakerRequest
    from consult.debates.models import Panelist as DebatePanelist
    from consult.debates.models import Question as DebateQuestion
    from consult.meetings.models import AgendaItem, CouncilSession, Speaker
    from consult.moderation.models import Report
    from consult.outcomes.models import Outcome, OutcomeAction
    from consult.processes.models import Process, Theme
    from consult.proposals.models import Proposal, ProposalTranslation
    from consult.residency.models import CardCodeBatch, EligibilityRule
    from consult.votes.models import PaperTally, Poll, PollOption

    corpus = Corpus()
    fields = corpus.fields
    everything = "Plain **text**, with a [link](https://example.org/)." if _light[0] else every_vector()
    now = utcnow()

    # -- people: the staff account (every platform role) and residents whose display names are the corpus
    staff = _user(STAFF, one(User.display_name), roles=("admin", "moderator", "registrar", "translator"))
    names = [f"Plain person {n}" for n in range(12)] if _light[0] else chunks(User.display_name)
    people = [_user(f"xperson{n}", name) for n, name in enumerate(names[:4])]
    # the other names are inserted directly (sign-up's own checks cost ~30 ms a person); same stored value
    rest = [User(username=f"xperson{n}", display_name=name.strip(), language="en",
                 password_hash=staff.password_hash)
            for n, name in enumerate(names[4:], start=4)]
    db.session.add_all(rest)
    db.session.add_all(ResidentStatus(user=user, method="in_person", birth_year=1990) for user in rest)
    people += rest
    fields.add("user.display_name")
    db.session.flush()

    # -- residency: an eligibility rule and a batch of card codes with vector names
    for n, text in enumerate(chunks(EligibilityRule.name)[:8]):
        residency.save_rule(None, name=f"{text[:110]} {n}", min_level="signed_in", min_age=None,
                            district_ids=[], by=staff)
    for text in chunks(CardCodeBatch.label)[:8]:
        residency.issue_card_codes(staff, count=1, valid_days=30, label=text)
    fields |= {"eligibility_rule.name", "card_code_batch.label"}
    corpus.staff.update({"eligibility rules": "/admin/eligibility", "registrar": "/registrar",
                         "users": "/admin/users", "user page": f"/admin/users/{people[0].id}"})

    # -- councils
    council = councils.create_council(name=one(Council.name), purpose=everything, mandate=everything,
                                      composition=everything, contact=one(Council.contact, 5),
                                      quorum_percent=10, convocation_days=0)
    represents = chunks(Membership.represents)
    for n, person in enumerate(people[:40]):  # the council page lists its members by display name
        councils.add_membership(council, person, role="member", starts_on=date.today() - timedelta(days=30),
                                represents=represents[n % len(represents)])
    councils.add_membership(council, staff, role="secretary", starts_on=date.today() - timedelta(days=30),
                            represents=represents[0])
    fields |= {"council.name", "council.purpose", "council.mandate", "council.composition", "council.contact",
               "council_membership.represents"}
    corpus.public.update({"councils": "/councils/", "council": f"/councils/{council.slug}/"})

    # -- processes and proposals
    themes = chunks(Theme.name)
    process = processes.create_process(actor=staff, title=one(Process.title), description=everything,
                                       themes=themes[:30], support_threshold=1000, council_id=council.id)
    other = processes.create_process(actor=staff, title=one(Process.title, 60), description=everything[:500],
                                     themes=themes[30:] or ["-"], support_threshold=5)
    processes.add_phase(process, actor=staff, kind="proposals", starts_at=now - timedelta(days=1),
                        ends_at=now + timedelta(days=30))
    fields |= {"process.title", "process.description", "process_theme.name"}
    titles = chunks(Proposal.title)
    made = []
    for n, title in enumerate(titles):
        author = people[n % len(people)]
        proposal = proposals.create_draft(process, author, title=title, body=everything if n == 0 else title,
                                          language="en", theme_id=process.themes[n % len(process.themes)].id)
        proposals.publish(proposal, author)
        made.append(proposal)
    main = made[0]
    main.attachment_alt = one(Proposal.attachment_alt)  # only set with a file; the page shows it anyway
    proposals.translate(main, staff, language="fr", title=one(ProposalTranslation.title, 40), body=everything)
    proposals.answer(main, staff, state="under_review", language="en", text=everything)
    merged = proposals.merge(made[-2:], staff, title=one(Proposal.title, 80), body=everything, language="en")
    fields |= {"proposal.title", "proposal.body", "proposal.attachment_alt", "proposal_translation.title",
               "proposal_translation.body", "proposal_answer_text.body"}
    corpus.public.update({
        "processes": "/processes", "process": f"/processes/{process.id}",
        "process 2": f"/processes/{other.id}", "proposals": "/proposals",
        "proposals page 2": "/proposals?page=2", "proposal": f"/proposals/{main.id}",
        "proposal fr": f"/proposals/{main.id}?lang=fr", "merged proposal": f"/proposals/{merged.id}",
        "proposal feed": "/proposals/feed.atom",
    })

    # -- comments: the whole corpus as bodies, by vector-named people (each comment notifies the earlier ones)
    bodies = limited(comments.MAX_LENGTH)
    first = None
    for n, person in enumerate(people[:6]):
        body = bodies[n] if n < len(bodies) else limited(comments.MAX_LENGTH, start=n * 20)[0]
        comment = comments.post_comment(person, main, body, "neutral")
        first = first or comment
    reply = comments.post_comment(people[1], main, everything[:comments.MAX_LENGTH], "against", parent=first)
    comments.edit_comment(reply, people[1], bodies[-1], "in_favour")
    own = comments.post_comment(people[0], main, bodies[-1], "in_favour")
    fields |= {"comment.body", "comment_revision.body"}
    corpus.public.update({"comment history": f"/comments/{reply.id}/history"})

    # -- moderation: reports, a hidden comment, a fact-check note with sources, a blocked person
    hidden = comments.post_comment(people[2], main, "To be hidden", "neutral")
    for n, person in enumerate(people[3:9]):
        moderation.report(person, first, "other", one(Report.note, n * 20))
    moderation.hide(hidden, staff, one(Comment.hidden_reason, 7))
    moderation.add_note(main, staff, everything[:5000].rsplit("\n\n", 1)[0],
                        [f"https://example.org/{_no_spaces(n)}" for n in range(10)])
    moderation.add_note(first, staff, limited(5000)[-1], [])
    moderation.block(people[-1], staff, one(Report.note, 60)[:500])
    hidden_proposal = made[1]
    moderation.hide(hidden_proposal, staff, one(Proposal.hidden_reason, 30))
    moderation.restore(hidden_proposal, staff, one(Proposal.hidden_reason, 50))
    fields |= {"report.note", "comment.hidden_reason", "fact_check_note.body", "fact_check_note.sources",
               "moderation_event.reason"}
    corpus.public.update({"moderation log": "/moderation/log"})
    corpus.staff.update({"moderation queue": "/moderation",
                         "moderated comment": f"/moderation/item/comment/{first.id}"})

    # -- votes: a poll whose options are the corpus, a paper channel, results
    options = chunks(PollOption.label)
    poll = votes.create_poll(question=one(Poll.question), description=everything, method="approval",
                             options=options, created_by=staff)
    votes.open_poll(poll, by=staff)
    votes.cast_ballot(poll, people[0], [str(poll.options[0].id), str(poll.options[1].id)])
    votes.record_paper_tally(poll, channel=one(PaperTally.channel, 3), counts={str(poll.options[2].id): 3},
                             ballots=3, by=staff)
    votes.close_poll(poll, by=staff)
    fields |= {"vote_poll.question", "vote_poll.description", "vote_option.label", "vote_paper_tally.channel"}
    corpus.public.update({"polls": "/polls", "poll": f"/polls/{poll.id}",
                          "poll results": f"/polls/{poll.id}/results",
                          "poll results csv": f"/polls/{poll.id}/results.csv"})
    corpus.staff.update({"poll manage": f"/polls/{poll.id}/manage"})

    # -- meetings: a closed session with items, notes, speakers, a motion
    session = meetings.create_session(council, title=one(CouncilSession.title),
                                      starts_at=now + timedelta(days=1), place=one(CouncilSession.place, 9),
                                      online_link=f"https://example.org/{_no_spaces(33)}")
    item = meetings.add_item(session, title=one(AgendaItem.title), description=everything, kind="decision",
                             presenter=one(AgendaItem.presenter, 12), proposal_ids=[main.id])
    sub = meetings.add_item(session, title=one(AgendaItem.title, 60), description=everything,
                            kind="deliberation", presenter=one(AgendaItem.presenter, 70), parent=item)
    meetings.convene_session(session, now=now - timedelta(days=5))
    session.starts_at = now - timedelta(hours=2)
    meetings.start_session(session, now=now - timedelta(hours=2))
    meetings.record_attendance(session, [{"attendance_id": a.id, "status": "present", "arrived_at": None,
                                          "left_at": None} for a in session.attendance])
    meetings.record_item_progress(item, action="start", notes=everything,
                                  now=now - timedelta(hours=1, minutes=50))
    for name in chunks(Speaker.name)[:25]:
        meetings.add_speaker(item, name)
    motion = meetings.add_motion(item, text=everything[:5000], rule="simple", mode="hands")
    meetings.open_motion(motion)
    meetings.close_motion(motion, hands={"yes": 3, "no": 0, "abstain": 0}, now=now - timedelta(hours=1))
    meetings.record_item_progress(item, action="end", now=now - timedelta(minutes=50))
    meetings.record_item_progress(sub, notes=everything)
    upcoming = meetings.create_session(council, title=one(CouncilSession.title, 90),
                                       starts_at=now + timedelta(days=9),
                                       place=one(CouncilSession.place, 100))
    next_item = meetings.add_item(upcoming, title=one(AgendaItem.title, 110), description=everything,
                                  presenter=one(AgendaItem.presenter, 15))
    meetings.convene_session(upcoming)
    fields |= {"council_session.title", "council_session.place", "council_session.online_link",
               "agenda_item.title", "agenda_item.description", "agenda_item.presenter", "agenda_item.notes",
               "agenda_speaker.name", "council_motion.text"}
    corpus.public.update({"session": f"/sessions/{session.id}",
                          "upcoming session": f"/sessions/{upcoming.id}",
                          "session record": f"/sessions/{session.id}/record.json",
                          "sessions calendar": f"/councils/{council.slug}/sessions.ics"})

    # -- debates: a live one (questions, speakers, a poll) and one that ended (its record becomes minutes)
    live = _debate(staff, people, everything, Debate, DebatePanelist, Segment, DebateQuestion, SpeakerRequest,
                   now, live=True)
    ended = _debate(staff, people, everything, Debate, DebatePanelist, Segment, DebateQuestion,
                    SpeakerRequest, now, live=False)
    fields |= {"debate.title", "debate.description", "debate.place", "debate.stream_url", "debate.languages",
               "debate_panelist.name", "debate_panelist.bio", "debate_segment.title", "debate_question.text",
               "debate_question.language", "debate_question.author_name", "debate_question.hidden_reason",
               "debate_speaker_request.name", "debate_speaker_request.note", "debate_poll.question"}
    corpus.public.update({"debates": "/debates/", "debate": f"/debates/{live.id}",
                          "debate questions": f"/debates/{live.id}/questions",
                          "debate projector": f"/debates/{live.id}/projector",
                          "debate record": f"/debates/{ended.id}/record.json",
                          "ended debate": f"/debates/{ended.id}"})
    corpus.staff.update({"debate console": f"/debates/{live.id}/console"})

    # -- minutes: the closed session's and the ended debate's drafts, rewritten with the corpus and published
    meetings.close_session(session, now=now - timedelta(minutes=30))
    db.session.flush()
    drafted = list(db.session.scalars(sa.select(Minutes).where(Minutes.kind == "original")
                                      .order_by(Minutes.id)))
    if not drafted:
        drafted = [minutes_services.create_draft(minutes_services_record(session),
                                                 source_type="council_session", source_id=session.id,
                                                 council_id=council.id)]
    for n, minutes in enumerate(drafted):
        minutes_services.save_revision(minutes, minutes.body + "\n\n" + everything, author=staff,
                                       note=one(MinutesRevision.note, 15 + n))
        minutes_services.submit(minutes, actor=staff)
        minutes_services.approve(minutes, actor=staff, reference=one(Minutes.approval_reference, 25 + n))
        minutes_services.publish(minutes, actor=staff)
        corpus.public.update({f"minutes {n} markdown": f"/minutes/{minutes.id}.md",
                              f"minutes {n} json": f"/minutes/{minutes.id}.json"})
        corpus.public.update({f"minutes {n}": f"/minutes/{minutes.id}",
                              f"minutes {n} revisions": f"/minutes/{minutes.id}/revisions",
                              f"minutes {n} print": f"/minutes/{minutes.id}/print"})
    fields |= {"minutes.body", "minutes_revision.body", "minutes_revision.note", "minutes.approval_reference"}
    corpus.public.update({"minutes list": "/minutes/", "minutes feed": "/minutes/feed.atom"})

    # -- outcomes: one outcome with actions, updates and a follow-up by a monitor
    outcome = outcomes.create_outcome(one(Outcome.title), description=everything, council_id=council.id,
                                      process_id=process.id, proposal_id=main.id, decided_on=date.today())
    for n, title in enumerate(chunks(OutcomeAction.title)):
        action = outcomes.add_action(outcome, title, responsible=one(OutcomeAction.responsible, n * 7),
                                     due_on=date.today() + timedelta(days=30))
        if n == 0:
            outcomes.update_action(action, status="in_progress", progress=40, text=everything, actor=staff)
    outcomes.appoint_monitor(council.id, people[0], by=staff)
    outcomes.post_follow_up(outcome, everything[:5000], author=people[0])
    fields |= {"outcome.title", "outcome.description", "outcome_action.title", "outcome_action.responsible",
               "outcome_update.text", "outcome_follow_up.body"}
    corpus.public.update({"outcomes": "/outcomes/", "outcome": f"/outcomes/{outcome.id}",
                          "council outcomes": f"/outcomes/councils/{council.id}",
                          "process outcomes": f"/outcomes/processes/{process.id}",
                          "outcome feed": "/outcomes/feed.atom"})

    # -- elections of the council, civic lotteries, paper ballots typed twice
    _elections(corpus, staff, people, council, everything, now)
    _lotteries(corpus, staff, people, council, process, everything, now)
    _paper_ballots(corpus, staff, people)
    _maps(corpus, process, main)
    _amendments(corpus, staff, people, main, everything)
    from tests.security.corpus_budgets import add_budgets

    add_budgets(corpus, staff, people, process, main, everything, now)
    from tests.security.corpus_budget_results import add_budget_results

    add_budget_results(corpus, staff, people, process, everything, now)
    from tests.security.corpus_surveys import add_surveys

    add_surveys(corpus, staff, people, process, everything)

    # -- the home page shows a bit of everything; the person's own pages show their text
    corpus.public["home"] = "/"
    rule = db.session.scalar(sa.select(EligibilityRule).order_by(EligibilityRule.id))
    corpus.staff.update({
        "council edit": f"/councils/{council.slug}/edit",
        "council members": f"/councils/{council.slug}/members",
        "process edit": f"/processes/{process.id}/edit", "merge": f"/processes/{process.id}/merge",
        "answer": f"/proposals/{main.id}/answer", "translate": f"/proposals/{main.id}/translate",
        "session edit": f"/sessions/{upcoming.id}/edit", "item edit": f"/items/{next_item.id}/edit",
        "upcoming session": f"/sessions/{upcoming.id}", "debate edit": f"/debates/{live.id}/edit",
        "rule edit": f"/admin/eligibility/{rule.id}", "card batches": "/registrar/cards",
    })
    corpus.author.update({"profile": "/profile", "proposal edit": f"/proposals/{main.id}/edit",
                          "comment edit": f"/comments/{own.id}/edit", "my data": "/profile/my-data",
                          "notifications": "/notifications", "proposal": f"/proposals/{main.id}"})
    corpus.author_username = people[0].username
    # the email is shown in the author's profile form and on the staff's page about the person
    accounts.update_profile(people[0], display_name=people[0].display_name, language="en",
                            email="\"><svg/onload=alert('xss')>@example.org" if not _light[0] else None)
    fields.add("user.email")
    corpus.staff["user page (email)"] = f"/admin/users/{people[0].id}"
    # search boxes that show the words searched for
    reflected = quote(VECTORS[33])
    corpus.staff.update({"proposal search": f"/proposals?q={reflected}",
                         "user search": f"/admin/users?q={reflected}",
                         "tracker check": f"/polls/{poll.id}/trackers?tracker={quote(VECTORS[34][:40])}"})
    corpus.staff.update({"notifications": "/notifications", "my data": "/profile/my-data",
                         "my data json": "/profile/my-data.json", "api proposals": "/api/v1/proposals",
                         "api proposal": f"/api/v1/proposals/{main.id}",
                         "profile": "/profile"})
    db.session.commit()
    return corpus


def minutes_services_record(session):
    from consult.meetings.record import session_record

    return session_record(session)


def _debate(staff, people, everything, Debate, DebatePanelist, Segment, DebateQuestion, SpeakerRequest, now,
            *, live: bool):
    start = now - timedelta(minutes=30) if live else now - timedelta(days=2)
    debate = debates.create_debate(
        staff, title=one(Debate.title, 0 if live else 50), description=everything, starts_at=start,
        place=one(Debate.place, 20), stream_url=f"https://example.org/{_no_spaces(44)}",
        languages=one(Debate.languages, 30), interpretation=True, allow_anonymous=True)
    for n, name in enumerate(chunks(DebatePanelist.name, start=0 if live else 60)[:20]):
        debates.add_panelist(debate, name, "expert", one(DebatePanelist.bio, n * 3))
    for n, title in enumerate(chunks(Segment.title)[:12]):
        debates.add_segment(debate, title, 5 + n)
    debates.start_debate(debate, staff)
    for n, text in enumerate(chunks(DebateQuestion.text)):
        who = debates.Participant(f"a:xss-browser-{n}", None, one(DebateQuestion.author_name, n * 5))
        if n % 2:
            who = debates.Participant(f"u:{people[n].id}", people[n], people[n].display_name)
        question = debates.ask_question(debate, who, text, one(DebateQuestion.language, n)[:12])
        if n == 1:
            debates.set_question_status(debate, question, "hidden", staff,
                                        one(DebateQuestion.hidden_reason, 9))
        elif n == 2:
            debates.set_question_status(debate, question, "live", staff)
    for n, name in enumerate(chunks(SpeakerRequest.name)[:20]):
        debates.add_speaker(debate, staff, name, kind="point_of_order" if n % 3 == 0 else "speech",
                            note=one(SpeakerRequest.note, n * 4))
    debates.request_to_speak(debate,
                             debates.Participant(f"u:{people[3].id}", people[3], people[3].display_name))
    from consult.debates.models import DebatePoll

    link = debate_polls.create(debate, one(DebatePoll.question, 11), "single", limited(200)[:10])
    debate_polls.open_(debate, link)
    debate.projected_poll_id = link.poll_id
    if not live:
        debates.end_debate(debate, staff)
    db.session.flush()
    return debate


def _candidates(staff, names: list[str]) -> list:
    """Verified residents who hold no seat on the council (the elected get one), inserted directly."""
    from consult.accounts.models import User

    longest = _len(User.display_name)
    made = [User(username=f"xcandidate{n}", display_name=name.strip()[:longest], language="en",
                 password_hash=staff.password_hash) for n, name in enumerate(names)]
    db.session.add_all(made)
    db.session.add_all(ResidentStatus(user=user, method="in_person", birth_year=1990) for user in made)
    db.session.flush()
    return made


def _elections(corpus: Corpus, staff, people, council, everything: str, now) -> None:
    """An election whose nominations are open (candidacies with statements, supporters, a translation, a
    refusal) and one with its results (seats, a vacancy, substitutes, appeals, one of them decided)."""
    from consult.elections import appeals as election_appeals
    from consult.elections import candidacies as election_candidacies
    from consult.elections import services as elections
    from consult.elections.models import Candidacy, Election
    from consult.votes import services as engine

    def calendar(**days):
        dates = {"nominations_open_at": -1, "nominations_close_at": 5, "campaign_starts_at": 5,
                 "voting_opens_at": 10, "voting_closes_at": 12, "results_at": 13, "appeal_ends_at": 20}
        return {name: now + timedelta(days=days.get(name, n)) for name, n in dates.items()}

    names = chunks(Candidacy.name)
    statements = limited(election_candidacies.STATEMENT_MAX, start=50)
    called = elections.create_election(council, title=one(Election.title), description=everything, seats=3,
                                       term_months=24, calendar=calendar(), supporters_needed=1, by=staff)
    elections.publish_call(called, by=staff)
    standing = []
    for n, person in enumerate(people[:8]):
        standing.append(elections.stand(called, person, name=names[n % len(names)],
                                        statement=everything if n == 0 else statements[n % len(statements)],
                                        language="fr" if n == 3 else "en"))
    first, refused, waiting = standing[0], standing[1], standing[2]
    for person in people[8:10]:
        elections.support(first, person)
    elections.support(waiting, people[8])
    elections.review(first, staff, accept=True, reason=one(Candidacy.review_reason, 40)[:5000])
    elections.review(refused, staff, accept=False, reason=limited(5000, start=70)[0])
    elections.translate(first, staff, language="fr", statement=everything)
    elections.translate(waiting, staff, language="fr", statement=statements[0])

    # the election of last month: voting closed, counted, its results appealed
    done = elections.create_election(council, title=one(Election.title, 30), description=everything, seats=2,
                                     term_months=24, calendar=calendar(), by=staff)
    elections.publish_call(done, by=staff)
    results = []
    ballot_names = names[8:12] if len(names) >= 12 else [f"{names[n % len(names)]} {n}" for n in range(4)]
    for n, person in enumerate(_candidates(staff, ballot_names)):
        candidacy = elections.stand(done, person, name=person.display_name,
                                    statement=statements[n % len(statements)], language="en")
        elections.review(candidacy, staff, accept=True)
        results.append(candidacy)
    done.nominations_open_at, done.nominations_close_at = now - timedelta(days=3), now - timedelta(days=2)
    done.campaign_starts_at = None
    db.session.flush()
    poll = elections.open_voting(done, by=staff)
    option = {o.target_id: o.id for o in poll.options}
    for n, voter in enumerate(people[:4]):
        ranking = results[n % len(results):] + results[:n % len(results)]
        engine.cast_ballot(poll, voter, [option[c.id] for c in ranking])
    done.voting_opens_at = poll.opens_at = now - timedelta(days=1)
    done.voting_closes_at = poll.closes_at = now - timedelta(seconds=1)
    db.session.flush()
    elections.count_and_publish(done, by=staff)
    seat = elections.seats_of(done)[0]
    councils.end_membership(seat.membership, on=seat.membership.starts_on, by=staff)  # a member who left
    texts = limited(election_appeals.TEXT_MAX, start=90)
    decided = elections.lodge_appeal(done, people[1], texts[0])
    elections.decide_appeal(decided, staff, uphold=False, reason=texts[-1])
    elections.lodge_appeal(done, people[2], texts[1 % len(texts)])
    corpus.fields |= {"election.title", "election.description", "election_candidacy.name",
                      "election_candidacy.statement", "election_candidacy.review_reason",
                      "election_candidacy_translation.statement", "election_appeal.text",
                      "election_appeal.decision"}
    corpus.public.update({
        "council elections": f"/councils/{council.slug}/elections", "election": f"/elections/{called.id}",
        "candidacy": f"/candidacies/{first.id}", "candidacy original": f"/candidacies/{first.id}?original=1",
        "candidacy fr": f"/candidacies/{first.id}?lang=fr", "candidacy 3": f"/candidacies/{waiting.id}",
        "election results": f"/elections/{done.id}",
        "election results page": f"/elections/{done.id}/results", "elected": f"/candidacies/{results[0].id}",
    })
    corpus.staff.update({
        "election manage": f"/elections/{called.id}/manage", "election edit": f"/elections/{called.id}/edit",
        "refused candidacy": f"/candidacies/{refused.id}", "results manage": f"/elections/{done.id}/manage",
        "candidacy translate": f"/candidacies/{first.id}/translate?language=fr",
    })


def _lotteries(corpus: Corpus, staff, people, council, process, everything: str, now) -> None:
    """A lottery of the council whose pool is open (questions of the organisers, quotas, volunteers) and a
    citizens' assembly of the process drawn from its pool (the staff account drawn, not replied yet)."""
    from consult.lotteries import creation, drawing, invitations, pools
    from consult.lotteries.models import NOT_GIVEN, Lottery, LotteryCategory, LotteryValue, Volunteer

    labels = chunks(LotteryValue.label)
    open_ = creation.create_lottery(
        title=one(Lottery.title), description=everything[:5000].rsplit("\n\n", 1)[0], owner_type="council",
        owner_id=council.id, seats=2, pool_opens_at=now - timedelta(days=1),
        pool_closes_at=now + timedelta(days=20), draw_at=now + timedelta(days=23),
        random_source=one(Lottery.random_source), by=staff)
    for n in range(3):
        creation.add_category(open_, name=one(LotteryCategory.name, n * 30),
                              reason=one(LotteryCategory.reason, n * 40 + 5),
                              values=[labels[(n * 12 + k) % len(labels)] for k in range(12)], by=staff)
    quotas = {v.id: (0, 1) for c in open_.categories for v in c.values[:2] if v.key != NOT_GIVEN}
    creation.set_quotas(open_, quotas, by=staff)
    for n, person in enumerate(people[:4]):
        pools.join(open_, person, {"q3": f"a{n % 3 + 1}", "q4": "a2"})

    drawn = creation.create_lottery(
        title=one(Lottery.title, 40), description=everything[:5000].rsplit("\n\n", 1)[0],
        owner_type="process", owner_id=process.id, seats=4, pool_opens_at=now - timedelta(days=10),
        pool_closes_at=now + timedelta(days=1), draw_at=now + timedelta(days=2),
        random_source=one(Lottery.random_source, 20), by=staff)
    creation.add_category(drawn, name=one(LotteryCategory.name, 90), reason=one(LotteryCategory.reason, 100),
                          values=labels[-3:] if len(labels) > 3 else labels, by=staff)
    panel = [staff, *people[:3]]
    for person in panel:
        pools.join(drawn, person, {"q3": "a1"})
    # fixed row ids: the same input gives the same draw, which the process keeps (the solver runs once)
    rows = db.session.scalars(sa.select(Volunteer).where(Volunteer.lottery_id == drawn.id)
                              .order_by(Volunteer.user_id)).all()
    for n, row in enumerate(rows):
        row.row_id = f"{n + 1:012x}"
    pools.close_pool(drawn, by=staff)
    drawing.draw(drawn, one(Lottery.revealed_value, 60), by=staff)
    invitations.reply(drawn, people[0], accept=True)
    invitations.reply(drawn, people[1], accept=False)
    invitations.reply(drawn, people[2], accept=True)
    corpus.fields |= {"lottery.title", "lottery.description", "lottery.random_source",
                      "lottery.revealed_value", "lottery_category.name", "lottery_category.reason",
                      "lottery_value.label"}
    corpus.public.update({"lotteries": "/lotteries/", "lottery": f"/lotteries/{open_.id}",
                          "drawn lottery": f"/lotteries/{drawn.id}"})
    corpus.staff.update({"lottery manage": f"/lotteries/{open_.id}/manage",
                         "drawn lottery manage": f"/lotteries/{drawn.id}/manage"})


def _paper_ballots(corpus: Corpus, staff, people) -> None:
    """A ranked-choice poll whose paper slips are being typed twice: a batch with a slip whose two copies
    differ, and one not started."""
    from consult.votes import paper_ballots
    from consult.votes.models import Poll, PollOption
    from consult.votes.paper_models import PaperBatch

    poll = votes.create_poll(question=one(Poll.question, 70), method="ranked_irv",
                             options=chunks(PollOption.label, start=40)[:8], created_by=staff)
    votes.open_poll(poll, by=staff)
    accounts.grant_role(people[4], "registrar")
    stations = chunks(PaperBatch.station, start=80)
    typing = paper_ballots.open_batch(poll, station=stations[0], slips=3, by=staff)
    first, second = poll.options[0].id, poll.options[1].id
    paper_ballots.enter_slip(typing, slip=1, raw={str(first): "1", str(second): "2"}, by=staff)
    paper_ballots.enter_slip(typing, slip=1, raw={str(second): "1"}, by=people[4])
    paper_ballots.enter_slip(typing, slip=2, kind="blank", by=staff)
    paper_ballots.open_batch(poll, station=stations[1], slips=2, by=staff)
    corpus.fields.add("vote_paper_batch.station")
    corpus.public.update({"ranked poll": f"/polls/{poll.id}"})
    corpus.staff.update({"paper batches": f"/polls/{poll.id}/paper-ballots",
                         "paper batch": f"/paper-batches/{typing.id}",
                         "paper mismatches": f"/paper-batches/{typing.id}/mismatches"})


def _amendments(corpus: Corpus, staff, people, main, everything: str) -> None:
    """The main proposal open for amendment: one amendment rejected with a reason and supported, one waiting
    (both with the corpus as title, text and explanation); the proposal's page lists them."""
    from consult.proposals import amendments
    from consult.proposals.amendments_models import Amendment

    amendments.set_window(main, staff, utcnow() + timedelta(days=10))
    rejected = amendments.propose(main, people[1], title=one(Amendment.title, 30), body=everything,
                                  explanation=one(Amendment.explanation, 5))
    amendments.reject(rejected, people[0], one(Amendment.reason, 12))
    amendments.support(rejected, people[2])
    pending = amendments.propose(main, people[2], title=one(Amendment.title, 50), body=everything[:5000],
                                 explanation=one(Amendment.explanation, 9))
    corpus.fields |= {"proposal_amendment.title", "proposal_amendment.body", "proposal_amendment.explanation",
                      "proposal_amendment.reason"}
    corpus.public.update({"amendments": f"/proposals/{main.id}/amendments",
                          "rejected amendment": f"/amendments/{rejected.id}",
                          "pending amendment": f"/amendments/{pending.id}",
                          "amendments api": "/api/v1/amendments", "amendments csv": "/api/v1/amendments.csv"})


def _maps(corpus: Corpus, process, main) -> None:
    """Districts drawn on the maps with the corpus as names (each district its own chunk, a small square side
    by side), the main proposal placed in the first: its page and its process's list show the map."""
    from consult.geo.importing import import_geojson
    from consult.residency.models import District

    features = []
    for n, name in enumerate(chunks(District.name)[:6]):
        west = 14.0 + n * 0.01
        ring = [[west, 42.0], [west + 0.01, 42.0], [west + 0.01, 42.01], [west, 42.01], [west, 42.0]]
        features.append({"type": "Feature", "properties": {"code": f"xmap{n}", "name": name},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    import_geojson(json.dumps({"type": "FeatureCollection", "features": features}).encode())
    main.latitude, main.longitude = 42.005, 14.005
    db.session.flush()
    corpus.fields |= {"district.name"}
    corpus.public.update({"process proposals map": f"/proposals?process_id={process.id}",
                          "picker image": "/map/districts.svg?lat=42.005&lon=14.005"})
    corpus.staff.update({"districts": "/admin/districts"})
