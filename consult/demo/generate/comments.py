"""Generated comments and follows: threads at most three deep (replies after their parent, on the same
proposal), a few proposals with 500 or more; authors and commenters follow the proposal, and
``comment_count`` equals the comments not deleted."""

from __future__ import annotations

import sqlalchemy as sa

from consult.comments.models import Comment
from consult.demo.generate import rows
from consult.demo.generate.participation_texts import COMMENTS
from consult.demo.generate.people import People
from consult.demo.generate.proposals import ProposalPlan
from consult.extensions import db
from consult.notifications.models import Follow
from consult.residency.models import District


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
    counts = rows.allocate(rng, rest, weights, [0 if i in hot_sizes else cap for i in range(len(proposals))])
    for i, size in hot_sizes.items():
        counts[i] = size
    first = rows.next_free_id(Comment)
    next_id = first
    follows: set[tuple[int, int]] = set()
    follow_rows = []
    for plan in proposals:
        follows.add((plan.author_id, plan.id))
        follow_rows.append({"user_id": plan.author_id, "target_type": "proposal", "target_id": plan.id,
                            "created_at": rows.at_offset(ctx, plan.published)})
    alignments = {"in_favour": 45, "against": 25, "neutral": 30}

    def comment_rows():
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
                alignment = rows.pick(rng, alignments)
                body = rng.choice(COMMENTS[alignment]).format(district=rng.choice(district_names))
                deleted = rng.random() < 0.01
                at = rows.at_offset(ctx, moment)
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
                       "deleted_at": rows.at_offset(ctx, min(moment + rows.HOUR, -1.0)) if deleted else None,
                       "hidden_at": None, "hidden_reason": None, "created_at": at, "updated_at": at}

    with ctx.progress("Comments", sum(counts)) as advance:
        made = rows.bulk_insert(Comment, comment_rows(), advance)
    rows.sync_sequences(Comment)
    with ctx.progress("Follows", len(follow_rows)) as advance:
        rows.bulk_insert(Follow, follow_rows, advance)
    first_proposal, last_proposal = proposals[0].id, proposals[-1].id
    db.session.execute(sa.text(
        "UPDATE proposal SET comment_count = (SELECT count(*) FROM comment WHERE comment.target_type = "
        "'proposal' AND comment.target_id = proposal.id AND comment.deleted_at IS NULL) WHERE id BETWEEN :a "
        "AND :b"),
        {"a": first_proposal, "b": last_proposal})
    db.session.flush()
    return {"comments": made, "follows": len(follow_rows)}
