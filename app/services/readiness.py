"""Whether this server can really save: a heartbeat row written through the requests' own pool."""

import logging
import time

import sqlalchemy as sa

from app.extensions import db
from app.services import photo_store

log = logging.getLogger(__name__)

# One row, rewritten by every readiness check: a real write, committed, as a save would be.
heartbeat = sa.Table(
    "heartbeat",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("beat_at", sa.Float, nullable=False),  # seconds since the epoch
)


def database_write_problem() -> str | None:
    """Why the database cannot be written right now, in a line, or None when it can."""
    try:
        with db.engine.begin() as connection:
            moved = connection.execute(sa.update(heartbeat).where(heartbeat.c.id == 1).values(beat_at=time.time()))
            if moved.rowcount == 0:
                connection.execute(sa.insert(heartbeat).values(id=1, beat_at=time.time()))
    except sa.exc.SQLAlchemyError as error:
        log.warning("Readiness check: the database cannot be written", exc_info=True)
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        return f"the database cannot be written ({reason})"
    return None


def photo_store_problem() -> str | None:
    """Why the photo store cannot be reached (S3 only: head_bucket), in a few words, or None when it can."""
    return photo_store.store().problem()
