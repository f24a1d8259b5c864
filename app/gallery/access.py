"""The only place that decides who may see a photo: its patient, and their clinic while they share."""

import sqlalchemy as sa
from flask import abort, request
from flask_login import current_user

from app.extensions import db
from app.models import CareLink, Photo, TreatmentSession
from app.services import photos


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


def comparison_or_404(patient_id):
    """The patient's photos and the two the query string asks for (?before=&after=).

    By default the first photo of the series and the latest; an id that is not
    one of this patient's photos answers 404.
    """
    series = photos.photos_of_patient(patient_id)
    try:
        return photos.compare(series, request.args.get("before", type=int), request.args.get("after", type=int))
    except photos.NotTheirPhoto:
        abort(404)
