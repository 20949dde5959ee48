"""Proposal pages. Each view: load (404) → authorize (policy) → validate (422) → service → render/redirect."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, lazyload, selectinload

from consult.core.db import commit_now, short_write
from consult.core.forms import UNREADABLE
from consult.core.i18n import current_language
from consult.core.models import get_or_404
from consult.core.pagination import MAX_PER_PAGE
from consult.core.policy import can, require
from consult.core.rendering import redirect_to, render, submit, wants_fragment
from consult.core.routing import page_number, row_id
from consult.core.text import plain_excerpt, xml_text
from consult.extensions import db, limiter
from consult.geo.forms import place_picked
from consult.processes.models import Process
from consult.proposals import attachments, bp, cards, page, places, queries
from consult.proposals import services as proposals
from consult.proposals.forms import (
    AnswerForm,
    FilterForm,
    MergeForm,
    ProposalForm,
    TranslationForm,
    place_choices,
)
from consult.proposals.models import DRAFT, OPEN_STATES, PUBLIC_STATES, Proposal


def _limit():
    return limiter.limit(lambda: current_app.config.get("RATELIMIT_POST", "30 per minute"), methods=["POST"])


def _load(proposal_id: int) -> Proposal:
    proposal = queries.proposal_page(proposal_id)
    if proposal is None:
        abort(404)
    return proposal


SEARCH_MAX = 200


def _int_arg(name: str) -> int | None:
    return row_id(request.args.get(name))


def _filters() -> queries.Filters:
    """The list's filters from the query string, read the way ``FilterForm`` reads them (a value it would
    refuse filters nothing), without building the form: it is only rendered when its HTML is not cached."""
    q = (request.args.get("q") or "").strip()
    if len(q) > SEARCH_MAX or UNREADABLE in q or "\x00" in q:
        q = ""
    state = request.args.get("state")
    sort = request.args.get("sort")
    return queries.Filters(process_id=_int_arg("process_id"), theme_id=_int_arg("theme"),
                           district_id=_int_arg("district"), state=state if state in PUBLIC_STATES else None,
                           q=q or None, sort=sort if sort in queries.SORTS else "newest")


def _feed_url() -> str:
    args = {k: v for k, v in request.args.items() if k not in ("page", "sort") and v}
    return url_for("proposals.feed", **args)


def _filter_form(parts: cards.ListParts, feed_url: str, version=queries.NOT_READ):
    """The filter form's HTML (cached per choices' version, submitted values and language): ``version``, the
    choices' version when it came with the page's rows (else it is read here). The choices are read only to
    render the form; without a version (an emptied database) they are read, and are the key themselves."""
    if version is queries.NOT_READ:
        version = queries.choices_version()
    choices = queries.filter_choices(None) if version is None else None

    def render_form() -> str:
        form = FilterForm(formdata=request.args,
                          choices=queries.filter_choices(version) if choices is None else choices)
        form.validate()
        return render_template("proposals/_filters.html", form=form, feed_url=feed_url)

    return parts.filter_form(version if choices is None else choices, feed_url, render_form)


def _page_args(per_page: int = 20) -> tuple[int, int]:
    size = request.args.get("per_page", per_page, type=int) or per_page
    return page_number(request.args.get("page")), min(max(size, 1), MAX_PER_PAGE)


@bp.route("/proposals")
def index():
    """All published proposals that are not hidden: filter by process, theme, district, state; search; sort.
    The htmx filter form gets just the list.

    The cards come from plain rows (no ORM entities) and their HTML is cached per content and language
    (``consult.proposals.cards``); the reader's own "You support it" is added around the cached copy."""
    require("proposal.list")
    filters = _filters()
    feed_url = _feed_url()
    parts = cards.ListParts()
    page = queries.card_page(filters, parts.language, *_page_args())  # with the filter choices' version
    filters_html = None if wants_fragment() else _filter_form(parts, feed_url, page.choices_version)
    supported = proposals.supports_of(current_user, [row.id for row in page.items])
    map_points = places.process_points(filters.process_id) if filters.process_id and not wants_fragment() \
        else None
    return render("proposals/index.html", fragment="proposals/_list.html", page=page, supported=supported,
                  feed_url=feed_url, filters=filters, filters_html=filters_html, parts=parts,
                  map_points=map_points)


