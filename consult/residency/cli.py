"""``flask residents ...``: import the resident register from the command line (same service as the web
form)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from consult.core.db import write_transaction
from consult.core.errors import DomainError
from consult.extensions import db

group = AppGroup("residents", help="Resident register: import the municipality's CSV (stored only as HMACs).")


@group.command("import-register")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mark-missing-left", is_flag=True,
              help="Mark register entries missing from this file as having left the city.")
@click.option("--left-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date they left (YYYY-MM-DD; default today).")
def import_register_command(path: Path, mark_missing_left: bool, left_on):
    """Import FILE.csv (columns document_type, document_number, birth_date[, district]; dates YYYY-MM-DD or
    DD/MM/YYYY). Nothing is saved if the file cannot be read; rejected lines are listed, never their
    numbers."""
    from consult.residency.register import import_register

    data = path.read_bytes()
    total = data.count(b"\n") + 1
    try:
        with write_transaction():
            with click.progressbar(length=total, label="Importing the register", show_pos=True) as bar:
                summary = import_register(data, mark_missing_left=mark_missing_left,
                                          left_on=left_on.date() if left_on else None, progress=bar.update)
            db.session.commit()
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(str(err.message)) from None
    click.echo(f"Rows read: {summary.rows}")
    click.echo(f"Added: {summary.added}  Updated: {summary.updated}  Unchanged: {summary.unchanged}  "
               f"Marked as left: {summary.left}  Rejected: {summary.rejected_count}")
    for line, reason in summary.rejected:
        click.echo(f"  line {line}: {reason}")
    if summary.rejected_count > len(summary.rejected):
        click.echo(f"  ... and {summary.rejected_count - len(summary.rejected)} more rejected lines")
