"""``flask demo generate --scale small|city``: a whole city's worth of data, reproducible from a seed.

The orchestrator builds a :class:`Context` (counts, seeded random generator, the accounts made so far), runs
the participation step (people and residency, processes, proposals, supports, comments: ``participation.py``)
and then the civic step (councils, sessions, minutes, polls, ballots, debates: ``civic.py``), and returns the
counts made with the seconds each step took. Rows are bulk-inserted where a service call per row would be too
slow, but every invariant the services keep holds afterwards (cached counters equal rows, FTS filled, secret
ballots).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

SCALES: dict[str, dict[str, int]] = {
    "city":  {"residents": 100_000, "verified_share_pct": 70, "councils": 5, "years": 10, "processes": 20,
              "proposals": 10_000, "comments": 200_000, "supports": 1_000_000, "polls": 200,
              "ballots": 1_000_000, "debates": 300},
    "small": {"residents": 1_000, "verified_share_pct": 70, "councils": 2, "years": 2, "processes": 3,
              "proposals": 200, "comments": 2_000, "supports": 10_000, "polls": 8, "ballots": 4_000,
              "debates": 6},
}


@dataclass
class Context:
    counts: dict[str, int]          # the scale's counts after overrides
    rng: random.Random              # seeded; use only this for randomness (reproducible)
    now: datetime                   # naive UTC, consult.core.models.utcnow()
    resident_ids: list[int] = field(default_factory=list)   # ids of generated VERIFIED residents
    user_ids: list[int] = field(default_factory=list)       # ids of all generated accounts
    district_ids: list[int] = field(default_factory=list)
    show_progress: bool = False
    seed: int = 1

    @contextlib.contextmanager
    def progress(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        """`with ctx.progress(_("Ballots"), n) as advance: ... advance(k)` — click progress bar, or silent."""
        if not self.show_progress:
            yield lambda _n=1: None
            return
        import click

        with click.progressbar(length=max(int(total), 1), label=str(label).ljust(12)) as bar:
            yield lambda n=1: bar.update(n)


def generate(scale: str = "small", *, seed: int = 1, overrides: dict[str, int] | None = None,
             progress: bool = False) -> dict[str, float | int]:
    """Builds the dataset on the current app's database and commits it (in batches is fine); returns the
    counts made and the seconds each step took (keys like "proposals", "seconds_proposals",
    "seconds_total")."""
    import sqlalchemy as sa

    from consult.core.db import write_transaction
    from consult.core.models import utcnow
    from consult.demo.generate import civic, participation
    from consult.extensions import db

    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    counts = dict(SCALES[scale])
    for name, value in (overrides or {}).items():
        if name not in counts:
            raise ValueError(f"unknown count {name!r}; choose one of {', '.join(counts)}")
        counts[name] = int(value)
    ctx = Context(counts=counts, rng=random.Random(seed), now=utcnow(), show_progress=progress, seed=seed)
    started = time.perf_counter()
    result: dict[str, float | int] = {}
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    with write_transaction():
        if sqlite:  # a larger page cache for this connection: indexes of a million rows fit in it
            cache = db.session.execute(sa.text("PRAGMA cache_size")).scalar()
            db.session.execute(sa.text("PRAGMA cache_size = -131072"))
        result.update(participation.generate(ctx))
        db.session.commit()
        civic_started = time.perf_counter()
        result.update(civic.generate(ctx))
        db.session.commit()
        result.setdefault("seconds_civic", round(time.perf_counter() - civic_started, 2))
    if sqlite:
        db.session.execute(sa.text(f"PRAGMA cache_size = {int(cache)}"))
        db.session.commit()
    result["seconds_total"] = round(time.perf_counter() - started, 2)
    return result
