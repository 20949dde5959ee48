"""People and residency, processes, proposals, supports, answers, merges, comments and follows.

Used by ``flask demo generate`` (through :func:`generate`) and by ``bulk.add_proposals`` (benchmarks).
Rows are bulk-inserted in batches, with explicit ids where later rows point at them, and the invariants the
services keep hold afterwards:

* accounts have no password and no email; verified residents have a current ``ResidentStatus`` (register
  ones point at their own ``RegisterEntry``, a random 32-byte digest that matches no real document);
* ids grow with time: an account exists (and is verified) before it proposes, supports or comments;
* ``support_count`` equals the support rows, one support per person and proposal, only from people who meet
  the process's eligibility rule and while the process's phases opened supports;
* ``qualified`` (and later official states) when the supports reach the process's threshold, with
  ``qualified_at`` the time of the support that crossed it; below it a proposal stays submitted, is answered
  (under review, rejected) or withdrawn (after its last support); answered states have an official answer;
* a few open proposals are merged through the real service (supports carried once per person);
* comments are threaded at most three deep, replies after their parent, on the same proposal;
  ``comment_count`` equals the comments not deleted; authors and commenters follow the proposal;
* on SQLite the FTS table gets the new proposals; on PostgreSQL the id sequences move past the new ids.
"""

from __future__ import annotations

import bisect
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from consult.accounts.models import RoleGrant, User
from consult.comments.models import Comment
from consult.extensions import db
from consult.notifications.models import Follow
from consult.processes.models import Process
from consult.proposals.models import (
    ACCEPTED,
    ADOPTED,
    IMPLEMENTED,
    QUALIFIED,
    REJECTED,
    SUBMITTED,
    UNDER_REVIEW,
    WITHDRAWN,
    AnswerText,
    Proposal,
    ProposalAnswer,
    ProposalSupport,
)
from consult.residency.models import District, EligibilityRule, RegisterEntry, ResidentStatus

BATCH = 5_000
DAY = 86_400.0
HOUR = 3_600.0

# --- words
# ---------------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Adama Aïcha Ali Amina Ana Andrea Anton Aziz Bianca Bilal Carla Chen Chiara Dario Diego Elena Emre "
    "Fatima Fatou Federica Giulia Hamid Hana Ibrahim Ines Irina Jamal João Karim Khadija Kofi Laila Leila Li "
    "Lucía Luca Lina Malik Marco Mariam Marta Matteo Mehdi Mei Mohamed Moussa Nadia Nour Olga Omar Paolo "
    "Pedro Priya Rania Rosa Sami Sara Sofía Tariq Teresa Tomás Valentina Wei Yasmin Youssef Yusuf Zainab "
    "Zoran"
).split()
LETTERS = "ABCDEFGHIJKLMNOPRSTUVZ"
LANGUAGES = ("en", "en", "en", "it", "it", "fr", "es", "pt", "ar", "ar")

#: (theme number 0-4 in the seed's workshop areas, things to do)
TOPICS = {
    "welcome": (3, ("a welcome desk for newcomers", "a welcome guide in six languages",
                    "welcome evenings for new residents", "a buddy programme for people who just arrived",
                    "a welcome sign and map at the station")),
    "housing": (3, ("emergency housing for families", "a housing advice desk",
                    "shared flats for young workers", "a fair rent guarantee for newcomers",
                    "winter shelters that stay open all day")),
    "language": (0, ("free language classes in the evening", "language cafés in the libraries",
                     "interpreters at the city offices", "conversation groups for parents",
                     "forms of the town hall in plain language")),
    "school": (0, ("homework clubs", "interpreters for parent-teacher meetings", "help with school enrolment",
                   "reading hours in the mother tongues", "school trips for every child")),
    "work": (0, ("a job fair for newcomers", "faster recognition of foreign diplomas", "training in trades",
                 "a help desk for work contracts", "internships at the city's services")),
    "health": (3, ("health mediators in the districts", "a free clinic evening",
                   "support for people living with trauma", "health information in many languages",
                   "a night pharmacy map")),
    "culture": (2, ("a festival of the city's cultures", "an exhibition of residents' stories",
                    "music workshops with newcomers", "books in the languages spoken in the city",
                    "a neighbourhood theatre season")),
    "card": (0, ("a city resident card for everyone", "the resident card at the library and the pool",
                 "resident card codes at every help desk", "discounts on buses with the resident card")),
    "rumour": (2, ("an anti-rumour campaign", "anti-rumour agents trained in each district",
                   "a weekly fact check of rumours about migration", "debates that answer rumours")),
    "council": (1, ("a yearly citizens' assembly on welcoming policies",
                    "seats for residents on the welcome committee",
                    "public answers to every proposal of the council of cultures",
                    "a budget decided by residents")),
    "network": (4, ("a network of welcoming cities", "a yearly report on facts about migration",
                    "twinning with a city on the other shore", "a long-term plan beyond the emergency")),
}
ACTIONS = ("Open", "Create", "Fund", "Extend", "Organise", "Support", "Start", "Set up", "Pilot",
           "Bring back")
