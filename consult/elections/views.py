"""Election pages: a council's elections, the election (calendar, status, candidates), candidate pages, the
stand form, the organisers' page, the results (with the BLT ballot file).

Each view: load (404) → authorize (policy) → validate (WTForms, 422) → service → render or redirect (303).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, make_response, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core import uploads
from consult.core.i18n import current_language
from consult.core.models import get_or_404 as _get_or_404
from consult.core.policy import can, require
from consult.core.rendering import render, submit
from consult.councils.models import Council
from consult.elections import bp, queries
from consult.elections import services as elections
from consult.elections.forms import (
    AppealDecisionForm,
    AppealForm,
    CandidacyForm,
    ElectionForm,
    ReviewForm,
    TranslationForm,
)
from consult.elections.models import Candidacy, Election, ElectionAppeal, ElectionSeat
from consult.extensions import db


def get_or_404(model, ident):
    if not 0 < ident <= 2**31 - 1:
        abort(404)
    return _get_or_404(model, ident)


def _council(slug: str) -> Council:
    council = db.session.scalar(sa.select(Council).where(Council.slug == slug))
    if council is None:
        abort(404)
    return council


def _election(election_id: int) -> Election:
    election = get_or_404(Election, election_id)
    require("election.view", election)
    return election


def _candidacy(candidacy_id: int) -> Candidacy:
    candidacy = get_or_404(Candidacy, candidacy_id)
    require("election.view", candidacy.election)
    require("candidacy.view", candidacy)
    return candidacy


# ---------------------------------------------------------------------------------------------- public pages


@bp.route("/councils/<slug>/elections")
def council_elections(slug):
    """The elections of a council, newest first (drafts for its organisers)."""
    council = _council(slug)
    require("council.view", council)
    drafts = bool(can("election.view_drafts", council))
    return render("elections/index.html", council=council,
                  elections=elections.elections_of(council, include_drafts=drafts),
                  may_call=can("election.manage", council))


@bp.route("/elections/<int:election_id>")
def show(election_id):
    """The election: the call, its calendar and phase, the tie seed, the candidates (htmx: the list of
    candidates)."""
    election = _election(election_id)
    return render("elections/show.html", "elections/_candidates.html",
                  **queries.election_page(election, current_user))


@bp.route("/candidacies/<int:candidacy_id>")
def candidacy(candidacy_id):
    """A candidate's public page: the statement in the reader's language when a person translated it."""
    candidacy = _candidacy(candidacy_id)
    return _candidacy_page(candidacy)


def _candidacy_page(candidacy, status=200, review_form=None):
    original = request.args.get("original") == "1"
    statement, translation = (candidacy.statement, None) if original else elections.in_language(
        candidacy, current_language())
    return render("elections/candidacy.html", "elections/_support.html", status=status, candidacy=candidacy,
                  election=candidacy.election, statement=statement, translation=translation,
                  supported=elections.supports(current_user, candidacy),
                  review_form=review_form or ReviewForm(formdata=None))


@bp.route("/candidacies/<int:candidacy_id>/photo")
def photo(candidacy_id):
    """The candidate's photo under its checked type."""
    candidacy = _candidacy(candidacy_id)
    if not candidacy.photo_name:
        abort(404)
    response = send_from_directory(uploads.folder(elections.UPLOAD_AREA), candidacy.photo_name,
                                   mimetype=candidacy.photo_type)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/elections/<int:election_id>/results")
def results(election_id):
    """Elected, substitutes, turnout, the method's rounds and chart, the ballot file."""
    election = _election(election_id)
    require("election.see_results", election)
    return _results_page(election)


def _results_page(election, status=200, appeal_form=None, failed=None):
    appeals = elections.appeals_of(election)
    decision_forms = {a.id: AppealDecisionForm(prefix=f"appeal-{a.id}", formdata=None) for a in appeals}
    if failed is not None:
        decision_forms[failed[0]] = failed[1]
    return render("elections/results.html", status=status, appeals=appeals, decision_forms=decision_forms,
                  appeal_form=appeal_form or AppealForm(formdata=None), **queries.results_page(election))


