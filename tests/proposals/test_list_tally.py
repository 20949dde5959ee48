"""List totals come from ``proposal_tally`` (kept by triggers) and stay exactly the count of the proposal rows
through every change: publishing, supports, hiding and restoring, withdrawals, answers, merges, a theme
deleted, a process deleted, concurrent writers."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from consult.api.machinery import resources
from consult.extensions import db
from consult.moderation import services as moderation
from consult.processes.models import Process, Theme
from consult.proposals import queries, tally
from consult.proposals import services as proposals
from consult.proposals.models import PUBLIC_STATES, Proposal, ProposalTally
from tests.helpers import text_of

LISTED = [s for s in PUBLIC_STATES if s not in ("withdrawn", "merged")]


def _groups_from_rows() -> dict:
    key = (Proposal.process_id, sa.func.coalesce(Proposal.theme_id, 0),
           sa.func.coalesce(Proposal.district_id, 0), Proposal.state, Proposal.published_at.is_not(None))
    rows = db.session.execute(sa.select(*key, sa.func.count()).where(Proposal.hidden_at.is_(None))
                              .group_by(*key))
    return {tuple(r[:4]) + (bool(r[4]),): r[5] for r in rows}


def _groups_from_tally() -> dict:
    rows = db.session.execute(sa.select(ProposalTally).where(ProposalTally.proposals != 0))
    return {(t.process_id, t.theme_id, t.district_id, t.state, bool(t.published)): t.proposals
            for (t,) in rows}


def _shown_total(client, url: str) -> int:
    match = re.search(r"(\d+) proposals?\b", text_of(client.get(url)))
    assert match, url
    return int(match.group(1))


def _check(client, process, theme, district) -> None:
    """The tally equals the rows, group by group; the list page and the API show the rows' counts."""
    db.session.expire_all()
    assert _groups_from_tally() == _groups_from_rows()
    listed = [Proposal.hidden_at.is_(None), Proposal.state.in_(LISTED)]
    expected = {
        "/proposals": listed,
        f"/proposals?theme={theme.id}": [*listed, Proposal.theme_id == theme.id],
        f"/proposals?district={district.id}&process_id={process.id}": [
            *listed, Proposal.district_id == district.id, Proposal.process_id == process.id],
        "/proposals?state=withdrawn": [Proposal.hidden_at.is_(None), Proposal.state == "withdrawn"],
        "/proposals?state=merged": [Proposal.hidden_at.is_(None), Proposal.state == "merged"],
    }
    for url, where in expected.items():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(*where))
        assert _shown_total(client, url) == rows, url
    api = client.get("/api/v1/proposals").get_json()
    assert api["meta"]["total"] == db.session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(
        Proposal.hidden_at.is_(None), Proposal.state.in_(PUBLIC_STATES), Proposal.published_at.is_not(None)))


def test_totals_stay_exact_through_every_change(client, make_process, district, make_resident, make_user):
    process = make_process(district_ids=[district.id])
    theme = process.themes[0]
    moderator = make_user("moderator1", roles=("admin",))
    authors = [make_resident(username=f"author{i}") for i in range(3)]
    made = []
    for i, (th, di) in enumerate([(theme, district), (theme, None), (None, district), (None, None),
                                  (theme, None)]):
        p = proposals.create_draft(process, authors[i % 3], title=f"Proposal {i}", body="Text.",
                                   language="en", theme_id=th.id if th else None, district_id=di.id if di
                                   else None)
        if i < 4:  # the last one stays a draft
            proposals.publish(p, authors[i % 3])
        made.append(p)
    db.session.commit()
    _check(client, process, theme, district)
    assert _shown_total(client, "/proposals") == 4

    proposals.support(made[0], make_resident(username="supporter"))  # supports change no total
    moderation.hide(made[1], moderator, "Off topic")
    db.session.commit()
    _check(client, process, theme, district)
    assert _shown_total(client, "/proposals") == 3

    proposals.withdraw(made[2], authors[2])
    proposals.answer(made[3], moderator, state="under_review", language="en", text="We look at it.")
    db.session.commit()
    _check(client, process, theme, district)
    assert _shown_total(client, "/proposals?state=withdrawn") == 1

    merged = proposals.merge([made[0], made[3]], moderator, title="Both", body="Merged.", language="en",
                             theme_id=theme.id, district_id=district.id)
    moderation.restore(made[1], moderator)
    db.session.commit()
    _check(client, process, theme, district)
    assert _shown_total(client, "/proposals?state=merged") == 2 and merged.state == "submitted"

    # a theme deleted: its proposals have no theme any more (ON DELETE SET NULL fires the triggers too)
    db.session.execute(sa.delete(Theme).where(Theme.id == theme.id))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(
        Proposal.theme_id.is_(None), Proposal.state != "draft")) == 5
    _check(client, process, theme, district)

    # a process deleted: its proposals go (ON DELETE CASCADE)
    db.session.execute(sa.delete(Process).where(Process.id == process.id))
    db.session.commit()
    assert _groups_from_tally() == {} and _shown_total(client, "/proposals") == 0


