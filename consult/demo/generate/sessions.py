"""A council's sessions: about ten a year on the second Tuesday, each held through the meetings services on
a clock set back to its day (convocation, roll call, items with notes and speakers, motions voted named, by
show of hands or secretly, close) with its minutes; and the next sessions, planned or convened."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from consult.demo.generate.ballots import new_key, tracker_hashes
from consult.demo.generate.civic_texts import MONTHS, PLACES, SESSION_MONTHS, TEXT, THEMES
from consult.demo.generate.minutes import publish_minutes
from consult.demo.generate.rows import insert_batches
from consult.extensions import db


def session_times(ctx, first_day: date) -> list[datetime]:
    """About ten sessions a year (none in January or August; ``sessions_per_year`` in the counts may ask for
    fewer), on the second Tuesday, from ``first_day``."""
    out = []
    year = first_day.year
    per_year = max(1, min(len(SESSION_MONTHS), ctx.counts.get("sessions_per_year", len(SESSION_MONTHS))))
    months = [SESSION_MONTHS[k * len(SESSION_MONTHS) // per_year] for k in range(per_year)]
    while year <= ctx.now.year:
        for month in months:
            day = date(year, month, 8)
            day += timedelta(days=(1 - day.weekday()) % 7)  # the second Tuesday
            when = datetime(day.year, day.month, day.day, 16, 0)
            if day >= first_day and when + timedelta(hours=4) < ctx.now:
                out.append(when)
        year += 1
    return out


def _vote(rng, support: float) -> str:
    x = rng.random()
    if x < support:
        return "yes"
    return "no" if x < support + (1 - support) * 0.75 else "abstain"


def _motion(ctx, item, room: list, at: datetime, text: str) -> tuple[object, datetime]:
    """A motion on ``item``, voted by the voting members in the room, decided by the meetings service."""
    from consult.meetings import services as meetings
    from consult.meetings.models import MotionVote
    from consult.votes.methods import encode
    from consult.votes.models import Ballot, Participation, Poll

    rng = ctx.rng
    x = rng.random()
    mode = "named" if x < 0.6 else ("hands" if x < 0.85 else "secret")
    rule = rng.choices(("simple", "absolute", "two_thirds", "unanimity"), (70, 15, 12, 3))[0]
    motion = meetings.add_motion(item, text=text, rule=rule, mode=mode)
    meetings.open_motion(motion, now=at)
    support = rng.choice((0.95, 0.85, 0.7, 0.55, 0.35))
    choices = [_vote(rng, support) for _ in room]
    decided = at + timedelta(minutes=rng.randint(3, 12))
    if mode == "named":
        db.session.add_all(MotionVote(motion_id=motion.id, membership_id=m.id, choice=c)
                           for m, c in zip(room, choices, strict=True))
        db.session.flush()
        db.session.expire(motion, ["named_votes"])
        meetings.close_motion(motion, now=decided)
    elif mode == "hands":
        hands = {c: choices.count(c) for c in ("yes", "no", "abstain")}
        meetings.close_motion(motion, hands=hands, now=decided)
    else:
        poll = db.session.get(Poll, motion.poll_id)
        code_to_id = {o.code: o.id for o in poll.options}
        insert_batches(Participation,
                       [{"id": new_key(rng), "poll_id": poll.id, "voter_id": m.user_id, "anon_key": None}
                        for m in room])
        hashes = tracker_hashes(rng, len(choices))
        ballots = [{"id": new_key(rng), "poll_id": poll.id, "choice": encode(code_to_id[c]),
                    "tracker_hash": h, "replace_key": None} for c, h in zip(choices, hashes, strict=True)]
        rng.shuffle(ballots)
        insert_batches(Ballot, ballots)
        meetings.close_motion(motion, now=decided)
        poll.opens_at, poll.closed_at = at, decided
        poll.created_at = at
        if poll.result:  # counted at the vote, as the results page says, not when the generator ran
            poll.result = dict(poll.result, counted_at=decided.isoformat(timespec="seconds"))
    return motion, decided


def hold_session(ctx, council, starts: datetime, users: dict[int, object], *,
                 last: bool) -> tuple[object, dict]:
    """One past session, from the convocation to the close, then its minutes (published unless it is
    recent)."""
    from consult.councils.models import VOTING_ROLES
    from consult.meetings import services as meetings
    from consult.meetings.models import Attendance
    from consult.minutes import draft_for_session
    from consult.minutes import services as minutes_services

    rng = ctx.rng
    session = meetings.create_session(
        council, title=f"Ordinary session of {MONTHS[starts.month - 1]} {starts.year}", starts_at=starts,
        planned_minutes=rng.choice((90, 120, 150)), place=rng.choice(PLACES),
        online_link=f"https://meet.porto-aperto.example/{council.slug}" if starts.year >= 2020 else "")
    themes = rng.sample(THEMES, rng.randint(3, 5))
    items = []
    for n, theme in enumerate(themes):
        title, description = rng.choice(TEXT[theme]["items"])
        kind = "decision" if n == 0 else rng.choice(("information", "deliberation", "decision", "decision"))
        item = meetings.add_item(session, title=title, description=description, kind=kind,
                                 duration_minutes=rng.choice((15, 20, 30, 40)))
        items.append((theme, item))
        if rng.random() < 0.15:
            sub = meetings.add_item(session, title=f"Questions on: {title.lower()}", kind="deliberation",
                                    parent=item, duration_minutes=10)
            items.append((theme, sub))
    meetings.convene_session(session,
                             now=starts - timedelta(days=council.convocation_days + rng.randint(1, 6)))
    session.created_at = session.convened_at - timedelta(days=rng.randint(1, 10))
    # the roll in seat order before the sitting starts (``start_session`` then finds every seat on it): the
    # service adds the rows in the order the database returns the seats, so their ids would differ between
    # SQLite and PostgreSQL for the same seed
    for membership in sorted(meetings.memberships_for(session), key=lambda m: m.id):
        session.attendance.append(Attendance(membership_id=membership.id, status="absent"))
    meetings.start_session(session, now=starts + timedelta(minutes=rng.randint(0, 15)))
    entries = []
    # in seat order: the draws must not depend on the order the database returns the rows in
    attendance = sorted(session.attendance, key=lambda a: a.membership_id)
    for row in attendance:
        x = rng.random()
        status = "present" if x < 0.86 else ("excused" if x < 0.96 else "absent")
        arrived = (starts + timedelta(minutes=rng.randint(15, 50))
                   if status == "present" and rng.random() < 0.1 else None)
        left = (starts + timedelta(minutes=rng.randint(70, 110))
                if status == "present" and rng.random() < 0.05 else None)
        entries.append({"attendance_id": row.id, "status": status, "arrived_at": arrived, "left_at": left})
    meetings.record_attendance(session, entries)
    room = sorted((a.membership for a in attendance
                   if a.is_in_room and a.membership.role in VOTING_ROLES), key=lambda m: m.id)
    present_names = [a.membership.user.public_name for a in attendance if a.status == "present"]
    at = starts + timedelta(minutes=10)
    for theme, item in items:
        notes = rng.choice(("", f"{rng.choice(present_names)} presented the item." if present_names else "",
                            "The members discussed the item at length and asked for figures by district.",
                            "The associations were thanked for the testimonies they collected."))
        meetings.record_item_progress(item, action="start", now=at, notes=notes)
        for name in rng.sample(present_names, min(len(present_names), rng.randint(0, 2))):
            meetings.add_speaker(item, name)
        at += timedelta(minutes=rng.randint(5, 25))
        if item.kind == "decision" and item.parent_id is None and room:
            _motion_obj, at = _motion(ctx, item, room, at, rng.choice(TEXT[theme]["motions"]))
        meetings.record_item_progress(item, action="end", now=at)
        at += timedelta(minutes=rng.randint(1, 5))
    meetings.close_session(session, now=at)
    # the minutes are drafted by the receiver of ``council_session_closed``; drafted here if it failed
    minutes = minutes_services.original_for("council_session", session.id) or draft_for_session(session)
    officers = {m.role: m for m in (a.membership for a in session.attendance) if m.role in ("president",
                                                                                             "secretary")}
    writer = users.get(officers["secretary"].user_id) if "secretary" in officers else None
    approver = users.get(officers["president"].user_id) if "president" in officers else None
    stop_at = rng.choice(("draft", "submitted")) if last else "published"
    dates = publish_minutes(minutes, writer=writer, approver=approver, ended=at, rng=rng, now=ctx.now,
                            stop_at=stop_at)
    return session, dates | ({"minutes": minutes} if dates else {})


def upcoming_session(ctx, council, days: int, *, convene: bool) -> None:
    from consult.meetings import services as meetings

    rng = ctx.rng
    starts = (ctx.now + timedelta(days=days)).replace(hour=16, minute=0, second=0, microsecond=0)
    session = meetings.create_session(
        council, title=f"Ordinary session of {MONTHS[starts.month - 1]} {starts.year}", starts_at=starts,
        planned_minutes=120, place=rng.choice(PLACES),
        online_link=f"https://meet.porto-aperto.example/{council.slug}")
    for theme in rng.sample(THEMES, 3):
        title, description = rng.choice(TEXT[theme]["items"])
        meetings.add_item(session, title=title, description=description,
                          kind=rng.choice(("information", "deliberation", "decision")), duration_minutes=30)
    if convene:
        meetings.convene_session(session, now=ctx.now)