@bp.route("/elections/<int:election_id>/appeals", methods=["POST"])
def appeal(election_id):
    """A voter or a candidate lodges an appeal against the results, while the appeal window is open."""
    election = _election(election_id)
    require("election.appeal", election)
    form = AppealForm()
    return submit(form, lambda: elections.lodge_appeal(election, current_user, form.text.data),
                  success=_("Your appeal is lodged. The organisers decide it and publish their reason."),
                  done=url_for("elections.results", election_id=election.id, _anchor="appeals"),
                  page=lambda status: _results_page(election, status=status, appeal_form=form))


@bp.route("/appeals/<int:appeal_id>/decide", methods=["POST"])
def decide_appeal(appeal_id):
    """The organisers uphold or dismiss an appeal with a public reason."""
    appeal = get_or_404(ElectionAppeal, appeal_id)
    election = _election(appeal.election_id)
    require("election.decide_appeal", appeal)
    form = AppealDecisionForm(prefix=f"appeal-{appeal.id}")
    return submit(form, lambda: elections.decide_appeal(appeal, current_user,
                                                        uphold=form.decision.data == "uphold",
                                                        reason=form.reason.data),
                  success=_("The decision on the appeal is published."),
                  done=url_for("elections.results", election_id=election.id, _anchor="appeals"),
                  page=lambda status: _results_page(election, status=status, failed=(appeal.id, form)))


@bp.route("/elections/<int:election_id>/ballots.blt")
def ballots_blt(election_id):
    """The anonymous ballots, grouped, as a BLT file with the candidates' names: anyone can recount them with
    another program."""
    election = _election(election_id)
    require("election.see_results", election)
    text = queries.blt_text(election)
    if text is None:
        abort(404)
    response = make_response(text)
    response.mimetype = "text/plain"
    response.headers["Content-Disposition"] = f'attachment; filename="election-{election.id}.blt"'
    return response


# ------------------------------------------------------------------------------------------------ residents


@bp.route("/elections/<int:election_id>/stand", methods=["GET", "POST"])
def stand(election_id):
    """An eligible resident stands: name on the ballot, statement, its language, an optional photo."""
    election = _election(election_id)
    require("election.stand", election)
    form = CandidacyForm()
    if request.method == "GET":
        form.name.data = current_user.display_name
        form.language.data = current_language()
    return submit(form, lambda: elections.stand(
                      election, current_user, name=form.name.data, statement=form.statement.data,
                      language=form.language.data, photo=form.photo_upload(), photo_alt=form.photo_alt.data),
                  success=_("Your candidacy is registered. The organisers review it once it has its "
                            "supporters."),
                  done=lambda candidacy: url_for("elections.candidacy", candidacy_id=candidacy.id),
                  page="elections/stand.html", election=election)


@bp.route("/candidacies/<int:candidacy_id>/support", methods=["POST"])
def support(candidacy_id):
    """An eligible voter supports a nomination (once); htmx gets the support box again."""
    candidacy = _candidacy(candidacy_id)
    require("candidacy.support", candidacy)
    return submit(None, lambda: elections.support(candidacy, current_user),
                  success=_("You support this nomination."),
                  done=lambda _count: (_candidacy_page(candidacy) if request.headers.get("HX-Request")
                                       else url_for("elections.candidacy", candidacy_id=candidacy.id)),
                  refused_to=url_for("elections.candidacy", candidacy_id=candidacy.id))


@bp.route("/candidacies/<int:candidacy_id>/withdraw", methods=["POST"])
def withdraw(candidacy_id):
    candidacy = _candidacy(candidacy_id)
    require("candidacy.withdraw", candidacy)
    return submit(None, lambda: elections.withdraw(candidacy, current_user),
                  success=_("Your candidacy is withdrawn."),
                  done=url_for("elections.candidacy", candidacy_id=candidacy.id))


@bp.route("/candidacies/<int:candidacy_id>/translate", methods=["GET", "POST"])
def translate(candidacy_id):
    """The candidate or a translator adds a translation of the statement (or corrects one)."""
    candidacy = _candidacy(candidacy_id)
    require("candidacy.translate", candidacy)
    form = TranslationForm()
    if request.method == "GET":
        wanted = request.args.get("language") or current_language()
        form.language.data = wanted if wanted != candidacy.language else None
        existing = next((t for t in candidacy.translations if t.language == form.language.data), None)
        if existing is not None:
            form.statement.data = existing.statement
    return submit(form, lambda: elections.translate(candidacy, current_user, language=form.language.data,
                                                    statement=form.statement.data),
                  success=_("The translation is saved."),
                  done=url_for("elections.candidacy", candidacy_id=candidacy.id),
                  page="elections/translate.html", candidacy=candidacy)


