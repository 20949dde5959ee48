"""Minutes pages: the public document and its exports, and the officers' editing and approval steps.

Each view: load (404) → authorize with ``require`` → validate (422) → service → render or redirect (303).
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import abort, current_app, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import defer, joinedload

from consult.accounts.models import User
from consult.core.models import get_or_404 as _get_or_404
from consult.core.pagination import paginate
from consult.core.policy import require
from consult.core.rendering import redirect_to, render
from consult.core.rendering import submit as submit_form  # ``submit`` is the secretary's step here
from consult.core.routing import row_id
from consult.core.text import render_markdown
from consult.extensions import db
from consult.minutes import bp, export, pdf_files, queries, services
from consult.minutes.forms import ApprovalModeForm, ApproveForm, EditForm, TranslateForm
from consult.minutes.models import Minutes


def get_or_404(model, ident):
    """Load by id or 404; ids beyond PostgreSQL's integer range are simply not found."""
    if not 0 < ident <= 2**31 - 1:
        abort(404)
    return _get_or_404(model, ident)


def _shown(minutes_id) -> Minutes:
    """The minutes for their page: the record snapshot (JSON) loads only if asked, the approver
    without grants."""
    if not 0 < minutes_id <= 2**31 - 1:
        abort(404)
    minutes = db.session.scalar(_shown_statement(), {"id": minutes_id})
    return minutes if minutes is not None else abort(404)


@functools.cache
def _shown_statement() -> sa.Select:
    return sa.select(Minutes).where(Minutes.id == sa.bindparam("id")).options(
        defer(Minutes.record), joinedload(Minutes.approved_by).lazyload(User.grants))


def _page_context(minutes: Minutes, mode_form: ApprovalModeForm | None = None) -> dict:
    if mode_form is None:
        mode_form = ApprovalModeForm(formdata=None, data={"mode": minutes.approval_mode})
    corrections, translations = services.related_of(minutes)
    return dict(
        minutes=minutes,
        mode_form=mode_form,
        corrections=corrections,
        translations=translations,
        direction=export.direction_of(minutes.language),
    )


@bp.route("/minutes/")
def index():
    """Published minutes, newest first; officers also see the minutes waiting for them."""
    page = paginate(queries.published())
    waiting_query = queries.waiting_for(current_user)
    waiting = list(db.session.scalars(waiting_query)) if waiting_query is not None else []
    return render("minutes/index.html", "minutes/_list.html", page=page, waiting=waiting)


@bp.route("/minutes/<int:minutes_id>")
def show(minutes_id):
    """The minutes as a web page: public once published, otherwise for the officers."""
    minutes = _shown(minutes_id)
    require("minutes.view", minutes)
    return render("minutes/show.html", approve_form=ApproveForm(), translate_form=_translate_form(minutes),
                  **_page_context(minutes))


def _translate_form(minutes: Minutes) -> TranslateForm:
    form = TranslateForm()
    form.language.choices = [(code, name) for code, name in current_app.config["LANGUAGES"].items()
                             if code != minutes.language]
    return form


@bp.route("/minutes/<int:minutes_id>/edit", methods=["GET", "POST"])
def edit(minutes_id):
    """Edit the draft in Markdown; "Preview" shows the result without saving (works without JavaScript)."""
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.edit", minutes)
    form = EditForm()
    if request.method == "GET":
        form.body.data = minutes.body
        form.base.data = str(minutes.revision_count)
    if request.method == "POST" and form.preview.data:
        return render("minutes/edit.html", form=form, preview=render_markdown(form.body.data or ""),
                      **_page_context(minutes))

    def save():
        base = int(form.base.data) if (form.base.data or "").isdecimal() else None
        try:
            return services.save_revision(minutes, form.body.data, author=current_user, note=form.note.data,
                                          base=base)
        finally:  # after a refusal, the next save is a deliberate one over the latest
            form.base.data = str(minutes.revision_count)

    return submit_form(form, save, done=url_for("minutes.show", minutes_id=minutes.id),
                       success=lambda revision: _("Revision %(number)s saved.", number=revision.number),
                       page=lambda status: render("minutes/edit.html", form=form, preview=None, status=status,
                                                  **_page_context(minutes)))


@bp.route("/minutes/<int:minutes_id>/preview", methods=["POST"])
def preview(minutes_id):
    """The live preview (htmx): the Markdown as it will be shown, nothing saved."""
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.edit", minutes)
    body = (EditForm().body.data or "")[: services.MAX_BODY]
    return render("minutes/_preview.html", "minutes/_preview.html", preview=render_markdown(body),
                  minutes=minutes, direction=export.direction_of(minutes.language))


def _step(minutes_id, action, service, message, **kwargs):
    minutes = get_or_404(Minutes, minutes_id)
    require(action, minutes)
    result = service(minutes, actor=current_user, **kwargs)
    flash(message, "success")
    return redirect_to(url_for("minutes.show", minutes_id=(result or minutes).id))


@bp.route("/minutes/<int:minutes_id>/submit", methods=["POST"])
def submit(minutes_id):
    """The secretary submits the draft for approval."""
    return _step(minutes_id, "minutes.submit", services.submit, _("The minutes were submitted for approval."))


@bp.route("/minutes/<int:minutes_id>/return", methods=["POST"])
def return_to_draft(minutes_id):
    """Submitted minutes go back to the secretary."""
    return _step(minutes_id, "minutes.return", services.return_to_draft, _("The minutes are a draft again."))


