"""Councils: memberships and terms, scoped permissions from active memberships, pages, iCalendar feed."""

from datetime import date, timedelta

import icalendar
import pytest

from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import policies
from consult.councils import services as councils
from consult.councils.models import VOTING_ROLES, Membership
from consult.councils.offices import seat, seats, term_covers
from consult.meetings import services as meetings
from tests.helpers import count, text_of


def test_overlapping_terms_of_the_same_person_are_refused(council_setup, make_user):
    council = council_setup.council
    person = make_user("newseat")
    councils.add_membership(council, person, role="member", starts_on=date(2025, 1, 1),
                            ends_on=date(2025, 12, 31))
    with pytest.raises(Conflict):
        councils.add_membership(council, person, role="observer", starts_on=date(2025, 6, 1))
    with pytest.raises(Conflict):
        councils.add_membership(council, person, role="member", starts_on=date(2024, 1, 1),
                                ends_on=date(2025, 1, 1))
    # a term right after the first one is fine, and so is a seat in another council
    councils.add_membership(council, person, role="member", starts_on=date(2026, 1, 1))
    other = councils.create_council(name="Youth council")
    councils.add_membership(other, person, role="member", starts_on=date(2025, 6, 1))
    assert count(Membership, Membership.user_id == person.id) == 3


def test_term_cannot_end_before_it_starts_and_role_must_be_known(council_setup, make_user):
    person = make_user()
    with pytest.raises(DomainError):
        councils.add_membership(council_setup.council, person, role="member", starts_on=date(2025, 5, 1),
                                ends_on=date(2025, 4, 1))
    with pytest.raises(DomainError):
        councils.add_membership(council_setup.council, person, role="king", starts_on=date(2025, 5, 1))


def test_ended_member_moves_to_history_and_loses_rights(council_setup, db):
    setup = council_setup
    seat = setup.seats["secr"]
    assert policies.decide("council.manage_sessions", setup.users["secr"], setup.council)
    councils.end_membership(seat, on=utcnow().date() - timedelta(days=1))
    db.session.commit()
    assert seat not in councils.active_memberships(setup.council)
    assert seat in councils.past_memberships(setup.council)
    assert not policies.decide("council.manage_sessions", setup.users["secr"], setup.council)


def test_a_seat_is_held_from_the_first_to_the_last_day_of_its_term(council_setup, make_user, db):
    council = council_setup.council
    person = make_user()
    first, last = date(2025, 3, 1), date(2025, 6, 30)
    councils.add_membership(council, person, role="member", starts_on=first, ends_on=last)
    db.session.commit()
    for day, held in ((first - timedelta(days=1), False), (first, True), (last, True),
                      (last + timedelta(days=1), False)):
        assert term_covers(first, last, day) is held
        assert (seat(person, council, on=day) is not None) is held, day
        assert (person.id in {m.user_id for m in seats(council, on=day)}) is held, day
    assert term_covers(first, None, date(2099, 1, 1))
    assert seat(person, council) is None  # today the term is over: no seat, no right


def test_permissions_come_from_this_councils_memberships(council_setup, make_user):
    setup = council_setup
    other = councils.create_council(name="Other council")
    admin = make_user(roles=("admin",))
    stranger = make_user()
    for username in ("pres", "secr"):
        assert policies.decide("council.manage_sessions", setup.users[username], setup.council)
        assert not policies.decide("council.manage_sessions", setup.users[username], other)
        assert not policies.decide("council.manage_members", setup.users[username], setup.council)
    for username in ("member1", "obs"):
        assert not policies.decide("council.manage_sessions", setup.users[username], setup.council)
    # voting seats: members and officers of this council, never its observers (``motion.vote`` asks this)
    assert seat(setup.users["member1"], setup.council, VOTING_ROLES)
    assert (seat(setup.users["obs"], setup.council)
            and seat(setup.users["obs"], setup.council, VOTING_ROLES) is None)
    assert seat(stranger, setup.council, VOTING_ROLES) is None
    assert seat(setup.users["member1"], other) is None
    assert policies.decide("council.manage_members", admin, setup.council)
    assert policies.decide("council.manage_sessions", admin, other)


