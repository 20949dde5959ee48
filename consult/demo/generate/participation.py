"""People and residency, processes, proposals, supports, answers, merges, comments and follows.

Used by ``flask demo generate`` (through :func:`generate`) and by ``bulk.add_proposals`` (benchmarks). Each
part is its own module: ``people`` (and residency), ``processes``, ``proposals`` (supports, answers, merges),
``comments`` (and follows); ``rows`` writes in batches, ``participation_texts`` holds the words.

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

import time

from consult.demo.generate.comments import make_comments
from consult.demo.generate.people import make_people, moderator_account
from consult.demo.generate.processes import make_processes
from consult.demo.generate.proposals import make_merges, make_proposals
from consult.extensions import db


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
    moderator = moderator_account(ctx)
    proposals = timed("proposals", lambda: make_proposals(ctx, plans, people, counts["proposals"],
                                                          counts["supports"], moderator.id))
    result["proposals"] = len(proposals)
    result["supports"] = sum(p.supports for p in proposals)
    made = timed("comments", lambda: make_comments(ctx, proposals, people, counts["comments"]))
    result.update(made)
    result["merges"] = timed("merges", lambda: make_merges(ctx, proposals, moderator,
                                                           max(1, counts["proposals"] // 1000)))
    return result