PLACES = ("", "", " in {district}", " near the station", " in every neighbourhood house", " at the town hall",
          " for the whole city", " in {district} first")
WHY = (
    "When I arrived in the city nobody could tell me where to go, and I lost weeks.",
    "Many residents of {district} told us the same thing at the last neighbourhood meeting.",
    "Other cities do it already and it costs less than people think.",
    "This would help newcomers and long-time residents alike to meet each other.",
    "Our association sees every week people who give up because information is missing.",
    "A welcoming city is one where everyone who lives here can take part.",
    "Rumours spread fast when people do not meet: this is a way to meet.",
    "Children often translate for their parents, which is not their job.",
)
HOW = (
    "Volunteers and city staff could run it together, two evenings a week.",
    "The neighbourhood houses already have the rooms; what is missing is a small budget.",
    "A pilot of one year in {district}, then an evaluation with the residents.",
    "The council of cultures could follow it and report every six months.",
    "Associations that already do this work should be paid for it, not only thanked.",
    "Information should be in at least six languages, on paper and online.",
)
CARE = (
    "To look out for: nobody should be asked about their papers to take part.",
    "It must stay free, or the people who need it most will not come.",
    "Let us make sure it is accessible to people with disabilities.",
    "The schedule should suit people who work in the evening or at night.",
)
COMMENTS = {
    "in_favour": (
        "Yes! I would volunteer for this.", "This is exactly what was missing when my family arrived.",
        "I support it: we tried something similar in {district} and it worked.",
        "Good idea. The library could host it on Saturdays.", "Fully agree, and it should start soon.",
        "My neighbours talk about this all the time, thank you for writing it down.",
    ),
    "against": (
        "I am not sure the city can pay for this every year.", "This already exists, it is just not known.",
        "It should be done by the associations, not by the town hall.",
        "Too vague: who does what, and with which budget?", "I would rather spend this money on housing.",
    ),
    "neutral": (
        "How many people would it reach?", "Is there an estimate of the cost?",
        "Which district would start first?", "Could the proposal say how it will be evaluated?",
        "Who would coordinate it?", "Do we know how other cities did it?",
    ),
}
ANSWERS = {
    UNDER_REVIEW: "The services are studying this proposal with the associations concerned. We will answer "
                  "in public by the end of the phase.",
    ACCEPTED: "The council of cultures has put this proposal on the agenda of its next session.",
    ADOPTED: "The city council adopted this proposal. A first budget is planned for next year.",
    REJECTED: "Thank you for this proposal. The city cannot take it on now: part of it is already done by "
              "the help desks, and the rest is outside the city's powers. The reasons are in the minutes.",
    IMPLEMENTED: "This proposal has been carried out. The council of cultures will report on it at its next "
                 "session.",
}
ANSWERS_FR = {
    UNDER_REVIEW: "Les services étudient cette proposition avec les associations concernées.",
    ACCEPTED: "Le conseil des cultures a inscrit cette proposition à l'ordre du jour de sa prochaine séance.",
    ADOPTED: "Le conseil municipal a adopté cette proposition. Un premier budget est prévu l'an prochain.",
    REJECTED: "Merci pour cette proposition. La ville ne peut pas la reprendre maintenant ; les raisons sont "
              "dans le procès-verbal.",
    IMPLEMENTED: "Cette proposition a été réalisée.",
}
PROCESS_TITLES = (
    "Welcoming city", "Housing for everyone", "Speak the city's languages", "Schools open to every family",
    "Work and training", "Health close to home", "Cultures of the city", "The resident card",
    "Against rumours", "Our neighbourhoods", "Budget of the districts", "Summer in the city",
)
PHASE_DAYS = (("information", 21), ("proposals", 60), ("deliberation", 30), ("voting", 14), ("outcomes", 300))


# --- small helpers
# -------------------------------------------------------------------------------------------

def _dt(ctx, offset: float) -> datetime:
    """``ctx.now`` plus ``offset`` seconds (negative: the past), to the second."""
    base = ctx.__dict__.get("_whole_now")
    if base is None:
        base = ctx.__dict__["_whole_now"] = ctx.now.replace(microsecond=0)
    return base + timedelta(seconds=int(offset))


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _write(conn, table, columns: list[str], batch: list[tuple]) -> None:
    """One batch through the driver: COPY on PostgreSQL, ``executemany`` on SQLite (datetimes written in the
    format SQLAlchemy uses there, so comparisons with its own parameters stay exact)."""
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    if conn.dialect.name == "postgresql":
        with conn.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        return
    if conn.dialect.name == "sqlite":
        moments = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.DateTime)]
        for k, row in enumerate(batch):
            row = list(row)
            for i in moments:
                if row[i] is not None:
                    row[i] = row[i].isoformat(" ", "microseconds")
            batch[k] = tuple(row)
    marks = ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", batch)


