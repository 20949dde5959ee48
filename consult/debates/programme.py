"""The debate's programme after it is created: its moderators edit, reorder and remove the people on stage
(panelists) and the parts of the agenda (segments) until it ends.

Rules kept here:

* nothing changes once the debate has ended (``not_ended``);
* a panelist has a name and the role moderator or expert; a segment has a title and 1-600 planned minutes;
* the segment running now, and one already held, stay: they are part of the debate's record (they may be
  renamed, planned again and moved);
* positions stay 1, 2, 3... in the order shown after every move and removal.

Every change is announced to the live screens after the commit (``changed(debate, "status")``): the status
line of the projector and of the public page, the console's agenda, and the public page's programme, which
fetches itself again on that event.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core.errors import Conflict, DomainError
from consult.debates.changes import changed, not_ended
from consult.debates.models import PANEL_ROLES, Debate, Panelist, Segment
from consult.extensions import db

DIRECTIONS = ("up", "down")


def check_panelist(name: str | None, role: str | None, bio: str | None) -> tuple[str, str, str]:
    """A panelist's cleaned name, role and bio, or the refusal of the field that is wrong."""
    name, bio = (name or "").strip(), (bio or "").strip()
    if not name or len(name) > 120:
        raise DomainError(_l("Give a name of at most 120 characters."), field="name")
    if role not in PANEL_ROLES:
        raise DomainError(_l("Choose moderator or expert."), field="role")
    if len(bio) > 500:
        raise DomainError(_l("The bio is at most 500 characters long."), field="bio")
    return name, role, bio


def check_segment(title: str | None, planned_minutes) -> tuple[str, int]:
    """A segment's cleaned title and planned minutes, or the refusal of the field that is wrong."""
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise DomainError(_l("Give a title of at most 200 characters."), field="title")
    if planned_minutes is None or not 1 <= planned_minutes <= 600:
        raise DomainError(_l("Plan between 1 and 600 minutes."), field="planned_minutes")
    return title, planned_minutes


def _ordered(model, debate: Debate) -> list:
    return list(db.session.scalars(sa.select(model).where(model.debate_id == debate.id)
                                   .order_by(model.position, model.id)))


def _renumber(debate: Debate, rows: list) -> None:
    for position, row in enumerate(rows, 1):
        row.position = position
    db.session.flush()
    db.session.expire(debate, ["panelists", "segments"])  # read again, in the new order


def update_panelist(debate: Debate, panelist: Panelist, *, name: str, role: str, bio: str = "") -> Panelist:
    """Change a panelist's name, role or bio."""
    not_ended(debate)
    panelist.name, panelist.role, panelist.bio = check_panelist(name, role, bio)
    changed(debate, "status")
    return panelist


def update_segment(debate: Debate, segment: Segment, *, title: str, planned_minutes: int) -> Segment:
    """Rename a segment or plan it again (the clocks of a running one go on)."""
    not_ended(debate)
    segment.title, segment.planned_minutes = check_segment(title, planned_minutes)
    changed(debate, "status")
    return segment


def move(debate: Debate, row: Panelist | Segment, direction: str) -> Panelist | Segment:
    """Move a panelist or a segment one place up or down its list."""
    not_ended(debate)
    if direction not in DIRECTIONS:
        raise DomainError(_l("Unknown action."))
    rows = _ordered(type(row), debate)
    here = rows.index(row)
    there = here - 1 if direction == "up" else here + 1
    if not 0 <= there < len(rows):
        raise Conflict(_l("It is already at that end of the list."))
    rows[here], rows[there] = rows[there], rows[here]
    _renumber(debate, rows)
    changed(debate, "status")
    return row


def remove_panelist(debate: Debate, panelist: Panelist) -> None:
    """Take a person off the stage list (an account's role of moderator, if any, stays as it was)."""
    not_ended(debate)
    db.session.delete(panelist)
    db.session.flush()
    _renumber(debate, _ordered(Panelist, debate))
    changed(debate, "status")


def remove_segment(debate: Debate, segment: Segment) -> None:
    """Take a segment off the agenda, unless it is running or was held (the record keeps those)."""
    not_ended(debate)
    if segment.id == debate.current_segment_id:
        raise Conflict(_l("This segment is running now: go to another one first."))
    if segment.started_at is not None:
        raise Conflict(_l("This segment has been held: it stays in the debate's record."))
    db.session.delete(segment)
    db.session.flush()
    _renumber(debate, _ordered(Segment, debate))
    changed(debate, "status")
