"""Query budget: every GET page runs at most ``BUDGET`` SQL statements, and as many with more data.

The demo is loaded and each GET route of the URL map (and the API list of every resource) is counted for a
visitor and for a signed-in resident; then more of everything is added through the services, on the very
objects the pages show (published proposals with supports in the demo's process, themes and districts the
proposals list's filter offers, comments and replies on the counted proposal, the resident's own comments and
notifications, outcomes and actions of the council, agenda items, sessions, debate questions and
registrations, polls, debates, councils) and every page is counted again: the counts must be equal (a page
whose count follows the data has an N+1 query). Requests never commit while counting, so a page that writes
(the language switch) is counted on the same data each time.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from consult.core.models import utcnow
from consult.demo import load_demo
from consult.extensions import db as _db
from consult.extensions import limiter
from tests.core.authz_runner import STREAMING, never_commit
from tests.helpers import QueryCounter
from tests.routes import ACCOUNTS, DEMO_PASSWORD, DemoObjects, RouteCase, add_missing_objects, route_cases

BUDGET = 12
#: pages allowed more (still a constant number), with the reason
LARGER: dict[str, tuple[int, str]] = {
    "GET /profile/my-data": (34, "one query or two per section of the person's data, one section per domain"),
    "GET /profile/my-data.json": (34, "the same data as /profile/my-data"),
}
#: file downloads whose answer is not a page
NOT_PAGES = {"meetings.attachment"}


def _count(app, client, cases):
    counts = {}
    with never_commit(app):  # a page that writes (the language switch) counts the same each time
        _visit(client, cases, counts)
    return counts


def _visit(client, cases, counts):
    for case in cases:
        with QueryCounter() as queries:
            response = client.get(case.url, buffered=False)
            status = response.status_code
            response.close()
        counts[case.key] = (queries.count, status, queries.statements)


def _grow_filter_choices(objects: DemoObjects) -> None:
    """More themes of the demo's process and more districts: the proposals list's filter offers them all (no
    service makes districts; the rows are added as the demo adds them)."""
    from consult.processes.models import Theme
    from consult.residency.models import District

    for n in range(2):
        _db.session.add(Theme(process_id=objects.process.id, name=f"Extra theme {n}", position=90 + n))
        _db.session.add(District(code=f"budget-{n}", name=f"Extra district {n}"))


def _grow(objects: DemoObjects) -> None:
    """More of everything the counted pages show, on the very objects they show, through the services."""
    from consult.accounts import services as accounts
    from consult.accounts.models import User
    from consult.comments import services as comments
    from consult.councils import services as councils
    from consult.debates import services as debates
    from consult.meetings import services as meetings
    from consult.notifications import services as notifications
    from consult.outcomes import services as outcomes
    from consult.proposals import services as proposals
    from consult.residency.models import ResidentStatus
    from consult.votes import services as votes

    admin = _db.session.scalar(sa.select(User).where(User.username == "admin"))
    moderator = _db.session.scalar(sa.select(User).where(User.username == "moderator"))
    _grow_filter_choices(objects)
    people = []
    for n in range(6):
        person = accounts.sign_up(f"budget{n}", f"Budget {n}", "correct horse battery", "en")
        _db.session.add(ResidentStatus(user=person, method="in_person", birth_year=1990,
                                       district_id=objects.user.resident_status.district_id
                                       if getattr(objects.user, "resident_status", None) else None))
        people.append(person)
    _db.session.flush()
    if not notifications.is_following(objects.user, objects.proposal):
        notifications.follow(objects.user, objects.proposal)  # the comments below notify the resident
    for n, person in enumerate(people):
        draft = proposals.create_draft(objects.process, person, title=f"Another proposal {n}",
                                       body="More to read, more to support.", language="en")
        proposals.publish(draft, person)
        for supporter in people[: n + 1]:
            if supporter is not person:
                proposals.support(draft, supporter)
        proposals.support(objects.proposal, person)
    for n, person in enumerate(people[:4]):
        comment = comments.post_comment(person, objects.proposal, f"More thoughts, number {n}.")
        comments.post_comment(people[-1], objects.proposal, "A reply.", parent=comment)
    for n in range(2):
        comments.post_comment(objects.user, objects.proposal, f"The resident again, number {n}.")
    for n in range(3):
        outcome = outcomes.create_outcome(f"Extra decision {n}", council_id=objects.council.id,
                                          process_id=objects.process.id, actor=admin)
        outcomes.add_action(outcome, f"Extra action {n}", responsible="The city")
        outcomes.add_action(objects.outcome, f"Another action {n}", responsible="The council")
    for n in range(3):
        meetings.add_item(objects.session, title=f"Extra item {n}", description="More on the agenda.")
        meetings.create_session(objects.council, title=f"Extra session {n}",
                                starts_at=utcnow() + timedelta(days=40 + n), place="Town hall")
    for n, person in enumerate(people[:3]):
        debates.ask_question(objects.debate,
                             debates.Participant(f"u:{person.id}", person, person.display_name),
                             f"Another question, number {n}?", "en")
        debates.register(objects.debate, person)
    for n in range(2):
        poll = votes.create_poll(question=f"Extra poll {n}", method="yes_no_abstain", options=[],
                                 created_by=admin)
        votes.open_poll(poll, by=admin)
        start = utcnow() + timedelta(days=20 + n)
        debates.create_debate(moderator, title=f"Extra debate {n}", description="More to discuss.",
                              starts_at=start, ends_at=start + timedelta(hours=1), place="Library")
        councils.create_council(name=f"Extra council {n}", purpose="More councils.")
    _grow_budget(objects, people)
    _db.session.flush()


def _grow_budget(objects: DemoObjects, people) -> None:
    """More projects in the budget taking proposals (by those of ``people`` who may propose there)."""
    from consult.budgets import projects as budget_projects
    from consult.core.policy import policies

    for n, person in enumerate(people[:3]):
        if policies.decide("budget.propose", person, objects.budget):
            budget_projects.submit_project(objects.budget, person, title=f"Another project {n}",
                                           description="More to fund.", cost=1_000 + n)


def _api_lists(app) -> list[RouteCase]:
    """The API list of every resource (one rule, ``/api/v1/<name>``, serves them all)."""
    from consult.api.machinery import resources

    with app.test_request_context():
        return [RouteCase("GET", f"/api/v1/{name}", "api.list_resource",
                          url_for("api.list_resource", name=name))
                for name in sorted(resources())]


def measure(app):
    """Counts of every page for both people, on the demo and after ``_grow`` (in an app context, empty db)."""
    load_demo(progress=False)
    add_missing_objects()
    _db.session.commit()
    cases = [case for case in route_cases(app, methods=("GET",))
             if case.url is not None and case.endpoint not in STREAMING | NOT_PAGES]
    cases += _api_lists(app)
    visitor, resident = app.test_client(), app.test_client()
    resident.sign_in(ACCOUNTS["resident"], DEMO_PASSWORD)
    before = {"visitor": _count(app, visitor, cases), "resident": _count(app, resident, cases)}
    _grow(DemoObjects())
    _db.session.commit()
    after = {"visitor": _count(app, visitor, cases), "resident": _count(app, resident, cases)}
    return before, after


@pytest.fixture(scope="module")
def measured(app):
    """Measured once for the module (the tests below only read the counts)."""
    from tests.conftest import _clean_tables

    with app.app_context():
        _clean_tables()
        limiter.reset()
        yield measure(app)
        _db.session.rollback()
        _db.session.remove()


def _problems(measured, keys) -> list[str]:
    before, after = measured
    problems = []
    for who in before:
        for key, (n, status, statements) in after[who].items():
            if key not in keys:
                continue
            was = before[who][key][0]
            if n > LARGER.get(key, (BUDGET,))[0] or n != was:
                problems.append(f"{key:60} {who:8} {was:3} -> {n:3} queries (status {status})")
                problems.extend("      " + s.split("\n")[0][:160] for s in statements)
    return problems


def test_every_page_runs_a_bounded_number_of_queries_whatever_the_data_size(measured):
    before, after = measured
    assert len(after["visitor"]) > 50
    problems = _problems(measured, set(after["visitor"]))
    assert not problems, (f"pages over {BUDGET} queries or whose count grows with the data:\n"
                          + "\n".join(problems))
