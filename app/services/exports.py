"""CSV exports of symptom logs: one patient's, or every patient's of a clinic."""

import csv
import io

import sqlalchemy as sa

from app.core.recovery import hours_between
from app.extensions import db
from app.models import WARNING_SIGN_COLUMNS, CareLink, SymptomLog, TreatmentSession, User

COLUMNS = [
    "patient_email",
    "patient_name",
    "session_id",
    "session_performed_at_utc",
    "needle_depth_mm",
    "device",
    "areas",
    "log_id",
    "logged_at_utc",
    "hours_since_session",
    "redness",
    "swelling",
    "peeling",
    "pain",
    "itch",
    "bruising",
    *WARNING_SIGN_COLUMNS,
    "improvement",
    "note",
]
# A cell starting with these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _logs_statement():
    return (
        sa.select(User, TreatmentSession, SymptomLog)
        .join(TreatmentSession, TreatmentSession.patient_id == User.id)
        .join(SymptomLog, SymptomLog.session_id == TreatmentSession.id)
        .order_by(User.email, TreatmentSession.performed_at, SymptomLog.logged_at)
    )


def _csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for user, treatment, log in rows:
        hours = hours_between(treatment.performed_at, log.logged_at)
        writer.writerow(
            [
                _cell(v)
                for v in (
                    user.email,
                    user.name,
                    treatment.id,
                    treatment.performed_at.isoformat(),
                    treatment.needle_depth_mm,
                    treatment.device,
                    " ".join(treatment.areas),
                    log.id,
                    log.logged_at.isoformat(),
                    f"{hours:.1f}",
                    log.redness,
                    log.swelling,
                    log.peeling,
                    log.pain,
                    log.itch,
                    log.bruising,
                    *(getattr(log, name) for name in WARNING_SIGN_COLUMNS),
                    log.improvement,
                    log.note,
                )
            ]
        )
    return buffer.getvalue()


def patient_logs_csv(patient_id):
    """Every log of one patient, as CSV text."""
    rows = db.session.execute(_logs_statement().where(User.id == patient_id))
    return _csv(rows)


def clinic_logs_csv(clinic_id):
    """Every log of every patient now sharing with the clinic, as CSV text."""
    rows = db.session.execute(
        _logs_statement().join(
            CareLink,
            sa.and_(CareLink.patient_id == User.id, CareLink.clinic_id == clinic_id, CareLink.withdrawn_at.is_(None)),
        )
    )
    return _csv(rows)
