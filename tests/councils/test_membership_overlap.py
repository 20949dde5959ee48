"""The database itself refuses overlapping terms of one person in one council (an exclusion constraint on
PostgreSQL, triggers on SQLite), and the service turns that refusal into the form's translated error."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.exc import IntegrityError

from consult import create_app
from consult.core.errors import Conflict
from consult.councils import overlaps
from consult.councils import services as councils
from consult.councils.models import Membership
from consult.extensions import db as _db
from tests.conftest import TEST_DATABASE_URL
from tests.core.test_migrations import empty_database_url  # noqa: F401 - fixture
from tests.helpers import count, text_of

TERM = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def seated(council_setup, make_user, db):
    """A person with one term in the council: 2025, both days included."""
    person = make_user("holder")
    councils.add_membership(council_setup.council, person, role="member", starts_on=TERM[0], ends_on=TERM[1])
    db.session.commit()
    return council_setup.council, person


def _raw_insert(db, council_id, user_id, starts_on, ends_on):
    """A row written past the services, as a bulk loader or a second request would write it."""
    now = date.today()
    db.session.execute(sa.insert(Membership.__table__).values(
        council_id=council_id, user_id=user_id, role="member", represents="", starts_on=starts_on,
        ends_on=ends_on, created_at=now, updated_at=now))
    db.session.flush()


@pytest.mark.parametrize("starts_on, ends_on", [
    (date(2025, 6, 1), date(2025, 6, 30)),    # inside
    (date(2024, 1, 1), date(2025, 1, 1)),     # ends on the first day
    (date(2025, 12, 31), None),               # starts on the last day, open-ended
    (date(2020, 1, 1), None),                 # open-ended from before
    (date(2024, 6, 1), date(2026, 6, 1)),     # around
])
def test_the_database_refuses_an_overlapping_row(seated, db, starts_on, ends_on):
    council, person = seated
    with pytest.raises(IntegrityError) as refused:
        _raw_insert(db, council.id, person.id, starts_on, ends_on)
    assert overlaps.is_overlap(refused.value)
    db.session.rollback()
    assert count(Membership, Membership.user_id == person.id) == 1


def test_the_database_accepts_terms_that_do_not_overlap(seated, make_user, db):
    council, person = seated
    other_council = councils.create_council(name="Youth council")
    _raw_insert(db, council.id, person.id, date(2024, 1, 1), date(2024, 12, 31))  # the day before
    _raw_insert(db, council.id, person.id, date(2026, 1, 1), None)  # the day after, open-ended
    _raw_insert(db, other_council.id, person.id, *TERM)  # another council
    _raw_insert(db, council.id, make_user("someone").id, *TERM)  # another person
    db.session.commit()
    assert count(Membership, Membership.user_id == person.id) == 4


def test_an_update_that_makes_two_terms_overlap_is_refused(seated, db):
    council, person = seated
    later = councils.add_membership(council, person, role="observer", starts_on=date(2026, 1, 1),
                                    ends_on=date(2026, 12, 31))
    db.session.commit()
    with pytest.raises(IntegrityError) as refused:
        db.session.execute(sa.update(Membership.__table__).where(Membership.id == later.id)
                           .values(starts_on=date(2025, 12, 1)))
    assert overlaps.is_overlap(refused.value)
    db.session.rollback()
    # changing a row without touching its term, or within itself, is fine
    db.session.execute(sa.update(Membership.__table__).where(Membership.id == later.id)
                       .values(ends_on=date(2027, 6, 30), role="member"))
    db.session.commit()


def test_the_services_answer_the_databases_refusal_with_the_form_error(seated, db, monkeypatch):
    """Two requests at once both pass the service's own check; the second one's row is refused by the
    database, and the refusal is the same translated error, nothing saved."""
    council, person = seated
    monkeypatch.setattr(councils, "overlapping_term", lambda *args: None)
    with pytest.raises(Conflict) as refused:
        councils.add_membership(council, person, role="observer", starts_on=date(2025, 6, 1))
    assert refused.value.field == "starts_on" and "already has a seat" in str(refused.value.message)
    assert count(Membership, Membership.user_id == person.id) == 1
    # the transaction goes on: a term that does not overlap is written in it
    councils.add_membership(council, person, role="member", starts_on=date(2026, 1, 1))
    db.session.commit()
    assert count(Membership, Membership.user_id == person.id) == 2


def test_the_seat_form_shows_the_databases_refusal(client, seated, make_user, monkeypatch):
    make_user("boss", roles=("admin",))
    monkeypatch.setattr(councils, "overlapping_term", lambda *args: None)
    client.sign_in("boss")
    response = client.post_form("/councils/council-of-cultures/members",
                                {"username": "holder", "role": "observer", "starts_on": "2025-03-01"})
    assert response.status_code == 422
    assert "already has a seat in this council for part of this term" in text_of(response)
    assert count(Membership, Membership.user_id == seated[1].id) == 1


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (CONSULT_TEST_DATABASE_URL)")
def test_postgresql_keeps_the_rule_in_an_exclusion_constraint(seated, db):
    council, person = seated
    kind = db.session.scalar(sa.text("SELECT contype FROM pg_constraint WHERE conname = :name"),
                             {"name": overlaps.NAME})
    assert kind == "x"  # EXCLUDE
    with pytest.raises(IntegrityError) as refused:
        _raw_insert(db, council.id, person.id, date(2025, 12, 31), date(2026, 3, 1))
    assert refused.value.orig.sqlstate == "23P01"  # exclusion_violation
    db.session.rollback()


def test_the_migration_makes_the_rule_and_stops_on_terms_that_overlap_already(tmp_path, capsys,
                                                                              empty_database_url):  # noqa: F811
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": empty_database_url,
                      "SECRET_KEY": "x", "RESIDENCE_HMAC_KEY": "y"})
    with app.app_context():
        upgrade(revision="0008")
        with _db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO \"user\" (id, username, display_name, language, is_blocked, created_at, "
                "updated_at) VALUES (1, 'a', 'A', 'en', false, '2025-01-01', '2025-01-01')")
            conn.exec_driver_sql(
                "INSERT INTO council (id, name, slug, purpose, mandate, composition, contact, "
                "quorum_percent, convocation_days, created_at, updated_at) "
                "VALUES (1, 'C', 'c', '', '', '', '', 50, 5, '2025-01-01', '2025-01-01')")
            for row_id, starts_on, ends_on in ((1, "2025-01-01", "2025-12-31"), (2, "2025-12-31", None)):
                conn.execute(sa.text(
                    "INSERT INTO council_membership (id, council_id, user_id, role, represents, starts_on, "
                    "ends_on, created_at, updated_at) VALUES (:id, 1, 1, 'member', '', :s, :e, "
                    "'2025-01-01', '2025-01-01')"), {"id": row_id, "s": starts_on, "e": ends_on})
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's error and exits
            upgrade(revision="0009")
        assert "terms of one person in one council overlap (1/2)" in capsys.readouterr().err
        with _db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE council_membership SET starts_on = '2026-01-01' WHERE id = 2")
        upgrade(revision="0009")
        with _db.engine.begin() as conn, pytest.raises(IntegrityError):
            conn.exec_driver_sql(
                "INSERT INTO council_membership (id, council_id, user_id, role, represents, starts_on, "
                "created_at, updated_at) VALUES (3, 1, 1, 'member', '', '2025-06-01', '2025-01-01', "
                "'2025-01-01')")
        _db.engine.dispose()
