"""Extension instances, created unbound and initialised by ``create_app`` (``init_app`` only). Flask-Compress
as the platform uses it is ``consult.core.compression.compress``, and Flask-WTF's CSRFProtect (with tokens
masked per answer) ``consult.core.csrf.csrf``."""

import click
from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

#: Constraint names are fixed so that Alembic migrations name them the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
babel = Babel()
htmx = HTMX()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="fixed-window")


# Flask-Migrate imports Alembic (and Mako) at once: about 10 MB resident in every web worker that never
# migrates. ``LazyMigrate.init_app`` records the settings and registers the ``flask db`` group; Flask-Migrate
# is imported the first time a ``flask db`` command runs or a migration reads ``app.extensions["migrate"]``.


class LazyMigrate:
    """Drop-in for ``flask_migrate.Migrate()`` as Consult uses it
    (``init_app(app, db, directory=..., **kw)``)."""

    def init_app(self, app, db, **kwargs) -> None:
        app.extensions["migrate"] = _LazyMigrateConfig(db, kwargs)
        app.cli.add_command(_LazyDbGroup("db", help="Perform database migrations."), name="db")


class _LazyMigrateConfig:
    """Stands for Flask-Migrate's per-app config object; builds the real one on first use."""

    def __init__(self, db, kwargs: dict):
        self._db = db
        self._kwargs = kwargs
        self._real = None

    def _load(self):
        if self._real is None:
            from flask_migrate import Migrate, _MigrateConfig

            migrate = Migrate(db=self._db, **self._kwargs)
            self._real = _MigrateConfig(migrate, self._db, **migrate.alembic_ctx_kwargs)
        return self._real

    def __getattr__(self, name):
        return getattr(self._load(), name)


class _LazyDbGroup(click.Group):
    """``flask db``: Flask-Migrate's own group, imported when the command is used."""

    @staticmethod
    def _group() -> click.Group:
        from flask_migrate.cli import db

        return db

    def list_commands(self, ctx):
        return self._group().list_commands(ctx)

    def get_command(self, ctx, cmd_name):
        return self._group().get_command(ctx, cmd_name)

    def make_context(self, info_name, args, parent=None, **extra):
        return self._group().make_context(info_name, args, parent=parent, **extra)


migrate = LazyMigrate()  # Flask-Migrate without loading Alembic in web workers
