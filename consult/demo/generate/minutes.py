"""Minutes of past sessions and debates: the writer completes and submits the draft, the approver approves,
the writer publishes; then the timestamps alone are set back to the days it happened (the text and record of
published minutes are never touched)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from consult.extensions import db


def backdate_minutes(rows: list[dict]) -> None:
    """Set the dates of minutes to the days they were written, approved and published (timestamps only)."""
    from consult.minutes.models import Minutes, MinutesRevision

    if not rows:
        return
    m, r = Minutes.__table__, MinutesRevision.__table__
    db.session.execute(sa.update(m).where(m.c.id == sa.bindparam("mid")).values(
        created_at=sa.bindparam("d_draft"), updated_at=sa.bindparam("d_publish"),
        submitted_at=sa.bindparam("d_submit"), approved_at=sa.bindparam("d_approve"),
        published_at=sa.bindparam("d_publish")), rows)
    db.session.execute(sa.update(r).where(r.c.minutes_id == sa.bindparam("mid"), r.c.number == 1).values(
        created_at=sa.bindparam("d_draft")), rows)
    db.session.execute(sa.update(r).where(r.c.minutes_id == sa.bindparam("mid"), r.c.number > 1).values(
        created_at=sa.bindparam("d_edit")), rows)


def publish_minutes(minutes, *, writer, approver, ended: datetime, rng, now: datetime,
                    stop_at: str = "published") -> dict:
    """The writer completes the draft and submits it, the approver approves, the writer publishes."""
    from consult.minutes import services as minutes_services

    closing = rng.choice(["The meeting ended with thanks to the interpreters.",
                          "The next meeting will be announced on the platform.",
                          "The secretary thanked the residents who followed the meeting online.",
                          "The president thanked the associations for their work."])
    minutes_services.save_revision(minutes, minutes.body.rstrip() + f"\n\n*{closing}*\n", author=writer,
                                   note="Closing sentence")
    edited = ended + timedelta(days=rng.randint(1, 4))
    submitted = edited + timedelta(hours=rng.randint(1, 30))
    approved = submitted + timedelta(days=rng.randint(2, 20))
    published = approved + timedelta(days=rng.randint(0, 3))
    # recent meetings: every step happened by now (the order is kept)
    edited, submitted, approved, published = (min(d, now) for d in (edited, submitted, approved, published))
    if stop_at == "draft":
        return {}
    minutes_services.submit(minutes, actor=writer)
    if stop_at == "submitted":
        minutes.submitted_at = submitted
        db.session.flush()
        return {}
    minutes_services.approve(minutes, actor=approver)
    minutes_services.publish(minutes, actor=writer)
    return {"mid": minutes.id, "d_draft": ended, "d_edit": edited, "d_submit": submitted,
            "d_approve": approved, "d_publish": published}
