"""The open data page for people (``/open-data``, also at ``/api/``): every data set with its JSON and CSV
downloads, the feeds (Atom) and calendars (iCalendar), the lists of counted ballots of closed polls, and the
API with its OpenAPI document. The footer links here.

Content negotiation, so that a person who follows a link to the API lands on a page they can read and a
program always gets JSON: the API's index (``/api/v1/``) sends a browser (which prefers HTML to JSON) here,
and this page answers with the API's index in JSON to a client that prefers JSON. ``?format=json`` or
``?format=html`` choose. No Accept header, or ``*/*``, keeps each URL's own format.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from consult.api import bp
from consult.api.machinery import MAX_PER_PAGE, resources
from consult.core.rendering import render
from consult.councils.models import Council
from consult.extensions import db
from consult.votes.models import STATUS_CLOSED, Poll

#: what each data set is, for people (the API's own descriptions are in English, for programs)
DATA_SETS = {
    "councils": (_l("Councils"), _l("Councils, such as the Council of Cultures: name, purpose, mandate.")),
    "sessions": (_l("Council sessions"),
                 _l("Sessions of the councils, with their agenda and how many members "
                    "were present.")),
    "processes": (_l("Participatory processes"), _l("Processes in which residents make proposals.")),
    "proposals": (_l("Proposals"), _l("Published proposals, with their state and number of supports.")),
    "polls": (_l("Polls"), _l("Open and closed polls; the results once a poll is closed.")),
    "minutes": (_l("Minutes"), _l("Published minutes of council sessions and debates.")),
    "outcomes": (_l("Outcomes"), _l("Decisions and the actions that carry them out, with their progress.")),
    "elections": (_l("Elections"),
                  _l("Elections of council members: calendar, seats, reserved seats, counting method and "
                     "status.")),
    "candidacies": (_l("Candidacies"), _l("Candidates' public pages: statement and its human translations, "
                                          "supporters, place in the result.")),
    "election-results": (_l("Election results"),
                         _l("Elected members, substitutes in order, the count round by round, quota, "
                            "turnout, where the ballots come from, and the anonymous ballot file (BLT).")),
    "lotteries": (_l("Panels drawn by lot"),
                  _l("Civic lotteries: quotas, the anonymised pool as drawn, its digest, the revealed value, "
                     "the seed and every draw, to re-run the draw yourself.")),
    "budgets": (_l("Participatory budgets"),
                _l("The money residents share among projects, the ballot, the rule that decides and, once "
                   "the results are published, what each rule funds, with the anonymous ballots (pabulib "
                   "file).")),
    "budget-projects": (_l("Budget projects"),
                        _l("Projects of participatory budgets: cost, district, place, status, why a project "
                           "was set aside and, once the results are published, its votes and its outcome.")),
    "surveys": (_l("Surveys"), _l("Surveys of the processes: the questions, whether answers are anonymous, "
                                  "the number of responses and, once published, the figures per question.")),
}
#: closed polls whose lists of counted ballots the page names (newest first); the polls page has them all
TRACKED_POLLS = 10


def wants(kind: str) -> bool:
    """Whether the request asks for ``kind`` ("html" or "json") over the other one, by ``?format=`` or by its
    Accept header (strictly preferred: no header and ``*/*`` prefer neither)."""
    chosen = request.args.get("format")
    if chosen in ("html", "json"):
        return chosen == kind
    accept = request.accept_mimetypes
    html, json = accept.quality("text/html"), accept.quality("application/json")
    return html > json if kind == "html" else json > html


def to_page():
    """A browser that opened the API's index: the page for people (the answer depends on Accept)."""
    response = redirect(url_for("api.about"), 303)
    response.vary.add("Accept")
    return response


def _councils() -> list:
    return db.session.execute(sa.select(Council.name, Council.slug).order_by(Council.name, Council.id)).all()


def _closed_polls() -> list:
    return db.session.execute(sa.select(Poll.id, Poll.question).where(Poll.status == STATUS_CLOSED).order_by(
        Poll.closed_at.desc(), Poll.id.desc()).limit(TRACKED_POLLS)).all()


@bp.route("/open-data")
@bp.route("/api/", endpoint="about_api")
def about():
    """The open data page for people: what can be downloaded, followed and checked, and how."""
    if wants("json"):
        # the API's index (``api.index`` in views.py, which sends browsers here)
        response = current_app.view_functions["api.index"]()
        response.vary.add("Accept")
        return response
    data_sets = [(resource, *DATA_SETS.get(resource.name, (resource.name, resource.description)))
                 for resource in resources().values()]
    response = render("api/index.html", data_sets=data_sets, max_per_page=MAX_PER_PAGE, councils=_councils(),
                      polls=_closed_polls())
    response.vary.add("Accept")
    # not the API's "public, max-age=60": the page carries the reader's account menu and form token
    response.headers["Cache-Control"] = "private, no-cache"
    return response
