"""Council pages. Each view: load, authorize, validate, call a service, render."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, request, url_for
from flask_babel import gettext as _

from consult.accounts.services import get_user_by_username
from consult.core import time
from consult.core.policy import can, require
from consult.core.rendering import render, submit
from consult.councils import bp, page
from consult.councils import services as councils
from consult.councils.forms import CouncilForm, MembershipForm, ParticipationForm
from consult.councils.models import Council, Membership
from consult.extensions import db


def _council(slug: str) -> Council:
    council = db.session.scalar(sa.select(Council).where(Council.slug == slug))
    if council is None:
        abort(404)
    return council


def _values(form: CouncilForm) -> dict:
    return {name: getattr(form, name).data for name in (
        "name", "slug", "purpose", "mandate", "composition", "contact", "quorum_rule", "quorum_percent",
        "quorum_number", "convocation_days")}


@bp.route("/councils/")
def index():
    """All councils of the platform (public)."""
    require("council.view")
    return render("councils/index.html", councils=councils.list_councils())


@bp.route("/councils/new", methods=["GET", "POST"])
def create():
    """Create a council (admins)."""
    require("council.create")
    form = CouncilForm()
    if request.method == "GET":
        form.convocation_days.data = current_app.config.get("MEETINGS_CONVOCATION_DAYS", 5)
    return submit(form, lambda: councils.create_council(by=_actor(), **_values(form)),
                  success=_("The council has been created."),
                  done=lambda council: url_for("councils.show", slug=council.slug),
                  page="councils/form.html", council=None)


@bp.route("/councils/<slug>/")
def show(slug):
    """The council's public page: purpose, members, sessions, decisions, calendar feed."""
    council = _council(slug)
    require("council.view", council)
    officer = bool(can("council.manage_sessions", council))
    return render("councils/show.html", council=council, members=councils.active_memberships(council),
                  former=councils.past_memberships(council), officer=officer,
                  **page.context(council, officer=officer))


@bp.route("/councils/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    """Change the council's description and settings (admins)."""
    council = _council(slug)
    require("council.edit", council)
    form = CouncilForm(obj=council)
    return submit(form, lambda: councils.update_council(council, by=_actor(), **_values(form)),
                  success=_("The council has been saved."),
                  done=lambda _saved: url_for("councils.show", slug=council.slug),  # the slug may change
                  page="councils/form.html", council=council)


@bp.route("/councils/<slug>/participation", methods=["GET", "POST"])
def participation(slug):
    """Whether accounts not verified yet may comment and report in the council's processes (its president or
    secretary, and admins)."""
    council = _council(slug)
    require("council.set_participation", council)
    form = ParticipationForm(obj=council)
    return submit(form, lambda: councils.set_participation(
                      council, allow_unverified=form.allow_unverified.data, by=_actor()),
                  success=_("The settings have been saved."),
                  done=url_for("councils.show", slug=council.slug),
                  page="councils/participation.html", council=council)


@bp.route("/councils/<slug>/members", methods=["GET", "POST"])
def members(slug):
    """Seats and terms (admins): add a seat; overlapping terms of one person are refused."""
    council = _council(slug)
    require("council.manage_members", council)
    form = MembershipForm()

    def add_seat():
        return councils.add_membership(council, get_user_by_username(form.username.data), role=form.role.data,
                                       starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                       represents=form.represents.data, by=_actor())

    def page(status):
        return render("councils/members.html", council=council, form=form, status=status,
                      members=councils.active_memberships(council), former=councils.past_memberships(council),
                      future=_future(council))

    return submit(form, add_seat, success=_("The seat has been added."),
                  done=url_for("councils.members", slug=council.slug), page=page)


def _future(council):

    query = sa.select(Membership).where(Membership.council_id == council.id,
                                        Membership.starts_on > time.today())
    return list(db.session.scalars(query.order_by(Membership.starts_on)))


@bp.route("/councils/<slug>/members/<int:membership_id>/end", methods=["POST"])
def end_membership(slug, membership_id):
    """End a term today (it stays in the council's history)."""
    council = _council(slug)
    require("council.manage_members", council)
    membership = db.get_or_404(Membership, membership_id)
    if membership.council_id != council.id:
        abort(404)
    return submit(None, lambda: councils.end_membership(membership, by=_actor()),
                  success=_("The term has ended. It stays in the council's history."),
                  done=url_for("councils.members", slug=council.slug))


def _actor():
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None
