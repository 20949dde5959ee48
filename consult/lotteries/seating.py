"""Seating the panel once every invitation has an answer: what is no longer needed is deleted, and the
panel is seated on its owner.

* A debate: the panelists join its panel as "the public".
* A council's co-opted places: each panelist gets a membership of the council, as a *member* (with a vote:
  they are drawn to take part as the elected do; a council that wants them without a vote ends the seat and
  gives an observer's one), from the day of the seating to the end of the term of the council's voting
  members then in force (the latest end; open-ended when one of them is, or when no member is seated). A
  panelist who already holds a seat for part of that term is not seated again (the secretary settles it).
  The memberships are audited (``councils.membership_added``, ``lotteries.council_seated``) and the seating
  is drafted in the council's minutes (source ``lottery``), as an election's results are.
* A process's citizens' assembly: listed on the process's page (``seated_panels`` in the templates).

Services flush and never commit.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.core import audit, records, time
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
        seat_on(lottery, panel, by=by)
    audit.record("lotteries.seated", actor=by, subject=lottery, panel=len(panel))
    return panel


def _seat_on_debate(lottery: Lottery, panel: list[Volunteer], by=None) -> None:
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


def council_term(council_id: int, day: date) -> date | None:
    """The last day of the co-opted places seated on ``day``: the latest end of the terms of the council's
    voting members in force that day (None: open-ended, when one of them is or when there are none)."""
    from consult.councils.models import VOTING_ROLES, Membership

    ends = db.session.scalars(sa.select(Membership.ends_on).where(
        Membership.council_id == council_id, Membership.role.in_(VOTING_ROLES), Membership.starts_on <= day,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= day))).all()
    if not ends or any(end is None for end in ends):
        return None
    return max(ends)


def _seat_on_council(lottery: Lottery, panel: list[Volunteer], by=None) -> None:
    """The panelists take the council's co-opted places as members (see the module's docstring); the
    seating is recorded in a minutes draft of the council."""
    from consult.councils import services as councils
    from consult.councils.models import MEMBER, Council
    from consult.minutes import services as minutes

    council = db.session.get(Council, lottery.owner_id)
    if council is None:
        return
    start = time.to_local(lottery.seated_at, time.platform_zone()).date()
    end = council_term(council.id, start)
    seated, unseated = [], []
    for row in panel:
        if row.user is None:
            continue
        try:
            membership = councils.add_membership(council, row.user, role=MEMBER, starts_on=start, ends_on=end,
                                                 represents=lottery.title, by=by)
        except DomainError:  # already holds a seat for part of the term: the secretary settles it
            unseated.append(row.user_id)
            continue
        seated.append(membership.id)
    audit.record("lotteries.council_seated", actor=by, subject=lottery, council_id=council.id,
                 memberships=seated, unseated=unseated)
    minutes.create_draft(lottery_record(lottery), source_type="lottery", source_id=lottery.id,
                         council_id=council.id, actor=by)


#: how a seated panel is seated on its owner, by owner type (the lottery page lists it in every case; a
#: process's page lists its assemblies)
SEAT_ON = {"debate": _seat_on_debate, "council": _seat_on_council}


def _names(people) -> str:
    return ", ".join(person.public_name for person in people) or _("nobody")


def lottery_record(lottery: Lottery) -> dict:
    """The record of a council's co-opted places seated by lot (what the council's minutes are drafted
    from): who was seated, for which term, and who already held a seat."""
    from consult.accounts.models import User
    from consult.councils.models import Council, Membership

    council = db.session.get(Council, lottery.owner_id)
    start = time.to_local(lottery.seated_at, time.platform_zone()).date()
    people = db.session.scalars(sa.select(User).join(Volunteer, Volunteer.user_id == User.id).where(
        Volunteer.lottery_id == lottery.id, Volunteer.reply == ACCEPTED).order_by(User.display_name)).all()
    terms = {m.user_id: m for m in db.session.scalars(sa.select(Membership).where(
        Membership.council_id == lottery.owner_id, Membership.starts_on == start,
        Membership.user_id.in_([p.id for p in people] or [0])))}
    language = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    end = council_term(lottery.owner_id, start) if not terms else next(iter(terms.values())).ends_on
    with force_locale(language):
        title = _("Co-opted places seated by lot: %(title)s", title=lottery.title)
        description = _("Drawn by lot among %(pool)s volunteers, with quotas, from the seed %(seed)s.",
                        pool=len((lottery.draw_input or {}).get("pool") or []), seed=lottery.seed or "")
        decisions = [_("Seated as members of the council: %(names)s.",
                       names=_names(p for p in people if p.id in terms))]
        if any(p.id not in terms for p in people):
            decisions.append(_("Already holding a seat for part of this term, so not seated again: "
                               "%(names)s.", names=_names(p for p in people if p.id not in terms)))
        decisions.append(_("Their term runs from %(start)s to %(end)s.", start=start.isoformat(),
                           end=end.isoformat()) if end is not None else
                         _("Their term starts on %(start)s, with no end date set.", start=start.isoformat()))
    return {"kind": "lottery", "id": lottery.id, "title": title, "language": language,
            "body": council.name if council is not None else "", "starts_at": lottery.seated_at.isoformat(),
            "items": [{"number": 1, "title": title, "description": description, "decisions": decisions}]}


records.register("lottery", lottery_record)
