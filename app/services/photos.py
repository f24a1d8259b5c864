"""Progress photos: their files, and listing and comparing a patient's photos.

Storing and deleting a photo (its row and files, and re-assessing its session)
is app.services.logbook's job; the file helpers it uses live here.

A photo's files are written before its row and removed if the row is not
stored; they are removed after the row is deleted. So no row ever points to
a missing file, and a failed save leaves nothing behind.

Files: app.services.photo_store, a private local folder (instance/uploads by default, never
under static/) or, when PHOTO_STORAGE_URL says s3://, a private bucket.

Files are named by a random key, written whole (a crash never leaves half a
photo under a photo's name, and a failed write leaves no partial file) and
readable by the app alone. The database row is the only way to a file, and
app.gallery.access decides who may follow it.
"""

import logging
import secrets
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.images import PhotoRejected
from app.extensions import db
from app.models import Photo, TreatmentSession
from app.services.photo_store import VARIANTS as VARIANTS  # the copies kept of each photo
from app.services.photo_store import StoreUnavailable, store

log = logging.getLogger(__name__)


class PhotoNotSaved(PhotoRejected):
    """The photo store failed while saving: nothing was stored, and the form says so."""


def path_for(file_key: str, variant: str):
    """A photo file's path in the local folder (the local store only)."""
    return store().path_for(file_key, variant)


def save_files(prepared) -> str:
    """Write a prepared photo's two copies; returns their new random key."""
    file_key = secrets.token_urlsafe(24)
    photo_store = store()
    written = False
    try:
        for variant, data in (("screen", prepared.screen), ("thumb", prepared.thumbnail)):
            photo_store.write(file_key, variant, data)
            written = True
    except (OSError, StoreUnavailable):
        if written:
            photo_store.delete([file_key])  # the first copy must not outlive a failed second
        raise
    return file_key


def remove_files(file_keys) -> None:
    """Delete the files of these photos (called once their rows are gone), half-written ones too.

    Their rows are already gone, so a store that fails now cannot undo the deletion: the leftover
    files, which nothing leads to any more, are logged by their random keys for the operator.
    """
    if not file_keys:
        return
    try:
        store().delete(list(file_keys))
    except StoreUnavailable:
        log.error("Photo files left behind for the operator to delete: %s", " ".join(file_keys))


def read_file(file_key: str, variant: str) -> bytes:
    """A photo file's bytes; FileNotFoundError if it is missing, StoreUnavailable if the store fails."""
    return store().read(file_key, variant)


def file_size(file_key: str, variant: str) -> int:
    """A photo file's size in bytes; FileNotFoundError if it is missing."""
    return store().size(file_key, variant)


def stored_file_names() -> list[str]:
    """Every file name in the photo store, sorted (checks and tests)."""
    return store().names()


@contextmanager
def stored_files(prepared):
    """Write the photo's files and yield their key; they are removed if the block fails.

    A store that fails (a full disk, an unreachable bucket) raises PhotoNotSaved with words for the
    patient, after rolling back what the caller had added: nothing of the save is stored.
    """
    try:
        file_key = save_files(prepared)
    except (OSError, StoreUnavailable) as error:
        db.session.rollback()
        raise PhotoNotSaved(
            _("We could not save the photo just now, so nothing has been saved. Please try again in a few minutes.")
        ) from error
    try:
        yield file_key
    except BaseException:
        remove_files([file_key])
        raise


def new_photo(treatment, prepared, file_key, taken_at):
    return Photo(session=treatment, taken_at=taken_at, file_key=file_key, width=prepared.width, height=prepared.height)


def file_keys(*, session_id=None, patient_id=None):
    """The file keys of one session's photos, or of all a patient's photos."""
    query = sa.select(Photo.file_key)
    if session_id is not None:
        query = query.where(Photo.session_id == session_id)
    if patient_id is not None:
        query = query.join(Photo.session).where(TreatmentSession.patient_id == patient_id)
    return db.session.scalars(query).all()


def _series(patient_id):
    return (
        sa.select(Photo)
        .join(Photo.session)
        .where(TreatmentSession.patient_id == patient_id)
        .options(so.contains_eager(Photo.session))
        .order_by(Photo.taken_at, Photo.id)
    )


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


BEFORE_THE_SESSION = _l("Before the session")


def taken_before_session(photo) -> bool:
    """Whether the photo is a "before" photo, taken before its session (the upload form bounds how long before)."""
    return photo.taken_at < photo.session.performed_at


def when_taken(photo) -> str:
    """A photo's short label: "Before the session", or the day after the session it was taken ("Day 3")."""
    if taken_before_session(photo):
        return str(BEFORE_THE_SESSION)
    return _("Day %(day)d", day=photo.days_since_session)


def comparison_or_404(patient_id, before_id=None, after_id=None):
    """The patient's photos and the two to compare (by default the first of the series and the latest).

    The caller has already decided that the viewer may see this patient's photos; an id
    that is not one of them answers 404, as if it did not exist.
    """
    try:
        return compare(photos_of_patient(patient_id), before_id, after_id)
    except NotTheirPhoto:
        abort(404)
