"""Poll pages: list, ballot (with a confirmation step), tracker, results, CSV, trackers, admin pages.

Each view: load (404) → authorize (policy) → validate (method or form, 422) → service → render / redirect.
"""

from __future__ import annotations

import secrets

from flask import abort, current_app, make_response, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.csv_export import csv_download
from consult.core.db import read_only, short_write
from consult.core.models import get_or_404
from consult.core.policy import can, require
from consult.core.rendering import render, submit
from consult.extensions import limiter
from consult.votes import bp, methods, queries, tracker_files
from consult.votes import services as votes
from consult.votes.forms import CastForm, PaperTallyForm, PollForm, TrackerForm
from consult.votes.methods import BallotError
from consult.votes.models import Poll

ANON_COOKIE = "consult_poll_key"
TRACKER_SESSION = "vote_trackers"


def _limit_votes():
    return limiter.limit(lambda: current_app.config["RATELIMIT_VOTE"], methods=["POST"])


def _anon_key(poll: Poll) -> str | None:
    """Anonymous voters in open (live) polls are told apart by a random browser key, nothing else."""
    if poll.mode != "open" or current_user.is_authenticated:
        return None
    return request.cookies.get(ANON_COOKIE)


def _with_anon_cookie(poll: Poll, response):
    if poll.mode == "open" and not current_user.is_authenticated and not request.cookies.get(ANON_COOKIE):
        response.set_cookie(ANON_COOKIE, secrets.token_urlsafe(24), max_age=60 * 60 * 24 * 30, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


def _page_context(poll: Poll, **extra):
    anon = _anon_key(poll)
    visible = votes.results_visible(poll)
    ctx = {
        "poll": poll,
        "method": methods.get(poll.method),
        "decision": can("votes.vote", poll),
        "voted": votes.has_voted(poll, current_user, anon),
        "result": votes.results(poll) if visible else None,
        "owner": votes.owner_of(poll),
        "named_votes": votes.named_votes(poll) if poll.mode == "named" and visible else [],
        "raw": {},
        "error": None,
        "verdicts": votes.VERDICTS,
        "can_manage": can("votes.manage", poll),
    }
    ctx.update(extra)
    return ctx


def _load(poll_id: int) -> Poll:
    poll = get_or_404(Poll, poll_id)
    require("votes.view", poll)
    return poll


@bp.route("/polls")
def index():
    """Open and closed polls, for everyone to read, a page at a time (``?page=``; htmx gets the list)."""
    page = queries.poll_page(include_drafts=bool(can("votes.manage")))
    return render("votes/index.html", "votes/_list.html", page=page, methods=methods)


@bp.route("/polls/<int:poll_id>")
def poll(poll_id: int):
    """The ballot page: who may vote and how the method works; the ballot, the "you voted" state
    or results."""
    poll = _load(poll_id)
    return _with_anon_cookie(poll, render("votes/poll.html", "votes/_ballot.html", **_page_context(poll)))


def _refuse(poll: Poll, error, status: int, raw=None):
    """The ballot page again, with why the ballot was refused (nothing is recorded)."""
    return render("votes/poll.html", "votes/_ballot.html", status=status,
                  **_page_context(poll, error=str(error), raw=raw or {}))


@bp.route("/polls/<int:poll_id>/confirm", methods=["POST"])
@_limit_votes()
@read_only
def confirm(poll_id: int):
    """Confirmation step: the ballot is checked and shown in words; nothing is recorded yet."""
    poll = _load(poll_id)
    require("votes.vote", poll)
    method = methods.get(poll.method)
    raw = method.parse_form(request.form, votes.spec_for(poll))
    try:
        canonical = votes.validate_choice(poll, raw)
    except BallotError as err:
        return _refuse(poll, err.message, err.status_code, raw=request.form)
    return render("votes/confirm.html", "votes/_confirm.html", poll=poll, choice=methods.encode(canonical),
                  summary=votes.choice_summary(poll, canonical))


@bp.route("/polls/<int:poll_id>/vote", methods=["POST"])
@_limit_votes()
@short_write
def vote(poll_id: int):
    """Cast the confirmed ballot: participation and ballot in one transaction; the tracker is shown once."""
    poll = _load(poll_id)
    require("votes.vote", poll)
    form = CastForm()

    def keep(tracker: str) -> str:
        trackers = dict(session.get(TRACKER_SESSION, {}))
        trackers[str(poll.id)] = tracker
        session[TRACKER_SESSION] = trackers
        return url_for("votes.voted", poll_id=poll.id)

    return submit(form, lambda: votes.cast_ballot(poll, current_user, form.ballot(),
                                                  anon_key=_anon_key(poll)),
                  success=_("Thank you: your vote has been recorded."), done=keep,
                  page=lambda status: _refuse(poll, (form.form_errors or form.choice.errors)[0], status),
                  status=lambda refusal: refusal.status_code if refusal is not None else 422)


@bp.route("/polls/<int:poll_id>/voted")
def voted(poll_id: int):
    """The inclusion tracker, shown once: it is taken out of the session as the page is made."""
    poll = _load(poll_id)
    trackers = dict(session.get(TRACKER_SESSION, {}))
    tracker = trackers.pop(str(poll.id), None)
    session[TRACKER_SESSION] = trackers
    response = make_response(render("votes/voted.html", poll=poll, tracker=tracker,
                                    fingerprint=(votes.fingerprint(votes.tracker_hash(tracker)) if tracker
                                                 else None)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/polls/<int:poll_id>/results")
def results(poll_id: int):
    """Results, when the poll shows them: chart, table, rounds, channels, verdict, turnout."""
    poll = _load(poll_id)
    require("votes.see_results", poll)
    return render("votes/results.html", "votes/_results.html", poll=poll, result=votes.results(poll),
                  method=methods.get(poll.method), verdicts=votes.VERDICTS, live=not poll.is_closed)


@bp.route("/polls/<int:poll_id>/results.csv")
def results_csv(poll_id: int):
    poll = _load(poll_id)
    require("votes.see_results", poll)
    return csv_download(votes.result_csv(poll), f"poll-{poll.id}-results.csv")


@bp.route("/polls/<int:poll_id>/trackers")
def trackers(poll_id: int):
    """The public list of counted ballots' tracker fingerprints, a page at a time (htmx gets the list), and
    "find my tracker": the whole tracker typed in a GET form says whether it was counted and on which page of
    the list its fingerprint is, which anyone could read in the list itself."""
    poll = _load(poll_id)
    form = TrackerForm(request.args)
    page = queries.tracker_page(poll)
    checked = None
    if page is not None and "tracker" in request.args and form.validate():
        found_on = queries.tracker_list_page(poll, form.tracker.data, page.per_page)
        checked = {"fingerprint": votes.fingerprint(votes.tracker_hash(form.tracker.data)),
                   "counted": found_on is not None, "page": found_on}
    return render("votes/trackers.html", "votes/_trackers.html", poll=poll, page=page, form=form,
                  checked=checked)


@bp.route("/polls/<int:poll_id>/trackers.csv")
def trackers_csv(poll_id: int):
    """The whole list of counted ballots' fingerprints in one file, for anyone who audits the count."""
    poll = _load(poll_id)
    if not poll.is_closed:
        abort(404)
    text = tracker_files.kept(poll)
    if text is None and not tracker_files.small_enough(poll):
        tracker_files.make_file.enqueue(poll.id)  # a large poll's file is written by the task queue
        response = render("votes/trackers_preparing.html", poll=poll, status=202)
        response.headers["Refresh"] = response.headers["Retry-After"] = "10"
        return response
    return csv_download(text if text is not None else tracker_files.make(poll),
                        f"poll-{poll.id}-counted-ballots.csv")


# ------------------------------------------------------------------------------------------------ officials


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@bp.route("/polls/new", methods=["GET", "POST"])
def new():
    """Admins create stand-alone polls; councils and debates create theirs through the service."""
    require("votes.manage")
    form = PollForm()
    return submit(form, lambda: votes.create_poll(
                      question=form.question.data, method=form.method.data, options=_lines(form.options.data),
                      mode=form.mode.data, opens_at=form.opens_at.data, closes_at=form.closes_at.data,
                      quorum=form.quorum.data, majority=form.majority.data, max_choices=form.max_choices.data,
                      points_budget=form.points_budget.data, allow_change=form.allow_change.data,
                      results_before_close=form.results_before_close.data,
                      description=form.description.data or "", created_by=current_user),
                  success=_("The poll has been created as a draft. Check it, then open it."),
                  done=lambda poll: url_for("votes.manage", poll_id=poll.id), page="votes/new.html")


@bp.route("/polls/<int:poll_id>/manage")
def manage(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    require("votes.manage", poll)
    return _manage_page(poll, PaperTallyForm(formdata=None))


def _manage_page(poll: Poll, paper_form: PaperTallyForm, status: int = 200):
    return render("votes/manage.html", poll=poll, paper_form=paper_form, status=status,
                  paper_lines=paper_form.lines_for(poll.options), tallies=votes.paper_tallies(poll),
                  method=methods.get(poll.method))


@bp.route("/polls/<int:poll_id>/open", methods=["POST"])
def open_(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    require("votes.manage", poll)
    return submit(None, lambda: votes.open_poll(poll, by=current_user), success=_("The poll is open."),
                  done=url_for("votes.manage", poll_id=poll.id))


@bp.route("/polls/<int:poll_id>/close", methods=["POST"])
def close(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    require("votes.manage", poll)
    return submit(None, lambda: votes.close_poll(poll, by=current_user),
                  success=_("The poll is closed and counted."),
                  done=url_for("votes.results", poll_id=poll.id),
                  refused_to=url_for("votes.manage", poll_id=poll.id))


@bp.route("/polls/<int:poll_id>/paper", methods=["POST"])
def paper(poll_id: int):
    """Officials enter or correct one channel's paper counts (audited)."""
    poll = get_or_404(Poll, poll_id)
    require("votes.enter_paper", poll)
    form = PaperTallyForm()
    return submit(form, lambda: votes.record_paper_tally(
                      poll, channel=form.channel.data, counts=form.counted(), blank=form.blank.data or 0,
                      invalid=form.invalid.data or 0, ballots=form.ballots.data, by=current_user),
                  success=_("The paper count has been saved."), done=url_for("votes.manage", poll_id=poll.id),
                  page=lambda status: _manage_page(poll, form, status))
