"""Liveness and readiness for load balancers.

``GET /healthz`` answers as long as the process serves requests: it touches
nothing, so it stays the load benchmark's bare baseline. ``GET /readyz``
answers 200 only when this server can really save: it writes a heartbeat row
through the same connection pool the requests use, and says why not (503)
otherwise, so a balancer stops sending patients to a server whose database
went read-only or whose disk failed.
"""

import logging
import time

import sqlalchemy as sa
from flask import Blueprint

from app.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

# One row, rewritten by every readiness check: a real write, committed, as a save would be.
heartbeat = sa.Table(
    "heartbeat", db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("beat_at", sa.Float, nullable=False),  # seconds since the epoch
)


@bp.route("/healthz")
def healthz():
    return "ok", 200, PLAIN


@bp.route("/readyz")
def readyz():
    problem = database_write_problem()
    if problem:
        return f"not ready: {problem}", 503, PLAIN
    return "ready", 200, PLAIN


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
