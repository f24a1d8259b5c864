"""The only place that decides who may see a photo: its patient, and their clinic while they share."""

import sqlalchemy as sa
from flask_login import current_user

from app.extensions import db
from app.models import CareLink, Photo, TreatmentSession


def viewable_photo_or_404(photo_id):
    """The photo if the signed-in user may see it; anyone else gets 404, as if it did not exist."""
    query = sa.select(Photo).join(Photo.session).where(Photo.id == photo_id)
    if current_user.is_practitioner:
        query = query.where(
            sa.exists().where(
                CareLink.patient_id == TreatmentSession.patient_id,
                CareLink.clinic_id == current_user.clinic_id,
                CareLink.withdrawn_at.is_(None),
            )
        )
    else:
        query = query.where(TreatmentSession.patient_id == current_user.id)
    return db.first_or_404(query)


def own_photo_or_404(photo_id):
    """One of the signed-in patient's photos (to delete it); anyone else's answers 404."""
    return db.first_or_404(
        sa.select(Photo).join(Photo.session).where(Photo.id == photo_id, TreatmentSession.patient_id == current_user.id)
    )
