"""``flask lotteries redraw FILE``: re-run a lottery's published draws from its open data (the JSON of
``/api/v1/lotteries/<id>``), with ``consult/lotteries/draw.py`` alone, and say whether the panels are the
same."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from consult.lotteries import bp


@bp.cli.command("redraw")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def redraw_command(path: Path):
    """Re-run the draws of FILE (a lottery's open data) and compare them with the published panels."""
    from consult.lotteries import draw

    reports = draw.redraw(json.loads(path.read_text(encoding="utf-8")))
    for report in reports:
        if report["number"] is None:
            click.echo(f"NOT VERIFIED: {report['problem']}")
            continue
        name = "first draw" if report["number"] == 0 else f"replacement {report['number']}"
        verdict = "same panel as published" if report["ok"] else "DIFFERENT from what was published"
        click.echo(f"{name}: {verdict}: {', '.join(report['selected'] or [])}")
    sys.exit(0 if reports and all(r["ok"] for r in reports) else 1)
