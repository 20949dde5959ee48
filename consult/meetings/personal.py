"""A council member's named votes, for the council section of "download my data" (``councils.personal``)."""

from __future__ import annotations

import sqlalchemy as sa

from consult.councils.models import Membership
from consult.extensions import db
from consult.meetings.models import Motion, MotionVote


def named_votes(user) -> list[dict]:
    votes = db.session.execute(
        sa.select(Motion.id, Motion.text, MotionVote.choice)
        .join(MotionVote, MotionVote.motion_id == Motion.id)
        .join(Membership, Membership.id == MotionVote.membership_id)
        .where(Membership.user_id == user.id)).all()
    return [{"motion_id": mid, "motion": text, "choice": choice} for mid, text, choice in votes]
