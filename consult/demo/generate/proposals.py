"""Generated proposals: published over the processes' proposals phases by eligible people, supports drawn
(Pareto: a few proposals get many) from those who could support, thresholds and states that agree with the
supports, official answers, merges through the real service, and the full-text rows on SQLite."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import sqlalchemy as sa

from consult.accounts.models import User
from consult.demo.generate.participation_texts import (
    ACTIONS,
    ANSWERS,
    ANSWERS_FR,
    CARE,
    HOW,
    PLACES,
    TOPICS,
    WHY,
)
from consult.demo.generate.people import People
from consult.demo.generate.processes import ProcessPlan
from consult.demo.generate.rows import (
    DAY,
    HOUR,
    allocate,
    at_offset,
    bulk_insert,
    next_free_id,
    pick,
    sync_sequences,
)
from consult.extensions import db
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
from consult.residency.models import District


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
    first = next_free_id(Proposal)
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
    first_answer = next_free_id(ProposalAnswer)
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
                    yield {"proposal_id": plan.id, "user_id": ids[index],
                           "created_at": at_offset(ctx, moment), "carried_from_id": None}
                moments.sort()
                _decide_state(ctx, plan, row, moments, moderator_id, first_answer + len(answers), answers,
                              texts)

        bulk_insert(Proposal, rows, advance)
        bulk_insert(ProposalSupport, support_rows(), advance)  # decides the states of ``rows`` while it goes
    changed = [{"id": r["id"], "state": r["state"], "qualified_at": r["qualified_at"],
                "withdrawn_at": r["withdrawn_at"]} for r in rows if r["state"] != SUBMITTED]
    if changed:
        db.session.execute(sa.text("UPDATE proposal SET state = :state, qualified_at = :qualified_at, "
                                   "withdrawn_at = :withdrawn_at WHERE id = :id").bindparams(
            sa.bindparam("qualified_at", type_=sa.DateTime), sa.bindparam("withdrawn_at", type_=sa.DateTime)),
            changed)
    first_text = next_free_id(AnswerText)
    bulk_insert(ProposalAnswer, answers)
    bulk_insert(AnswerText, texts)
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
        at = at_offset(ctx, published)
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
        row["qualified_at"] = at_offset(ctx, qualified)
        state = (QUALIFIED if rng.random() < 0.8 else ACCEPTED) if is_open else pick(
            rng, {QUALIFIED: 10, ACCEPTED: 20, ADOPTED: 25, REJECTED: 15, IMPLEMENTED: 30})
        if state != QUALIFIED:  # answered after the last support (an answered proposal takes no more)
            answered_at = moments[-1] + rng.random() * min(-moments[-1], 30 * DAY)
    else:
        state = pick(rng, {SUBMITTED: 90, UNDER_REVIEW: 5, WITHDRAWN: 3}) if is_open else pick(
            rng, {SUBMITTED: 70, UNDER_REVIEW: 10, REJECTED: 15, WITHDRAWN: 5})
        if state == WITHDRAWN:
            last = moments[-1] if moments else plan.published
            row["withdrawn_at"] = at_offset(ctx, min(last + rng.random() * 5 * DAY, -60.0))
        elif state != SUBMITTED:
            begin = moments[-1] if moments else plan.published
            answered_at = begin + rng.random() * min(-begin, 30 * DAY)
    if answered_at is not None:
        answers.append({"id": answer_id, "proposal_id": plan.id, "state": state,
                        "answered_by_id": moderator_id,
                        "created_at": at_offset(ctx, min(answered_at, -60.0))})
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
