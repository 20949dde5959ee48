"""A council session's version is kept by the database (``consult.meetings.versions``): triggers give it a new
random value at every change of a row its page's live part shows, whoever makes the change (the services or
plain SQL), and at no other change. The page reads that one row with the session and, while it stays, serves
its kept live part without reading the session's rows; a change shows on the next request."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.accounts import services as accounts
from consult.core.models import utcnow
from consult.councils import services as councils
from consult.meetings import services as meetings
from consult.meetings import versions
from consult.meetings.models import SessionVersion
from consult.meetings.queries import LIVE_PART, PAGE_ROWS
from tests.helpers import QueryCounter, VersionMoves, migration, text_of
from tests.meetings.test_proposal_picker import make_proposals

#: the tables whose rows the live part shows: none of them is read when the kept part serves
SESSION_ROWS = ("agenda_item", "agenda_speaker", "agenda_attachment", "agenda_item_proposal",
                "council_motion", "council_attendance", "vote_participation", "proposal")


def version_of(db, session_id: int) -> int | None:
    return db.session.scalar(sa.select(SessionVersion.version).where(SessionVersion.session_id == session_id))


def sql(db, statement: str, **params) -> None:
    db.session.execute(sa.text(statement), params)
    db.session.commit()


@pytest.fixture
def other_session(running, db):
    """A second session of the same council, planned, with an item."""
    setup = running[0]
    session = meetings.create_session(setup.council, title="Next session",
                                      starts_at=utcnow() + timedelta(days=20), place="Town hall")
    item = meetings.add_item(session, title="Budget", kind="decision")
    db.session.commit()
    return session, item


def Moves(db, session_id: int, expected: bool = True) -> VersionMoves:  # noqa: N802 - used as a class
    """``with Moves(db, session_id): change`` — the change gives the session a new version."""
    return VersionMoves(db, lambda: version_of(db, session_id), expected)


def test_every_session_has_a_version_from_its_creation(running, other_session, db):
    _setup, session, _item = running
    other_id = other_session[0].id
    versions_ = {version_of(db, session.id), version_of(db, other_id)}
    assert None not in versions_ and len(versions_) == 2
    assert all(0 <= abs(v) < 2 ** 53 for v in versions_)
    sql(db, "DELETE FROM council_session WHERE id = :id", id=other_id)
    db.session.expunge_all()
    assert version_of(db, other_id) is None


def test_each_change_the_page_shows_moves_the_version_through_the_services(running, db):
    setup, session, item = running
    with Moves(db, session.id):
        meetings.add_speaker(item, "Fatou Diallo")
    with Moves(db, session.id):
        meetings.update_item(item, title="Resident cards for all", description="", kind="decision",
                             duration_minutes=None, presenter="")
    with Moves(db, session.id):
        motion = meetings.add_motion(item, text="Adopt the card", mode="named")
    with Moves(db, session.id):
        meetings.open_motion(motion)
    with Moves(db, session.id):
        meetings.cast_vote(motion, setup.users["member1"], "yes")
    with Moves(db, session.id):
        secret = meetings.add_motion(item, text="Elect the chair", mode="secret")
        meetings.open_motion(secret)
    with Moves(db, session.id):  # a secret ballot: the votes engine's participation row
        meetings.cast_vote(secret, setup.users["member2"], "no")
    with Moves(db, session.id):
        accounts.update_profile(setup.users["member3"], display_name="Amadou", language="en", email=None)
    with Moves(db, session.id):
        meetings.record_attendance(session, [{"attendance_id": a.id, "status": "excused", "arrived_at": None,
                                              "left_at": None} for a in session.attendance[:1]])
    with Moves(db, session.id):
        meetings.close_motion(motion)
        meetings.close_motion(secret)
    with Moves(db, session.id):
        meetings.close_session(session)


def test_each_change_the_page_shows_moves_the_version_in_plain_sql(running, db, make_user):
    setup, session, item = running
    attendance = session.attendance[0]
    member = setup.users["member1"]
    with Moves(db, session.id):  # the roll call
        sql(db, "UPDATE council_attendance SET status = 'excused' WHERE id = :id", id=attendance.id)
    with Moves(db, session.id):
        sql(db, "DELETE FROM council_attendance WHERE id = :id", id=attendance.id)
    with Moves(db, session.id):  # the agenda
        sql(db, "UPDATE agenda_item SET title = 'Cards' WHERE id = :id", id=item.id)
    with Moves(db, session.id):
        sql(db, "INSERT INTO agenda_speaker (item_id, name, position) VALUES (:id, 'Chen', 1)", id=item.id)
    with Moves(db, session.id):
        sql(db, "INSERT INTO agenda_item_proposal (item_id, proposal_id) VALUES (:id, 42)", id=item.id)
    motion = meetings.add_motion(item, text="Adopt the card", mode="named")
    meetings.open_motion(motion)
    db.session.commit()
    with Moves(db, session.id):  # a motion changed
        sql(db, "UPDATE council_motion SET text = 'Adopt the cards' WHERE id = :id", id=motion.id)
    with Moves(db, session.id):  # a named vote cast, then withdrawn
        sql(db, "INSERT INTO council_motion_vote (motion_id, membership_id, choice) "
                "VALUES (:motion, :seat, 'yes')", motion=motion.id, seat=setup.seats["member1"].id)
    with Moves(db, session.id):
        sql(db, "DELETE FROM council_motion_vote WHERE motion_id = :id", id=motion.id)
    with Moves(db, session.id):  # a display name, an erasure
        sql(db, 'UPDATE "user" SET display_name = :name WHERE id = :id', name="Ama", id=member.id)
    with Moves(db, session.id):
        sql(db, 'UPDATE "user" SET deleted_at = :now WHERE id = :id', now=utcnow(), id=member.id)
    with Moves(db, session.id):  # the council's seats and quorum
        sql(db, "UPDATE council_membership SET role = 'observer' WHERE id = :id",
            id=setup.seats["member2"].id)
    with Moves(db, session.id):
        sql(db, "UPDATE council SET quorum_percent = 60 WHERE id = :id", id=setup.council.id)
    with Moves(db, session.id):  # the session's status
        sql(db, "UPDATE council_session SET status = 'closed' WHERE id = :id", id=session.id)
    with Moves(db, session.id):
        sql(db, "DELETE FROM agenda_item WHERE id = :id", id=item.id)


def test_a_linked_proposals_new_title_moves_the_version(running, db, make_user):
    setup, session, item = running
    made = make_proposals(db, make_user, setup.council, submitted=["Benches", "Lamps"])
    meetings.set_item_proposals(item, [made["Benches"].id])
    db.session.commit()
    with Moves(db, session.id):
        sql(db, "UPDATE proposal SET title = 'Benches in the park' WHERE id = :id", id=made["Benches"].id)
    with Moves(db, session.id, expected=False):  # not on the agenda
        sql(db, "UPDATE proposal SET title = 'Street lamps' WHERE id = :id", id=made["Lamps"].id)


def test_what_the_page_does_not_show_leaves_the_version(running, other_session, db, make_user):
    setup, session, item = running
    other, other_item = other_session
    member = setup.users["member1"]
    with Moves(db, session.id, expected=False):  # another session's agenda, motions and roll
        sql(db, "UPDATE agenda_item SET title = 'Budget 2027' WHERE id = :id", id=other_item.id)
        sql(db, "INSERT INTO agenda_speaker (item_id, name, position) VALUES (:id, 'Chen', 1)",
            id=other_item.id)
        meetings.add_motion(other_item, text="Adopt the budget", mode="hands")
        sql(db, "UPDATE council_session SET title = 'Budget session' WHERE id = :id", id=other.id)
    with Moves(db, session.id, expected=False):  # a sign-in, a language, an unchanged name
        sql(db, 'UPDATE "user" SET last_sign_in_at = :now, language = \'fr\' WHERE id = :id', now=utcnow(),
            id=member.id)
        sql(db, 'UPDATE "user" SET display_name = display_name WHERE id = :id', id=member.id)
    with Moves(db, session.id, expected=False):  # someone with no seat in the council
        stranger = make_user("stranger", display_name="Stranger")
        db.session.commit()
        sql(db, 'UPDATE "user" SET display_name = \'Someone\' WHERE id = :id', id=stranger.id)
    with Moves(db, session.id, expected=False):  # another council and its seats
        council = councils.create_council(name="Youth council", purpose="Young people.", quorum_percent=50,
                                          convocation_days=5)
        councils.add_membership(council, member, role="member", starts_on=utcnow().date())
        db.session.commit()
        sql(db, "UPDATE council SET quorum_percent = 70 WHERE id = :id", id=council.id)
    assert version_of(db, other.id) is not None


def _count(client, url) -> tuple[list[str], str]:
    with QueryCounter() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries.statements, response.get_data(as_text=True)


def _reads_session_rows(statements: list[str]) -> list[str]:
    return [s for s in statements if any(f"FROM {t}" in s or f"JOIN {t}" in s for t in SESSION_ROWS)]


def test_the_kept_live_part_serves_without_reading_the_sessions_rows(app, client, running, db):
    setup, session, item = running
    motion = meetings.add_motion(item, text="Elect the chair", mode="secret")
    meetings.open_motion(motion)
    meetings.cast_vote(motion, setup.users["member1"], "yes")
    meetings.add_speaker(item, "Fatou Diallo")
    db.session.commit()
    url = f"/sessions/{session.id}"
    first, html = _count(client, url)
    assert _reads_session_rows(first) and "Fatou Diallo" in html
    with app.app_context():
        hits = LIVE_PART.stats().hits, PAGE_ROWS.stats().hits
    again, html_again = _count(client, url)
    assert len(again) == 1 and not _reads_session_rows(again)  # the session with its version, nothing else
    assert "session_version" in again[0]
    assert html_again.split('<div id="live"', 1)[1] == html.split('<div id="live"', 1)[1]
    with app.app_context():
        assert (LIVE_PART.stats().hits, PAGE_ROWS.stats().hits) == (hits[0] + 1, hits[1] + 1)

    # a member who may not vote (already voted): their own facts only, and the kept rows
    client.sign_in("member1")
    _count(client, url)
    statements, member_html = _count(client, url)
    assert "You have voted on this motion" in member_html
    assert len(statements) <= 7  # was 11: the rows are the kept ones (their seat, their secret votes)
    assert not _reads_session_rows([s for s in statements if "vote_participation" not in s])
    assert len([s for s in statements if "vote_participation" in s]) == 1  # which secret votes are theirs
    client.sign_out()

    # a change, in plain SQL, shows on the next request
    sql(db, "UPDATE agenda_speaker SET name = 'Amadou Ba' WHERE item_id = :id", id=item.id)
    statements, changed = _count(client, url)
    assert "Amadou Ba" in changed and "Fatou Diallo" not in changed
    assert _reads_session_rows(statements)
    sql(db, 'UPDATE "user" SET display_name = \'Chair Person\' WHERE id = :id', id=setup.users["pres"].id)
    assert "Chair Person" in text_of(client.get(url))
    sql(db, "UPDATE council_session SET status = 'closed' WHERE id = :id", id=session.id)
    assert "Closed" in text_of(client.get(url))


def test_the_live_parts_key_is_the_same_in_every_process():
    """The key holds the session's version and a digest of what was decided for the reader made with
    blake2b, never ``hash`` (randomised per process): two processes with other hash seeds agree."""
    assert not LIVE_PART.local and LIVE_PART.depends_on == ("session", "version", "reader")
    code = ("from types import SimpleNamespace as N; from consult.meetings.queries import _reader_digest; "
            "print(_reader_digest({3: True, 1: False}, {1: N(kind='refused', reason='Sign in'), "
            "3: N(kind='conflict', reason='Already')}))")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(digests) == 1 and len(digests.pop().strip()) == 32


def test_the_migration_makes_the_triggers_the_code_makes():
    """Migration 0013 copies the trigger SQL: it is the SQL ``versions`` makes for ``create_all``."""
    made = migration("0013_session_versions.py")
    assert made.SQLITE_TRIGGERS == versions.SQLITE_TRIGGERS
    assert made.POSTGRES_TRIGGERS == versions.POSTGRES_TRIGGERS
    assert made.REBUILD == {d: versions.rebuild(d) for d in ("sqlite", "postgresql")}