def _insert(model, rows, advance=None) -> int:
    """Insert an iterable of dicts (all with the same keys, every value given) in batches; returns how
    many."""
    table = model.__table__ if hasattr(model, "__table__") else model
    conn = db.session.connection()
    columns, batch, total = None, [], 0
    for row in rows:
        if columns is None:
            columns = list(row)
        batch.append(tuple(row[c] for c in columns))
        if len(batch) >= BATCH:
            _write(conn, table, columns, batch)
            total += len(batch)
            if advance:
                advance(len(batch))
            batch = []
    if batch:
        _write(conn, table, columns, batch)
        total += len(batch)
        if advance:
            advance(len(batch))
    return total


def sync_sequences(*models) -> None:
    """On PostgreSQL, move each table's id sequence past the ids inserted explicitly."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__table__.name
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
            f"GREATEST((SELECT max(id) FROM \"{name}\"), 1))"))


def _pick(rng, weights: dict):
    total = sum(weights.values())
    r = rng.random() * total
    for key, weight in weights.items():
        r -= weight
        if r < 0:
            return key
    return key


def allocate(rng, total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Split ``total`` over items in proportion to ``weights``, never above ``caps``; exact when caps
    allow."""
    n = len(weights)
    counts = [0] * n
    remaining = min(total, sum(caps))
    open_items = [i for i in range(n) if caps[i] > 0 and weights[i] > 0] or [i for i in range(n)
                                                                             if caps[i] > 0]
    while remaining > 0 and open_items:
        weight_sum = sum(weights[i] for i in open_items) or len(open_items)
        given = 0
        for i in open_items:
            share = weights[i] / weight_sum if weight_sum else 1 / len(open_items)
            add = min(int(remaining * share), caps[i] - counts[i])
            counts[i] += add
            given += add
        remaining -= given
        open_items = [i for i in open_items if counts[i] < caps[i]]
        if given == 0:  # the rest one by one, largest weights first
            for i in sorted(open_items, key=lambda i: -weights[i])[:remaining]:
                counts[i] += 1
                remaining -= 1
            open_items = [i for i in open_items if counts[i] < caps[i]]
    return counts


# --- people
# --------------------------------------------------------------------------------------------------

@dataclass
class People:
    """Generated accounts in the order they were created (ids grow with time)."""

    ids: list[int] = field(default_factory=list)
    created: list[float] = field(default_factory=list)  # offsets from now (seconds, negative)
    #: eligible pools: key None (whole city) or a frozenset of district ids -> (created offsets, ids), by time
    pools: dict = field(default_factory=dict)
    district_of: dict[int, int] = field(default_factory=dict)

    def existing(self, at: float) -> int:
        """How many accounts existed at ``at``."""
        return bisect.bisect_right(self.created, at)

    def pool(self, districts: frozenset | None) -> tuple[list[float], list[int]]:
        if districts not in self.pools:
            times, ids = self.pools[None]
            kept = [(t, i) for t, i in zip(times, ids, strict=True) if self.district_of.get(i) in districts]
            self.pools[districts] = ([t for t, _ in kept], [i for _, i in kept])
        return self.pools[districts]


def _districts(ctx) -> list[int]:
    ids = list(db.session.scalars(sa.select(District.id).order_by(District.id)))
    if not ids:
        from consult.demo import DISTRICTS

        db.session.add_all([District(code=code, name=name) for code, name in DISTRICTS])
        db.session.flush()
        ids = list(db.session.scalars(sa.select(District.id).order_by(District.id)))
    return ids


def _staff(role: str) -> int | None:
    return db.session.scalar(sa.select(RoleGrant.user_id).where(RoleGrant.role == role,
                                                                RoleGrant.scope_type.is_(None))
                             .order_by(RoleGrant.id).limit(1))


