"""Ballots drawn in bulk, keeping the secret: participation rows and ballots made apart and shuffled, so
neither the rows nor their order link a ballot to a person; every choice is the method's canonical text
(``validate`` then ``encode``) drawn from a few hundred clustered preferences, and every tracker hash is the
hash of a well-formed tracker nobody holds."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid

from consult.demo.generate.rows import insert_batches

TRACKER_TRANSLATION = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
                                      b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def new_key(_rng=None) -> str:
    """Row keys of participations and ballots come from the system's randomness, as in the engine (not from
    the seed: nothing about them needs to be reproducible, and a second run on the same database must not
    clash)."""
    return str(uuid.uuid4())


def tracker_hashes(_rng, n: int) -> list[str]:
    """Hashes of ``n`` well-formed trackers (four groups of four letters or digits), as the engine hashes
    them; the trackers themselves are random and thrown away (nobody holds them)."""
    raw = os.urandom(10 * n)
    out = []
    for i in range(n):
        tracker = base64.b32encode(raw[10 * i:10 * i + 10]).translate(TRACKER_TRANSLATION)
        out.append(hashlib.sha256(tracker).hexdigest())
    return out


def _patterns(rng, method: str, option_ids: list[int], poll) -> tuple[list, list[float]]:
    """A few hundred raw ballots of this method (people's preferences cluster) and how often each is cast."""
    k = len(option_ids)
    favour = [rng.random() ** 2 + 0.05 for _ in option_ids]  # some options are much more popular
    patterns: list = []
    if method == "yes_no_abstain":
        yes = rng.uniform(0.3, 0.75)
        abstain = rng.uniform(0.02, 0.12)
        return ["yes", "no", "abstain"], [yes, max(0.05, 1 - yes - abstain), abstain]
    if method == "single":
        return list(option_ids), favour
    weights: list[float] = []
    for _ in range(min(300, 40 * k)):
        order = sorted(option_ids, key=lambda o: -favour[option_ids.index(o)] * rng.random())
        if method == "approval":
            limit = poll.max_choices or k
            patterns.append(order[:rng.randint(1, min(limit, k))])
        elif method in ("ranked_irv", "schulze"):
            patterns.append(order[:rng.randint(1, k)])
        elif method == "score":
            patterns.append({str(o): min(5,
                                         max(0, round(favour[option_ids.index(o)] * 5 + rng.gauss(0, 1.3))))
                             for o in option_ids})
        else:  # points
            budget = poll.points_budget or 10
            given = {}
            left = budget
            for o in order[:rng.randint(1, k)]:
                n = rng.randint(1, left) if left > 0 else 0
                if n:
                    given[str(o)] = n
                    left -= n
            patterns.append(given or {str(order[0]): budget})
        weights.append(rng.random() + 0.1)
    return patterns, weights


def fill_poll(ctx, poll, voters: list[int], anon_keys: list[str] = ()) -> int:
    """Participation rows for ``voters`` (accounts) or ``anon_keys`` (anonymous browsers in a debate's open
    poll, hashed as the engine hashes them) and as many ballots, drawn apart and shuffled; returns the
    count."""
    from consult.votes import methods
    from consult.votes.methods import encode
    from consult.votes.models import Ballot, Participation
    from consult.votes.services import spec_for

    rng = ctx.rng
    n = len(voters) + len(anon_keys)
    if not n:
        return 0
    spec = spec_for(poll)
    method = methods.get(poll.method)
    raw, weights = _patterns(rng, poll.method, [o.id for o in poll.options], poll)
    texts = [encode(method.validate(r, spec)) for r in raw]
    choices = rng.choices(texts, weights, k=n)
    rng.shuffle(choices)
    insert_batches(Participation,
                   [{"id": new_key(rng), "poll_id": poll.id, "voter_id": uid, "anon_key": None}
                    for uid in voters] +
                   [{"id": new_key(rng), "poll_id": poll.id, "voter_id": None,
                     "anon_key": hashlib.sha256(f"{poll.id}:a:{key}".encode()).hexdigest()}
                    for key in anon_keys])
    hashes = tracker_hashes(rng, n)
    ballots = [{"id": new_key(rng), "poll_id": poll.id, "choice": c, "tracker_hash": h, "replace_key": None}
               for c, h in zip(choices, hashes, strict=True)]
    rng.shuffle(ballots)
    insert_batches(Ballot, ballots)
    return n
