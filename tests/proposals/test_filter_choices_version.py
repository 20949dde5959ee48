"""The proposals list's filter choices have a version kept by the database (``consult.proposals.versions``):
triggers give it a new random value at every change the choices show (a process, a theme or a district made,
renamed, reordered, moved or deleted), whoever makes it (the services or plain SQL), and at no other change.
The list page reads it with its cards and, while it stays, serves the filter form it keeps without reading the
choices; a change shows on the next request."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from consult.core.models import CatalogVersion, utcnow
from consult.processes import services as processes
from consult.proposals import queries, versions
from consult.residency.models import District
from tests.helpers import QueryCounter, VersionMoves, migration


def version_of(db) -> int | None:
    return db.session.scalar(sa.select(CatalogVersion.version).where(CatalogVersion.name == versions.NAME))


def sql(db, statement: str, **params) -> None:
    db.session.execute(sa.text(statement), params)
    db.session.commit()


def Moves(db, expected: bool = True) -> VersionMoves:  # noqa: N802 - used as a class
    """``with Moves(db): change`` — the change gives the choices a new version (``expected=False``: none)."""
    return VersionMoves(db, lambda: version_of(db), expected)


@pytest.fixture
def places(db, process, district):
    """The process (themes "Stakeholders", "Co-construction"), a district, and a second process."""
    other = processes.create_process(actor=None, title="Green streets", themes=("Trees",))
    db.session.commit()
    return process, district, other


def _theme_id(db, process_id: int, name: str) -> int:
    return db.session.scalar(sa.text("SELECT id FROM process_theme WHERE process_id = :p AND name = :n"),
                             {"p": process_id, "n": name})


def test_the_choices_have_a_random_53_bit_version(places, db):
    version = version_of(db)
    assert version is not None and abs(version) < 2 ** 53


def _update(process, admin, title, themes):
    processes.update_process(process, actor=admin, title=title, description="", themes=themes,
                             district_ids=(), rule=None, support_threshold=50, council_id=None)


def test_each_change_the_choices_show_moves_the_version_through_the_services(places, db, admin):
    process, _district, other = places
    with Moves(db):
        processes.create_process(actor=admin, title="Night buses")
    with Moves(db):  # renamed
        _update(other, admin, "Greener streets", ("Trees",))
    with Moves(db):  # a theme added
        _update(other, admin, "Greener streets", ("Trees", "Benches"))
    with Moves(db):  # reordered
        _update(other, admin, "Greener streets", ("Benches", "Trees"))
    with Moves(db):  # a theme removed
        _update(other, admin, "Greener streets", ("Benches",))
    with Moves(db, expected=False):  # saved as it is
        _update(other, admin, "Greener streets", ("Benches",))
    with Moves(db):  # the process deleted (its themes with it)
        db.session.delete(other)


def test_each_change_the_choices_show_moves_the_version_in_plain_sql(places, db):
    process, district, other = places
    trees = _theme_id(db, other.id, "Trees")
    now = utcnow()
    with Moves(db):
        sql(db, "INSERT INTO process (title, description, support_threshold, created_at, updated_at) "
                "VALUES ('Night buses', '', 50, :now, :now)", now=now)
    with Moves(db):
        sql(db, "UPDATE process SET title = 'Blue streets' WHERE id = :id", id=other.id)
    with Moves(db):
        sql(db, "INSERT INTO process_theme (process_id, name, position) VALUES (:p, 'Benches', 5)",
            p=other.id)
    with Moves(db):
        sql(db, "UPDATE process_theme SET name = 'Old trees' WHERE id = :id", id=trees)
    with Moves(db):
        sql(db, "UPDATE process_theme SET position = 9 WHERE id = :id", id=trees)
    with Moves(db):  # moved to another process
        sql(db, "UPDATE process_theme SET process_id = :p WHERE id = :id", p=process.id, id=trees)
    with Moves(db):
        sql(db, "DELETE FROM process_theme WHERE id = :id", id=trees)
    with Moves(db):
        sql(db, "INSERT INTO district (code, name) VALUES ('norte', 'Norte')")
    with Moves(db):
        sql(db, "UPDATE district SET name = 'Centro histórico' WHERE id = :id", id=district.id)
    with Moves(db):
        sql(db, "DELETE FROM district WHERE code = 'norte'")
    with Moves(db):
        sql(db, "DELETE FROM process WHERE title = 'Night buses'")


def test_what_the_choices_do_not_show_leaves_the_version(places, db, resident, make_proposal):
    process, district, other = places
    with Moves(db, expected=False):
        make_proposal(process, resident, title="Benches on the square")
    with Moves(db, expected=False):
        sql(db, "UPDATE proposal SET title = 'Benches everywhere'")
    with Moves(db, expected=False):
        sql(db, "UPDATE process SET description = 'Something else', support_threshold = 7 WHERE id = :id",
            id=process.id)
    with Moves(db, expected=False):  # the same title written again
        sql(db, "UPDATE process SET title = title WHERE id = :id", id=other.id)
    with Moves(db, expected=False):
        sql(db, "UPDATE process_phase SET ends_at = :t WHERE process_id = :id", t=utcnow(), id=process.id)
    with Moves(db, expected=False):
        sql(db, "UPDATE district SET code = 'centro-2' WHERE id = :id", id=district.id)


def _list(client, url="/proposals"):
    with QueryCounter() as queries_:
        response = client.get(url)
    assert response.status_code == 200
    return queries_.statements, response.get_data(as_text=True)


def _union(statements) -> list[str]:
    """The choices' query (processes, themes and districts in one UNION)."""
    return [s for s in statements if "UNION" in s.upper() and " AS kind" in s]


