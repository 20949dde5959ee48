"""Paper ballots entered twice (``paper_ballots``): the batches of a poll, the entry form slip after slip,
the mismatches to check, and adding a matched batch to the count.

Each view: load (404) → authorize (``votes.enter_paper_ballots``) → validate (form, then the poll's method in
the service) → service → render / redirect. The entry form works without JavaScript (303 back to the form);
with htmx the form alone is swapped, ready for the next slip.
"""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.models import get_or_404
from consult.core.policy import require
from consult.core.rendering import render, submit, wants_fragment
from consult.votes import bp, methods
from consult.votes import paper_ballots as paper
from consult.votes.casting import spec_for
from consult.votes.models import Poll
from consult.votes.paper_forms import BatchForm, CorrectForm, CountBatchForm, SlipForm
from consult.votes.paper_models import PaperBatch


def _load_batch(paper_batch_id: int) -> PaperBatch:
    batch = get_or_404(PaperBatch, paper_batch_id)
    require(paper.RULE, batch.poll)
    return batch


def _list_page(poll: Poll, form: BatchForm, status: int = 200):
    rows = [(b, paper.progress(b)) for b in paper.batches(poll)]
    return render("votes/paper/batches.html", poll=poll, form=form, rows=rows, status=status)


@bp.route("/polls/<int:poll_id>/paper-ballots")
def paper_ballots(poll_id: int):
    """A poll's batches of paper slips (one per polling station) with where each stands, and a new one."""
    poll = get_or_404(Poll, poll_id)
    require(paper.RULE, poll)
    return _list_page(poll, BatchForm(formdata=None))


@bp.route("/polls/<int:poll_id>/paper-ballots", methods=["POST"])
def open_paper_batch(poll_id: int):
    poll = get_or_404(Poll, poll_id)
    require(paper.RULE, poll)
    form = BatchForm()
    return submit(form, lambda: paper.open_batch(poll, station=form.station.data, slips=form.slips.data,
                                                 by=current_user),
                  success=_("The batch has been started. Type its slips one by one."),
                  done=lambda batch: url_for("votes.paper_batch", paper_batch_id=batch.id),
                  page=lambda status: _list_page(poll, form, status))


def _entry_context(batch: PaperBatch, form: SlipForm, *, raw=None, saved=None):
    poll = batch.poll
    state = paper.progress(batch, current_user)
    if form.slip.data is None and state.next_slip is not None and not form.errors:
        form.slip.data = state.next_slip
    return {"batch": batch, "poll": poll, "form": form, "state": state, "raw": raw or {},
            "method": methods.get(poll.method), "saved": saved, "count_form": CountBatchForm(formdata=None)}


@bp.route("/paper-batches/<int:paper_batch_id>")
def paper_batch(paper_batch_id: int):
    """The entry form of a batch: the next slip this person has not typed, and where the batch stands."""
    batch = _load_batch(paper_batch_id)
    return render("votes/paper/batch.html", "votes/paper/_entry.html",
                  **_entry_context(batch, SlipForm(formdata=None)))


@bp.route("/paper-batches/<int:paper_batch_id>/slips", methods=["POST"])
def paper_slip(paper_batch_id: int):
    """Type one slip (one copy). htmx gets the form again, empty, for the next slip; without JavaScript the
    answer is a redirect to the form."""
    batch = _load_batch(paper_batch_id)
    form = SlipForm()

    def entered(state: paper.SlipState):
        if wants_fragment():
            return render("votes/paper/_entry.html", **_entry_context(batch, SlipForm(formdata=None),
                                                                     saved=state))
        return url_for("votes.paper_batch", paper_batch_id=batch.id)

    return submit(form, lambda: paper.enter_slip(batch, slip=form.slip.data, kind=form.kind.data,
                                                 raw=_raw(batch, form), by=current_user),
                  success=lambda state: None if wants_fragment() else _message(state), done=entered,
                  page=lambda status: render("votes/paper/batch.html", "votes/paper/_entry.html",
                                             status=status,
                                             **_entry_context(batch, form, raw=request.form)),
                  status=_status)


def _raw(batch: PaperBatch, form: SlipForm):
    """What the slip says as typed: the quick entry's numbers, or else the method's own inputs."""
    if form.numbers.data:
        return paper.read_numbers(batch.poll, form.numbers.data)
    return methods.get(batch.poll.method).parse_form(request.form, spec_for(batch.poll))


def _status(refusal) -> int:
    """A slip typed twice by the same person is a conflict (409); a slip the method refuses, 422."""
    return refusal.status_code if refusal is not None else 422


def _message(state: paper.SlipState) -> str:
    if state.status == "matched":
        return _("Slip %(slip)s saved: both copies agree.", slip=state.slip)
    if state.status == "mismatch":
        return _("Slip %(slip)s saved, but the two copies differ: check it on the list of mismatches.",
                 slip=state.slip)
    return _("Slip %(slip)s saved. Its second copy must be typed by someone else.", slip=state.slip)


def _mismatch_page(batch: PaperBatch, form: CorrectForm | None = None, status: int = 200, raw=None):
    return render("votes/paper/mismatches.html", batch=batch, poll=batch.poll, rows=paper.mismatches(batch),
                  form=form or CorrectForm(formdata=None), raw=raw or {}, status=status,
                  state=paper.progress(batch, current_user), method=methods.get(batch.poll.method))


@bp.route("/paper-batches/<int:paper_batch_id>/mismatches")
def paper_mismatches(paper_batch_id: int):
    """The slips whose two copies differ, with what each copy says, and the form to correct one's own."""
    batch = _load_batch(paper_batch_id)
    return _mismatch_page(batch)


@bp.route("/paper-batches/<int:paper_batch_id>/correct", methods=["POST"])
def paper_correct(paper_batch_id: int):
    """Correct one's own copy of a slip after checking the paper (audited)."""
    batch = _load_batch(paper_batch_id)
    form = CorrectForm()
    return submit(form, lambda: paper.correct_slip(batch, slip=form.slip.data, kind=form.kind.data,
                                                   raw=_raw(batch, form), by=current_user),
                  success=_message, done=url_for("votes.paper_mismatches", paper_batch_id=batch.id),
                  page=lambda status: _mismatch_page(batch, form, status, raw=request.form), status=_status)


@bp.route("/paper-batches/<int:paper_batch_id>/count", methods=["POST"])
def paper_count(paper_batch_id: int):
    """Add a batch whose slips all have two copies that agree to the count."""
    batch = _load_batch(paper_batch_id)
    return submit(None, lambda: paper.count_batch(batch, current_user),
                  success=_("The batch's slips have joined the count."),
                  done=url_for("votes.paper_ballots", poll_id=batch.poll_id),
                  refused_to=url_for("votes.paper_batch", paper_batch_id=batch.id))
