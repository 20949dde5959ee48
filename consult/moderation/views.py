"""Moderation views: the report form, the moderators' queue and item page, the public log, blocks
and notes."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from consult.accounts.forms import ConfirmForm
from consult.accounts.models import User
from consult.core import targets
from consult.core.pagination import paginate
from consult.core.policy import require
from consult.core.rendering import redirect_to, render, safe_next, submit
from consult.extensions import db
from consult.moderation import bp
from consult.moderation import services as moderation
from consult.moderation.forms import BlockForm, HideForm, NoteForm, ReportForm, RestoreForm, reason_choices
from consult.moderation.models import FactCheckNote
from consult.notifications.labels import label_of, type_label, url_of


def _load_target(target_type: str, target_id: int):
    target = targets.resolve(target_type, target_id)
    if target is None:
        abort(404)
    return target


def _item_url(target) -> str:
    target_type, target_id = targets.ref(target)
    return url_for("moderation.item", target_type=target_type, target_id=target_id)


@bp.route("/report/<target_type>/<int:target_id>", methods=["GET", "POST"])
def report(target_type, target_id):
    """Report content to the moderators (once per person and item, never one's own)."""
    target = _load_target(target_type, target_id)
    require("moderation.report", target)
    form = ReportForm()
    back = safe_next(form.next.data, url_of(target) or url_for("core.home"))

    def page(status):
        if not form.is_submitted():
            form.next.data = safe_next(url_of(target), "")
        return render("moderation/report.html", form=form, target=target, label=label_of(target), back=back,
                      kind=type_label(target_type), status=status)

    return submit(form, lambda: moderation.report(current_user, target, form.reason.data,
                                                  form.note.data or ""),
                  success=_("Thank you. The moderators will look at it."), done=back, page=page)


@bp.route("/moderation")
def queue():
    """The moderators' queue: content with open reports, most reported first."""
    require("moderation.moderate")
    return render("moderation/queue.html", items=moderation.queue(), label_of=label_of, type_label=type_label)


@bp.route("/moderation/log")
def log():
    """The public moderation log: what was hidden or restored, when and why — never who reported."""
    page = paginate(moderation.log_query(), per_page=50)
    objects = moderation.resolve_many({(e.target_type, e.target_id) for e in page.items})
    return render("moderation/log.html", page=page, objects=objects, type_label=type_label)


@bp.route("/moderation/item/<target_type>/<int:target_id>")
def item(target_type, target_id):
    """One reported or hidden item, with what moderators can do about it."""
    target = _load_target(target_type, target_id)
    require("moderation.moderate", target)
    return _item_page(target)


def _item_page(target, *, hide_form=None, restore_form=None, note_form=None, block_form=None, status=200):
    author_id = getattr(target, "author_id", None)
    author = db.session.get(User, author_id) if author_id else None
    return render("moderation/item.html", target=target, label=label_of(target),
                  kind=type_label(targets.type_of(target)), reports=moderation.open_reports(target),
                  notes=moderation.notes_for(target), author=author, can_hide=moderation.can_hide(target),
                  hide_form=hide_form or HideForm(formdata=None),
                  restore_form=restore_form or RestoreForm(formdata=None),
                  note_form=note_form or NoteForm(formdata=None),
                  block_form=block_form or BlockForm(formdata=None),
                  reason_labels=dict(reason_choices()),
                  status=status)


def _item_form(target_type: str, target_id: int, form_class, slot: str, work, success: str):
    """A form of the item page: load the item, ask ``moderation.moderate``, ``work(target, form)``, then the
    item page; refused, the page with the form (in ``slot``) and its errors."""
    target = _load_target(target_type, target_id)
    require("moderation.moderate", target)
    form = form_class()
    return submit(form, lambda: work(target, form), success=success, done=_item_url(target),
                  page=lambda status: _item_page(target, status=status, **{slot: form}))


@bp.route("/moderation/item/<target_type>/<int:target_id>/hide", methods=["POST"])
def hide(target_type, target_id):
    """Hide content with a public reason."""
    return _item_form(target_type, target_id, HideForm, "hide_form",
                      lambda target, form: moderation.hide(target, current_user, form.reason.data),
                      _("The content is hidden."))


@bp.route("/moderation/item/<target_type>/<int:target_id>/restore", methods=["POST"])
def restore(target_type, target_id):
    """Show hidden content again."""
    return _item_form(target_type, target_id, RestoreForm, "restore_form",
                      lambda target, form: moderation.restore(target, current_user, form.reason.data or ""),
                      _("The content is shown again."))


@bp.route("/moderation/item/<target_type>/<int:target_id>/dismiss", methods=["POST"])
def dismiss(target_type, target_id):
    """The reports were unfounded: close them (content hidden by reports alone is shown again)."""
    target = _load_target(target_type, target_id)
    require("moderation.moderate", target)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    moderation.dismiss_reports(target, current_user)
    flash(_("The reports are dismissed."), "success")
    return redirect_to(url_for("moderation.queue"))


@bp.route("/moderation/item/<target_type>/<int:target_id>/notes", methods=["POST"])
def add_note(target_type, target_id):
    """Attach a fact-check note with its sources."""
    return _item_form(target_type, target_id, NoteForm, "note_form",
                      lambda target, form: moderation.add_note(target, current_user, form.body.data,
                                                               moderation.parse_sources(form.sources.data)),
                      _("The fact-check note is published."))


@bp.route("/moderation/notes/<int:note_id>/delete", methods=["POST"])
def remove_note(note_id):
    """Remove a fact-check note."""
    note = db.session.get(FactCheckNote, note_id)
    if note is None:
        abort(404)
    require("moderation.moderate", note)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    target = targets.resolve(note.target_type, note.target_id)
    moderation.remove_note(note, current_user)
    flash(_("The fact-check note is removed."), "success")
    return redirect_to(_item_url(target) if target is not None else url_for("moderation.queue"))


@bp.route("/moderation/people/<int:user_id>/block", methods=["POST"])
def block(user_id):
    """Block a person: they keep reading, but can no longer contribute."""
    return _person_button(user_id, BlockForm, lambda person, form: moderation.block(
        person, current_user, form.reason.data or ""), _l("%(name)s is blocked."))


@bp.route("/moderation/people/<int:user_id>/unblock", methods=["POST"])
def unblock(user_id):
    """Lift a block."""
    return _person_button(user_id, ConfirmForm, lambda person, _form: moderation.unblock(
        person, current_user), _l("%(name)s can take part again."))


def _person_button(user_id: int, form_class, work, message):
    """Block or unblock: load the person, ask ``moderation.moderate``, check the form (400),
    ``work(person, form)``, then the message (naming the person) and back where the button was."""
    person = db.get_or_404(User, user_id)
    require("moderation.moderate", person)
    form = form_class()
    if not form.validate_on_submit():
        abort(400)
    work(person, form)
    flash(message % {"name": person.public_name}, "success")
    return redirect_to(safe_next(form.next.data, url_for("moderation.queue")))