def _filter_form(html: str) -> str:
    match = re.search(r'<form [^>]*class="form proposal-filters".*?</form>', html, re.S)
    assert match, "no filter form"
    return match.group(0)


def test_an_unchanged_version_serves_the_kept_form_without_reading_the_choices(client, places, db, resident,
                                                                               make_proposal):
    process, district, other = places
    make_proposal(process, resident)
    queries.CHOICES.clear()
    # a version new to the process: the choices are read (the statement of the cards, then theirs)
    first, html = _list(client)
    assert len(_union(first)) == 1 and "catalog_version" in first[0]
    assert "Green streets" in _filter_form(html) and "Centro" in _filter_form(html)
    # the same version: one statement, the cards' (it carries the version), and the same form
    again, html_again = _list(client)
    assert len(again) == len(first) - 1 and _union(again) == []
    assert _filter_form(html_again) == _filter_form(html)
    # another language or other submitted values: their own form, from the kept choices (no UNION)
    french, html_fr = _list(client, "/proposals?lang=fr")
    assert _union(french) == [] and "Toutes les démarches" in _filter_form(html_fr)
    chosen, html_chosen = _list(client, f"/proposals?process_id={other.id}")
    assert _union(chosen) == []
    option = re.search(rf'<option[^>]*value="{other.id}"[^>]*>', _filter_form(html_chosen))
    assert option and "selected" in option.group(0)
    # a search, or a page past the last one, brings no version with cards: it is read on its own, and the
    # choices are not
    for url in ("/proposals?q=resident", "/proposals?page=9"):
        statements, html = _list(client, url)
        assert _union(statements) == [] and "Green streets" in _filter_form(html)
        alone = [s for s in statements if "catalog_version" in s and "proposal" not in s]
        assert len(alone) == 1


def test_a_renamed_process_shows_in_the_filter_at_once(client, places, db, resident, make_proposal, admin):
    process, _district, other = places
    make_proposal(process, resident)
    _list(client)
    _list(client, "/proposals?lang=fr")
    sql(db, "UPDATE process SET title = 'Blue streets' WHERE id = :id", id=other.id)
    for url in ("/proposals", "/proposals?lang=fr"):
        _statements, html = _list(client, url)
        assert "Blue streets" in _filter_form(html) and "Green streets" not in _filter_form(html)
    _update(other, admin, "Red streets", ("Oaks",))
    db.session.commit()
    _statements, html = _list(client, "/proposals?q=resident")
    assert "Red streets: Oaks" in _filter_form(html) and "Trees" not in _filter_form(html)
    sql(db, "INSERT INTO district (code, name) VALUES ('norte', 'Norte')")
    assert "Norte" in _filter_form(_list(client)[1])


def test_without_a_version_the_choices_are_read_at_each_request(client, places, db, resident, make_proposal):
    """An emptied ``catalog_version`` (a database emptied, a TRUNCATE): nothing is kept, nothing is stale; the
    next change makes the row again."""
    process, _district, other = places
    make_proposal(process, resident)
    _list(client)
    sql(db, "DELETE FROM catalog_version")
    sql(db, "UPDATE process SET title = 'Blue streets' WHERE id = :id", id=other.id)
    assert version_of(db) is not None  # the change made the row again
    sql(db, "DELETE FROM catalog_version")
    for _ in range(2):
        statements, html = _list(client)
        assert len(_union(statements)) == 1 and "Blue streets" in _filter_form(html)
    db.session.add(District(code="sur", name="Sur"))
    db.session.commit()
    assert version_of(db) is not None
    assert "Sur" in _filter_form(_list(client)[1])


def test_the_migration_makes_the_triggers_the_code_makes():
    """Migration 0014 copies the trigger SQL: it is the SQL ``versions`` makes for ``create_all``."""
    made = migration("0014_filter_choices_version.py")
    assert made.SQLITE_TRIGGERS == versions.SQLITE_TRIGGERS
    assert made.POSTGRES_TRIGGERS == versions.POSTGRES_TRIGGERS
    assert made.REBUILD == {d: versions.rebuild(d) for d in ("sqlite", "postgresql")}
