"""The only place that decides which patients, sessions and alerts a practitioner may reach.

A practitioner sees a patient only while the patient shares with their clinic;
everything else answers 404, the same as a page that does not exist.
"""

import sqlalchemy as sa
from flask_login import current_user

from app.extensions import db
from app.models import Alert, CareLink, TreatmentSession, User


def _shares_with_my_clinic(patient_id_column):
    return sa.exists().where(
        CareLink.patient_id == patient_id_column,
        CareLink.clinic_id == current_user.clinic_id,
        CareLink.withdrawn_at.is_(None),
    )


def patient_of_my_clinic_or_404(patient_id):
    return db.first_or_404(sa.select(User).where(User.id == patient_id, _shares_with_my_clinic(User.id)))


def session_of_my_patient_or_404(session_id):
    return db.first_or_404(
        sa.select(TreatmentSession).where(
            TreatmentSession.id == session_id, _shares_with_my_clinic(TreatmentSession.patient_id)
        )
    )


def alert_of_my_clinic_or_404(alert_id):
    return db.first_or_404(
        sa.select(Alert).where(
            Alert.id == alert_id, Alert.clinic_id == current_user.clinic_id, _shares_with_my_clinic(Alert.patient_id)
        )
    )
