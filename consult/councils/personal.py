"""Personal data of council members for "download my data": seats held, and what the packages that build on
councils add about them (meetings: the named votes cast), each under its own key.

Account deletion keeps the seats (the council's history and its public named votes stay true) and shows the
person as "Former participant"; no eraser is needed here.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from consult.councils.models import Membership
from consult.extensions import db

#: key -> fn(user) giving more of a member's data for the council section
_parts: dict[str, Callable] = {}


def add_part(key: str, fn: Callable) -> None:
    _parts[key] = fn


def export(user) -> dict:
    seats = db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id)
                               .order_by(Membership.starts_on)).all()
    return {
        "seats": [{"council": m.council.name, "role": m.role, "represents": m.represents,
                   "starts_on": m.starts_on.isoformat(),
                   "ends_on": m.ends_on.isoformat() if m.ends_on else None}
                  for m in seats],
        **{key: fn(user) for key, fn in _parts.items()},
    }
