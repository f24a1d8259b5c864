"""The only place that decides which sessions and logs a patient may reach."""

import sqlalchemy as sa
from flask_login import current_user

from app.extensions import db
from app.models import CareLink, SymptomLog, TreatmentSession


def get_own_session_or_404(session_id):
    """The signed-in patient's session; anyone else's answers 404, as if it did not exist."""
    return db.first_or_404(
        sa.select(TreatmentSession).where(
            TreatmentSession.id == session_id, TreatmentSession.patient_id == current_user.id
        )
    )


def get_own_log_or_404(log_id):
    """The signed-in patient's log; anyone else's answers 404."""
    return db.first_or_404(
        sa.select(SymptomLog)
        .join(SymptomLog.session)
        .where(SymptomLog.id == log_id, TreatmentSession.patient_id == current_user.id)
    )


def get_own_active_link_or_404(link_id):
    """One of the signed-in patient's current clinic links; anyone else's answers 404."""
    return db.first_or_404(
        sa.select(CareLink).where(
            CareLink.id == link_id, CareLink.patient_id == current_user.id, CareLink.withdrawn_at.is_(None)
        )
    )
