"""Seating a panel on its owner: a council's co-opted places become memberships (audited, drafted in the
council's minutes); a process's citizens' assembly is listed on the process's page."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from consult.core import time
from consult.core.audit import AuditEntry
from consult.core.models import utcnow
from consult.extensions import db as _db
from consult.lotteries import drawing, invitations, pools, seating
from tests.lotteries.fixtures import SEATS, make_lottery


def _draw_and_accept(setup, value="3 1 4"):
    pools.close_pool(setup.lottery)
    drawn = drawing.draw(setup.lottery, value)
    for row in drawn:
        invitations.reply(setup.lottery, _db.session.get(type(setup.organiser), row.user_id), accept=True)
    return drawn


def test_co_opted_places_become_council_memberships_recorded_in_the_minutes(db, make_user):
    from consult.councils import services as councils
    from consult.councils.models import Membership
    from consult.minutes.models import Minutes

    council = councils.create_council(name="Council of Cultures", convocation_days=5)
    elected = make_user("elected", display_name="Elected Member")
    today = time.to_local(utcnow(), time.platform_zone()).date()
    term_end = today + timedelta(days=400)
    councils.add_membership(council, elected, role="member", starts_on=today - timedelta(days=30),
                            ends_on=term_end)
    _db.session.commit()
    setup = make_lottery(make_user, owner=("council", council.id))
    drawn = _draw_and_accept(setup)
    # one of the drawn already sits on the council for part of the term: not seated twice
    already = _db.session.get(type(setup.organiser), drawn[0].user_id)
    councils.add_membership(council, already, role="observer", starts_on=today - timedelta(days=1))
    panel = seating.seat(setup.lottery, by=setup.organiser)
    assert len(panel) == SEATS
    seats = _db.session.scalars(sa.select(Membership).where(
        Membership.council_id == council.id, Membership.represents == setup.lottery.title)).all()
    assert sorted(m.user_id for m in seats) == sorted(r.user_id for r in drawn[1:])
    assert all(m.role == "member" and m.starts_on == today and m.ends_on == term_end for m in seats)
    entry = _db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lotteries.council_seated"))
    assert entry.actor_id == setup.organiser.id and entry.details["unseated"] == [already.id]
    assert sorted(entry.details["memberships"]) == sorted(m.id for m in seats)
    added = _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "councils.membership_added",
                                                            AuditEntry.actor_id == setup.organiser.id)).all()
    assert len(added) == SEATS - 1
    minutes = _db.session.scalar(sa.select(Minutes).where(Minutes.source_type == "lottery",
                                                          Minutes.source_id == setup.lottery.id))
    assert minutes is not None and minutes.council_id == council.id
    body = minutes.revisions[-1].body
    assert "Seated as members of the council" in body and already.public_name in body
    assert all(_db.session.get(type(setup.organiser), m.user_id).public_name in body for m in seats)
    assert f"Their term runs from {today.isoformat()} to {term_end.isoformat()}." in body
    _db.session.commit()


def test_co_opted_places_are_open_ended_when_the_council_s_terms_are(db, make_user):
    from consult.councils import services as councils
    from consult.councils.models import Membership

    council = councils.create_council(name="Youth Council", convocation_days=5)
    _db.session.commit()
    assert seating.council_term(council.id, date(2030, 1, 1)) is None
    setup = make_lottery(make_user, owner=("council", council.id))
    _draw_and_accept(setup)
    seating.seat(setup.lottery)
    seats = _db.session.scalars(sa.select(Membership).where(Membership.council_id == council.id)).all()
    assert len(seats) == SEATS and all(m.ends_on is None for m in seats)


def test_the_secretary_seats_the_co_opted_places_from_the_page(client, db, make_user):
    from consult.councils import services as councils
    from consult.councils.models import Membership

    council = councils.create_council(name="Council of Cultures", convocation_days=5)
    secretary = make_user("secretary")
    councils.add_membership(council, secretary, role="secretary", starts_on=date(2020, 1, 1))
    _db.session.commit()
    setup = make_lottery(make_user, owner=("council", council.id))
    _draw_and_accept(setup)
    _db.session.commit()
    client.sign_in("secretary")
    response = client.post_form(f"/lotteries/{setup.lottery.id}/seat")
    assert response.status_code == 303
    count = _db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.council_id == council.id, Membership.role == "member"))
    assert count == SEATS


def test_a_process_page_lists_its_seated_citizens_assembly(client, db, make_user):
    from consult.processes import services as processes

    admin = make_user("admin", roles=("admin",))
    process = processes.create_process(actor=admin, title="Mobility plan")
    _db.session.commit()
    assert "assembly drawn by lot" not in client.get(f"/processes/{process.id}").text
    setup = make_lottery(make_user, owner=("process", process.id))
    drawn = _draw_and_accept(setup)
    seating.seat(setup.lottery)
    _db.session.commit()
    page = client.get(f"/processes/{process.id}").text
    assert "assembly drawn by lot" in page
    assert f'href="/lotteries/{setup.lottery.id}"' in page
    for row in drawn:
        assert _db.session.get(type(setup.organiser), row.user_id).display_name in page
