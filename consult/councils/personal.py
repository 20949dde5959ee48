"""Personal data of council members for "download my data": seats held and named votes cast.

Account deletion keeps the seats (the council's history and its public named votes stay true) and shows the
person as "Former participant"; no eraser is needed here.
"""

from __future__ import annotations

import sqlalchemy as sa

from consult.councils.models import Membership
from consult.extensions import db


def export(user) -> dict:
    from consult.meetings.models import Motion, MotionVote

    seats = db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id)
                               .order_by(Membership.starts_on)).all()
    votes = db.session.execute(
        sa.select(Motion.id, Motion.text, MotionVote.choice).join(MotionVote, MotionVote.motion_id == Motion.id)
        .join(Membership, Membership.id == MotionVote.membership_id).where(Membership.user_id == user.id)).all()
    return {
        "seats": [{"council": m.council.name, "role": m.role, "represents": m.represents,
                   "starts_on": m.starts_on.isoformat(), "ends_on": m.ends_on.isoformat() if m.ends_on else None}
                  for m in seats],
        "named_votes": [{"motion_id": mid, "motion": text, "choice": choice} for mid, text, choice in votes],
    }
