"""What a printable summary of a patient's session shows."""

from app.core import charts
from app.models import TreatmentSession
from app.services import session_reports


def session_summary(treatment: TreatmentSession, audience: charts.Audience = charts.PATIENT):
    """The report of one session as the summary prints it: status, reasons, charts and their sentences."""
    return session_reports.session_report(treatment, audience=audience)