def test_council_page_shows_members_sessions_decisions_and_calendar_link(client, council_setup, db):
    setup = council_setup
    councils.end_membership(setup.seats["member3"], on=utcnow().date())
    db.session.commit()
    response = client.get("/councils/council-of-cultures/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Pres" in text and "Association member1" in text
    assert "Member3" in text  # still in office until the end of today
    html = response.get_data(as_text=True)
    assert 'rel="alternate" type="text/calendar"' in html
    assert "Observer (no vote)" in text


def test_past_members_are_listed_in_history(client, council_setup, db):
    councils.end_membership(council_setup.seats["member3"], on=utcnow().date() - timedelta(days=1))
    db.session.commit()
    html = client.get("/councils/council-of-cultures/").get_data(as_text=True)
    history = html.split("Former members", 1)[1]
    assert "Member3" in history


def test_calendar_feed_lists_published_sessions_only(client, council_setup, db):
    setup = council_setup
    published = meetings.create_session(setup.council, title="Spring session",
                                        starts_at=utcnow() + timedelta(days=20), place="Town hall")
    meetings.add_item(published, title="Welcome")
    meetings.convene_session(published)
    meetings.create_session(setup.council, title="Secret draft", starts_at=utcnow() + timedelta(days=30),
                            place="Town hall")
    db.session.commit()
    response = client.get("/councils/council-of-cultures/sessions.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    summaries = [str(e["summary"]) for e in cal.walk("VEVENT")]
    assert summaries == ["Council of Cultures: Spring session"]


def test_only_admins_create_councils_and_manage_seats(client, council_setup, make_user):
    make_user("boss", roles=("admin",))
    client.sign_in("secr")
    assert client.get("/councils/new").status_code == 403
    assert client.post_form("/councils/council-of-cultures/members",
                            {"username": "member1", "role": "member",
                             "starts_on": "2026-01-01"}).status_code == 403
    client.sign_out()
    client.sign_in("boss")
    response = client.post_form("/councils/new", {"name": "Council of Elders", "quorum_percent": "50",
                                                  "convocation_days": "7"})
    assert response.status_code == 303
    assert client.get("/councils/council-of-elders/").status_code == 200


def test_membership_form_refuses_overlap_with_422_and_saves_nothing(client, council_setup, make_user):
    make_user("boss", roles=("admin",))
    client.sign_in("boss")
    before = count(Membership)
    response = client.post_form("/councils/council-of-cultures/members",
                                {"username": "member1", "role": "observer",
                                 "starts_on": date.today().isoformat()})
    assert response.status_code == 422
    assert "already has a seat" in text_of(response)
    assert count(Membership) == before
    response = client.post_form("/councils/council-of-cultures/members",
                                {"username": "nobody-here", "role": "member", "starts_on": "2026-01-01"})
    assert response.status_code == 422
    response = client.post_form("/councils/council-of-cultures/members",
                                {"username": "member1", "role": "member", "starts_on": "2020-01-01",
                                 "ends_on": "2020-12-31", "represents": "Senegalese association"})
    assert response.status_code == 303
    assert count(Membership) == before + 1


def test_duplicate_slug_is_refused(council_setup):
    with pytest.raises(Conflict):
        councils.create_council(name="Another", slug="council-of-cultures")


def test_download_my_data_lists_seats_and_named_votes(running, db):
    from consult.core.personal_data import export_sections

    setup, session, item = running
    motion = meetings.add_motion(item, text="Named one", mode="named")
    meetings.open_motion(motion)
    meetings.cast_vote(motion, setup.users["member1"], "no")
    data = export_sections(setup.users["member1"])["councils"]
    assert data["seats"][0]["council"] == "Council of Cultures" and data["seats"][0]["role"] == "member"
    assert data["named_votes"] == [{"motion_id": motion.id, "motion": "Named one", "choice": "no"}]


def _session(setup, title, starts_at, *, status="convened", minutes=120):
    session = meetings.create_session(setup.council, title=title, starts_at=utcnow() + timedelta(days=30),
                                      planned_minutes=minutes, place="Town hall")
    session.starts_at, session.status = starts_at, status
    return session


def test_council_page_shows_upcoming_and_latest_past_sessions_with_an_archive(client, council_setup, db):
    from consult.meetings import council_sessions as queries
    from tests.helpers import QueryCounter

    setup = council_setup
    now = utcnow()
    # convened, planned end not reached: upcoming
    _session(setup, "Still running", now - timedelta(minutes=30))
    # convened but never closed, planned end passed: past
    _session(setup, "Long over", now - timedelta(hours=3))
    _session(setup, "Held late", now + timedelta(days=2), status="in_progress")  # in progress: upcoming
    _session(setup, "Next month", now + timedelta(days=30))
    _session(setup, "Planned draft", now + timedelta(days=40), status="draft")
    db.session.commit()
    with QueryCounter() as few:
        page = client.get("/councils/council-of-cultures/")
    text = text_of(page)
    upcoming, past = text.split("Past sessions", 1)
    assert "Still running" in upcoming and "Held late" in upcoming and "Next month" in upcoming
    assert "Long over" in past and "Planned draft" not in text
    assert "All past sessions" not in text
    for n in range(queries.RECENT_SHOWN + 3):
        _session(setup, f"Old session {n:02d}", now - timedelta(days=400 - n * 30), status="closed")
    db.session.commit()
    with QueryCounter() as more:
        page = client.get("/councils/council-of-cultures/")
    assert more.count == few.count
    past = text_of(page).split("Past sessions", 1)[1].split("Decisions", 1)[0]
    shown = [n for n in range(queries.RECENT_SHOWN + 3) if f"Old session {n:02d}" in past]
    assert shown == [4, 5, 6, 7] and "Long over" in past  # the five most recent past sessions
    assert 'href="/councils/council-of-cultures/sessions"' in page.get_data(as_text=True)

    archive = client.get("/councils/council-of-cultures/sessions?per_page=4")
    text = text_of(archive)
    assert archive.status_code == 200 and "9 past sessions" in text and "Page 1 of 3" in text
    assert "Long over" in text and "Old session 07" in text and "Old session 05" in text
    assert "Old session 04" not in text and "Still running" not in text and "Next month" not in text
    last = text_of(client.get("/councils/council-of-cultures/sessions?per_page=4&page=3"))
    assert "Old session 00" in last and "Old session 01" not in last
    fragment = client.get("/councils/council-of-cultures/sessions?page=2", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<section id="past-sessions"')
    assert client.get("/councils/nowhere/sessions").status_code == 404


def test_officers_see_draft_sessions_in_the_overview(db, council_setup):
    from consult.meetings import council_sessions as queries

    setup = council_setup
    _session(setup, "Planned draft", utcnow() + timedelta(days=40), status="draft")
    _session(setup, "Old draft", utcnow() - timedelta(days=40), status="draft")
    db.session.commit()
    public = queries.overview(setup.council)
    assert public.upcoming == [] and public.recent == []
    officer = queries.overview(setup.council, include_drafts=True)
    assert [s.title for s in officer.upcoming] == ["Planned draft"]
    assert [s.title for s in officer.recent] == ["Old draft"]
