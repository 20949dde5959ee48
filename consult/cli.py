"""``flask --app consult ...`` commands. They call the same services as the web pages, and commit once."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from consult.extensions import db

users_cli = AppGroup("users", help="Create accounts and grant roles.")
demo_cli = AppGroup("demo", help="Demo data that tells the seed's story in a fictional city.")
backup_cli = AppGroup("backup", help="Back up and restore the whole database (SQLite or PostgreSQL).")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False), required=False)
def backup_create(path):
    """Write a consistent backup while the platform runs (default: instance/backups/<time>.backup)."""
    import time
    from pathlib import Path

    from flask import current_app

    from consult.core.backup import BackupError, create_backup

    target = (Path(path) if path else Path(current_app.instance_path) / "backups"
              / time.strftime("%Y%m%d-%H%M%S.backup"))
    with click.progressbar(length=100, label="Backing up") as bar:
        def progress(status, remaining, total):
            bar.update(int(100 * (total - remaining) / max(total, 1)) - bar.pos)
        try:
            create_backup(target, progress=progress)
        except BackupError as err:
            raise click.ClickException(str(err)) from None
        bar.update(100 - bar.pos)
    click.echo(f"Backup written to {target}. Keep instance/secrets.json with it.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore(path, yes):
    """Replace the whole database with a backup (stop the server first)."""
    from consult.core.backup import BackupError, restore_backup

    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    try:
        restore_backup(path)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    click.echo("Database restored.")


@users_cli.command("create")
@click.argument("username")
@click.option("--display-name", help="Pseudonym shown next to contributions (default: the username).")
@click.option("--email", default=None, help="Optional email for notifications and password reset.")
@click.option("--language", default="en", show_default=True,
              type=click.Choice(["en", "fr", "es", "it", "pt", "ar"]))
@click.option("--role", "roles", multiple=True,
              type=click.Choice(["admin", "registrar", "moderator", "translator"]),
              help="Platform-wide role to grant (repeatable).")
@click.password_option(help="Asked twice when not given.")
def create_user(username, display_name, email, language, roles, password):
    """Create an account, e.g. the first administrator: flask users create alice --role admin."""
    from consult.accounts import services as accounts
    from consult.core.errors import DomainError

    if not 8 <= len(password) <= 128:
        raise click.BadParameter("a password has between 8 and 128 characters", param_hint="--password")
    try:
        user = accounts.sign_up(username, display_name or username, password, language, email)
        for role in roles:
            accounts.grant_role(user, role)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(str(err.message)) from None
    db.session.commit()
    click.echo(f"Created {user.username} (id {user.id})" + (f" with roles: {', '.join(roles)}" if roles
                                                            else ""))


@users_cli.command("grant")
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "registrar", "moderator", "translator"]))
def grant(username, role):
    """Grant a platform-wide role to an existing account."""
    from consult.accounts import services as accounts

    user = accounts.get_user_by_username(username)
    if user is None:
        raise click.ClickException(f"no account named {username}")
    accounts.grant_role(user, role)
    db.session.commit()
    click.echo(f"{user.username} is now {role}")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
@click.option("--quiet", is_flag=True, help="Do not print the demo accounts.")
def demo_load(if_empty, quiet):
    """Load the demo: accounts for each role and the seed's story (councils, process, debate, poll)."""
    from consult.demo import load_demo

    accounts = load_demo(if_empty=if_empty, progress=not quiet)
    db.session.commit()
    if accounts is None:
        click.echo("The database already has data: demo not loaded.")
        return
    if not quiet:
        demo_accounts.callback()


@demo_cli.command("generate")
@click.option("--scale", type=click.Choice(["small", "city"]), default="small", show_default=True,
              help="small: a quick sample (tests); city: 100,000 residents, 10 years of councils, 1,000,000 "
                   "supports and ballots.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed makes the same data.")
@click.option("--quiet", is_flag=True, help="No progress bars, only the summary.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Change one count of the scale, e.g. --set proposals=500 (repeatable).")
def demo_generate(scale, seed, quiet, overrides):
    """Fill the database with a generated city: residents, processes, proposals, supports, comments, councils,
    minutes, polls, ballots and debates (adds to what is there; accounts made have no password)."""
    from consult.demo.generate import SCALES, generate

    counts = {}
    for item in overrides:
        name, _, value = item.partition("=")
        if name.strip() not in SCALES[scale] or not value.strip().isdecimal():
            raise click.BadParameter(f"use NAME=NUMBER with NAME one of {', '.join(SCALES[scale])}",
                                     param_hint="--set")
        counts[name.strip()] = int(value)
    try:
        result = generate(scale, seed=seed, overrides=counts, progress=not quiet)
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Generated the {scale!r} city (seed {seed}):")
    for name, value in result.items():
        if not name.startswith("seconds_"):
            click.echo(f"  {name:<26} {value:>10,}")
    click.echo("Time per step (seconds):")
    for name, value in result.items():
        if name.startswith("seconds_"):
            click.echo(f"  {name[8:]:<26} {value:>10.1f}")


@demo_cli.command("accounts")
def demo_accounts():
    """Print the demo accounts and their password."""
    from consult.demo import ACCOUNTS, demo_password
    from consult.demo.residency import CARD_CODES, REGISTER

    click.echo(f"Demo accounts (password for all: {demo_password()}):")
    for account in ACCOUNTS:
        click.echo(f"  {account[0]:<12} {account[7]}")
    click.echo("To try residence verification as `newcomer` (or a new account):")
    click.echo("  resident-card codes: " + ", ".join(CARD_CODES))
    document, number, birth, _district = REGISTER[0]
    click.echo(f"  register document:   {document} {number}, born {birth} (one account only)")


def register(app) -> None:
    """The top-level groups and the domains' own (``flask residents ...``)."""
    from consult.budgets.cli import group as budgets_cli
    from consult.core.tasks_cli import group as tasks_cli
    from consult.residency.cli import group as residents_cli

    for group in (users_cli, demo_cli, backup_cli, residents_cli, tasks_cli, budgets_cli):
        app.cli.add_command(group)
