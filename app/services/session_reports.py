"""From database rows to the recovery model's plain inputs, and the report a session page shows."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core import aftercare, charts, recovery
from app.extensions import db
from app.models import WARNING_SIGN_COLUMNS, SymptomLog, TreatmentSession, utcnow

# What the recovery model reads from a log.
LOG_ENTRY_COLUMNS = (
    SymptomLog.logged_at,
    SymptomLog.redness,
    SymptomLog.swelling,
    SymptomLog.peeling,
    SymptomLog.pain,
    SymptomLog.itch,
    SymptomLog.bruising,
    *(getattr(SymptomLog, name) for name in WARNING_SIGN_COLUMNS),
    SymptomLog.improvement,
)


def session_facts(treatment: TreatmentSession) -> recovery.SessionFacts:
    return recovery.SessionFacts(treatment.performed_at, treatment.needle_depth_mm)


def log_entry(log) -> recovery.LogEntry:
    """A SymptomLog, or a row of LOG_ENTRY_COLUMNS, as the model's plain input."""
    return recovery.LogEntry(
        logged_at=log.logged_at,
        redness=log.redness,
        swelling=log.swelling,
        peeling=log.peeling,
        pain=log.pain,
        itch=log.itch,
        bruising=bool(log.bruising),
        warning_signs=frozenset(name for name in WARNING_SIGN_COLUMNS if getattr(log, name)),
        improvement=log.improvement,
    )


def log_entries(session_id: int) -> list[recovery.LogEntry]:
    """A session's logs as the model's inputs, read as plain rows (no ORM objects: saving a log reads them all)."""
    rows = db.session.execute(sa.select(*LOG_ENTRY_COLUMNS).where(SymptomLog.session_id == session_id))
    return [log_entry(row) for row in rows]


def assess_session(
    treatment: TreatmentSession, now: datetime | None = None, include_points: bool = True
) -> recovery.Assessment:
    """The recovery model's view of a session and all its logs, as of now."""
    entries = [log_entry(log) for log in treatment.logs]
    return recovery.assess(session_facts(treatment), entries, now or utcnow(), include_points=include_points)


@dataclass(frozen=True)
class SessionReport:
    """Everything a session page shows about recovery: status, charts, aftercare."""

    assessment: recovery.Assessment
    status_message: str
    first_week: charts.Chart
    thirty_days: charts.Chart
    aftercare: list[aftercare.AftercareItem]


def session_report(treatment: TreatmentSession, now: datetime | None = None) -> SessionReport:
    """Assess the session once and build what its page shows from that."""
    entries = [log_entry(log) for log in treatment.logs]
    assessment = recovery.assess(session_facts(treatment), entries, now or utcnow())
    ratings = sorted(
        (recovery.hours_since_session(treatment.performed_at, entry.logged_at), entry.improvement)
        for entry in entries
        if entry.improvement
    )
    return SessionReport(
        assessment=assessment,
        status_message=recovery.status_message(assessment),
        first_week=charts.first_week_chart(assessment),
        thirty_days=charts.thirty_day_chart(
            assessment,
            ratings,
            photo_hours=[
                recovery.hours_since_session(treatment.performed_at, photo.taken_at) for photo in treatment.photos
            ],
        ),
        aftercare=aftercare.aftercare_for(assessment.hours_since, assessment.latest),
    )
