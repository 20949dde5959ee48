"""Bulk data for benchmarks and ``flask demo generate``: many proposals and supports, quickly.

Rows are written with bulk inserts (not one service call per row) but keep every invariant the services keep:
``support_count`` equals the support rows, one support per person and proposal, and on SQLite the FTS table
is filled for the new rows. Generated accounts have no password (nobody can sign in with them).
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.models import User
from consult.core.models import utcnow
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals.models import PUBLIC_STATES, Proposal, ProposalSupport

WORDS = ("welcome city card resident debate district housing language school work health culture council "
         "festival library map sign training rights story neighbourhood help desk newcomer solidarity").split()
BATCH = 5_000


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def generate(process: Process, *, proposals: int = 1000, people: int = 1000, supports: int = 10_000,
             seed: int = 1) -> dict:
    """Add ``proposals`` published proposals to ``process`` by ``people`` generated accounts, with about
    ``supports`` supports spread over them (never two by the same person on one proposal)."""
    rng = random.Random(seed)
    now = utcnow()
    first_user = (db.session.scalar(sa.select(sa.func.max(User.id))) or 0) + 1
    user_rows = [{"username": f"gen{seed}-{first_user + i}", "display_name": f"Resident {first_user + i}",
                  "language": "en", "is_blocked": False, "created_at": now, "updated_at": now}
                 for i in range(people)]
    for start in range(0, len(user_rows), BATCH):
        db.session.execute(sa.insert(User), user_rows[start:start + BATCH])
    user_ids = list(db.session.scalars(sa.select(User.id).where(User.username.like(f"gen{seed}-%"))))
    theme_ids = [t.id for t in process.themes] or [None]
    states = [s for s in PUBLIC_STATES if s not in ("withdrawn", "merged")]
    per_proposal = [0] * proposals
    for _ in range(supports):
        per_proposal[min(int(rng.paretovariate(1.2)) - 1, proposals - 1) if rng.random() < 0.5
                     else rng.randrange(proposals)] += 1
    per_proposal = [min(n, len(user_ids)) for n in per_proposal]
    first_proposal = (db.session.scalar(sa.select(sa.func.max(Proposal.id))) or 0) + 1
    rows = []
    for i in range(proposals):
        published = now - timedelta(minutes=rng.randrange(60 * 24 * 90))
        rows.append({"id": first_proposal + i, "process_id": process.id, "author_id": rng.choice(user_ids),
                     "title": _sentence(rng, rng.randint(3, 8)), "body": _sentence(rng, rng.randint(20, 120)) + ".",
                     "language": "en", "theme_id": rng.choice(theme_ids), "state": rng.choice(states),
                     "published_at": published, "support_count": per_proposal[i], "comment_count": 0,
                     "created_at": published, "updated_at": published})
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(Proposal), rows[start:start + BATCH])
    support_rows = []
    for i, n in enumerate(per_proposal):
        for user_id in rng.sample(user_ids, n):
            support_rows.append({"proposal_id": first_proposal + i, "user_id": user_id, "created_at": now})
            if len(support_rows) >= BATCH:
                db.session.execute(sa.insert(ProposalSupport), support_rows)
                support_rows = []
    if support_rows:
        db.session.execute(sa.insert(ProposalSupport), support_rows)
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text(
            "INSERT INTO proposal_fts (rowid, proposal_id, title, body) SELECT id, id, title, body FROM proposal "
            "WHERE id >= :first"), {"first": first_proposal})
    db.session.flush()
    return {"people": people, "proposals": proposals, "supports": sum(per_proposal)}
