"""Generated councils: memberships term by term (about half of the seats renewed, officers elected each
term), years of sessions (``sessions``) with their minutes, the next two sessions, and the outcomes of the
last year's adopted motions with their actions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from consult.demo.generate.civic_texts import COUNCILS, REPRESENTS, TEXT, draw_theme
from consult.demo.generate.minutes import backdate_minutes
from consult.demo.generate.rows import accounts
from consult.demo.generate.sessions import hold_session, session_times, upcoming_session
from consult.extensions import db


def _unique_slug(base: str) -> str:
    from consult.councils.models import Council

    taken = set(db.session.scalars(sa.select(Council.slug).where(Council.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _terms(ctx, first_day: date) -> list[tuple[date, date | None]]:
    """Three-year terms from ``first_day`` to today (the last one open-ended)."""
    terms = []
    start = first_day
    today = ctx.now.date()
    while True:
        nxt = date(start.year + 3, start.month, start.day)
        if nxt > today:
            terms.append((start, None))
            return terms
        terms.append((start, nxt - timedelta(days=1)))
        start = nxt


def seat_council(ctx, council, people: dict[int, object], pool: list[int], first_day: date) -> int:
    """Memberships term by term: about half of the seats are renewed, officers are elected for each term."""
    from consult.councils import services as councils

    rng = ctx.rng
    made = 0
    seated: list[int] = []
    for start, end in _terms(ctx, first_day):
        keep = rng.sample(seated, len(seated) // 2) if seated else []
        fresh = [uid for uid in rng.sample(pool, 20) if uid not in keep]
        voting = (keep + fresh)[:11]
        observers = [uid for uid in fresh if uid not in voting][:2]
        roles = ["president", "secretary", "vice_president"] + ["member"] * (len(voting) - 3)
        rng.shuffle(voting)
        for uid, role in zip(voting, roles, strict=True):
            councils.add_membership(council, people[uid], role=role, starts_on=start, ends_on=end,
                                    represents=rng.choice(REPRESENTS))
            made += 1
        for uid in observers:
            councils.add_membership(council, people[uid], role="observer", starts_on=start, ends_on=end,
                                    represents="City administration")
            made += 1
        seated = voting
    return made


def _outcomes(ctx, published: list[dict], council_id: int) -> tuple[int, int]:
    """Outcomes of the adopted motions of the last year's published minutes, some with actions."""
    from consult.outcomes import services as outcomes

    rng = ctx.rng
    made = actions = 0
    since = ctx.now - timedelta(days=365)
    for row in published:
        minutes = row["minutes"]
        if row["d_draft"] < since:
            continue
        for outcome in outcomes.outcomes_from_record(minutes.record, council_id=council_id,
                                                     minutes_id=minutes.id):
            made += 1
            if rng.random() < 0.4:
                theme = next((t for t in TEXT.values() if outcome.title in t["motions"]), draw_theme(rng))
                for title in rng.sample(theme["actions"], rng.randint(1, 2)):
                    responsible = rng.choice(("Welcome office", "Registry office", "Culture department",
                                              "Social affairs department", "Housing office",
                                              "Mayor's office"))
                    due_on = (ctx.now + timedelta(days=rng.randint(-200, 400))).date()
                    action = outcomes.add_action(outcome, title, responsible=responsible, due_on=due_on)
                    actions += 1
                    x = rng.random()
                    if x < 0.25:
                        outcomes.update_action(action, status="done", progress=100, text="Done.")
                    elif x < 0.5:
                        outcomes.update_action(action, status="in_progress",
                                               progress=rng.choice((10, 30, 50, 70)),
                                               text="Work has started with the associations.")
    return made, actions


def make_councils(ctx) -> dict[str, int]:
    from consult.councils import services as councils

    rng = ctx.rng
    result = {"councils": 0, "memberships": 0, "sessions": 0, "motions": 0, "minutes_published": 0,
              "outcomes": 0, "outcome_actions": 0}
    n = ctx.counts.get("councils", 0)
    if not n or len(ctx.resident_ids) < 20:
        return result
    years = max(1, ctx.counts.get("years", 1))
    first_day = date(ctx.now.year - years, ctx.now.month, 1) + timedelta(days=14)
    pool = sorted(ctx.resident_ids)
    with ctx.progress("Councils", n) as advance:
        for c in range(n):
            name, purpose = COUNCILS[c % len(COUNCILS)]
            if c >= len(COUNCILS):
                name = f"{name} {c // len(COUNCILS) + 1}"
            council = councils.create_council(
                name=name, slug=_unique_slug(councils.slugify(name)), purpose=purpose,
                mandate="- Give opinions to the city council.\n- Put qualified proposals on its agenda.\n"
                        "- Publish the minutes of every session.",
                composition="Associations and communities propose members for a three-year term. Any "
                            "resident may be proposed, whatever their nationality or status. Observers from "
                            "the city administration attend without a vote.",
                contact=f"{councils.slugify(name)}@porto-aperto.example", quorum_percent=50,
                convocation_days=5)
            council.created_at = datetime.combine(first_day, datetime.min.time()) - timedelta(days=30)
            council_pool = rng.sample(pool, min(len(pool), 400))
            people = accounts(ctx, council_pool)
            council_pool = [uid for uid in council_pool if uid in people]
            result["memberships"] += seat_council(ctx, council, people, council_pool, first_day)
            db.session.commit()
            times = session_times(ctx, first_day)
            published = []
            for k, starts in enumerate(times):
                session, dates = hold_session(ctx, council, starts, people, last=k >= len(times) - 1)
                result["sessions"] += 1
                result["motions"] += sum(len(i.motions) for i in session.items)
                if dates:
                    published.append(dates)
                if k % 20 == 19:
                    db.session.commit()
            upcoming_session(ctx, council, rng.randint(7, 20), convene=True)
            upcoming_session(ctx, council, rng.randint(35, 50), convene=False)
            result["sessions"] += 2
            made, actions = _outcomes(ctx, published, council.id)
            result["outcomes"] += made
            result["outcome_actions"] += actions
            backdate_minutes([{k: v for k, v in row.items() if k != "minutes"} for row in published])
            result["minutes_published"] += len(published)
            result["councils"] += 1
            db.session.commit()
            advance(1)
    return result
