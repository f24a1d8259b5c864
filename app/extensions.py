"""Flask extensions, created unbound here and bound in the app factory."""

import functools
import sqlite3

import flask_babel
import flask_limiter
import sqlalchemy as sa
from flask import g, has_app_context
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints let Alembic alter SQLite tables (batch mode) and
    # drop constraints on PostgreSQL by name.
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter counting in storage that every worker and server shares (see app.web.rate_limits)."""

    def init_app(self, app):
        from app.web.rate_limits import configure_storage  # here, not at the top: it needs db from this module

        configure_storage(app.config)
        previous = self._storage
        self._storage_dead = False  # a new storage starts out reachable, whatever became of the old one
        super().init_app(app)
        if previous is not None and previous is not self._storage and hasattr(previous, "engine"):
            previous.engine.dispose()  # this one limiter counts elsewhere now: close the old connections


class RequestTranslationsDomain(flask_babel.Domain):
    """Flask-Babel's message domain, with a request's translations looked up once, not for every string.

    Flask-Babel keeps ``babel_translations`` on its request namespace (``g._flask_babel``) and
    clears it in refresh() and force_locale(), but its Domain no longer reads it: each of a page's
    hundred strings looked the locale up again, a fifth of a page's time.
    """

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        context = g.get("_flask_babel")
        translations = getattr(context, "babel_translations", None)
        if translations is None:
            translations = super().get_translations()  # makes g._flask_babel when it is missing
            g._flask_babel.babel_translations = translations
        return translations


class Babel(flask_babel.Babel):
    @functools.cached_property
    def domain_instance(self):
        return RequestTranslationsDomain(domain=self.domain)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()


@sa.event.listens_for(sa.Engine, "connect")
def _tune_sqlite(dbapi_connection, record):
    """WAL lets readers and a writer work at once; SQLite leaves foreign keys off by default."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        record.info["read_only"] = _opened_read_only(cursor)
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def _opened_read_only(cursor) -> bool:
    """Whether SQLite opened the file read-only, as it silently does when the file cannot be written then.

    A write that is rolled back finds out without changing anything; with no busy wait, a
    writer at work (SQLITE_BUSY) leaves the answer to the error handler below.
    """
    cursor.execute("PRAGMA busy_timeout=0")
    try:
        cursor.execute("BEGIN IMMEDIATE")
        version = cursor.execute("PRAGMA user_version").fetchone()[0]
        cursor.execute(f"PRAGMA user_version={int(version)}")
    except sqlite3.OperationalError as error:
        return error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY
    finally:
        if cursor.connection.in_transaction:
            cursor.execute("ROLLBACK")
    return False


@sa.event.listens_for(sa.pool.Pool, "checkin")
def _drop_read_only_connection(dbapi_connection, record):
    """A connection opened read-only never writes, even once the file can be written again: use it once."""
    if dbapi_connection is not None and record.info.get("read_only"):
        record.invalidate()


# SQLite: the file became read-only, was replaced, or the disk failed; PostgreSQL: a read-only
# transaction (a standby after a fail-over, default_transaction_read_only). Such a connection
# stays broken, so the pool drops it (and every connection opened before it) instead of reusing it.
_SQLITE_BROKEN = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN}
_POSTGRES_READ_ONLY = "25006"  # read_only_sql_transaction


@sa.event.listens_for(sa.Engine, "handle_error")
def _drop_connections_that_cannot_write(context):
    error = context.original_exception
    if isinstance(error, sqlite3.Error):
        broken = getattr(error, "sqlite_errorcode", 0) & 0xFF in _SQLITE_BROKEN
    else:
        broken = getattr(error, "sqlstate", None) == _POSTGRES_READ_ONLY
    if broken:
        context.is_disconnect = True
