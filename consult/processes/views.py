"""Process pages: the list, one process with its phases and themes, and the admin forms."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.models import get_or_404
from consult.core.policy import require
from consult.core.rendering import redirect_to, render, submit
from consult.extensions import db
from consult.processes import bp
from consult.processes import services as processes
from consult.processes.forms import PhaseForm, ProcessForm
from consult.processes.models import DEFAULT_CAPABILITIES, Phase, Process
from consult.residency.models import EligibilityRule


@bp.route("/processes")
def index():
    """Every process, newest first, with its active phase."""
    require("process.view")
    items = db.session.scalars(sa.select(Process)
                               .order_by(Process.created_at.desc(), Process.id.desc())).all()
    return render("processes/index.html", processes=items)


@bp.route("/processes/<int:process_id>")
def show(process_id):
    """One process: description, phases with dates, themes, districts, who can take part."""
    process = get_or_404(Process, process_id)
    require("process.view", process)
    return render("processes/show.html", process=process)


def _values(form: ProcessForm) -> dict:
    rule_id = form.eligibility_rule.data or None
    return dict(title=form.title.data, description=form.description.data or "", themes=form.theme_names(),
                district_ids=form.districts.data or [],
                rule=db.session.get(EligibilityRule, rule_id) if rule_id else None,
                support_threshold=form.support_threshold.data, council_id=form.council_id.data)


@bp.route("/processes/new", methods=["GET", "POST"])
def create():
    """Admins create a process (then add its phases)."""
    require("process.manage")
    form = ProcessForm()
    if request.method == "GET":
        form.support_threshold.data = 50
    return submit(form, lambda: processes.create_process(actor=current_user, **_values(form)),
                  success=_("The process is created. Now add its phases."),
                  done=lambda process: url_for("processes.edit", process_id=process.id),
                  page="processes/edit.html", process=None)


@bp.route("/processes/<int:process_id>/edit", methods=["GET", "POST"])
def edit(process_id):
    """Admins change a process's settings; its phases are listed with their own forms."""
    process = get_or_404(Process, process_id)
    require("process.manage", process)
    form = ProcessForm(obj=None if request.method == "POST" else process)
    if request.method == "GET":
        form.themes.data = "\n".join(t.name for t in process.themes)
        form.districts.data = [d.id for d in process.districts]
        form.eligibility_rule.data = process.eligibility_rule_id or 0
    return submit(form, lambda: processes.update_process(process, actor=current_user, **_values(form)),
                  success=_("The process is saved."), done=url_for("processes.edit", process_id=process.id),
                  page="processes/edit.html", process=process)


@bp.route("/processes/<int:process_id>/phases/new", methods=["GET", "POST"])
@bp.route("/processes/<int:process_id>/phases/<int:phase_id>", methods=["GET", "POST"])
def phase(process_id, phase_id=None):
    """Admins add or change a phase. Dates are typed in local time and stored in UTC."""
    process = get_or_404(Process, process_id)
    require("process.manage", process)
    item = None
    if phase_id is not None:
        item = db.session.get(Phase, phase_id)
        if item is None or item.process_id != process.id:
            abort(404)
    form = PhaseForm()
    if request.method == "GET":
        if item is not None:
            form.kind.data = item.kind
            # UTC, shown on the local clock
            form.starts_at.data, form.ends_at.data = item.starts_at, item.ends_at
            form.capabilities.data = list(item.capabilities or [])
        else:
            form.capabilities.data = DEFAULT_CAPABILITIES["proposals"]
            form.kind.data = "proposals"

    def save():
        values = dict(kind=form.kind.data, starts_at=form.starts_at.data, ends_at=form.ends_at.data,  # UTC
                      capabilities=form.capabilities.data or [])
        if item is None:
            return processes.add_phase(process, actor=current_user, **values)
        return processes.update_phase(item, actor=current_user, **values)

    return submit(form, save, success=_("The phase is saved."),
                  done=url_for("processes.edit", process_id=process.id),
                  page="processes/phase.html", process=process, phase=item)


@bp.route("/processes/<int:process_id>/phases/<int:phase_id>/delete", methods=["POST"])
def delete_phase(process_id, phase_id):
    """Admins remove a phase."""
    process = get_or_404(Process, process_id)
    require("process.manage", process)
    item = db.session.get(Phase, phase_id)
    if item is None or item.process_id != process.id:
        abort(404)
    processes.delete_phase(item, actor=current_user)
    flash(_("The phase is removed."), "success")
    return redirect_to(url_for("processes.edit", process_id=process.id))
