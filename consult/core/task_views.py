"""The administrators' page of failed tasks (``/admin/tasks``): run one again, or discard it.

It names each task, when it failed, how many attempts it had and the class of its last error; never its
arguments, a message's address or its body.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput

from consult.core import bp, tasks
from consult.core.forms import BaseForm
from consult.core.pagination import paginate
from consult.core.policy import is_admin, is_signed_in, policies, require
from consult.core.rendering import render, submit

policies.register("tasks.manage", is_signed_in & is_admin)


class FailedTaskForm(BaseForm):
    failure_id = IntegerField(_l("Failed task"), widget=HiddenInput(),
                              validators=[InputRequired(), NumberRange(min=1)])


def _page(status=200, form=None):
    page = paginate(tasks.failures_query(), per_page=50)
    return render("core/failed_tasks.html", page=page, form=form or FailedTaskForm(formdata=None),
                  status=status)


@bp.route("/admin/tasks")
def failed_tasks():
    """Tasks whose last attempt failed, newest first."""
    require("tasks.manage")
    return _page()


def _on_failure(service, success: str):
    """A button of one failed task: ``service(failure)``, then back to the list."""
    require("tasks.manage")
    form = FailedTaskForm()
    return submit(form, lambda: service(tasks.get_failure(form.failure_id.data)), success=success,
                  done=url_for("core.failed_tasks"), refused_to=url_for("core.failed_tasks"),
                  page=lambda status: _page(status, form))


@bp.route("/admin/tasks/retry", methods=["POST"])
def retry_task():
    """Run a failed task again (its retries anew)."""
    return _on_failure(tasks.retry_failure, _("The task is queued again."))


@bp.route("/admin/tasks/discard", methods=["POST"])
def discard_task():
    """Forget a failed task (a message that could not be sent is dropped)."""
    return _on_failure(tasks.discard_failure, _("The task is discarded."))
