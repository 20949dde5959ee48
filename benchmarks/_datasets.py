"""Databases for the city-scale benchmarks: a throw-away PostgreSQL 15 cluster and generated city datasets.

:func:`postgres_cluster` starts a cluster in a temporary folder the way ``.ci/run`` does (``initdb``, trust
authentication, loopback only, a random port, durability settings off: the figures compare pages with pages
on the same server, not disks) and removes it afterwards. As root, the cluster runs as the ``postgres``
system user.

:func:`city_database` returns the URL of a database holding ``flask demo generate --scale <scale> --seed
<seed>``. Generating the city takes minutes (about 5 on SQLite, 9 on PostgreSQL on 2 cores), so the result is
kept in ``benchmarks/data/`` (git-ignored) under a name made of the scale, the seed and the schema's
migration head, and each run works on a fresh copy of it (a SQLite file copy; a PostgreSQL ``CREATE
DATABASE ... TEMPLATE``, and the PostgreSQL template itself is dumped with ``pg_dump -Fc`` so a new cluster
restores it instead of generating again).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FLASK = [sys.executable, "-m", "flask", "--app", "consult"]


def _pg_bin() -> Path:
    for candidate in ("/usr/lib/postgresql/15/bin", "/usr/local/bin", *sorted(
            str(p) for p in Path("/usr/lib/postgresql").glob("*/bin"))):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise SystemExit("PostgreSQL not found (initdb/pg_ctl): install Debian's postgresql")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_cluster(max_connections: int = 300):
    """Yield the URL prefix ``postgresql+psycopg://consult@127.0.0.1:<port>`` of a throw-away cluster."""
    pg_bin = _pg_bin()
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-pg-"))
    workdir.chmod(0o755)
    as_root = os.geteuid() == 0
    if as_root:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            subprocess.run(["useradd", "--system", "--home", str(workdir), "postgres"], check=True)
        shutil.chown(workdir, "postgres")

    def run(*args: str) -> None:
        command = [str(a) for a in args]
        if as_root:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in command)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    port = free_port()
    options = (f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={workdir} "
               f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
               f"-c max_connections={max_connections}")
    run(pg_bin / "initdb", "-D", workdir / "data", "-U", "consult", "--auth=trust", "-E", "UTF8",
        "--locale=C.UTF-8")
    run(pg_bin / "pg_ctl", "-D", workdir / "data", "-l", workdir / "log", "-w", "-o", options, "start")
    try:
        yield f"postgresql+psycopg://consult@127.0.0.1:{port}"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            run(pg_bin / "pg_ctl", "-D", workdir / "data", "-m", "immediate", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


def migration_head() -> str:
    versions = ROOT / "consult" / "migrations" / "versions"
    return max(p.name.split("_", 1)[0] for p in versions.glob("[0-9]*.py"))


def _flask(url: str, *args: str) -> None:
    env = dict(os.environ, CONSULT_DATABASE_URL=url)
    subprocess.run([*FLASK, *args], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def _psql_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _admin(prefix: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_psql_url(f"{prefix}/postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _exists(prefix: str, database: str) -> bool:
    import psycopg

    with psycopg.connect(_psql_url(f"{prefix}/postgres"), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
    return found is not None


def city_database(backend: str, *, scale: str = "city", seed: int = 1, postgres_prefix: str | None = None,
                  name: str = "bench", log=print) -> str:
    """A fresh copy of the generated city on ``backend`` (``sqlite`` or ``postgresql``); returns its URL."""
    DATA.mkdir(exist_ok=True)
    key = f"{scale}-seed{seed}-schema{migration_head()}"
    if backend == "sqlite":
        kept = DATA / f"{key}.sqlite3"
        if not kept.exists():
            log(f"generating the {scale} dataset on SQLite (kept in {kept.relative_to(ROOT)})")
            scratch = kept.with_suffix(".partial")
            scratch.unlink(missing_ok=True)
            url = f"sqlite:///{scratch}"
            started = time.monotonic()
            _flask(url, "db", "upgrade")
            _flask(url, "demo", "generate", "--scale", scale, "--seed", str(seed))
            scratch.rename(kept)
            log(f"  generated in {time.monotonic() - started:.0f} s")
        copy = Path(tempfile.mkdtemp(prefix="consult-bench-")) / f"{name}.sqlite3"
        shutil.copyfile(kept, copy)
        return f"sqlite:///{copy}"

    if postgres_prefix is None:
        raise ValueError("a PostgreSQL dataset needs a running cluster (postgres_prefix)")
    template = f"city_{key.replace('-', '_')}"
    dump = DATA / f"{key}.pgdump"
    template_url = f"{postgres_prefix}/{template}"
    fresh = not _exists(postgres_prefix, template)  # else this cluster has it from an earlier copy
    if fresh and dump.exists():
        _admin(postgres_prefix, f'CREATE DATABASE "{template}"')
        log(f"restoring the {scale} dataset on PostgreSQL from {dump.relative_to(ROOT)}")
        subprocess.run(["pg_restore", "--no-owner", "-d", _psql_url(template_url), str(dump)], check=True)
    elif fresh:
        log(f"generating the {scale} dataset on PostgreSQL (dump kept in {dump.relative_to(ROOT)})")
        _admin(postgres_prefix, f'CREATE DATABASE "{template}"')
        started = time.monotonic()
        _flask(template_url, "db", "upgrade")
        _flask(template_url, "demo", "generate", "--scale", scale, "--seed", str(seed))
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), _psql_url(template_url)], check=True)
        log(f"  generated in {time.monotonic() - started:.0f} s")
    if fresh:  # planner statistics for the copies (they are taken from the template)
        subprocess.run(["psql", "-q", _psql_url(template_url), "-c", "VACUUM ANALYZE"], check=True,
                       stdout=subprocess.DEVNULL)
    _admin(postgres_prefix, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(postgres_prefix, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"{postgres_prefix}/{name}"
