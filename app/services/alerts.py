"""Keeping a session's stored status current and raising the model's red flags as clinic alerts."""

import sqlalchemy as sa

from app.core import recovery
from app.services.session_reports import log_entries, session_facts
from app.services.clinics import active_clinic_ids
from app.extensions import db
from app.models import Alert, utcnow


def refresh_after_log_change(treatment):
    """Re-assess the session from its stored logs and commit the outcome (after an edit or delete, or a refresh)."""
    assessment = store_assessment(treatment, log_entries(treatment.id))
    db.session.commit()
    return assessment


def store_assessment(treatment, entries):
    """Assess the session from these log entries: its status is kept, uncommitted.

    Each red flag becomes an alert on every clinic the patient shares with,
    unless the same flag for this session is already open there.
    """
    assessment = recovery.assess(session_facts(treatment), entries, utcnow(), include_points=False)
    treatment.status = assessment.status
    contact_flags = [flag for flag in assessment.flags if flag.severity == "contact"]
    if contact_flags:
        for clinic_id in active_clinic_ids(treatment.patient_id):
            already_open = set(db.session.scalars(sa.select(Alert.flag_key).where(
                Alert.clinic_id == clinic_id, Alert.session_id == treatment.id,
                Alert.acknowledged_at.is_(None))))
            for flag in contact_flags:
                if flag.key not in already_open:
                    db.session.add(Alert(
                        clinic_id=clinic_id, patient_id=treatment.patient_id, session_id=treatment.id,
                        flag_key=flag.key, severity=flag.severity, reason=flag.reason, action=flag.action))
    return assessment


def acknowledge(alert, practitioner, note):
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = practitioner.id
    alert.acknowledgement_note = note
    db.session.commit()


def alerts_for_patient(clinic_id, patient_id):
    """Open alerts first, then acknowledged ones, newest first within each."""
    return db.session.scalars(
        sa.select(Alert).where(Alert.clinic_id == clinic_id, Alert.patient_id == patient_id)
        .order_by(Alert.acknowledged_at.is_not(None), Alert.created_at.desc())).all()