def make_people(ctx, n: int, verified_pct: int, *, span_days: float, name_prefix: str = "",
                eligible_age: int = 16) -> People:
    """``n`` accounts created over the last ``span_days`` (more recently, more of them), ``verified_pct`` % of
    them verified residents with a birth year (aged ``eligible_age``+) and a district."""
    rng = ctx.rng
    people = People()
    if not ctx.district_ids:
        ctx.district_ids = _districts(ctx)
    district_ids = ctx.district_ids
    district_weights = [1.0 + rng.random() for _ in district_ids]
    registrar = _staff("registrar")
    valid_days = int(current_app.config.get("VERIFICATION_VALID_DAYS") or 0)
    first = _next_id(User)
    first_entry = _next_id(RegisterEntry)
    offsets = sorted(-span_days * DAY * (1 - rng.random() ** 0.6) - HOUR for _ in range(n))
    this_year = ctx.now.year
    users, statuses, entries = [], [], []
    pool_times, pool_ids = [], []
    for k, offset in enumerate(offsets):
        user_id = first + k
        first_name = rng.choice(FIRST_NAMES)
        slug = "".join(c for c in first_name.lower() if c.isascii() and c.isalpha()) or "resident"
        created = _dt(ctx, offset)
        users.append({"id": user_id, "username": f"{name_prefix}{slug}-{user_id}",
                      "display_name": f"{first_name} {rng.choice(LETTERS)}.", "email": None,
                      "password_hash": None, "language": rng.choice(LANGUAGES), "is_blocked": False,
                      "deleted_at": None, "last_sign_in_at": None, "created_at": created,
                      "updated_at": created})
        people.ids.append(user_id)
        people.created.append(offset)
        if rng.random() * 100 >= verified_pct:
            continue
        method = _pick(rng, {"register": 45, "card_code": 30, "in_person": 25})
        verified = min(offset + rng.random() * 3 * DAY, -60.0)
        if valid_days and verified < -(valid_days - 30) * DAY:  # renewed since: the current verification
            verified = -rng.random() * (valid_days - 30) * DAY - HOUR
        verified_at = _dt(ctx, verified)
        birth_year = this_year - int(rng.triangular(eligible_age, 90, 34))
        district = rng.choices(district_ids, district_weights)[0]
        entry_id = None
        if method == "register":
            entry_id = first_entry + len(entries)
            entries.append({"id": entry_id, "digest": rng.randbytes(32), "birth_year": birth_year,
                            "district_id": district, "left_at": None})
        statuses.append({"user_id": user_id, "method": method, "verified_at": verified_at,
                         "expires_at": verified_at + timedelta(days=valid_days) if valid_days else None,
                         "verified_by_id": registrar if method != "register" else None, "revoked_at": None,
                         "birth_year": birth_year, "district_id": district, "register_entry_id": entry_id,
                         "created_at": created, "updated_at": verified_at})
        people.district_of[user_id] = district
        pool_times.append(offset)
        pool_ids.append(user_id)
    people.pools[None] = (pool_times, pool_ids)
    with ctx.progress("Residents", len(users) + len(statuses) + len(entries)) as advance:
        _insert(User, users, advance)
        _insert(RegisterEntry, entries, advance)
        _insert(ResidentStatus, statuses, advance)
    sync_sequences(User, RegisterEntry)
    db.session.flush()
    ctx.user_ids.extend(people.ids)
    ctx.resident_ids.extend(pool_ids)
    return people


def _moderator(ctx) -> User:
    """An existing moderator, or a generated moderation account (no password) with the role."""
    user_id = _staff("moderator")
    if user_id is None:
        user_id = _next_id(User)
        _insert(User, [{"id": user_id, "username": f"moderation-{user_id}", "display_name": "Moderation team",
                        "email": None, "password_hash": None, "language": "en", "is_blocked": False,
                        "deleted_at": None, "last_sign_in_at": None, "created_at": ctx.now,
                        "updated_at": ctx.now}])
        sync_sequences(User)
        _insert(RoleGrant, [{"user_id": user_id, "role": "moderator", "scope_type": None, "scope_id": None,
                             "granted_by_id": None, "created_at": ctx.now, "updated_at": ctx.now}])
        db.session.flush()
    return db.session.get(User, user_id)


# --- processes
# -----------------------------------------------------------------------------------------------

@dataclass
class ProcessPlan:
    id: int
    theme_ids: list[int]
    district_ids: list[int]              # the process's districts (empty: the whole city)
    # who may propose and support: residents of these districts (None: all)
    rule_districts: frozenset | None
    propose: tuple[float, float]         # window of the proposals phase (offsets from now)
    support_end: float                   # supports close (end of deliberation)
    comment_end: float                   # comments close (end of voting)
    threshold: int = 50
    proposals: list[int] = field(default_factory=list)  # indexes into the proposal plans

    @property
    def supports_open(self) -> bool:
        return self.propose[0] <= 0 < self.support_end


def _rule(name: str, district_ids: list[int]) -> EligibilityRule:
    found = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == name))
    if found is None:
        found = EligibilityRule(name=name, min_level="verified", min_age=16, district_ids=list(district_ids))
        db.session.add(found)
        db.session.flush()
    return found