def test_the_list_and_the_api_total_without_counting_proposal_rows(client, process, resident, make_proposal):
    for i in range(3):
        make_proposal(process, resident, title=f"Proposal {i}")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert _shown_total(client, "/proposals") == 3
        assert client.get("/api/v1/proposals").get_json()["meta"]["total"] == 3
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    counts = [s for s in statements if "count(" in s]
    assert counts == [], counts  # no statement counts rows: both totals are sums over the tally
    assert sum("from proposal_tally" in s for s in statements) == 2
    # a search or a date range still counts its matching rows, exactly
    assert _shown_total(client, "/proposals?q=number") == 0
    assert client.get("/api/v1/proposals?since=2000-01-01").get_json()["meta"]["total"] == 3


@pytest.mark.committed_db  # two connections, one in a thread
def test_the_tally_is_right_when_writers_run_at_once(app, db, process, resident):
    """Two transactions add a proposal to the same group at the same time: neither increment is lost."""
    columns = dict(process_id=process.id, author_id=resident.id, title="T", body="B", language="en",
                   state="submitted", published_at=sa.func.now(), support_count=0, comment_count=0,
                   created_at=sa.func.now(), updated_at=sa.func.now())
    first = db.engine.connect()
    first.begin()
    first.execute(sa.insert(Proposal).values(**columns))
    done = threading.Event()

    def second():
        with app.app_context(), db.engine.begin() as conn:  # waits for the first writer's lock
            conn.execute(sa.insert(Proposal).values(**columns))
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not done.wait(0.3)  # the second writer is held until the first commits
    first.commit()
    first.close()
    thread.join(30)
    assert done.is_set()
    db.session.rollback()  # a new transaction sees both commits
    assert tally.total(states=LISTED) == 2 == db.session.scalar(sa.select(sa.func.count())
                                                                .select_from(Proposal))


def test_every_listed_state_and_the_api_read_the_same_tally(db, process, resident, make_proposal):
    make_proposal(process, resident)
    assert queries.list_total(queries.Filters()) == 1
    assert queries.list_total(queries.Filters(state="submitted", process_id=process.id)) == 1
    assert queries.list_total(queries.Filters(state="qualified")) == 0
    assert queries.list_total(queries.Filters(process_id=process.id + 1)) == 0
    assert resources()["proposals"].count is not None


def test_a_page_of_ids_reads_one_covering_index_on_sqlite(db):
    """SQLite's planner has no statistics: each list must read the index made for it, in order (no sort of
    the matching rows), and the unfiltered list must not be read through the state index."""
    if db.engine.dialect.name != "sqlite":
        return
    cases = [
        (queries.Filters(), "ix_proposal_newest"),
        (queries.Filters(sort="supported"), "ix_proposal_supported"),
        (queries.Filters(sort="commented"), "ix_proposal_commented"),
        (queries.Filters(theme_id=3), "ix_proposal_theme"),
        (queries.Filters(district_id=3), "ix_proposal_district"),
        (queries.Filters(process_id=3), "ix_proposal_process"),
        (queries.Filters(state="qualified"), "ix_proposal_state"),
        (queries.Filters(state="withdrawn", process_id=3), "ix_proposal_process"),
    ]
    for filters, index in cases:
        select = queries.page_ids(queries._conditions(filters), queries._order(filters), 20, 40)
        compiled = select.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = [row[3] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
        assert any(f"COVERING INDEX {index}" in step for step in plan), (filters, plan)
        if filters.sort == "newest":
            assert not any("TEMP B-TREE" in step for step in plan), (filters, plan)