@bp.route("/proposals/feed.atom")
def feed():
    """An Atom feed of the newest proposals, with the list's filters."""
    from consult.core.feeds import add_entry, atom_feed  # feedgen loads when a feed is asked for
    from consult.core.urls import external_url

    require("proposal.list")
    filters = _filters()
    filters.sort = "newest"
    items = db.session.scalars(queries.list_query(filters).limit(50)).unique().all()
    config = current_app.config
    generator = atom_feed(feed_id=external_url("proposals.index"), page=external_url("proposals.index"),
                          self_url=external_url("proposals.feed", **request.args.to_dict(flat=False)),
                          language=current_language(),
                          title=_("Proposals · %(platform)s", platform=config["PLATFORM_NAME"]),
                          subtitle=_("New proposals from the residents of %(city)s",
                                     city=config["CITY_NAME"]))
    for proposal in reversed(items):
        author = xml_text(proposal.author.public_name) if proposal.author else _("Moderators (merge)")
        add_entry(generator, url=external_url("proposals.show", proposal_id=proposal.id),
                  title=proposal.title, summary=plain_excerpt(proposal.body, 500),
                  published=proposal.published_at, updated=proposal.updated_at, author=author)
    return current_app.response_class(generator.atom_str(pretty=True), mimetype="application/atom+xml")


def _upload(form) -> tuple[bytes, str] | None:
    storage = form.attachment.data
    if storage is None or not getattr(storage, "filename", None):
        return None
    return storage.read(), storage.filename


def _place_values(form) -> dict:
    values = dict(title=form.title.data, body=form.body.data, language=form.language.data,
                  theme_id=form.theme.data or None, district_id=form.district.data or None)
    if "place" in form:  # the proposal form (a merge has no place)
        values["location"] = form.place.data
    return values


@bp.route("/processes/<int:process_id>/proposals/new", methods=["GET", "POST"])
@_limit()
def create(process_id):
    """An eligible resident writes a proposal; it is saved as a draft and previewed before publishing."""
    process = get_or_404(Process, process_id)
    require("proposal.create", process)
    form = ProposalForm()
    place_choices(form, process)
    del form.remove_attachment
    if request.method == "GET":
        form.language.data = current_language()
    if place_picked(form):  # a click on the map: the form again, with the place
        return render("proposals/form.html", form=form, process=process, proposal=None)
    return submit(form, lambda: proposals.create_draft(process, current_user, **_place_values(form),
                                                       upload=_upload(form),
                                                       attachment_alt=form.attachment_alt.data),
                  done=lambda draft: url_for("proposals.preview", proposal_id=draft.id),
                  page="proposals/form.html", process=process, proposal=None)


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@_limit()
def edit(proposal_id):
    """The author changes a draft, or a published proposal within the edit window."""
    proposal = _load(proposal_id)
    require("proposal.edit", proposal)
    form = ProposalForm(obj=None if request.method == "POST" else proposal, place=places.location(proposal))
    place_choices(form, proposal.process)
    if request.method == "GET":
        form.theme.data = proposal.theme_id or 0
        form.district.data = proposal.district_id or 0
    if place_picked(form):  # a click on the map: the form again, with the place
        return render("proposals/form.html", form=form, process=proposal.process, proposal=proposal)
    return submit(form, lambda: proposals.update_proposal(proposal, current_user, **_place_values(form),
                                                          upload=_upload(form),
                                                          attachment_alt=form.attachment_alt.data,
                                                          remove_attachment=bool(form.remove_attachment.data)),
                  success=lambda _saved: None if proposal.state == DRAFT else _("Your changes are saved."),
                  done=lambda _saved: url_for("proposals.preview" if proposal.state == DRAFT
                                              else "proposals.show", proposal_id=proposal.id),
                  page="proposals/form.html", process=proposal.process, proposal=proposal)


