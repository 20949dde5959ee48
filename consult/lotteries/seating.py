"""Seating the panel once every invitation has an answer: what is no longer needed is deleted, and the
panel is seated on its owner (a debate's public, a council's co-opted places).

Services flush and never commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.lotteries.invitations import panel_rows, seats_to_replace
from consult.lotteries.models import ACCEPTED, DRAWN, FINAL, Lottery, Volunteer
from consult.lotteries.replacing import _can_replace


def seat(lottery: Lottery, by=None) -> list[Volunteer]:
    """Seat the panel (every invitation answered, no declined seat left to fill), then drop what is no longer
    needed: the rows of volunteers not on the panel, and the panelists' answers."""
    if lottery.status != DRAWN:
        raise Conflict(_l("This can be done only after the draw and before the panel is seated."))
    rows = panel_rows(lottery)
    if any(r.reply is None for r in rows):
        raise DomainError(_l("Some of the drawn have not replied yet."))
    if seats_to_replace(lottery) and _can_replace(lottery):
        raise DomainError(_l("Some seats were declined: draw their replacements first."))
    panel = [r for r in rows if r.reply == ACCEPTED]
    db.session.execute(
        sa.delete(Volunteer).where(
            Volunteer.lottery_id == lottery.id, Volunteer.id.not_in([r.id for r in panel] or [0])
        )
    )
    for row in panel:
        row.answers = {}
    lottery.status, lottery.seated_at = FINAL, utcnow()
    db.session.flush()
    seat_on = SEAT_ON.get(lottery.owner_type)
    if seat_on is not None:
        seat_on(lottery, panel)
    audit.record("lotteries.seated", actor=by, subject=lottery, panel=len(panel))
    return panel


def _seat_on_debate(lottery: Lottery, panel: list[Volunteer]) -> None:
    """The panelists join the debate's panel as "the public" (listed on its page with the moderator and the
    experts)."""
    from consult.debates.changes import changed
    from consult.debates.models import Debate, Panelist

    debate = db.session.get(Debate, lottery.owner_id)
    if debate is None:
        return
    position = max((p.position for p in debate.panelists), default=0)
    for number, row in enumerate(sorted(panel, key=lambda r: (r.user.display_name if r.user else "")), 1):
        if row.user is None:
            continue
        debate.panelists.append(Panelist(name=row.user.public_name[:120], role="public", user_id=row.user_id,
                                         bio="", position=position + number))
    changed(debate, "status")


#: how a seated panel is seated on its owner, by owner type (the lottery page lists it in every case)
SEAT_ON = {"debate": _seat_on_debate}
