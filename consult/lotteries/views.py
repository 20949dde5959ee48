"""Pages of civic lotteries.

Each view: load (404) → authorize with ``require`` → validate (422) → service → render or redirect (303).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from consult.core.models import get_or_404 as _get_or_404
from consult.core.policy import can, require
from consult.core.rendering import render, submit
from consult.extensions import db
from consult.lotteries import bp, creation, drawing, invitations, pools, replacing, seating
from consult.lotteries.forms import CategoryForm, DrawForm, LotteryForm, ReplyForm, join_form, quota_form
from consult.lotteries.models import ACCEPTED, DECLINED, OWNER_TYPES, Lottery
from consult.lotteries.policies import OwnerRef, forget_rows, volunteer_of


def get_or_404(model, ident):
    if not 0 < ident <= 2**31 - 1:
        abort(404)
    return _get_or_404(model, ident)


def owner_link(owner_type: str, owner_id: int) -> tuple[str, str | None]:
    """The owner's name and page (one query)."""
    from consult.core import targets

    obj = targets.resolve(owner_type, owner_id)
    if obj is None:
        return _("(removed)"), None
    name = getattr(obj, "title", None) or getattr(obj, "name", None) or str(owner_id)
    endpoints = {
        "debate": ("debates.show", "debate_id"),
        "process": ("processes.show", "process_id"),
        "council": ("councils.show", "slug"),
    }
    endpoint, arg = endpoints[owner_type]
    try:
        link = url_for(endpoint, **{arg: obj.slug if arg == "slug" else obj.id})
    except Exception:  # noqa: BLE001 - a page the owner module may not have
        link = None
    return name, link


@bp.route("/lotteries/")
def index():
    """Every lottery, the newest first."""
    lotteries = db.session.scalars(
        sa.select(Lottery).order_by(Lottery.pool_closes_at.desc(), Lottery.id.desc()).limit(200)
    ).all()
    return render("lotteries/index.html", lotteries=lotteries)


def _rules():
    from consult.residency.models import EligibilityRule

    return [SelectChoice(0, _("Any verified resident"))] + [
        SelectChoice(r.id, r.name)
        for r in db.session.scalars(sa.select(EligibilityRule).order_by(EligibilityRule.name))
    ]


@bp.route("/lotteries/new/<any(debate, process, council):owner_type>/<int:owner_id>", methods=["GET", "POST"])
def create(owner_type, owner_id):
    """An organiser of the owner creates a lottery for it."""
    if owner_type not in OWNER_TYPES:
        abort(404)
    owner_name, owner_url = owner_link(owner_type, owner_id)
    if owner_url is None:
        abort(404)
    require("lottery.create", OwnerRef(owner_type, owner_id))
    form = LotteryForm()
    form.eligibility_rule_id.choices = _rules()
    return submit(
        form,
        lambda: creation.create_lottery(
            title=form.title.data,
            description=form.description.data or "",
            owner_type=owner_type,
            owner_id=owner_id,
            seats=form.seats.data,
            pool_opens_at=form.pool_opens_at.data,
            pool_closes_at=form.pool_closes_at.data,
            draw_at=form.draw_at.data,
            random_source=form.random_source.data,
            commitment=form.commitment.data,
            eligibility_rule_id=form.eligibility_rule_id.data or None,
            by=current_user,
        ),
        success=_("The lottery is created. Set its quotas now."),
        done=lambda lottery: url_for("lotteries.manage", lottery_id=lottery.id),
        page="lotteries/new.html",
        owner_name=owner_name,
        owner_url=owner_url,
    )


def _show(lottery, status=200, **forms):
    row = volunteer_of(current_user, lottery)
    forms.setdefault("join_form", join_form(lottery) if lottery.status == "open" else None)
    forms.setdefault("reply_form", ReplyForm())
    counts = (
        pools.pool_counts(lottery) if lottery.status != "open" or can("lottery.see_pool", lottery) else {}
    )
    return render("lotteries/show.html", "lotteries/_pool.html", status=status, row=row, counts=counts,
                  **_lottery_context(lottery), **forms)


@bp.route("/lotteries/<int:lottery_id>")
def show(lottery_id):
    """The public page: calendar, quotas, the pool, the draw and how to check it, the panel."""
    lottery = get_or_404(Lottery, lottery_id)
    require("lottery.view", lottery)
    return _show(lottery)


@bp.route("/lotteries/<int:lottery_id>/join", methods=["POST"])
def join(lottery_id):
    """A resident joins the pool, answering the organisers' questions or not."""
    lottery = get_or_404(Lottery, lottery_id)
    require("lottery.join", lottery)
    form = join_form(lottery)
    given = {name: field.data for name, field in form._fields.items() if name.startswith("q")}

    def action():
        row = pools.join(lottery, current_user, given)
        forget_rows()
        return row

    return submit(
        form,
        action,
        success=_("You are in the pool. You can leave it until it closes."),
        done=url_for("lotteries.show", lottery_id=lottery.id),
        page=lambda status: _show(lottery, status=status, join_form=form),
    )


@bp.route("/lotteries/<int:lottery_id>/leave", methods=["POST"])
def leave(lottery_id):
    """A volunteer leaves the pool before it closes (their row is deleted)."""
    lottery = get_or_404(Lottery, lottery_id)
    require("lottery.leave", lottery)
    return submit(
        None,
        lambda: pools.leave(lottery, current_user),
        success=_("You left the pool. Nothing of your answers is kept."),
        done=url_for("lotteries.show", lottery_id=lottery.id),
    )