@bp.route("/proposals/<int:proposal_id>/preview")
def preview(proposal_id):
    """The author reads the draft as others will see it, then publishes it or goes back to edit."""
    proposal = _load(proposal_id)
    require("proposal.edit", proposal)
    if proposal.state != DRAFT:
        return redirect_to(url_for("proposals.show", proposal_id=proposal.id))
    return render("proposals/preview.html", proposal=proposal)


@bp.route("/proposals/<int:proposal_id>/publish", methods=["POST"])
@_limit()
def publish(proposal_id):
    """Publish the previewed draft (the phase must still take proposals)."""
    return _button(proposal_id, "proposal.edit", proposals.publish,
                   _("Your proposal is published. You will be told about comments and answers."))


@bp.route("/proposals/<int:proposal_id>")
def show(proposal_id):
    """One proposal in the reader's language when a translation exists (``?original=1`` shows the original),
    with its supports, official answers, sources or "merged into", and the comments section.

    What the page shows comes as plain rows (``consult.proposals.page``) and the HTML of the parts that are
    the same for every reader is cached per content and language; the proposal is one ORM entity without its
    relationships (the policies' and the other sections' target); the policies are decided once."""
    loaded = page.load(proposal_id)
    if loaded is None:
        abort(404)
    proposal, view = loaded
    require("proposal.view", proposal)
    manage = can("proposal.manage", proposal)
    may = {"edit": can("proposal.edit", proposal), "translate": can("proposal.translate", proposal),
           "manage": manage, "withdraw": can("proposal.withdraw", proposal)}
    show_original = request.args.get("original") == "1"
    language = current_language()
    parts = page.parts(view, language=language, show_original=show_original,
                       shows_body=not view.is_hidden or bool(manage))
    title = view.in_language(view.language if show_original else language)[0]
    return render("proposals/show.html", proposal=proposal, page=view, parts=parts, title=title, may=may,
                  place_points=places.own_point(proposal, title),
                  supported=proposal.id in proposals.supports_of(current_user, [proposal.id]))


def _button(proposal_id: int, rule: str, work, message: str, *, answer=None):
    """A button of the proposal page: load, ask ``rule``, ``work(proposal, person)``, then ``answer`` (by
    default the message and the proposal's page)."""
    proposal = _load(proposal_id)
    require(rule, proposal)
    work(proposal, current_user)
    return (answer or _to_page)(proposal, message)


def _to_page(proposal: Proposal, message: str):
    flash(message, "success")
    return redirect_to(url_for("proposals.show", proposal_id=proposal.id))


def _load_to_support(proposal_id: int) -> Proposal:
    """The proposal as the support buttons need it: its process, phases and rule for the policy (the page's
    translations, answers and sources are not read)."""
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.id == proposal_id).options(
        joinedload(Proposal.process).options(lazyload(Process.themes), lazyload(Process.districts),
                                             selectinload(Process.phases))))
    if proposal is None:
        abort(404)
    return proposal


def _support_button(proposal_id: int, rule: str, work, message: str):
    """A support button: its write is committed before the answer is made (a short write)."""
    proposal = _load_to_support(proposal_id)
    require(rule, proposal)
    work(proposal, current_user)
    commit_now()
    return _support_answer(proposal, message)


def _support_answer(proposal: Proposal, message: str):
    """htmx gets the updated support button, a plain form post the proposal's page."""
    if wants_fragment():
        db.session.refresh(proposal)
        return render("proposals/_support.html", proposal=proposal,
                      supported=proposal.id in proposals.supports_of(current_user, [proposal.id]),
                      message=message)
    return _to_page(proposal, message)


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@_limit()
@short_write
def support(proposal_id):
    """Support a proposal (once; the database refuses a second support). htmx gets the updated button.
    A short write: the support row and the counter are right whatever changed since the policy read."""
    return _support_button(proposal_id, "proposal.support", proposals.support,
                           _("You support this proposal."))


