"""What a printable summary of a patient's session shows."""

from app.core import charts
from app.extensions import db
from app.models import TreatmentSession
from app.services import session_reports


def session_summary(treatment: TreatmentSession, audience: charts.Audience = charts.PATIENT):
    """The report of one session as the summary prints it: status, reasons, charts and their sentences."""
    return session_reports.session_report(treatment, audience=audience)


def chosen_session(patient, session_id: int | None = None) -> TreatmentSession | None:
    """The patient's session asked for, else their latest; None when they have none."""
    sessions = db.session.scalars(patient.sessions.select().order_by(TreatmentSession.performed_at.desc())).all()
    return next((s for s in sessions if s.id == session_id), sessions[0] if sessions else None)