@bp.route("/lotteries/<int:lottery_id>/reply", methods=["POST"])
def reply(lottery_id):
    """A drawn volunteer accepts or declines the seat."""
    lottery = get_or_404(Lottery, lottery_id)
    require("lottery.reply", lottery)
    form = ReplyForm()
    return submit(
        form,
        lambda: invitations.reply(lottery, current_user, form.answer.data == "accept"),
        success=lambda row: (
            _("Thank you: you accepted the seat.")
            if row.reply == ACCEPTED
            else _("Thank you for your answer: your seat goes to another volunteer.")
        ),
        done=url_for("lotteries.show", lottery_id=lottery.id),
        page=lambda status: _show(lottery, status=status, reply_form=form),
    )


def _manage(lottery, status=200, **forms):
    forms.setdefault("quota_form", quota_form(lottery))
    forms.setdefault("category_form", CategoryForm())
    forms.setdefault("draw_form", DrawForm())
    return render("lotteries/manage.html", "lotteries/_manage_state.html", status=status,
                  counts=pools.pool_counts(lottery),
                  to_replace=invitations.seats_to_replace(lottery) if lottery.status == "drawn" else 0,
                  **_lottery_context(lottery), **forms)


def _lottery_context(lottery) -> dict:
    """What the public page and the organisers' page both show: the owner, the pool's size, the panel."""
    owner_name, owner_url = owner_link(lottery.owner_type, lottery.owner_id)
    panel = invitations.panel_rows(lottery) if lottery.status in ("drawn", "final") else []
    return {
        "lottery": lottery, "owner_name": owner_name, "owner_url": owner_url, "panel": panel,
        "drawn_counts": invitations.panel_counts(lottery, panel),
        "pool_size": len(lottery.draw_input["pool"]) if lottery.draw_input else pools.pool_size(lottery),
        "category_name": creation.category_name, "value_name": creation.value_name,
        "ACCEPTED": ACCEPTED, "DECLINED": DECLINED,
    }


@bp.route("/lotteries/<int:lottery_id>/manage")
def manage(lottery_id):
    """The organisers' page: quotas, questions, closing the pool, the draw, invitations, seating."""
    lottery = get_or_404(Lottery, lottery_id)
    require("lottery.manage", lottery)
    return _manage(lottery)


@bp.route("/lotteries/<int:lottery_id>/quotas", methods=["POST"])
def quotas(lottery_id):
    lottery = get_or_404(Lottery, lottery_id)
    require("lottery.set_quotas", lottery)
    form = quota_form(lottery, formdata=request.form)

    def action():
        values = {}
        for category in lottery.categories:
            for value in category.values:
                values[value.id] = (form[f"min_{value.id}"].data, form[f"max_{value.id}"].data)
        return creation.set_quotas(lottery, values, by=current_user)

    return submit(
        form,
        action,
        success=_("The quotas are saved."),
        done=url_for("lotteries.manage", lottery_id=lottery.id),
        page=lambda status: _manage(lottery, status=status, quota_form=form),
    )


@bp.route("/lotteries/<int:lottery_id>/categories", methods=["POST"])
def add_category(lottery_id):
    lottery = get_or_404(Lottery, lottery_id)
    require("lottery.set_quotas", lottery)
    form = CategoryForm()
    return submit(
        form,
        lambda: creation.add_category(
            lottery,
            name=form.name.data,
            reason=form.reason.data,
            values=(form.values.data or "").splitlines(),
            by=current_user,
        ),
        success=_("The question is added. Volunteers may answer it or not."),
        done=url_for("lotteries.manage", lottery_id=lottery.id),
        page=lambda status: _manage(lottery, status=status, category_form=form),
    )


@bp.route("/lotteries/<int:lottery_id>/close", methods=["POST"])
def close(lottery_id):
    """Close the pool: its anonymised input and digest are published."""
    return _organiser_step(lottery_id, "lottery.close_pool", pools.close_pool,
                           _("The pool is closed and its digest is published."), done="lotteries.manage")


@bp.route("/lotteries/<int:lottery_id>/draw", methods=["POST"])
def draw(lottery_id):
    """The organiser types the revealed public value; the panel is drawn and invited."""
    lottery = get_or_404(Lottery, lottery_id)
    require("lottery.draw", lottery)
    form = DrawForm()
    return submit(
        form,
        lambda: drawing.reveal(lottery, form.revealed_value.data, by=current_user),
        success=_("The value is recorded. The panel is being drawn; the drawn volunteers are invited as soon "
                  "as it is done."),
        done=url_for("lotteries.manage", lottery_id=lottery.id),
        page=lambda status: _manage(lottery, status=status, draw_form=form),
    )


@bp.route("/lotteries/<int:lottery_id>/replace", methods=["POST"])
def replace(lottery_id):
    """Draw the replacements of those who declined, keeping the quotas."""
    return _organiser_step(lottery_id, "lottery.invite", replacing.request_replacement,
                           _("The replacements are being drawn; they are invited as soon as it is done."),
                           done="lotteries.manage")


@bp.route("/lotteries/<int:lottery_id>/seat", methods=["POST"])
def seat(lottery_id):
    """Seat the panel on its owner; the data no longer needed is deleted."""
    return _organiser_step(lottery_id, "lottery.seat", seating.seat, _("The panel is seated."),
                           done="lotteries.show")


def _organiser_step(lottery_id, rule: str, action, success: str, *, done: str):
    """A step of the organisers that takes no form (close the pool, replace, seat): load, authorize, act."""
    lottery = get_or_404(Lottery, lottery_id)
    require(rule, lottery)
    return submit(None, lambda: action(lottery, by=current_user), success=success,
                  done=url_for(done, lottery_id=lottery.id))
