"""The drawn and their replies: the panel in the order drawn, accepting or declining a seat, the invitations
(a task: a notification, and a mail to those who gave an address), and the seated panels of an owner.

Services flush and never commit.
"""

from __future__ import annotations

import sqlalchemy as sa

from consult.core import audit, tasks
from consult.core.models import utcnow
from consult.extensions import db
from consult.lotteries.models import ACCEPTED, DECLINED, FINAL, Lottery, Volunteer


def panel_rows(lottery: Lottery) -> list[Volunteer]:
    """The drawn volunteers (first draw and replacements), in the order drawn."""
    return list(
        db.session.scalars(
            sa.select(Volunteer)
            .where(Volunteer.lottery_id == lottery.id, Volunteer.draw_number.is_not(None))
            .order_by(Volunteer.draw_number, Volunteer.row_id)
        )
    )


def reply(lottery: Lottery, user, accept: bool) -> Volunteer:
    """The drawn volunteer accepts or declines the seat."""
    from consult.core.policy import enforce

    enforce("lottery.reply", user, lottery)
    row = db.session.scalar(
        sa.select(Volunteer).where(Volunteer.lottery_id == lottery.id, Volunteer.user_id == user.id)
    )
    row.reply, row.replied_at = (ACCEPTED if accept else DECLINED), utcnow()
    db.session.flush()
    audit.record("lotteries.replied", actor=user, subject=lottery, accepted=accept)
    return row


def seats_to_replace(lottery: Lottery) -> int:
    """Seats given back by those who declined, not yet drawn again."""
    rows = panel_rows(lottery)
    declined = sum(1 for r in rows if r.reply == DECLINED)
    replaced = sum(d["seats"] for d in lottery.draws[1:])
    return max(0, declined - replaced)


def panel_counts(lottery: Lottery, rows: list[Volunteer]) -> dict[tuple[str, str], int]:
    """How many of the panel (the drawn who have not declined) have each value, from the published input."""
    if lottery.draw_input is None:
        return {}
    on_panel = {r.row_id for r in rows if r.reply != DECLINED}
    counts: dict[tuple[str, str], int] = {}
    for row in lottery.draw_input["pool"]:
        if row["id"] in on_panel:
            for key, value in row["features"].items():
                counts[(key, value)] = counts.get((key, value), 0) + 1
    return counts


def seated_panel(owner_type: str, owner_id: int) -> list[tuple[Lottery, list[str]]]:
    """The seated panels of an owner with the public names of their panelists (for the owner's page), in one
    statement."""
    from flask_babel import gettext as _

    from consult.accounts.models import User

    found = db.session.execute(
        sa.select(Lottery, User.display_name, User.deleted_at)
        .join(Volunteer, Volunteer.lottery_id == Lottery.id)
        .outerjoin(User, User.id == Volunteer.user_id)
        .where(Lottery.owner_type == owner_type, Lottery.owner_id == owner_id, Lottery.status == FINAL,
               Volunteer.reply == ACCEPTED)
        .order_by(Lottery.id, User.display_name)
    ).all()
    panels: dict[int, tuple[Lottery, list[str]]] = {}
    for lottery, name, deleted_at in found:
        names = panels.setdefault(lottery.id, (lottery, []))[1]
        names.append(_("Former participant") if name is None or deleted_at is not None else name)
    return list(panels.values())


@tasks.task("lotteries.invite", retries=5, retry_delay=30, backoff=2, short_write=True)
def invite(lottery_id: int, user_ids: list[int]) -> int:
    """An in-app notification, and a mail to those who gave an address, for each person drawn."""
    from flask import current_app
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from consult.accounts.models import User
    from consult.core.mail import mail_enabled, send_mails
    from consult.core.urls import external_url
    from consult.notifications.models import Notification

    lottery = db.session.get(Lottery, lottery_id)
    if lottery is None:
        return 0
    people = db.session.scalars(
        sa.select(User).where(User.id.in_(user_ids), User.deleted_at.is_(None)).order_by(User.id)
    ).all()
    db.session.add_all(
        [
            Notification(
                user_id=u.id,
                event="lottery_invited",
                target_type="lottery",
                target_id=lottery.id,
                params={"title": lottery.title},
            )
            for u in people
        ]
    )
    db.session.flush()
    if mail_enabled():
        mails = []
        for user in people:
            if not user.email:
                continue
            with force_locale(user.language or "en"):
                subject = _("You were drawn for %(title)s", title=lottery.title)
                body = (
                    _(
                        "You were drawn by lot for the panel “%(title)s”. Please tell us whether you accept "
                        "the seat:",
                        title=lottery.title,
                    )
                    + "\n\n"
                    + external_url("lotteries.show", lottery_id=lottery.id)
                    + "\n\n"
                    + str(current_app.config["PLATFORM_NAME"])
                )
            mails.append((user.email, subject, body))
        send_mails(mails)
    return len(people)
