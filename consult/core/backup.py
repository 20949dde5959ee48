"""Backups of the whole database: SQLite through its online backup API, PostgreSQL through pg_dump.

The instance secrets (``instance/secrets.json``) are not in the database: back them up too, or the register
fingerprints can no longer be matched after a restore.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from consult.extensions import db


class BackupError(RuntimeError):
    pass


def _sqlite_path() -> Path:
    return Path(make_url(str(db.engine.url)).database)


def _pg_args(url) -> tuple[list[str], dict]:
    parsed = make_url(str(url))
    args = ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username
            or "postgres"]
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return args + ["-d", parsed.database], env


def create_backup(target: Path, progress=None) -> Path:
    """Write a consistent copy of the database to ``target`` while the platform keeps running."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest, pages=256, progress=progress)
        finally:
            dest.close()
            source.close()
        return target
    if dialect == "postgresql":
        tool = shutil.which("pg_dump")
        if tool is None:
            raise BackupError("pg_dump is not installed")
        args, env = _pg_args(db.engine.url)
        result = subprocess.run([tool, "--format=custom", "--no-owner", "--file", str(target), *args],
                                env={**_base_env(), **env}, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return target
    raise BackupError(f"no backup method for {dialect}")


def restore_backup(source: Path) -> None:
    """Replace the whole database with a backup made by :func:`create_backup`."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    dialect = db.engine.dialect.name
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        with open(source, "rb") as fh:
            if not fh.read(16).startswith(b"SQLite format 3"):
                raise BackupError(f"{source} is not an SQLite backup")
        backup = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path())
        try:
            with live:
                backup.backup(live)
        finally:
            live.close()
            backup.close()
        return
    if dialect == "postgresql":
        tool = shutil.which("pg_restore")
        if tool is None:
            raise BackupError("pg_restore is not installed")
        args, env = _pg_args(db.engine.url)
        result = subprocess.run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
                                 str(source)], env={**_base_env(), **env}, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return
    raise BackupError(f"no restore method for {dialect}")


def _base_env() -> dict:
    import os

    return dict(os.environ)
