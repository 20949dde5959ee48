"""Comment threads get a version kept by the database, so a page knows whether its kept copy is current from one row.

``comment_thread`` holds, per commented item, a random version that triggers on ``comment`` (any insert, update,
delete) and on ``user`` (a new display name, an erased account) replace in the transaction of the change (see
``consult.comments.versions``). Every thread already there gets a version here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 15:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The trigger SQL is copied here (not imported) so this revision stays as it was written.
SQLITE_TRIGGERS = (
    'DROP TRIGGER IF EXISTS comment_thread_insert',
    'DROP TRIGGER IF EXISTS comment_thread_update',
    'DROP TRIGGER IF EXISTS comment_thread_delete',
    'DROP TRIGGER IF EXISTS comment_thread_author',
    'CREATE TRIGGER comment_thread_insert AFTER INSERT ON comment FOR EACH ROW BEGIN INSERT INTO comment_thread (target_type, target_id, version) VALUES (NEW.target_type, NEW.target_id, (random() >> 11)) ON CONFLICT (target_type, target_id) DO UPDATE SET version = excluded.version; END',
    'CREATE TRIGGER comment_thread_update AFTER UPDATE ON comment FOR EACH ROW BEGIN UPDATE comment_thread SET version = (random() >> 11) WHERE target_type = OLD.target_type AND target_id = OLD.target_id; INSERT INTO comment_thread (target_type, target_id, version) VALUES (NEW.target_type, NEW.target_id, (random() >> 11)) ON CONFLICT (target_type, target_id) DO UPDATE SET version = excluded.version; END',
    'CREATE TRIGGER comment_thread_delete AFTER DELETE ON comment FOR EACH ROW BEGIN UPDATE comment_thread SET version = (random() >> 11) WHERE target_type = OLD.target_type AND target_id = OLD.target_id; END',
    'CREATE TRIGGER comment_thread_author AFTER UPDATE OF display_name, deleted_at ON "user" FOR EACH ROW WHEN OLD.display_name IS NOT NEW.display_name OR OLD.deleted_at IS NOT NEW.deleted_at BEGIN UPDATE comment_thread SET version = (random() >> 11) WHERE (target_type, target_id) IN (SELECT target_type, target_id FROM comment WHERE author_id = NEW.id); END',
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION comment_thread_touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF TG_OP <> 'INSERT' THEN\n    UPDATE comment_thread SET version = floor(random() * 9007199254740992)::bigint WHERE target_type = OLD.target_type AND target_id = OLD.target_id;\n  END IF;\n  IF TG_OP <> 'DELETE' THEN\n    INSERT INTO comment_thread (target_type, target_id, version) VALUES (NEW.target_type, NEW.target_id, floor(random() * 9007199254740992)::bigint) ON CONFLICT (target_type, target_id) DO UPDATE SET version = excluded.version;\n  END IF;\n  RETURN NULL;\nEND $$",
    'CREATE OR REPLACE FUNCTION comment_thread_author() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE comment_thread SET version = floor(random() * 9007199254740992)::bigint WHERE (target_type, target_id) IN (SELECT target_type, target_id FROM comment WHERE author_id = NEW.id);\n  RETURN NULL;\nEND $$',
    'DROP TRIGGER IF EXISTS comment_thread_insert ON comment',
    'DROP TRIGGER IF EXISTS comment_thread_update ON comment',
    'DROP TRIGGER IF EXISTS comment_thread_delete ON comment',
    'DROP TRIGGER IF EXISTS comment_thread_author ON "user"',
    'CREATE TRIGGER comment_thread_insert AFTER INSERT ON comment FOR EACH ROW EXECUTE FUNCTION comment_thread_touch()',
    'CREATE TRIGGER comment_thread_update AFTER UPDATE ON comment FOR EACH ROW EXECUTE FUNCTION comment_thread_touch()',
    'CREATE TRIGGER comment_thread_delete AFTER DELETE ON comment FOR EACH ROW EXECUTE FUNCTION comment_thread_touch()',
    'CREATE TRIGGER comment_thread_author AFTER UPDATE OF display_name, deleted_at ON "user" FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at) EXECUTE FUNCTION comment_thread_author()',
)
REBUILD = {
    'sqlite': (
        'DELETE FROM comment_thread',
        'INSERT INTO comment_thread (target_type, target_id, version) SELECT target_type, target_id, (random() >> 11) FROM comment GROUP BY target_type, target_id',
    ),
    'postgresql': (
        'DELETE FROM comment_thread',
        'INSERT INTO comment_thread (target_type, target_id, version) SELECT target_type, target_id, floor(random() * 9007199254740992)::bigint FROM comment GROUP BY target_type, target_id',
    ),
}


def upgrade():
    op.create_table('comment_thread',
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('target_type', 'target_id', name=op.f('pk_comment_thread'))
    )
    dialect = op.get_bind().dialect.name
    triggers = SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS
    for statement in (*triggers, *REBUILD["sqlite" if dialect == "sqlite" else "postgresql"]):
        op.execute(statement)


def downgrade():
    names = ("insert", "update", "delete")
    if op.get_bind().dialect.name == "sqlite":
        for name in (*names, "author"):
            op.execute(f"DROP TRIGGER IF EXISTS comment_thread_{name}")
    else:
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS comment_thread_{name} ON comment")
        op.execute('DROP TRIGGER IF EXISTS comment_thread_author ON "user"')
        op.execute("DROP FUNCTION IF EXISTS comment_thread_touch()")
        op.execute("DROP FUNCTION IF EXISTS comment_thread_author()")
    op.drop_table('comment_thread')
