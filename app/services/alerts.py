"""A clinic's alerts: acknowledging one, listing a patient's.

Alerts are raised and closed by app.services.logbook, as it re-assesses a
session after every change to it.
"""

import sqlalchemy as sa

from app.extensions import db
from app.models import Alert, utcnow


def acknowledge(alert, practitioner, note):
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = practitioner.id
    alert.acknowledgement_note = note
    db.session.commit()


def alerts_for_patient(clinic_id, patient_id):
    """Open alerts first, then acknowledged ones, newest first within each."""
    return db.session.scalars(
        sa.select(Alert)
        .where(Alert.clinic_id == clinic_id, Alert.patient_id == patient_id)
        .order_by(Alert.acknowledged_at.is_not(None), Alert.created_at.desc())
    ).all()