@bp.route("/proposals/<int:proposal_id>/unsupport", methods=["POST"])
@_limit()
@short_write
def unsupport(proposal_id):
    """Take a support back while the phase allows supports."""
    return _support_button(proposal_id, "proposal.unsupport", proposals.unsupport,
                           _("You no longer support this proposal."))


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
def withdraw(proposal_id):
    """The author withdraws an open proposal."""
    return _button(proposal_id, "proposal.withdraw", proposals.withdraw, _("Your proposal is withdrawn."))


def _submit_to_page(form, proposal: Proposal, work, success: str, template: str):
    """A form page of one proposal: ``work`` when the form is valid, then the proposal's page; ``template``
    again (422) when it is not."""
    return submit(form, work, success=success, done=url_for("proposals.show", proposal_id=proposal.id),
                  page=template, proposal=proposal)


@bp.route("/proposals/<int:proposal_id>/translate", methods=["GET", "POST"])
def translate(proposal_id):
    """A translator or the author adds a translation (or corrects one)."""
    proposal = _load(proposal_id)
    require("proposal.translate", proposal)
    form = TranslationForm()
    if request.method == "GET":
        wanted = request.args.get("language") or current_language()
        form.language.data = wanted if wanted != proposal.language else None
        existing = next((t for t in proposal.translations if t.language == form.language.data), None)
        if existing is not None:
            form.title.data, form.body.data = existing.title, existing.body
    return _submit_to_page(form, proposal, lambda: proposals.translate(
        proposal, current_user, language=form.language.data, title=form.title.data, body=form.body.data),
        _("The translation is saved."), "proposals/translate.html")


@bp.route("/proposals/<int:proposal_id>/answer", methods=["GET", "POST"])
def answer(proposal_id):
    """Moderators set the state with a public answer (in one language at a time)."""
    proposal = _load(proposal_id)
    require("proposal.manage", proposal)
    form = AnswerForm()
    if request.method == "GET":
        form.state.data = proposal.state if proposal.state in {c.value for c in form.state.choices} else None
        form.language.data = proposal.language
    return _submit_to_page(form, proposal, lambda: proposals.answer(
        proposal, current_user, state=form.state.data, language=form.language.data, text=form.text.data),
        _("The answer is published."), "proposals/answer.html")


@bp.route("/processes/<int:process_id>/merge", methods=["GET", "POST"])
def merge(process_id):
    """Moderators merge and reformulate several open proposals of a process into a new one."""
    process = get_or_404(Process, process_id)
    require("proposal.merge", process)
    candidates = db.session.scalars(
        sa.select(Proposal).where(Proposal.process_id == process.id, Proposal.state.in_(OPEN_STATES),
                                  Proposal.hidden_at.is_(None))
        .options(selectinload(Proposal.author)).order_by(Proposal.title)).unique().all()
    form = MergeForm()
    form.sources.choices = [(p.id, f"{p.title} ({p.author.public_name if p.author else '—'})")
                            for p in candidates]
    place_choices(form, process)
    if request.method == "GET":
        form.language.data = current_language()

    def merge_chosen():
        chosen = [p for p in candidates if p.id in set(form.sources.data or [])]
        return proposals.merge(chosen, current_user, **_place_values(form))

    return submit(form, merge_chosen, success=_("The proposals are merged."),
                  done=lambda merged: url_for("proposals.show", proposal_id=merged.id),
                  page="proposals/merge.html", process=process)


@bp.route("/proposals/<int:proposal_id>/attachment")
def attachment(proposal_id):
    """The attached file under its checked type; images inline, PDF as a download, never sniffed."""
    proposal = get_or_404(Proposal, proposal_id)
    require("proposal.view", proposal)
    if not proposal.attachment_name or (proposal.is_hidden and not can("proposal.manage", proposal)):
        abort(404)
    response = send_from_directory(attachments.folder(), proposal.attachment_name,
                                   mimetype=proposal.attachment_type,
                                   as_attachment=not proposal.has_image,
                                   download_name=proposal.attachment_filename or proposal.attachment_name)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
