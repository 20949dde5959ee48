"""Generated citizen debates: past ones played through the debate services on a clock set back to their day
(panelists, segments, expert speeches, public questions with likes, speakers from the room, sometimes a live
poll) with their minutes, and upcoming ones with questions and registrations."""

from __future__ import annotations

from datetime import datetime, timedelta

from consult.demo.debates import demo_clock
from consult.demo.generate.ballots import fill_poll
from consult.demo.generate.civic_texts import EXPERTS, PLACES, TEXT, THEMES, draw_theme
from consult.demo.generate.minutes import backdate_minutes, publish_minutes
from consult.demo.generate.rows import accounts, insert_batches
from consult.extensions import db


def _play_debate(ctx, moderator, start: datetime, tick, participants: list, theme: dict) -> dict:
    from consult.debates import polls
    from consult.debates import services as debates
    from consult.debates.models import QuestionLike
    from consult.votes.models import Poll

    rng = ctx.rng
    title = rng.choice(theme["debates"])
    debate = debates.create_debate(
        moderator, title=title, description=f"A citizen debate in the moderator / expert / public format: "
                                            f"{title.lower()}. Experts answer questions from the public.",
        starts_at=start, ends_at=start + timedelta(minutes=105), place=rng.choice(PLACES),
        stream_url=rng.choice((None, "https://video.porto-aperto.example/debates")),
        languages=rng.choice(("Italiano, English", "Italiano, Français, العربية",
                              "Italiano, English, Español", "Italiano, Українська, English")),
        interpretation=rng.random() < 0.6, allow_anonymous=True)
    debate.created_at = start - timedelta(days=rng.randint(10, 40))
    debates.add_panelist(debate, moderator.display_name, "moderator", "Moderates the city's citizen debates.",
                         user=moderator)
    for name, bio in rng.sample(EXPERTS, rng.randint(2, 3)):
        debates.add_panelist(debate, name, "expert", bio)
    segments = [("Opening", 10), ("What the experts see", 25), ("Questions from the public", 40),
                ("Proposals for action", 20)]
    for seg_title, minutes in segments:
        debates.add_segment(debate, seg_title, minutes)
    debates.start_debate(debate, moderator)
    tick(minutes=rng.randint(8, 12))
    debates.go_to_segment(debate, moderator)
    for panelist in debate.panelists:
        if panelist.role == "expert":
            req = debates.add_speaker(debate, moderator, panelist.name, role="expert")
            debates.start_speech(debate, req, limit_seconds=300)
            tick(seconds=rng.randint(150, 300))
            debates.stop_speech(debate)
            tick(minutes=rng.randint(1, 4))
    debates.go_to_segment(debate, moderator)
    asked = []
    askers = rng.sample(participants, min(len(participants), rng.randint(3, 15)))
    texts = list(theme["questions"]) + [q for t in rng.sample(THEMES, 2) for q in TEXT[t]["questions"]]
    for who in askers:
        question = debates.ask_question(debate, who, rng.choice(texts),
                                        rng.choice(("en", "it", "fr", "ar", "es")))
        question.created_at = tick(seconds=rng.randint(20, 120))
        asked.append(question)
    db.session.flush()
    likes = []
    for question in asked:
        fans = rng.sample(participants, min(len(participants), int(rng.expovariate(1 / 8))))
        keys = {p.key for p in fans if p.key != question.participant_key}
        likes += [{"question_id": question.id, "participant_key": key, "created_at": question.created_at}
                  for key in sorted(keys)]
        question.likes = len(keys)
    insert_batches(QuestionLike, likes)
    for question in sorted(asked, key=lambda q: -q.likes)[:rng.randint(1, max(1, len(asked)))]:
        debates.set_question_status(debate, question, "live", moderator)
        tick(minutes=rng.randint(2, 6))
        debates.set_question_status(debate, question, "answered", moderator)
    if asked and rng.random() < 0.1:
        debates.set_question_status(debate, asked[-1], "hidden", moderator,
                                    reason="Insults a group of residents.")
    speakers = [p for p in participants if p.user is not None]
    for who in rng.sample(speakers, min(len(speakers), rng.randint(0, 4))):
        req = debates.request_to_speak(debate, who)
        debates.start_speech(debate, req, limit_seconds=debate.speech_limit_seconds)
        tick(seconds=rng.randint(40, 130))
        debates.stop_speech(debate)
    if rng.random() < 0.15:
        point = debates.add_speaker(debate, moderator, rng.choice(("Ana", "Karim", "Lucía")),
                                    kind="point_of_order", note="The interpretation stopped for a minute.")
        debates.start_speech(debate, point, limit_seconds=60)
        tick(seconds=40)
        debates.stop_speech(debate)
    debates.go_to_segment(debate, moderator)
    voters = 0
    if rng.random() < 0.35:
        question, options = rng.choice(theme["polls"])
        method = "single" if options else "yes_no_abstain"
        link = polls.create(debate, question, method, options)
        polls.open_(debate, link)
        opened = tick(minutes=1)
        poll = db.session.get(Poll, link.poll_id)
        voters = fill_poll(ctx, poll, [],
                           anon_keys=[f"gen-{debate.id}-{n}" for n in range(rng.randint(10, 60))])
        closed = tick(minutes=rng.randint(3, 6))
        polls.close(debate, link)
        poll.created_at, poll.opens_at, poll.closed_at = opened, opened, closed
        poll.result = dict(poll.result, counted_at=closed.isoformat(timespec="seconds"))
    tick(minutes=rng.randint(5, 15))
    debates.end_debate(debate, moderator)
    return {"debate": debate, "questions": len(asked), "likes": len(likes), "voters": voters}


