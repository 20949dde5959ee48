"""Processes: phases computed from dates, capabilities, admin pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.processes import services as processes
from consult.processes.models import Phase, Process
from tests.helpers import count, text_of


def test_active_phase_follows_the_dates_without_any_job(make_process):
    process = make_process()
    now = utcnow()
    assert process.active_phase().kind == "proposals"
    assert process.active_phase(now - timedelta(days=5)).kind == "information"
    assert process.active_phase(now + timedelta(days=31)) is None
    assert process.allows("propose")
    assert not process.allows("propose", now - timedelta(days=5))


def test_phase_capabilities_are_declared_per_phase(make_process):
    process = make_process(kind="deliberation")
    assert process.allows("support") and process.allows("comment")
    assert not process.allows("propose")


def test_overlapping_phases_are_refused(db, admin, make_process):
    process = make_process()
    with pytest.raises(DomainError) as err:
        processes.add_phase(process, actor=admin, kind="voting", starts_at=utcnow(),
                            ends_at=utcnow() + timedelta(days=2))
    assert err.value.field == "starts_at"


def test_phase_must_end_after_it_starts(db, admin, make_process):
    process = make_process()
    later = utcnow() + timedelta(days=100)
    with pytest.raises(DomainError):
        processes.add_phase(process, actor=admin, kind="voting", starts_at=later, ends_at=later)


def test_themes_keep_their_ids_when_renamed_in_order(db, admin, make_process):
    process = make_process(themes=("A", "B"))
    ids = {t.name: t.id for t in process.themes}
    processes.update_process(process, actor=admin, title=process.title, description="",
                             themes=["B", "C", "A"], district_ids=[], rule=None, support_threshold=5,
                             council_id=7)
    db.session.commit()
    assert [t.name for t in process.themes] == ["B", "C", "A"]
    assert {t.name: t.id for t in process.themes}["A"] == ids["A"]
    assert process.council_id == 7


def test_admin_creates_a_process_and_a_phase_through_the_pages(client, admin, db):
    client.sign_in("admin1")
    response = client.post_form("/processes/new", {"title": "Welcoming city 2027", "description": "Hello",
                                                   "themes": "One\nTwo\n", "eligibility_rule": "0",
                                                   "support_threshold": "10"})
    assert response.status_code == 303, text_of(response)
    process = db.session.query(Process).one()
    assert [t.name for t in process.themes] == ["One", "Two"]
    response = client.post_form(f"/processes/{process.id}/phases/new", {
        "kind": "proposals", "starts_at": "2027-01-01T09:00", "ends_at": "2027-03-01T18:00",
        "capabilities": ["propose", "support"]})
    assert response.status_code == 303, text_of(response)
    phase = db.session.query(Phase).one()
    assert phase.capabilities == ["propose", "support"]
    # typed in Europe/Rome (UTC+1 in winter), stored in UTC
    assert phase.starts_at.hour == 8
    page = client.get(f"/processes/{process.id}")
    assert "Welcoming city 2027" in text_of(page)


def test_bad_phase_dates_answer_422_and_save_nothing(client, admin, make_process):
    process = make_process()
    client.sign_in("admin1")
    response = client.post_form(f"/processes/{process.id}/phases/new", {
        "kind": "voting", "starts_at": "2030-01-02T09:00", "ends_at": "2030-01-01T09:00"})
    assert response.status_code == 422
    assert "must end after it starts" in text_of(response)
    assert count(Phase) == 2


def test_only_admins_manage_processes(client, make_user, make_process):
    process = make_process()
    make_user("someone")
    client.sign_in("someone")
    assert client.get(f"/processes/{process.id}/edit").status_code == 403
    assert client.post_form("/processes/new", {"title": "x", "support_threshold": "1"}).status_code == 403


def test_process_pages_for_visitors(client, make_process):
    process = make_process()
    listing = client.get("/processes")
    assert listing.status_code == 200 and process.title in text_of(listing)
    page = client.get(f"/processes/{process.id}")
    assert page.status_code == 200
    assert 'aria-current="step"' in page.get_data(as_text=True)
    assert client.get("/processes/999").status_code == 404


def test_admin_edits_and_removes_a_phase(client, admin, make_process, db):
    process = make_process()
    phase = process.phases[-1]
    client.sign_in("admin1")
    page = client.get(f"/processes/{process.id}/phases/{phase.id}")
    assert page.status_code == 200 and '<input checked id="capabilities-0"' in page.get_data(as_text=True)
    response = client.post_form(f"/processes/{process.id}/phases/{phase.id}", {
        "kind": "deliberation", "starts_at": "2031-01-01T09:00", "ends_at": "2031-02-01T09:00",
        "capabilities": ["comment"]})
    assert response.status_code == 303, text_of(response)
    db.session.refresh(phase)
    assert phase.kind == "deliberation" and phase.capabilities == ["comment"]
    assert client.post_form(f"/processes/{process.id}/phases/{phase.id}/delete").status_code == 303
    assert count(Phase) == 1
