"""Progress photos: their files, and listing and comparing a patient's photos.

Storing and deleting a photo (its row and files, and re-assessing its session)
is app.services.logbook's job; the file helpers it uses live here.

A photo's files are written before its row and removed if the row is not
stored; they are removed after the row is deleted. So no row ever points to
a missing file, and a failed save leaves nothing behind.

Files: a private folder (instance/uploads by default), never under static/.

Files are named by a random key, written whole (a crash never leaves half a
photo under a photo's name, and a failed write leaves no partial file) and
readable by the app's own user only. The database row is the
only way to a file, and app.gallery.access decides who may follow it.
"""

import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Photo, TreatmentSession

VARIANTS = ("screen", "thumb")


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"] or Path(current_app.instance_path) / "uploads")


def path_for(file_key: str, variant: str) -> Path:
    if variant not in VARIANTS:
        raise ValueError(variant)
    return folder() / f"{file_key}-{variant}.jpg"


def save_files(prepared) -> str:
    """Write a prepared photo's two copies; returns their new random key."""
    file_key = secrets.token_urlsafe(24)
    folder().mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    try:
        for variant, data in (("screen", prepared.screen), ("thumb", prepared.thumbnail)):
            path = path_for(file_key, variant)
            _write_private(path, data)
            written.append(path)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return file_key


def remove_files(file_keys) -> None:
    """Delete the files of these photos (called once their rows are gone), half-written ones too."""
    for file_key in file_keys:
        for variant in VARIANTS:
            path = path_for(file_key, variant)
            path.unlink(missing_ok=True)
            _partial(path).unlink(missing_ok=True)  # left only by a crash mid-write


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def _write_private(path: Path, data: bytes) -> None:
    """Write to a .part file, then rename: the photo appears whole or not at all, and a failed
    write (a full disk) leaves nothing behind."""
    partial = _partial(path)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def stored_files(prepared):
    """Write the photo's files and yield their key; they are removed if the block fails."""
    file_key = save_files(prepared)
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