def _upcoming_debate(ctx, moderator, start: datetime, participants: list, theme: dict, people: list) -> int:
    from consult.debates import services as debates

    rng = ctx.rng
    title = rng.choice(theme["debates"])
    debate = debates.create_debate(
        moderator, title=title,
        description=f"A citizen debate: {title.lower()}. Bring your phone to ask questions, "
                                            "or ask for the microphone in the room.",
        starts_at=start, ends_at=start + timedelta(minutes=105), place=rng.choice(PLACES), stream_url=None,
        languages="Italiano, English", interpretation=True, allow_anonymous=True,
        registration_required=rng.random() < 0.5, capacity=rng.choice((None, 80, 120, 200)))
    debates.add_panelist(debate, moderator.display_name, "moderator", "Moderates the city's citizen debates.",
                         user=moderator)
    for name, bio in rng.sample(EXPERTS, 2):
        debates.add_panelist(debate, name, "expert", bio)
    for seg_title, minutes in (("Welcome", 5), ("What the experts see", 25),
                               ("Questions from the public", 45), ("Closing words", 10)):
        debates.add_segment(debate, seg_title, minutes)
    for who in rng.sample(participants, min(len(participants), rng.randint(0, 3))):
        debates.ask_question(debate, who, rng.choice(theme["questions"]), "en")
    if debate.registration_required:
        for user in rng.sample(people, min(len(people), rng.randint(5, 40))):
            debates.register(debate, user)
    return 1


def make_debates(ctx) -> dict[str, int]:
    from consult.debates import services as debates
    from consult.debates.record import debate_record
    from consult.minutes import draft_for_debate
    from consult.minutes import services as minutes_services

    rng = ctx.rng
    n = ctx.counts.get("debates", 0)
    result = {"debates": 0, "debates_upcoming": 0, "questions": 0, "question_likes": 0,
              "debate_poll_votes": 0}
    if not n or len(ctx.resident_ids) < 20:
        return result
    years = max(1, ctx.counts.get("years", 1))
    sample = rng.sample(sorted(ctx.resident_ids), min(len(ctx.resident_ids), 400))
    moderator_ids = sample[:8]
    n_upcoming = max(1, n // 12)
    published = []
    people = accounts(ctx, sample)
    users = [people[uid] for uid in sample if uid in people]
    signed_in = [debates.Participant(f"u:{u.id}", u, u.display_name) for u in users[8:340]]
    with ctx.progress("Debates", n) as advance:
        for i in range(n):
            participants = signed_in + [debates.Participant(f"a:gen-{i}-{k}") for k in range(60)]
            moderator = people[rng.choice(moderator_ids)]
            theme = draw_theme(rng)
            if i >= n - n_upcoming:
                start = (ctx.now + timedelta(days=rng.randint(3, 60))).replace(hour=18, minute=0, second=0,
                                                                                microsecond=0)
                result["debates_upcoming"] += _upcoming_debate(ctx, moderator, start, participants, theme,
                                                               users[340:])
            else:
                day = ctx.now - timedelta(days=rng.randint(2, 365 * years))
                start = day.replace(hour=rng.choice((17, 18, 20)), minute=rng.choice((0, 30)), second=0,
                                    microsecond=0)
                with demo_clock(start) as tick:
                    played = _play_debate(ctx, moderator, start, tick, participants, theme)
                debate = played["debate"]
                result["questions"] += played["questions"]
                result["question_likes"] += played["likes"]
                result["debate_poll_votes"] += played["voters"]
                minutes = minutes_services.original_for("debate", debate.id) or draft_for_debate(
                    debate, record=debate_record(debate))
                if debate.ended_at < ctx.now - timedelta(days=30) or rng.random() < 0.5:
                    dates = publish_minutes(minutes, writer=moderator, approver=moderator,
                                            ended=debate.ended_at, rng=rng, now=ctx.now)
                    published.append(dates)
            result["debates"] += 1
            db.session.commit()
            advance(1)
    backdate_minutes(published)
    result["minutes_published_debates"] = len(published)
    db.session.commit()
    return result
