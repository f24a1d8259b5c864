"""Where rate-limit counters live, and whom a limit counts: shared by every worker and server.

Flask-Limiter keeps its counters in a ``limits`` storage. Its default, one
process's memory, lets each gunicorn worker count on its own (10 a minute
becomes 40 with four workers) and forgets everything on a reload. So the
counters live in Redis when ``REDIS_URL`` is set, and otherwise in the app's
own database (the ``rate_limit`` table, through ``DatabaseStorage``), which
needs no extra service.
"""

import hashlib
import hmac
import os
import time

import sqlalchemy as sa
from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

DATABASE_SCHEME = "database+"  # then the SQLAlchemy URL: database+sqlite:////srv/app.db

# One row per limit and client: a fixed window of `hits` that ends at `expires_at`.
rate_limit = sa.Table(
    "rate_limit",
    db.metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("hits", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),  # seconds since the epoch
)

_UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def configure_storage(config) -> None:
    """Count in Redis when REDIS_URL is set, else in the app's database; an explicit RATELIMIT_STORAGE_URI wins."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return
    redis_url = config.get("REDIS_URL") or os.environ.get("REDIS_URL")
    config["RATELIMIT_STORAGE_URI"] = redis_url or DATABASE_SCHEME + config["SQLALCHEMY_DATABASE_URI"]


class DatabaseStorage(Storage):
    """A ``limits`` storage in the app's database, for the fixed-window strategy.

    Each hit is one atomic upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING,
    on SQLite and PostgreSQL alike), so two workers hitting at once count twice.
    It has its own engine: a hit commits at once, apart from the request's
    transaction, and a failed request cannot roll it back.
    """

    STORAGE_SCHEME = [DATABASE_SCHEME + name for name in ("sqlite", "postgresql", "postgresql+psycopg")]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        url = sa.make_url(uri[len(DATABASE_SCHEME) :])
        if url.get_backend_name() != "sqlite":
            options.setdefault("pool_pre_ping", True)  # a database server may drop an idle connection
        self.engine = sa.create_engine(url, **options)

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        ended = rate_limit.c.expires_at <= now
        insert = _UPSERTS[self.engine.dialect.name](rate_limit).values(key=key, hits=amount, expires_at=now + expiry)
        upsert = insert.on_conflict_do_update(
            index_elements=[rate_limit.c.key],
            set_={
                "hits": sa.case((ended, amount), else_=rate_limit.c.hits + amount),
                "expires_at": sa.case((ended, now + expiry), else_=rate_limit.c.expires_at),
            },
        ).returning(rate_limit.c.hits)
        with self.engine.begin() as connection:
            hits = connection.execute(upsert).scalar_one()
            if hits == amount:  # a window starts: a cheap moment to drop the rows of windows that ended
                connection.execute(sa.delete(rate_limit).where(ended))
        return hits

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            return connection.execute(self._current(rate_limit.c.hits, key)).scalar() or 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self.engine.connect() as connection:
            return connection.execute(self._current(rate_limit.c.expires_at, key, now)).scalar() or now

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.select(sa.func.count()).select_from(rate_limit).where(sa.false()))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    def reset(self) -> int:
        with self.engine.begin() as connection:
            return connection.execute(sa.delete(rate_limit)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(rate_limit).where(rate_limit.c.key == key))

    @staticmethod
    def _current(column, key, now=None):
        return sa.select(column).where(
            rate_limit.c.key == key, rate_limit.c.expires_at > (time.time() if now is None else now)
        )


# --- Whom a limit counts -------------------------------------------------------------------------


def by_address() -> str:
    return get_remote_address()


def by_account() -> str:
    """The account a log-in names, whatever the address: a keyed hash of its email, never the email itself."""
    email = request.form.get("email", "").strip().lower()  # as the log-in form reads it
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else secret.encode()
    return "account:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()


def by_user() -> str:
    """The logged-in user (a clinic's patients may share one address); the address otherwise."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def failed_log_in(response) -> bool:
    """A log-in that did not succeed: the form again (4xx). A success redirects, and never counts."""
    return not 300 <= response.status_code < 400


def no_photo_attached() -> bool:
    photo = request.files.get("photo")
    return not (photo and photo.filename)
