"""Demo outcomes in the seed's story: resident cards, International Migrants Day on 18 December, a multi-year
action plan built with civil society, and a citizens' monitoring committee that follows them.

Outcomes made from the demo session's adopted motions (by the minutes step) get their actions and updates; the
action plan is added on its own. Created through the services, as the pages do.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from consult.accounts.models import User
from consult.core.models import utcnow
from consult.councils.models import Council
from consult.extensions import db
from consult.minutes import services as minutes_services
from consult.outcomes import services
from consult.outcomes.models import FollowUpComment, Outcome, OutcomeUpdate
from consult.processes.models import Process
from consult.proposals.models import Proposal


def _user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _first_id(model, *where) -> int | None:
    return db.session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1))


def _backdate(update: OutcomeUpdate, days: int) -> None:
    update.created_at = utcnow() - timedelta(days=days)


def load() -> None:
    secretary, president = _user("secretary"), _user("president")
    council_id = _first_id(Council)
    process_id = _first_id(Process)
    cards_proposal = _first_id(Proposal, Proposal.title.ilike("%resident card%"))

    for minutes in db.session.scalars(sa.select(minutes_services.Minutes).where(
            minutes_services.Minutes.status == "published", minutes_services.Minutes.kind == "original")):
        services.outcomes_from_record(minutes.record, council_id=minutes.council_id, minutes_id=minutes.id)

    outcomes = list(db.session.scalars(sa.select(Outcome).order_by(Outcome.id)))
    cards = next((o for o in outcomes if "resident card" in o.title.lower()), None)
    if cards is None:
        cards = services.create_outcome("Issue local resident cards, starting with a pilot in two districts",
                                        council_id=council_id, decided_on=date(2026, 10, 15))
    cards.proposal_id = cards.proposal_id or cards_proposal
    cards.process_id = cards.process_id or process_id
    if not cards.actions:
        services.add_action(cards, "Pilot of the resident card in two districts",
                            responsible="Registry office", due_on=date(2027, 6, 30))
    study = services.add_action(cards, "Privacy study: the card must never become a monitoring tool",
                                responsible="Data protection officer", due_on=date(2026, 12, 1))
    guide = services.add_action(cards, "Guide to the card in six languages", responsible="Welcome office",
                                due_on=date(2027, 3, 1))
    _backdate(services.update_action(study, status="done", progress=100, text="The study is published.",
                                     actor=secretary), 20)
    _backdate(services.update_action(cards.actions[0], status="in_progress", progress=40,
                                     text="The first 300 cards were printed in Centro Storico and Porto.",
                                     actor=secretary), 6)
    _backdate(services.update_action(guide, status="in_progress", progress=15,
                                     text="Translations into Arabic and Tigrinya have started.",
                                     actor=secretary), 2)

    day = next((o for o in outcomes if "18 december" in o.title.lower()), None)
    if day is None:
        day = services.create_outcome("Celebrate International Migrants Day on 18 December at the municipal "
                                      "council",
                                      council_id=council_id, decided_on=date(2026, 10, 15))
    if not day.actions:
        services.add_action(day, "Ceremony at the municipal council", responsible="Mayor's office",
                            due_on=date(2026, 12, 18))
    expo = services.add_action(day, "Exhibition “Snapshots from the borders” in the library",
                               responsible="Culture department", due_on=date(2026, 12, 18))
    _backdate(services.update_action(expo, status="in_progress", progress=60,
                                     text="Twelve photographers have sent their pictures.", actor=president),
              4)

    _action_plan(council_id, process_id, secretary)
    if council_id is not None:
        _monitoring_committee(council_id, cards, president)
    db.session.flush()


def _action_plan(council_id: int | None, process_id: int | None, secretary) -> None:
    plan = services.create_outcome(
        "Multi-year action plan for a welcoming city, built with civil society",
        description="Three years, reviewed every year in public with the associations of the city.",
        council_id=council_id, process_id=process_id, decided_on=date(2026, 10, 15),
        source_key="demo:multi-year-plan")
    if not plan.actions:
        for year, progress in ((2027, 10), (2028, 0), (2029, 0)):
            action = services.add_action(plan, f"Action plan {year}: write and vote it with civil society",
                                         responsible="Council of Cultures", due_on=date(year - 1, 12, 31))
            if progress:
                _backdate(services.update_action(action, status="in_progress", progress=progress,
                                                 text="First workshop with 14 associations.",
                                                 actor=secretary), 9)


def _monitoring_committee(council_id: int, cards: Outcome, president) -> None:
    """The citizens' monitoring committee follows the outcomes of the council."""
    for username in ("resident", "observer"):
        person = _user(username)
        if person is not None:
            services.appoint_monitor(council_id, person, by=president)
    monitor = _user("resident")
    if monitor is not None and not db.session.scalar(sa.select(sa.func.count()).select_from(FollowUpComment)):
        services.post_follow_up(cards, "The pilot works in Centro Storico. In Stazione, people still wait "
                                       "for the printed cards: please give a date.", author=monitor)
