"""The proposals list's filter choices get a version kept by the database, so the list reads one value (with
its cards) instead of every process, theme and district.

``catalog_version`` holds one row per catalogue many pages show; its first row, ``proposal_filter_choices``,
gets a random version that triggers replace in the transaction of any change the filter choices show (see
``consult.proposals.versions``): the insertion or deletion of a process, a theme or a district, and an update
of a process's title, a theme's name, position or process, a district's name (or any of their ids). The row
is made here with a first version.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 19:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The trigger SQL is copied here (not imported) so this revision stays as it was written.
SQLITE_TRIGGERS = (
    'DROP TRIGGER IF EXISTS filter_choices_process_insert',
    "CREATE TRIGGER filter_choices_process_insert AFTER INSERT ON process FOR EACH ROW BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
    'DROP TRIGGER IF EXISTS filter_choices_process_update',
    "CREATE TRIGGER filter_choices_process_update AFTER UPDATE OF id, title ON process FOR EACH ROW WHEN OLD.id IS NOT NEW.id OR OLD.title IS NOT NEW.title BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
    'DROP TRIGGER IF EXISTS filter_choices_process_delete',
    "CREATE TRIGGER filter_choices_process_delete AFTER DELETE ON process FOR EACH ROW BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_insert',
    "CREATE TRIGGER filter_choices_process_theme_insert AFTER INSERT ON process_theme FOR EACH ROW BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_update',
    "CREATE TRIGGER filter_choices_process_theme_update AFTER UPDATE OF id, process_id, name, position ON process_theme FOR EACH ROW WHEN OLD.id IS NOT NEW.id OR OLD.process_id IS NOT NEW.process_id OR OLD.name IS NOT NEW.name OR OLD.position IS NOT NEW.position BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_delete',
    "CREATE TRIGGER filter_choices_process_theme_delete AFTER DELETE ON process_theme FOR EACH ROW BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
    'DROP TRIGGER IF EXISTS filter_choices_district_insert',
    "CREATE TRIGGER filter_choices_district_insert AFTER INSERT ON district FOR EACH ROW BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
    'DROP TRIGGER IF EXISTS filter_choices_district_update',
    "CREATE TRIGGER filter_choices_district_update AFTER UPDATE OF id, name ON district FOR EACH ROW WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
    'DROP TRIGGER IF EXISTS filter_choices_district_delete',
    "CREATE TRIGGER filter_choices_district_delete AFTER DELETE ON district FOR EACH ROW BEGIN INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version; END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION filter_choices_version() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', floor(random() * 9007199254740992)::bigint) ON CONFLICT (name) DO UPDATE SET version = excluded.version;\n  RETURN NULL;\nEND $$",
    'DROP TRIGGER IF EXISTS filter_choices_process_insert ON process',
    'CREATE TRIGGER filter_choices_process_insert AFTER INSERT ON process FOR EACH ROW EXECUTE FUNCTION filter_choices_version()',
    'DROP TRIGGER IF EXISTS filter_choices_process_update ON process',
    'CREATE TRIGGER filter_choices_process_update AFTER UPDATE OF id, title ON process FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION filter_choices_version()',
    'DROP TRIGGER IF EXISTS filter_choices_process_delete ON process',
    'CREATE TRIGGER filter_choices_process_delete AFTER DELETE ON process FOR EACH ROW EXECUTE FUNCTION filter_choices_version()',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_insert ON process_theme',
    'CREATE TRIGGER filter_choices_process_theme_insert AFTER INSERT ON process_theme FOR EACH ROW EXECUTE FUNCTION filter_choices_version()',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_update ON process_theme',
    'CREATE TRIGGER filter_choices_process_theme_update AFTER UPDATE OF id, process_id, name, position ON process_theme FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.process_id IS DISTINCT FROM NEW.process_id OR OLD.name IS DISTINCT FROM NEW.name OR OLD.position IS DISTINCT FROM NEW.position) EXECUTE FUNCTION filter_choices_version()',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_delete ON process_theme',
    'CREATE TRIGGER filter_choices_process_theme_delete AFTER DELETE ON process_theme FOR EACH ROW EXECUTE FUNCTION filter_choices_version()',
    'DROP TRIGGER IF EXISTS filter_choices_district_insert ON district',
    'CREATE TRIGGER filter_choices_district_insert AFTER INSERT ON district FOR EACH ROW EXECUTE FUNCTION filter_choices_version()',
    'DROP TRIGGER IF EXISTS filter_choices_district_update ON district',
    'CREATE TRIGGER filter_choices_district_update AFTER UPDATE OF id, name ON district FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION filter_choices_version()',
    'DROP TRIGGER IF EXISTS filter_choices_district_delete ON district',
    'CREATE TRIGGER filter_choices_district_delete AFTER DELETE ON district FOR EACH ROW EXECUTE FUNCTION filter_choices_version()',
)
REBUILD = {
    'sqlite': ("INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', (random() >> 11)) ON CONFLICT (name) DO UPDATE SET version = excluded.version",),
    'postgresql': ("INSERT INTO catalog_version (name, version) VALUES ('proposal_filter_choices', floor(random() * 9007199254740992)::bigint) ON CONFLICT (name) DO UPDATE SET version = excluded.version",),
}
SQLITE_DROPS = (
    'DROP TRIGGER IF EXISTS filter_choices_process_insert',
    'DROP TRIGGER IF EXISTS filter_choices_process_update',
    'DROP TRIGGER IF EXISTS filter_choices_process_delete',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_insert',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_update',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_delete',
    'DROP TRIGGER IF EXISTS filter_choices_district_insert',
    'DROP TRIGGER IF EXISTS filter_choices_district_update',
    'DROP TRIGGER IF EXISTS filter_choices_district_delete',
)
POSTGRES_DROPS = (
    'DROP TRIGGER IF EXISTS filter_choices_process_insert ON process',
    'DROP TRIGGER IF EXISTS filter_choices_process_update ON process',
    'DROP TRIGGER IF EXISTS filter_choices_process_delete ON process',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_insert ON process_theme',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_update ON process_theme',
    'DROP TRIGGER IF EXISTS filter_choices_process_theme_delete ON process_theme',
    'DROP TRIGGER IF EXISTS filter_choices_district_insert ON district',
    'DROP TRIGGER IF EXISTS filter_choices_district_update ON district',
    'DROP TRIGGER IF EXISTS filter_choices_district_delete ON district',
    'DROP FUNCTION IF EXISTS filter_choices_version()',
)


def upgrade():
    op.create_table('catalog_version',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_catalog_version'))
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in (*(SQLITE_TRIGGERS if sqlite else POSTGRES_TRIGGERS),
                      *REBUILD["sqlite" if sqlite else "postgresql"]):
        op.execute(statement)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_DROPS if sqlite else POSTGRES_DROPS:
        op.execute(statement)
    op.drop_table('catalog_version')