# ------------------------------------------------------------------------------------------------ organisers


@bp.route("/councils/<slug>/elections/new", methods=["GET", "POST"])
def create(slug):
    """The council's president or secretary (or an admin) prepares an election, as a draft."""
    council = _council(slug)
    require("election.manage", council)
    form = ElectionForm().with_districts()
    return submit(form, lambda: elections.create_election(council, by=current_user, **form.values()),
                  success=_("The election is saved as a draft. Check it, then publish the call."),
                  done=lambda election: url_for("elections.manage", election_id=election.id),
                  page="elections/form.html", council=council, election=None)


@bp.route("/elections/<int:election_id>/edit", methods=["GET", "POST"])
def edit(election_id):
    election = _election(election_id)
    require("election.edit", election)
    if request.method == "GET":
        form = ElectionForm(obj=election).with_districts()
        form.reserved.data = [r.district_id for r in election.reserved]
    else:
        form = ElectionForm().with_districts()
    return submit(form, lambda: elections.update_election(election, by=current_user, **form.values()),
                  success=_("The election is saved."),
                  done=url_for("elections.manage", election_id=election.id),
                  page="elections/form.html", council=election.council, election=election)


@bp.route("/elections/<int:election_id>/manage")
def manage(election_id):
    """The organisers' page: the steps of the calendar, the nominations to review, vacant seats."""
    election = _election(election_id)
    require("election.manage", election)
    return render("elections/manage.html", **queries.manage_page(election))


def _step(election, rule, work, message, done=None):
    require(rule, election)
    return submit(None, work, success=message,
                  done=done or url_for("elections.manage", election_id=election.id))


@bp.route("/elections/<int:election_id>/publish", methods=["POST"])
def publish(election_id):
    election = _election(election_id)
    return _step(election, "election.publish_call",
                 lambda: elections.publish_call(election, by=current_user),
                 _("The call is published, with its tie seed."))


@bp.route("/elections/<int:election_id>/open-voting", methods=["POST"])
def open_voting(election_id):
    election = _election(election_id)
    return _step(election, "election.open_voting", lambda: elections.open_voting(election, by=current_user),
                 _("Voting is open. Candidates and followers are told."))


@bp.route("/elections/<int:election_id>/count", methods=["POST"])
def count(election_id):
    election = _election(election_id)
    return _step(election, "election.count", lambda: elections.count_and_publish(election, by=current_user),
                 _("The votes are counted and the results published."),
                 done=url_for("elections.results", election_id=election.id))


@bp.route("/candidacies/<int:candidacy_id>/review", methods=["POST"])
def review(candidacy_id):
    """The organisers accept a nomination or refuse it with a reason."""
    candidacy = _candidacy(candidacy_id)
    require("candidacy.review", candidacy)
    form = ReviewForm()
    return submit(form, lambda: elections.review(candidacy, current_user,
                                                 accept=form.decision.data == "accept",
                                                 reason=form.reason.data or ""),
                  success=_("The decision is saved and the candidate is told."),
                  done=url_for("elections.candidacy", candidacy_id=candidacy.id),
                  page=lambda status: _candidacy_page(candidacy, status=status, review_form=form))


@bp.route("/elections/<int:election_id>/seats/<int:seat_id>/substitute", methods=["POST"])
def seat_substitute(election_id, seat_id):
    """The secretary seats the next substitute in the place of a member who left."""
    election = _election(election_id)
    seat = get_or_404(ElectionSeat, seat_id)
    if seat.election_id != election.id:
        abort(404)
    return _step(election, "election.seat_substitute",
                 lambda: elections.seat_substitute(election, seat, by=current_user),
                 _("The substitute takes the seat. The council's record says so."))


@bp.route("/elections/<int:election_id>/seats/<int:seat_id>/pass-over", methods=["POST"])
def pass_over(election_id, seat_id):
    """The next substitute declined the seat: the secretary passes them over."""
    election = _election(election_id)
    seat = get_or_404(ElectionSeat, seat_id)
    if seat.election_id != election.id:
        abort(404)
    return _step(election, "election.seat_substitute",
                 lambda: elections.pass_over_substitute(election, seat, by=current_user),
                 _("The substitute is passed over; the next one in order is offered the seat."))
