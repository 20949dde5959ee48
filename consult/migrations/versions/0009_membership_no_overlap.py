"""The database refuses overlapping terms of one person in one council.

PostgreSQL: an exclusion constraint (``btree_gist``) over council, person and the term as a ``daterange``
with its last day included (a NULL end is open-ended). SQLite: triggers before insert and update that abort
with the constraint's name. The services checked this before; terms that overlap already (written by two
requests at once) stop the upgrade with their ids, to be corrected by hand first.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-20 10:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The SQL is copied here (not imported from consult.councils.overlaps) so this revision stays as it was written.
NAME = 'ex_council_membership_no_overlap'
OVERLAP = ('SELECT 1 FROM council_membership AS other WHERE other.council_id = NEW.council_id '
           'AND other.user_id = NEW.user_id AND (other.ends_on IS NULL OR other.ends_on >= NEW.starts_on) '
           'AND (NEW.ends_on IS NULL OR other.starts_on <= NEW.ends_on)')
SQLITE = (
    'DROP TRIGGER IF EXISTS council_membership_no_overlap_insert',
    'DROP TRIGGER IF EXISTS council_membership_no_overlap_update',
    f'CREATE TRIGGER council_membership_no_overlap_insert BEFORE INSERT ON council_membership FOR EACH ROW '
    f"WHEN EXISTS ({OVERLAP}) BEGIN SELECT RAISE(ABORT, '{NAME}'); END",
    f'CREATE TRIGGER council_membership_no_overlap_update '
    f'BEFORE UPDATE OF council_id, user_id, starts_on, ends_on ON council_membership FOR EACH ROW '
    f"WHEN EXISTS ({OVERLAP} AND other.id <> OLD.id) BEGIN SELECT RAISE(ABORT, '{NAME}'); END",
)
POSTGRESQL = (
    'CREATE EXTENSION IF NOT EXISTS btree_gist',
    f'ALTER TABLE council_membership DROP CONSTRAINT IF EXISTS {NAME}',
    f'ALTER TABLE council_membership ADD CONSTRAINT {NAME} EXCLUDE USING gist '
    f"(council_id WITH =, user_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)",
)
EXISTING = ('SELECT a.id, b.id FROM council_membership a JOIN council_membership b '
            'ON a.council_id = b.council_id AND a.user_id = b.user_id AND a.id < b.id '
            'AND (a.ends_on IS NULL OR a.ends_on >= b.starts_on) '
            'AND (b.ends_on IS NULL OR b.ends_on >= a.starts_on) '
            'ORDER BY a.id, b.id')


def upgrade():
    connection = op.get_bind()
    found = connection.exec_driver_sql(EXISTING).fetchall()
    if found:
        pairs = ', '.join(f'{a}/{b}' for a, b in found[:20])
        raise RuntimeError(f'council_membership: terms of one person in one council overlap ({pairs}); '
                           f'end or correct one of each pair, then upgrade again')
    for statement in (POSTGRESQL if connection.dialect.name == 'postgresql' else SQLITE):
        connection.exec_driver_sql(statement)


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'postgresql':
        connection.exec_driver_sql(f'ALTER TABLE council_membership DROP CONSTRAINT IF EXISTS {NAME}')
    else:
        connection.exec_driver_sql('DROP TRIGGER IF EXISTS council_membership_no_overlap_insert')
        connection.exec_driver_sql('DROP TRIGGER IF EXISTS council_membership_no_overlap_update')
