"""The agenda's pages and buttons: add, edit, move and remove items (with the proposal picker), attach and
download documents, the secretary's notes and times on an item, and its list of speakers."""

from __future__ import annotations

from flask import abort, flash, request, send_file, url_for
from flask_babel import gettext as _

from consult.core.errors import DomainError
from consult.core.policy import require
from consult.core.rendering import redirect_to, render, submit, wants_fragment
from consult.extensions import db
from consult.meetings import bp, picker
from consult.meetings import services as meetings
from consult.meetings.forms import (
    AttachmentForm,
    ItemForm,
    MoveForm,
    NotesForm,
    ProposalSearchForm,
    SpeakerForm,
)
from consult.meetings.models import AgendaItem, Attachment, CouncilSession
from consult.meetings.views.common import actor, load_item, page_context, session_url


def item_form(session, item=None, formdata=None, top_items=None):
    """The item form; its proposals are what was posted, what the picker's search carries (``proposal_ids`` in
    the query string), or the item's links. Their choices are set here (one query), before any validation."""
    form = ItemForm(formdata=formdata, obj=item) if item is not None else ItemForm(formdata=formdata)
    top_items = session.top_items if top_items is None else top_items
    form.parent_id.choices = [("", _("Main item"))] + [
        (str(i.id), _("Under: %(title)s", title=i.title))
        for i in top_items if item is None or i.id != item.id]
    if item is not None:
        del form.parent_id  # an item keeps its place in the tree; it moves with the up/down buttons
    linked = [link.proposal_id for link in item.proposal_links] if item is not None else []
    field = form.proposal_ids
    if formdata is None and request.method == "GET":
        if wants_fragment() or "proposal_ids" in request.args:  # the picker's search says what is checked
            field.process_formdata(request.args.getlist("proposal_ids"))
        else:
            field.data = list(linked)
    rows, _refused = picker.chosen(field.data or [], already_linked=linked)
    field.choices = [(row.id, row.title) for row in rows]
    form.chosen_proposals = rows
    return form


def picker_context(session, form, url: str, suggest: bool = True) -> dict:
    """What the picker shows under the item form: the chosen proposals (checked), then those found by the
    search in the query string (``proposal_q``) or, without one and with ``suggest``, the council's qualified
    proposals (one query)."""
    search = ProposalSearchForm(request.args if request.method == "GET" else None)
    query = search.proposal_q.data if request.method == "GET" and search.validate() else None
    chosen = form.chosen_proposals
    offered = picker.find(query, session.council_id, exclude=[row.id for row in chosen] + list(
        form.proposal_ids.data or ())) if query or suggest else []
    return {"search_form": search, "picker_url": url, "picker_query": query or "", "chosen_proposals": chosen,
            "offered_proposals": offered}


def _item_page(session, item, form, status=200):
    """The item form page; for htmx (the picker's search) the list of proposals to check only."""
    url = (url_for("meetings.edit_item", item_id=item.id) if item is not None
           else url_for("meetings.add_item", session_id=session.id))
    return render("meetings/item_form.html", "meetings/_proposal_options.html", form=form,
                  session=session, item=item, status=status, **picker_context(session, form, url))


