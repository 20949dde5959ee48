"""The ``db`` fixture (tests/conftest.py): what a test writes, through requests and its own commits, is rolled
back at its end, full-text rows and trigger-kept tables included; a ``committed_db`` test really commits, and
the next test still starts from empty tables. The tests of this file run in order, on one worker."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.accounts.models import User
from consult.proposals.models import ProposalTally
from tests.conftest import database_backend
from tests.helpers import count


def _fts_rows(db) -> int:
    if database_backend() != "sqlite":
        return 0
    return db.session.scalar(sa.text("SELECT count(*) FROM proposal_fts"))


def _write_everywhere(db, client, make_user, username):
    make_user(username, password="correct horse battery")
    client.sign_in(username)  # the password check reads through the test's connection
    assert client.get("/").status_code == 200
    db.session.add(ProposalTally(process_id=1, theme_id=0, district_id=0, state="submitted", published=True,
                                 proposals=1))
    if database_backend() == "sqlite":
        db.session.execute(sa.text("INSERT INTO proposal_fts (rowid, proposal_id, title, body) "
                                   "VALUES (1, 1, 'left', 'behind')"))
    db.session.commit()


def test_1_a_test_writes_through_requests_and_commits(db, client, make_user):
    _write_everywhere(db, client, make_user, "first")
    bind = db.session.get_bind()
    assert isinstance(bind, sa.Connection) and bind.in_transaction()  # one connection, never committed
    assert count(User) == 1 and count(ProposalTally) == 1


def test_2_the_next_test_finds_nothing(db):
    assert count(User) == 0 and count(ProposalTally) == 0 and _fts_rows(db) == 0


@pytest.mark.committed_db
def test_3_a_committed_test_commits(db, client, make_user):
    _write_everywhere(db, client, make_user, "committed")
    assert isinstance(db.session.get_bind(), sa.Engine)
    with db.engine.connect() as other:  # another connection sees it
        assert other.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_4_after_a_committed_test_the_tables_are_empty_again(db):
    assert count(User) == 0 and count(ProposalTally) == 0 and _fts_rows(db) == 0
