"""Generated polls: every voting method, a few big city-wide votes and many smaller ones (some for one
district), opened and filled with ballots of eligible residents, some with a paper tally; the closed ones
counted by the engine's own ``close_poll`` and dated back to when they closed."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa

from consult.demo.generate.ballots import fill_poll
from consult.demo.generate.civic_texts import THEMES, draw_theme
from consult.extensions import db

METHODS = ("yes_no_abstain", "single", "approval", "ranked_irv", "schulze", "score", "points")


def _eligible_voters(ctx) -> tuple[list[int], dict[int, list[int]]]:
    """Generated verified residents aged 16 or over with a current status (all, and by district)."""
    from consult.residency.models import ResidentStatus

    wanted = set(ctx.resident_ids)
    rows = db.session.execute(sa.select(ResidentStatus.user_id, ResidentStatus.district_id).where(
        ResidentStatus.revoked_at.is_(None),
        sa.or_(ResidentStatus.expires_at.is_(None), ResidentStatus.expires_at > ctx.now),
        ResidentStatus.birth_year.is_not(None), ResidentStatus.birth_year <= ctx.now.year - 16))
    everyone, by_district = [], {}
    for user_id, district_id in rows:
        if user_id in wanted:
            everyone.append(user_id)
            if district_id is not None:
                by_district.setdefault(district_id, []).append(user_id)
    everyone.sort()
    for ids in by_district.values():
        ids.sort()
    return everyone, by_district


def _district_rule(district_id: int, name: str):
    from consult.residency.models import LEVEL_VERIFIED, EligibilityRule

    rule_name = f"Verified residents of {name}, aged 16 or over"
    rule = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == rule_name))
    if rule is None:
        rule = EligibilityRule(name=rule_name, min_level=LEVEL_VERIFIED, min_age=16,
                               district_ids=[district_id])
        db.session.add(rule)
        db.session.flush()
    return rule


def _ballot_counts(ctx, n_polls: int, total: int, cap: int) -> list[int]:
    """Split ``total`` ballots over the polls: a few big city-wide votes, many smaller ones."""
    rng = ctx.rng
    weights = [rng.lognormvariate(0, 0.9) for _ in range(n_polls)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    missing = total - sum(counts)
    i = 0
    while missing > 0 and i < 10 * n_polls:  # spread the rest over the polls that are not full
        j = i % n_polls
        room = cap - counts[j]
        if room > 0:
            add = min(room, missing, max(1, total // n_polls))
            counts[j] += add
            missing -= add
        i += 1
    return counts


def make_polls(ctx) -> dict[str, int | float]:
    from consult.residency.models import District
    from consult.votes import services as votes

    n = ctx.counts.get("polls", 0)
    result = {"polls": 0, "polls_open": 0, "ballots": 0, "seconds_tally": 0.0}
    everyone, by_district = _eligible_voters(ctx)
    if not n or not everyone:
        return result
    districts = dict(db.session.execute(sa.select(District.id, District.name)).all())
    district_ids = [d for d in by_district if d in districts and len(by_district[d]) >= 10]
    binding = votes.default_binding_rule()
    years = max(1, ctx.counts.get("years", 1))
    total = ctx.counts.get("ballots", 0)
    # turnout stays plausible (under half of the residents) unless the counts ask for more ballots than that
    cap = min(len(everyone), max(int(len(everyone) * 0.45), -(-total * 6 // (5 * n))))
    counts = _ballot_counts(ctx, n, total, cap)
    n_open = max(1, n // 20)
    methods_order = [METHODS[i % len(METHODS)] for i in range(n)]
    rng = ctx.rng
    rng.shuffle(methods_order)
    with ctx.progress("Ballots", sum(counts)) as advance:
        for i in range(n):
            method = methods_order[i]
            is_open = i >= n - n_open
            theme = draw_theme(rng)
            question, options = rng.choice(theme["polls"])
            if method == "yes_no_abstain" and options:
                question = f"Should the city start with “{options[0].lower()}”?"
            if method != "yes_no_abstain" and not options:
                options = ["Yes, this year", "Yes, within three years", "No"]
            if method in ("ranked_irv", "schulze"):
                question = f"Rank in order of preference: {question}"
            fits = [d for d in district_ids if len(by_district[d]) >= counts[i]]
            district = rng.choice(fits) if fits and rng.random() < 0.2 else None
            rule = _district_rule(district, districts[district]) if district else binding
            if district:
                question = f"{districts[district]}: {question}"
            if is_open:
                opens = ctx.now - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 23))
                closes = ctx.now + timedelta(days=rng.randint(5, 30))
            else:
                opens = ctx.now - timedelta(days=rng.randint(35, 365 * years), hours=rng.randint(0, 23))
                closes = opens + timedelta(days=rng.choice((7, 14, 21, 30)))
                opens, closes = opens.replace(microsecond=0), closes.replace(microsecond=0)
            poll = votes.create_poll(
                question=question, method=method, options=options, rule=rule, opens_at=opens,
                closes_at=closes,
                description=f"A vote of the residents on {rng.choice(THEMES)} in the city. Every resident "
                            "aged 16 "
                            "or over may vote, whatever their nationality.",
                majority=rng.choice(("simple", "simple", "absolute")) if method in ("yes_no_abstain",
                                                                                     "single") else None,
                quorum=rng.choice((None, None, 100, 500)) if method == "yes_no_abstain" else None,
                max_choices=2 if method == "approval" and len(options) > 3 else None,
                points_budget=10 if method == "points" else None)
            if is_open:  # this draw once chose live results, which a secret ballot never shows; kept so that
                rng.random()  # a seed still makes the same city
            poll.created_at = opens - timedelta(days=rng.randint(1, 14))
            votes.open_poll(poll)
            pool = by_district[district] if district else everyone
            voters = rng.sample(pool, min(len(pool), counts[i]))
            made = fill_poll(ctx, poll, voters)
            if not is_open and method in ("yes_no_abstain", "single") and rng.random() < 0.2:
                share = {str(o.id): rng.randint(0, 60) for o in poll.options}
                votes.record_paper_tally(poll, channel="Town hall polling place", counts=share,
                                         blank=rng.randint(0, 4), invalid=rng.randint(0, 2))
            if not is_open:
                started = time.perf_counter()
                votes.close_poll(poll)
                result["seconds_tally"] += time.perf_counter() - started
                poll.closed_at = closes
                poll.result = dict(poll.result, counted_at=closes.isoformat(timespec="seconds"))
            else:
                result["polls_open"] += 1
            result["polls"] += 1
            result["ballots"] += made
            db.session.commit()
            advance(made)
    result["seconds_tally"] = round(result["seconds_tally"], 2)
    return result
