"""What a practitioner sees of one patient: sessions, recovery, alerts, private notes, who looked."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Alert, AuditEvent, PractitionerNote, TreatmentSession, User
from app.services import alerts, clinics, session_reports


@dataclass(frozen=True)
class PatientRecord:
    patient: User
    sessions: list[TreatmentSession]
    treatment: TreatmentSession | None  # the session shown in detail
    report: session_reports.SessionReport | None
    alerts: list[Alert]
    notes: list[PractitionerNote]
    audit: list[AuditEvent]


def patient_record(clinic_id, patient, session_id=None):
    """The patient's record as their clinic sees it; `session_id` picks the session shown (default latest)."""
    sessions = db.session.scalars(patient.sessions.select().order_by(TreatmentSession.performed_at.desc())).all()
    chosen = next((s for s in sessions if s.id == session_id), sessions[0] if sessions else None)
    notes = db.session.scalars(
        sa.select(PractitionerNote)
        .where(PractitionerNote.clinic_id == clinic_id, PractitionerNote.patient_id == patient.id)
        .order_by(PractitionerNote.created_at.desc())
    ).all()
    return PatientRecord(
        patient=patient,
        sessions=sessions,
        treatment=chosen,
        report=session_reports.session_report(chosen, audience="clinic") if chosen else None,
        alerts=alerts.alerts_for_patient(clinic_id, patient.id),
        notes=notes,
        audit=clinics.audit_for_patient(patient.id, limit=20),
    )


def add_note(clinic_id, author, patient, body):
    db.session.add(PractitionerNote(clinic_id=clinic_id, patient_id=patient.id, author_id=author.id, body=body))
    db.session.commit()