def _page_form(minutes_id: int, rule: str, form_class, slot: str, work, success: str):
    """A form of the minutes' page: load, ask ``rule``, ``work(minutes, form)``, then the page; refused, the
    page with the form (in ``slot``) and its errors."""
    minutes = get_or_404(Minutes, minutes_id)
    require(rule, minutes)
    form = form_class()
    return submit_form(form, lambda: work(minutes, form), success=success,
                       done=url_for("minutes.show", minutes_id=minutes.id),
                       page=lambda status: _show_page(minutes, status, **{slot: form}))


@bp.route("/minutes/<int:minutes_id>/approve", methods=["POST"])
def approve(minutes_id):
    """The president approves, or an officer records the council's adopted motion."""
    return _page_form(minutes_id, "minutes.approve", ApproveForm, "approve_form", lambda minutes, form: (
        services.approve(minutes, actor=current_user, reference=form.reference.data)),
        _("The minutes are approved."))


@bp.route("/minutes/<int:minutes_id>/approval-mode", methods=["POST"])
def approval_mode(minutes_id):
    """The officers choose, before approval, whether the president or a council motion approves."""
    return _page_form(minutes_id, "minutes.set_approval_mode", ApprovalModeForm, "mode_form",
                      lambda minutes, form: services.set_approval_mode(minutes, form.mode.data,
                                                                       actor=current_user),
                      _("The approval rule is saved."))


@bp.route("/minutes/<int:minutes_id>/publish", methods=["POST"])
def publish(minutes_id):
    """Approved minutes become public; from now on they cannot change."""
    return _step(minutes_id, "minutes.publish", _publish, _("The minutes are published."))


def _publish(minutes, *, actor):
    services.publish(minutes, actor=actor)
    pdf_files.render_ahead(minutes)  # the PDF is made in the background, before most readers ask for it


@bp.route("/minutes/<int:minutes_id>/correct", methods=["POST"])
def correct(minutes_id):
    """Start (or continue) a correction of published minutes: a new draft linked to them."""
    return _step(minutes_id, "minutes.correct", services.start_correction,
                 _("A correction was started. It will be published after approval."))


@bp.route("/minutes/<int:minutes_id>/translate", methods=["POST"])
def translate(minutes_id):
    """Start (or continue) a translation of published minutes."""
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.translate", minutes)
    form = _translate_form(minutes)
    return submit_form(form, lambda: services.start_translation(minutes, form.language.data,
                                                                actor=current_user,
                                                                languages=current_app.config["LANGUAGES"]),
                       success=_("A translation was started."),
                       done=lambda translation: url_for("minutes.edit", minutes_id=translation.id),
                       page=lambda status: _show_page(minutes, status, translate_form=form))


def _show_page(minutes: Minutes, status: int, *, approve_form=None, mode_form=None, translate_form=None):
    """The minutes' page with one of its forms refused."""
    return render("minutes/show.html", approve_form=approve_form or ApproveForm(),
                  translate_form=translate_form or _translate_form(minutes), status=status,
                  **_page_context(minutes, mode_form))


@bp.route("/minutes/<int:minutes_id>/revisions")
def revisions(minutes_id):
    """Every revision (author, time), and a form to compare any two."""
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.view_revisions", minutes)
    return render("minutes/revisions.html", minutes=minutes, revisions=list(reversed(minutes.revisions)))


@bp.route("/minutes/<int:minutes_id>/diff")
def diff(minutes_id):
    """What changed between two revisions (``?from=1&to=3``), as an accessible table."""
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.view_revisions", minutes)
    old_number, new_number = row_id(request.args.get("from")), row_id(request.args.get("to"))
    if old_number is None or new_number is None:  # not whole numbers (or beyond any revision)
        abort(400)
    old, new = services.revision(minutes, old_number), services.revision(minutes, new_number)
    if old is None or new is None:
        abort(404)
    return render("minutes/diff.html", minutes=minutes, old=old, new=new,
                  hunks=services.diff(old.body, new.body))


# --- exports ----------------------------------------------------------------------------------------------


def _download(body, mimetype: str, filename: str, *, inline: bool = False):
    response = make_response(body)
    response.mimetype = mimetype
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@bp.route("/minutes/<int:minutes_id>/print")
def printable(minutes_id):
    """The standalone document, as printed and as sent to the PDF renderer."""
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.view", minutes)
    return export.document_html(minutes, corrections=services.corrections_of(minutes))


@bp.route("/minutes/<int:minutes_id>.pdf")
def pdf(minutes_id):
    """Printable PDF (local fonts only; right-to-left for Arabic)."""
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.view", minutes)
    data = pdf_files.pdf_of(minutes, services.corrections_of(minutes))
    return _download(data, "application/pdf", f"minutes-{minutes.id}.pdf", inline=True)


@bp.route("/minutes/<int:minutes_id>.md")
def markdown(minutes_id):
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.view", minutes)
    return _download(export.to_markdown(minutes), "text/markdown", f"minutes-{minutes.id}.md")


@bp.route("/minutes/<int:minutes_id>.json")
def as_json(minutes_id):
    """The document with the structured record it was drafted from."""
    minutes = get_or_404(Minutes, minutes_id)
    require("minutes.view", minutes)
    from flask import jsonify

    from consult.core.urls import external_url

    return jsonify(export.to_json(minutes, url=external_url("minutes.show", minutes_id=minutes.id)))


@bp.route("/minutes/feed.atom")
def feed():
    """Atom feed of published minutes (latest 50)."""
    from consult.minutes.feeds import minutes_feed

    items = list(db.session.scalars(queries.published().limit(50)))
    response = make_response(minutes_feed(items))
    response.mimetype = "application/atom+xml"
    return response
