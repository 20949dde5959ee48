"""``flask backup create`` / ``restore`` round trip loses nothing."""

from __future__ import annotations

import shutil

import pytest

from consult.accounts.models import User
from consult.core.audit import AuditEntry
from tests.helpers import count

#: a backup is made and restored by other connections (pg_dump, a copy of the SQLite file)
pytestmark = pytest.mark.committed_db


def test_backup_round_trip(runner, make_user, db, tmp_path):
    if db.engine.dialect.name == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    make_user("amina", roles=("registrar",))
    make_user("karim", email="karim@example.org")
    before = sorted((u.username, u.display_name, u.email) for u in db.session.scalars(db.select(User)))
    audits = count(AuditEntry)
    target = tmp_path / "consult.backup"
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    make_user("after_backup")
    db.session.execute(db.delete(User).where(User.username == "karim"))
    db.session.commit()
    db.session.remove()

    result = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    after = sorted((u.username, u.display_name, u.email) for u in db.session.scalars(db.select(User)))
    assert after == before
    assert count(AuditEntry) == audits


def test_restore_refuses_a_file_that_is_not_a_backup(runner, db, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite check")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all")
    result = runner.invoke(args=["backup", "restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "not an SQLite backup" in result.output
