"""From database rows to the recovery model's plain inputs, and the report a session page shows."""

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from app.core import aftercare, charts, comparison, recovery
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
    """What the model needs to know about a session: when, how deep, and the patient's usual skin."""
    return recovery.SessionFacts(
        treatment.performed_at, treatment.needle_depth_mm, treatment.usual_skin or recovery.NO_BASELINE
    )


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
    """Everything a session page shows about recovery: status, charts, aftercare, the other sessions."""

    assessment: recovery.Assessment
    status_message: str
    first_week: charts.Chart
    thirty_days: charts.Chart
    aftercare: list[aftercare.AftercareItem]
    compare: charts.Chart | None = None  # when the patient has two or more sessions with logs
    audience: charts.Audience = charts.PATIENT

    @property
    def charts(self) -> tuple[charts.Chart, ...]:
        """The page's charts in order: first week, 30 days, then the comparison if there is one."""
        return (self.first_week, self.thirty_days) + ((self.compare,) if self.compare else ())


def session_report(
    treatment: TreatmentSession, now: datetime | None = None, audience: charts.Audience = charts.PATIENT
) -> SessionReport:
    """Assess the session once and build what its page shows from that, in the words of `audience`."""
    entries = [log_entry(log) for log in treatment.logs]
    assessment = recovery.assess(session_facts(treatment), entries, now or utcnow())
    ratings = sorted(
        (recovery.hours_since_session(treatment.performed_at, entry.logged_at), entry.improvement)
        for entry in entries
        if entry.improvement
    )
    # A photo may be dated before the session (a true "before"): negative hours, drawn at day 0.
    photo_hours = [recovery.hours_between(treatment.performed_at, photo.taken_at) for photo in treatment.photos]
    courses = patient_courses(treatment.patient_id, _zone(treatment.patient.timezone))
    message = recovery.clinic_status_message if audience == charts.CLINIC else recovery.status_message
    return SessionReport(
        assessment=assessment,
        status_message=message(assessment),
        first_week=charts.first_week_chart(assessment, audience),
        thirty_days=charts.thirty_day_chart(assessment, ratings, photo_hours=photo_hours, audience=audience),
        aftercare=aftercare.aftercare_for(assessment.hours_since, assessment.latest),
        compare=charts.compare_chart(courses, audience) if len(comparison.with_logs(courses)) >= 2 else None,
        audience=audience,
    )


def _zone(name: str | None) -> tzinfo:
    """The patient's time zone, for the day each session took place; UTC if unknown."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def patient_courses(patient_id: int, zone: tzinfo = UTC) -> list[comparison.SessionCourse]:
    """Every session of a patient with its logs, numbered in the order they took place (two statements)."""
    treatments = db.session.scalars(
        sa.select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.performed_at, TreatmentSession.id)
    ).all()
    logs: dict[int, list[recovery.LogEntry]] = {treatment.id: [] for treatment in treatments}
    rows = db.session.execute(
        sa.select(SymptomLog.session_id, *LOG_ENTRY_COLUMNS).where(SymptomLog.session_id.in_(list(logs)))
    )
    for row in rows:
        logs[row.session_id].append(log_entry(row))
    return [
        comparison.SessionCourse(
            number,
            treatment.performed_at.astimezone(zone).date(),
            session_facts(treatment),
            tuple(logs[treatment.id]),
        )
        for number, treatment in enumerate(treatments, start=1)
    ]
