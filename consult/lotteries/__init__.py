"""Civic lotteries: panels drawn by lot from a pool of volunteers, with quotas, from a seed published in
advance, so that anyone can re-run the draw from the open data and get the same panel."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("lotteries", __name__)

from consult.lotteries import cli, models, policies, views  # noqa: E402,F401


@bp.app_template_global()
def seated_panels(owner_type: str, owner_id: int):
    """The seated panels of an owner with their panelists' public names (a process's citizens' assemblies,
    listed on its page), in one statement."""
    from consult.lotteries.invitations import seated_panel

    return seated_panel(owner_type, owner_id)


def _register():
    from consult.core import navigation, personal_data, targets
    from consult.notifications import services as notifications

    navigation.register("lotteries.index", _l("Panels by lot"), 78, "/lotteries")
    targets.register("lottery", models.Lottery)
    notifications.MESSAGES["lottery_invited"] = _l(
        "You were drawn by lot for “%(title)s”: please say whether you accept the seat."
    )

    def export_rows(user):
        import sqlalchemy as sa

        from consult.extensions import db

        rows = db.session.scalars(sa.select(models.Volunteer).where(models.Volunteer.user_id == user.id))
        return [
            {
                "lottery_id": r.lottery_id,
                "row_id": r.row_id,
                "answers": r.answers,
                "joined_at": r.joined_at.isoformat(),
                "drawn": r.draw_number is not None,
                "reply": r.reply,
            }
            for r in rows
        ]

    def erase_rows(user):
        import sqlalchemy as sa

        from consult.extensions import db

        # out of the pools still open; elsewhere the row stays, without its account (the draw was published)
        open_ids = sa.select(models.Lottery.id).where(models.Lottery.status == models.OPEN)
        db.session.execute(
            sa.delete(models.Volunteer).where(
                models.Volunteer.user_id == user.id, models.Volunteer.lottery_id.in_(open_ids)
            )
        )
        db.session.execute(
            sa.update(models.Volunteer)
            .where(models.Volunteer.user_id == user.id)
            .values(user_id=None, answers={})
        )

    personal_data.register_exporter("lotteries", export_rows)
    personal_data.register_eraser("lotteries", erase_rows)


_register()
