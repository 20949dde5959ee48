"""``flask districts import-geojson FILE``: the districts' shapes from a GeoJSON FeatureCollection (the same
service as the admin form)."""

from __future__ import annotations

from pathlib import Path

import click

from consult.core.db import write_transaction
from consult.extensions import db
from consult.geo import bp


@bp.cli.command("import-geojson")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", default="code", show_default=True,
              help="The feature property that holds the district's code.")
@click.option("--name-key", default="name", show_default=True,
              help="The feature property that names a district created by the import.")
def import_geojson_command(path: Path, key: str, name_key: str):
    """Import FILE (a GeoJSON FeatureCollection of Polygons or MultiPolygons, longitude first). Features are
    matched to districts by code; missing districts are created. Nothing is saved if any feature is wrong."""
    from consult.geo.importing import ImportRefused, describe, import_geojson

    try:
        with write_transaction():
            summary = import_geojson(path.read_bytes(), key=key, name_key=name_key)
            db.session.commit()
    except ImportRefused as err:
        db.session.rollback()
        raise click.ClickException("\n".join(describe(err))) from None
    click.echo(f"Districts created: {len(summary.created)} {' '.join(summary.created)}".rstrip())
    click.echo(f"Districts updated: {len(summary.updated)} {' '.join(summary.updated)}".rstrip())
