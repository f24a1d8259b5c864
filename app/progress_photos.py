"""A patient's progress photos: stored with their files, listed, compared and deleted.

A photo's files are written before its row and removed if the row is not
stored; they are removed after the row is deleted. So no row ever points to
a missing file, and a failed save leaves nothing behind.
"""

from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import photo_files
from app.extensions import db
from app.models import Photo, TreatmentSession


@contextmanager
def stored_files(prepared):
    """Write the photo's files and yield their key; they are removed if the block fails."""
    file_key = photo_files.save(prepared)
    try:
        yield file_key
    except BaseException:
        photo_files.remove([file_key])
        raise


def new_photo(treatment, prepared, file_key, taken_at):
    return Photo(session=treatment, taken_at=taken_at, file_key=file_key,
                 width=prepared.width, height=prepared.height)


def add_photo(treatment, prepared, taken_at):
    with stored_files(prepared) as file_key:
        photo = new_photo(treatment, prepared, file_key, taken_at)
        db.session.add(photo)
        db.session.commit()
    return photo


def delete_photo(photo):
    file_key = photo.file_key
    db.session.delete(photo)
    db.session.commit()
    photo_files.remove([file_key])


def file_keys(*, session_id=None, patient_id=None):
    """The file keys of one session's photos, or of all a patient's photos."""
    query = sa.select(Photo.file_key)
    if session_id is not None:
        query = query.where(Photo.session_id == session_id)
    if patient_id is not None:
        query = query.join(Photo.session).where(TreatmentSession.patient_id == patient_id)
    return db.session.scalars(query).all()


def _series(patient_id):
    return (sa.select(Photo).join(Photo.session).where(TreatmentSession.patient_id == patient_id)
            .options(so.contains_eager(Photo.session)).order_by(Photo.taken_at, Photo.id))


def photos_of_patient(patient_id):
    """Every photo of the patient's series, oldest first, each with its session loaded."""
    return db.session.scalars(_series(patient_id)).all()


def first_photo(patient_id):
    """The first photo of the series (the guide for the next ones), or None."""
    return db.session.scalar(_series(patient_id).limit(1))


@dataclass(frozen=True)
class Comparison:
    photos: list[Photo]  # all of the patient's photos, oldest first
    before: Photo | None
    after: Photo | None  # None when there is only one photo


class NotTheirPhoto(LookupError):
    """A photo id asked for is not one of this patient's photos."""


def compare(photos, before_id=None, after_id=None):
    """The two photos to compare: those asked for, by default the first of the series and the latest."""
    by_id = {photo.id: photo for photo in photos}
    for wanted in (before_id, after_id):
        if wanted is not None and wanted not in by_id:
            raise NotTheirPhoto(wanted)
    if not photos:
        return Comparison(photos, None, None)
    before = by_id[before_id] if before_id is not None else photos[0]
    after = by_id[after_id] if after_id is not None else photos[-1]
    if after is before and after_id is None and len(photos) > 1:
        after = photos[-1] if before is not photos[-1] else photos[0]
    return Comparison(photos, before, None if after is before else after)
