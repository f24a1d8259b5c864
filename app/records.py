"""Reading and writing a patient's sessions and logs."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import SymptomLog, TreatmentSession


@dataclass(frozen=True)
class SessionSummary:
    session: TreatmentSession
    log_count: int
    last_logged_at: datetime | None


def session_summaries(patient_id):
    """The patient's sessions, newest first, with how many logs each has (one query)."""
    log_stats = (
        sa.select(
            SymptomLog.session_id,
            sa.func.count(SymptomLog.id).label("log_count"),
            sa.func.max(SymptomLog.logged_at).label("last_logged_at"),
        )
        .group_by(SymptomLog.session_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(TreatmentSession, log_stats.c.log_count, log_stats.c.last_logged_at)
        .outerjoin(log_stats, log_stats.c.session_id == TreatmentSession.id)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.performed_at.desc())
    )
    return [SessionSummary(session, count or 0, last) for session, count, last in rows]


def next_series_number(patient_id):
    count = db.session.scalar(
        sa.select(sa.func.count(TreatmentSession.id)).where(TreatmentSession.patient_id == patient_id)
    )
    return count + 1


def earliest_log_at(session):
    return db.session.scalar(
        sa.select(sa.func.min(SymptomLog.logged_at)).where(SymptomLog.session_id == session.id)
    )