@bp.route("/sessions/<int:session_id>/items", methods=["GET", "POST"])
def add_item(session_id):
    """Add an agenda item (main item or sub-item). The page (GET) is also where the proposal picker's search
    lands without JavaScript; for htmx it answers with the proposals found."""
    session = db.get_or_404(CouncilSession, session_id)
    require("session.manage", session)
    if request.method == "GET":
        return _item_page(session, None, item_form(session))
    form = item_form(session, formdata=request.form)

    def add():
        parent = db.session.get(AgendaItem, int(form.parent_id.data)) if form.parent_id.data else None
        return meetings.add_item(session, title=form.title.data, description=form.description.data,
                                 kind=form.kind.data, duration_minutes=form.duration_minutes.data,
                                 presenter=form.presenter.data, parent=parent,
                                 proposal_ids=form.proposal_ids.data or [], by=actor())

    return submit(form, add,
                  success=_("The item has been added to the agenda."), done=session_url(session, "agenda"),
                  page=lambda status: _item_page(session, None, form, status=status),
                  status=lambda _refusal: 409 if session.is_closed else 422)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id):
    """Change an agenda item (not once the session is closed). For htmx, a GET answers with the proposals the
    picker's search found."""
    item = load_item(item_id)
    session = item.session
    require("session.manage", session)
    form = item_form(session, item, formdata=request.form if request.method == "POST" else None)
    return submit(form, lambda: meetings.update_item(
                      item, title=form.title.data, description=form.description.data, kind=form.kind.data,
                      duration_minutes=form.duration_minutes.data, presenter=form.presenter.data,
                      proposal_ids=form.proposal_ids.data or []),
                  success=_("The item has been saved."), done=session_url(session, "agenda"),
                  page=lambda status: _item_page(session, item, form, status=status),
                  status=lambda refusal: refusal.status_code if refusal is not None else 422)


@bp.route("/items/<int:item_id>/move", methods=["POST"])
def move_item(item_id):
    """Move an item up or down among its siblings; htmx gets the agenda back, others a redirect."""
    item = load_item(item_id)
    session = item.session
    require("session.manage", session)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    meetings.move_item(item, form.direction.data)
    if wants_fragment():
        return render("meetings/_agenda.html", **page_context(session))
    return redirect_to(session_url(session, f"item-{item.id}"))


@bp.route("/items/<int:item_id>/delete", methods=["POST"])
def delete_item(item_id):
    item = load_item(item_id)
    session = item.session
    require("session.manage", session)
    meetings.delete_item(item)
    flash(_("The item has been removed from the agenda."), "success")
    return redirect_to(session_url(session, "agenda"))


@bp.route("/items/<int:item_id>/attachments", methods=["POST"])
def add_attachment(item_id):
    """Attach a PDF or an image (type checked from the content, size limited)."""
    item = load_item(item_id)
    require("session.manage", item.session)
    form = AttachmentForm()
    return submit(form, lambda: meetings.add_attachment(item, form.file.data.read(), form.file.data.filename),
                  success=_("The document has been attached."),
                  done=session_url(item.session, f"item-{item.id}"),
                  page="meetings/attachment_form.html", item=item, session=item.session,
                  status=lambda _refusal: 409 if item.session.is_closed else 422)


@bp.route("/attachments/<int:attachment_id>")
def attachment(attachment_id):
    """Download an attachment under its clean name, with the type found at upload."""
    attached = db.get_or_404(Attachment, attachment_id)
    item = db.session.get(AgendaItem, attached.item_id)
    require("session.view", item.session)
    path = meetings.attachment_path(attached)
    if not path.exists():
        abort(404)
    inline = attached.content_type != "application/pdf" or request.args.get("view") == "1"
    response = send_file(path, mimetype=attached.content_type, as_attachment=not inline,
                         download_name=attached.filename)
    if inline:
        response.headers["Content-Disposition"] = f'inline; filename="{attached.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/items/<int:item_id>/progress", methods=["POST"])
def item_progress(item_id):
    """The secretary's notes on an item, and its start and end times."""
    item = load_item(item_id)
    require("session.manage", item.session)
    form = NotesForm()
    if not form.validate_on_submit():
        abort(400)
    meetings.record_item_progress(item, notes=form.notes.data, action=form.action.data or None)
    flash(_("Saved."), "success")
    return redirect_to(session_url(item.session, f"item-{item.id}"))


@bp.route("/items/<int:item_id>/speakers", methods=["POST"])
def add_speaker(item_id):
    """Add a speaker to the item's list, in order."""
    item = load_item(item_id)
    require("session.manage", item.session)
    form = SpeakerForm()
    if form.validate_on_submit():
        meetings.add_speaker(item, form.name.data)
        return redirect_to(session_url(item.session, f"item-{item.id}"))
    raise DomainError(_("Please write the speaker's name."), field="name")