def make_processes(ctx, n: int, *, span_days: float) -> list[ProcessPlan]:
    """``n`` processes with the seed's five workshop areas as themes and dated phases: most are over, some are
    open now (proposals, deliberation or voting phase), some have not started."""
    from consult.demo.processes import DESCRIPTION, RULE_NAME, THEMES
    from consult.processes import services as processes

    rng = ctx.rng
    names = dict(db.session.execute(sa.select(District.id, District.name)).all())
    city_rule = _rule(RULE_NAME, [])
    n_future = max(1, n * 15 // 100) if n >= 3 else 0
    n_current = max(1, n * 25 // 100) if n >= 2 else 0
    n_past = n - n_future - n_current
    total_days = sum(days for _, days in PHASE_DAYS[:4])
    plans = []
    for i in range(n):
        if i < n_past:  # started between span_days ago and the end of a whole cycle before now
            latest = total_days + 5
            start = (-(latest + (max(span_days - latest, 30)) * (1 - (i + rng.random()) / max(n_past, 1)))
                     * DAY)
        elif i < n_past + n_current:
            kind = (i - n_past) % 3  # 0: proposals open, 1: deliberation, 2: voting
            start = -(21 + [rng.uniform(3, 50), 60 + rng.uniform(1, 25), 90 + rng.uniform(1, 10)][kind]) * DAY
        else:
            start = (-rng.uniform(1, 15) if rng.random() < 0.5 else rng.uniform(5, 60)) * DAY
        start = math.floor(start / HOUR) * HOUR
        district_ids = []
        rule = city_rule
        if len(ctx.district_ids) > 2 and rng.random() < 0.3:
            district_ids = sorted(rng.sample(ctx.district_ids,
                                             rng.randint(2, min(3, len(ctx.district_ids) - 1))))
            rule = _rule("Verified residents of " + ", ".join(names[d] for d in district_ids) + " aged 16 or "
                                                                                                "over",
                         district_ids)
        year = _dt(ctx, start).year
        title = f"{PROCESS_TITLES[i % len(PROCESS_TITLES)]} {year}"
        if i >= len(PROCESS_TITLES):
            title += f" ({i // len(PROCESS_TITLES) + 1})"
        process = processes.create_process(actor=None, title=title, description=DESCRIPTION, themes=THEMES,
                                           district_ids=district_ids, rule=rule, support_threshold=50)
        edges, at = {}, start
        for kind, days in PHASE_DAYS:
            processes.add_phase(process, actor=None, kind=kind, starts_at=_dt(ctx, at),
                                ends_at=_dt(ctx, at + days * DAY))
            edges[kind] = (at, at + days * DAY)
            at += days * DAY
        plans.append(ProcessPlan(
            id=process.id, theme_ids=[t.id for t in process.themes], district_ids=district_ids,
            rule_districts=frozenset(district_ids) if district_ids else None, propose=edges["proposals"],
            support_end=edges["deliberation"][1], comment_end=edges["voting"][1]))
    db.session.flush()
    return plans


# --- proposals and supports
# ----------------------------------------------------------------------------------

@dataclass
class ProposalPlan:
    id: int
    process: ProcessPlan
    published: float
    author_id: int
    supports: int = 0
    weight: float = 1.0
    state: str = SUBMITTED


def _title(rng, district: str) -> tuple[str, str]:
    topic = rng.choice(list(TOPICS))
    thing = rng.choice(TOPICS[topic][1])
    title = f"{rng.choice(ACTIONS)} {thing}{rng.choice(PLACES).format(district=district)}"
    return topic, title[:200]


def _body(rng, district: str) -> str:
    parts = [" ".join(rng.sample(WHY, 2)), rng.choice(HOW)]
    if rng.random() < 0.6:
        parts.append(rng.choice(CARE))
    return "\n\n".join(parts).format(district=district)


def make_proposals(ctx, plans: list[ProcessPlan], people: People, n: int, supports: int,
                   moderator_id: int | None, *, set_thresholds: bool = True) -> list[ProposalPlan]:
    """``n`` published proposals over the processes whose proposals phase has started, ``supports`` supports
    (Pareto: a few proposals get many), thresholds and states that agree with the supports, official answers,
    and the FTS rows on SQLite."""
    rng = ctx.rng
    started = [p for p in plans if p.propose[0] < -HOUR]
    if not started or n <= 0:
        return []
    first = _next_id(Proposal)
    proposals, rows = _proposal_rows(ctx, started, people, n, first)

    # supports: who could support (eligible, existing before supports closed), then how many each gets
    caps = []
    for plan in proposals:
        times, _ids = people.pool(plan.process.rule_districts)
        caps.append(bisect.bisect_right(times, min(plan.process.support_end, -60.0)))
    counts = allocate(rng, supports, [p.weight for p in proposals], caps)
    for plan, row, count in zip(proposals, rows, counts, strict=True):
        plan.supports = row["support_count"] = count
    _set_thresholds(plans, proposals, set_thresholds)

    support_rows_total = sum(counts)
    answers, texts = [], []
    first_answer = _next_id(ProposalAnswer)
    with ctx.progress("Supports", support_rows_total + len(rows)) as advance:

        def support_rows():
            for plan, row in zip(proposals, rows, strict=True):
                times, ids = people.pool(plan.process.rule_districts)
                end = min(plan.process.support_end, -60.0)
                moments = []
                for index in rng.sample(range(caps[plan.id - first]), plan.supports):
                    begin = max(plan.published, times[index])
                    moment = begin + rng.random() * max(end - begin, 1.0)
                    moments.append(moment)
                    yield {"proposal_id": plan.id, "user_id": ids[index], "created_at": _dt(ctx, moment),
                           "carried_from_id": None}
                moments.sort()
                _decide_state(ctx, plan, row, moments, moderator_id, first_answer + len(answers), answers,
                              texts)

        _insert(Proposal, rows, advance)
        _insert(ProposalSupport, support_rows(), advance)  # decides the states of ``rows`` while it goes
    changed = [{"id": r["id"], "state": r["state"], "qualified_at": r["qualified_at"],
                "withdrawn_at": r["withdrawn_at"]} for r in rows if r["state"] != SUBMITTED]
    if changed:
        db.session.execute(sa.text("UPDATE proposal SET state = :state, qualified_at = :qualified_at, "
                                   "withdrawn_at = :withdrawn_at WHERE id = :id").bindparams(
            sa.bindparam("qualified_at", type_=sa.DateTime), sa.bindparam("withdrawn_at", type_=sa.DateTime)),
            changed)
    first_text = _next_id(AnswerText)
    _insert(ProposalAnswer, answers)
    _insert(AnswerText, texts)
    sync_sequences(Proposal, ProposalAnswer)
    if db.session.get_bind().dialect.name == "sqlite":
        _index_for_search(first, first + len(rows) - 1, first_text if texts else None)
    db.session.flush()
    return proposals


def _proposal_rows(ctx, started: list[ProcessPlan], people: People, n: int,
                   first: int) -> tuple[list[ProposalPlan], list[dict]]:
    """The plans and rows of ``n`` proposals (ids from ``first``) spread over the ``started`` processes in
    proportion to how long their proposals phase has run, each by someone eligible at its publication."""
    rng = ctx.rng
    names = dict(db.session.execute(sa.select(District.id, District.name)).all())
    spans = [min(p.propose[1], -HOUR) - p.propose[0] for p in started]
    proposals: list[ProposalPlan] = []
    rows = []
    for k in range(n):
        process = rng.choices(started, spans)[0]
        end = min(process.propose[1], -HOUR)
        published = process.propose[0] + rng.random() * (end - process.propose[0])
        author, published = _author(rng, people, process, published)
        district_id = people.district_of.get(author)
        if process.district_ids and district_id not in process.district_ids:
            district_id = rng.choice(process.district_ids)
        elif not process.district_ids and rng.random() < 0.4:
            district_id = None
        topic, title = _title(rng, names.get(district_id) or "the centre")
        theme_id = process.theme_ids[TOPICS[topic][0]] if len(process.theme_ids) == 5 else (
            rng.choice(process.theme_ids) if process.theme_ids else None)
        plan = ProposalPlan(id=first + k, process=process, published=published, author_id=author,
                            weight=rng.paretovariate(1.1))
        process.proposals.append(k)
        proposals.append(plan)
        at = _dt(ctx, published)
        rows.append({"id": plan.id, "process_id": process.id, "author_id": author, "merged_by_id": None,
                     "title": title, "body": _body(rng, names.get(district_id) or "the centre"),
                     "language": "en", "theme_id": theme_id, "district_id": district_id, "state": SUBMITTED,
                     "published_at": at, "qualified_at": None, "withdrawn_at": None, "merged_into_id": None,
                     "support_count": 0, "comment_count": 0, "hidden_at": None, "hidden_reason": None,
                     "attachment_name": None, "attachment_type": None, "attachment_filename": None,
                     "attachment_alt": None, "created_at": at, "updated_at": at})
    return proposals, rows


def _author(rng, people: People, process: ProcessPlan, published: float) -> tuple[int, float]:
    """Someone eligible in the process who exists at ``published``, and the publication time (moved to just
    after the first eligible person arrives when nobody is there yet)."""
    times, ids = people.pool(process.rule_districts)
    if not ids:
        times, ids = people.pool(None)
    existing = bisect.bisect_right(times, published)
    author = ids[rng.randrange(existing)] if existing else ids[0]
    if not existing:  # nobody eligible yet: the first one proposes just after arriving
        published = min(times[0] + HOUR, -HOUR)
    return author, published


def _set_thresholds(plans: list[ProcessPlan], proposals: list[ProposalPlan], set_thresholds: bool) -> None:
    """Each process's support threshold: the tenth best proposal's supports (at least 5), stored; or, without
    ``set_thresholds``, the one the process has."""
    if set_thresholds:
        for process in plans:
            mine = sorted((proposals[k].supports for k in process.proposals), reverse=True)
            process.threshold = max(5, mine[len(mine) // 10] if mine else 50)
            db.session.execute(sa.update(Process).where(Process.id == process.id)
                               .values(support_threshold=process.threshold)
                               .execution_options(synchronize_session=False))
    else:
        thresholds = dict(db.session.execute(sa.select(Process.id, Process.support_threshold)).all())
        for process in plans:
            process.threshold = thresholds[process.id]


def _index_for_search(first: int, last: int, first_text: int | None) -> None:
    """SQLite: the full-text rows of proposals ``first`` to ``last`` and of the answer texts from
    ``first_text`` (None: no answers)."""
    from consult.proposals import search

    db.session.execute(sa.text(search.SQLITE_CREATE))
    db.session.execute(sa.text(
        "INSERT INTO proposal_fts (rowid, proposal_id, title, body) SELECT id, id, title, body FROM proposal "
        "WHERE id BETWEEN :first AND :last"), {"first": first, "last": last})
    if first_text is not None:
        db.session.execute(sa.text(search.SQLITE_INDEX_ANSWERS), {"first": first_text})


def _decide_state(ctx, plan: ProposalPlan, row: dict, moments: list[float], moderator_id, answer_id: int,
                  answers: list, texts: list) -> None:
    """The state the proposal reached, consistent with its supports and its process's dates."""
    rng = ctx.rng
    process = plan.process
    is_open = process.supports_open
    answered_at = None
    if plan.supports >= process.threshold:
        qualified = moments[process.threshold - 1]
        row["qualified_at"] = _dt(ctx, qualified)
        state = (QUALIFIED if rng.random() < 0.8 else ACCEPTED) if is_open else _pick(
            rng, {QUALIFIED: 10, ACCEPTED: 20, ADOPTED: 25, REJECTED: 15, IMPLEMENTED: 30})
        if state != QUALIFIED:  # answered after the last support (an answered proposal takes no more)
            answered_at = moments[-1] + rng.random() * min(-moments[-1], 30 * DAY)
    else:
        state = _pick(rng, {SUBMITTED: 90, UNDER_REVIEW: 5, WITHDRAWN: 3}) if is_open else _pick(
            rng, {SUBMITTED: 70, UNDER_REVIEW: 10, REJECTED: 15, WITHDRAWN: 5})
        if state == WITHDRAWN:
            last = moments[-1] if moments else plan.published
            row["withdrawn_at"] = _dt(ctx, min(last + rng.random() * 5 * DAY, -60.0))
        elif state != SUBMITTED:
            begin = moments[-1] if moments else plan.published
            answered_at = begin + rng.random() * min(-begin, 30 * DAY)
    if answered_at is not None:
        answers.append({"id": answer_id, "proposal_id": plan.id, "state": state,
                        "answered_by_id": moderator_id, "created_at": _dt(ctx, min(answered_at, -60.0))})
        texts.append({"answer_id": answer_id, "language": "en", "body": ANSWERS[state]})
        if rng.random() < 0.25:
            texts.append({"answer_id": answer_id, "language": "fr", "body": ANSWERS_FR[state]})
    plan.state = row["state"] = state


def make_merges(ctx, proposals: list[ProposalPlan], moderator: User, n: int) -> int:
    """``n`` merges of two open proposals of a process open for supports, through the real service."""
    from consult.proposals import services

    rng = ctx.rng
    made = 0
    by_process: dict[int, list[ProposalPlan]] = {}
    for plan in proposals:
        if plan.process.supports_open and plan.state in (SUBMITTED, UNDER_REVIEW, QUALIFIED):
            by_process.setdefault(plan.process.id, []).append(plan)
    candidates = [plans for plans in by_process.values() if len(plans) >= 2]
    for _ in range(n):
        if not candidates:
            break
        plans = rng.choice(candidates)
        pair = rng.sample(plans, 2)
        for plan in pair:
            plans.remove(plan)
        candidates = [p for p in candidates if len(p) >= 2]
        sources = [db.session.get(Proposal, plan.id) for plan in pair]
        title = f"{sources[0].title} (merged with a similar proposal)"[:200]
        body = (f"This proposal brings together two proposals that asked for the same thing.\n\n"
                f"{sources[0].body}\n\n{sources[1].body}")
        services.merge(sources, moderator, title=title, body=body, language="en",
                       theme_id=sources[0].theme_id)
        for plan in pair:
            plan.state = "merged"
        made += 1
    db.session.flush()
    return made


# --- comments and follows
# ------------------------------------------------------------------------------------

def make_comments(ctx, proposals: list[ProposalPlan], people: People, n: int) -> dict[str, int]:
    """``n`` comments threaded three deep: a few proposals (the most supported) get 500 or more, the rest a
    Pareto share. Authors and commenters follow the proposal; ``comment_count`` is set from the rows."""
    rng = ctx.rng
    if not proposals or n <= 0:
        return {"comments": 0, "follows": 0}
    names = dict(db.session.execute(sa.select(District.id, District.name)).all())
    district_names = list(names.values()) or ["the centre"]
    n_hot = min(5, max(1, n // 40_000)) if n >= 1_000 else 0
    hot = sorted(range(len(proposals)), key=lambda i: -proposals[i].supports)[:n_hot]
    hot_sizes = {i: 500 + rng.randrange(max(1, min(n // 100, 1500))) for i in hot}
    if sum(hot_sizes.values()) > n:
        hot_sizes = {i: n // max(len(hot), 1) for i in hot}
    rest = n - sum(hot_sizes.values())
    weights = [0.0 if i in hot_sizes else rng.paretovariate(1.3) * (1 + proposals[i].supports) ** 0.5
               for i in range(len(proposals))]
    cap = max(20, min(300, 10 * rest // len(proposals)))  # the long threads are the hot ones
    counts = allocate(rng, rest, weights, [0 if i in hot_sizes else cap for i in range(len(proposals))])
    for i, size in hot_sizes.items():
        counts[i] = size
    first = _next_id(Comment)
    next_id = first
    follows: set[tuple[int, int]] = set()
    follow_rows = []
    for plan in proposals:
        follows.add((plan.author_id, plan.id))
        follow_rows.append({"user_id": plan.author_id, "target_type": "proposal", "target_id": plan.id,
                            "created_at": _dt(ctx, plan.published)})
    alignments = {"in_favour": 45, "against": 25, "neutral": 30}

    def rows():
        nonlocal next_id
        for plan, k in zip(proposals, counts, strict=True):
            if not k:
                continue
            end = min(plan.process.comment_end, -60.0)
            moments = sorted(plan.published + rng.random() * max(end - plan.published, 60.0)
                             for _ in range(k))
            thread: list[tuple[int, int, float]] = []  # (id, depth, time) of comments one can reply to
            for moment in moments:
                existing = people.existing(moment) or 1
                author = people.ids[rng.randrange(existing)]
                parent_id, depth = None, 1
                if thread and rng.random() < 0.55:
                    parent_id, parent_depth, _ = thread[-1 - min(int(rng.expovariate(0.3)), len(thread) - 1)]
                    depth = parent_depth + 1
                alignment = _pick(rng, alignments)
                body = rng.choice(COMMENTS[alignment]).format(district=rng.choice(district_names))
                deleted = rng.random() < 0.01
                at = _dt(ctx, moment)
                comment_id = next_id
                next_id += 1
                if depth < 3 and not deleted:
                    thread.append((comment_id, depth, moment))
                if (author, plan.id) not in follows:
                    follows.add((author, plan.id))
                    follow_rows.append({"user_id": author, "target_type": "proposal", "target_id": plan.id,
                                        "created_at": at})
                yield {"id": comment_id, "target_type": "proposal", "target_id": plan.id,
                       "parent_id": parent_id, "depth": depth, "author_id": author, "body": "" if deleted
                       else body, "alignment": alignment, "edited_at": None,
                       "deleted_at": _dt(ctx, min(moment + HOUR, -1.0)) if deleted else None,
                       "hidden_at": None, "hidden_reason": None, "created_at": at, "updated_at": at}

    with ctx.progress("Comments", sum(counts)) as advance:
        made = _insert(Comment, rows(), advance)
    sync_sequences(Comment)
    with ctx.progress("Follows", len(follow_rows)) as advance:
        _insert(Follow, follow_rows, advance)
    first_proposal, last_proposal = proposals[0].id, proposals[-1].id
    db.session.execute(sa.text(
        "UPDATE proposal SET comment_count = (SELECT count(*) FROM comment WHERE comment.target_type = "
        "'proposal' AND comment.target_id = proposal.id AND comment.deleted_at IS NULL) WHERE id BETWEEN :a "
        "AND :b"),
        {"a": first_proposal, "b": last_proposal})
    db.session.flush()
    return {"comments": made, "follows": len(follow_rows)}


# --- the step for ``flask demo generate``
# --------------------------------------------------------------------

def generate(ctx) -> dict[str, int | float]:
    """People, processes, proposals (with supports, answers and merges), comments and follows; commits after
    each step. Returns the counts made and ``seconds_<step>``."""
    counts = ctx.counts
    span_days = max(365.0, counts.get("years", 5) * 365.0)
    result: dict[str, int | float] = {}

    def timed(name, fn):
        started = time.perf_counter()
        value = fn()
        db.session.commit()
        result[f"seconds_{name}"] = round(time.perf_counter() - started, 2)
        return value

    people = timed("residents", lambda: make_people(ctx, counts["residents"], counts["verified_share_pct"],
                                                    span_days=span_days))
    result["residents"] = len(people.ids)
    result["verified_residents"] = len(people.pools[None][1])
    plans = timed("processes", lambda: make_processes(ctx, counts["processes"],
                                                      span_days=min(span_days, 5 * 365.0)))
    result["processes"] = len(plans)
    moderator = _moderator(ctx)
    proposals = timed("proposals", lambda: make_proposals(ctx, plans, people, counts["proposals"],
                                                          counts["supports"], moderator.id))
    result["proposals"] = len(proposals)
    result["supports"] = sum(p.supports for p in proposals)
    made = timed("comments", lambda: make_comments(ctx, proposals, people, counts["comments"]))
    result.update(made)
    result["merges"] = timed("merges", lambda: make_merges(ctx, proposals, moderator,
                                                           max(1, counts["proposals"] // 1000)))
    return result
