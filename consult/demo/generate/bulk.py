"""Bulk data for benchmarks: many proposals and supports in one process, quickly.

A thin wrapper over the proposals half of ``flask demo generate`` (``people``, ``processes``, ``proposals``):
rows are written with bulk inserts but keep every invariant the services keep (``support_count`` equals the
support rows, one support per person and proposal, states agree with the process's threshold, FTS rows on
SQLite, id sequences moved on PostgreSQL). Generated accounts have no password (nobody can sign in with them).
"""

from __future__ import annotations

import random

from consult.core.models import utcnow
from consult.demo.generate import Context
from consult.demo.generate.people import make_people
from consult.demo.generate.processes import ProcessPlan
from consult.demo.generate.proposals import make_proposals
from consult.demo.generate.rows import DAY, HOUR
from consult.processes.models import Process


def add_proposals(process: Process, *, proposals: int = 1000, people: int = 1000, supports: int = 10_000,
             seed: int = 1) -> dict:
    """Add ``proposals`` published proposals (over the last 90 days) to ``process``, by ``people`` generated
    verified residents, with ``supports`` supports spread over them (never two by the same person on one
    proposal; fewer only if there are not enough people)."""
    ctx = Context(counts={}, rng=random.Random(seed), now=utcnow(), seed=seed)
    crowd = make_people(ctx, people, 100, span_days=365, name_prefix=f"gen{seed}-")
    plan = ProcessPlan(id=process.id, theme_ids=[t.id for t in process.themes],
                       district_ids=[d.id for d in process.districts], rule_districts=None,
                       propose=(-90 * DAY, -HOUR), support_end=-60.0, comment_end=-60.0)
    made = make_proposals(ctx, [plan], crowd, proposals, supports, None, set_thresholds=False)
    return {"people": people, "proposals": len(made), "supports": sum(p.supports for p in made)}
