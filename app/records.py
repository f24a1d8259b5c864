"""Reading a patient's sessions and logs for their pages."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from app import photo_files, progress_photos
from app.alerts import store_assessment
from app.assessments import assess_session, log_entries, log_entry
from app.extensions import db
from app.models import SymptomLog, TreatmentSession, utcnow


# A log time this close to now is "now" as the form filled it in (to the minute, give or take a clock).
LOGGED_NOW = timedelta(minutes=5)


@dataclass(frozen=True)
class SessionSummary:
    session: TreatmentSession
    status: str
    log_count: int
    last_logged_at: datetime | None


def session_summaries(patient_id):
    """The patient's sessions, newest first, each with its status and log count (two queries)."""
    sessions = db.session.scalars(
        sa.select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient_id)
        .options(so.selectinload(TreatmentSession.logs))
        .order_by(TreatmentSession.performed_at.desc())
    ).all()
    now = utcnow()
    return [
        SessionSummary(
            session=treatment,
            status=assess_session(treatment, now, include_points=False).status,
            log_count=len(treatment.logs),
            last_logged_at=treatment.logs[0].logged_at if treatment.logs else None,  # newest first
        )
        for treatment in sessions
    ]


def latest_session(patient_id):
    return db.session.scalar(sa.select(TreatmentSession).where(TreatmentSession.patient_id == patient_id)
                             .order_by(TreatmentSession.performed_at.desc()).limit(1))


def next_series_number(patient_id):
    count = db.session.scalar(
        sa.select(sa.func.count(TreatmentSession.id)).where(TreatmentSession.patient_id == patient_id)
    )
    return count + 1


def earliest_log_at(session):
    return db.session.scalar(
        sa.select(sa.func.min(SymptomLog.logged_at)).where(SymptomLog.session_id == session.id)
    )


def save_new_log(treatment, client_id, fill, photo=None):
    """Store a new log of the session once; ``fill(log)`` sets its values.

    ``photo`` (a prepared photo, optional) is stored with it, taken at the
    log's time. A resend of the same form (same client_id: a double tap, or a
    log kept offline and sent again after a lost answer) returns the stored
    log instead of storing it twice.
    """
    # Read before anything is written, so the database's write lock is held only
    # for the inserts and the commit.
    earlier_entries = log_entries(treatment.id)
    log = SymptomLog(session=treatment, client_id=client_id)
    fill(log)
    db.session.add(log)
    try:
        with (progress_photos.stored_files(photo) if photo else nullcontext()) as file_key:
            if photo:
                db.session.add(progress_photos.new_photo(treatment, photo, file_key, _photo_time(log.logged_at)))
            store_assessment(treatment, [*earlier_entries, log_entry(log)])
            # The log, its photo, the session's new status and any alert are stored in one
            # transaction: all of it, or (and the patient is told) none of it.
            db.session.commit()
    except IntegrityError:
        # The unique client_id says this form was stored before (a double tap, or a resend
        # after a lost answer): nothing new is stored, and the stored log is the answer.
        db.session.rollback()
        existing = _log_with_client_id(client_id)
        if existing is None:
            raise
        return existing
    return log


def delete_session(treatment):
    """Delete the session with its logs, photos (files too) and alerts."""
    file_keys = progress_photos.file_keys(session_id=treatment.id)
    db.session.delete(treatment)
    db.session.commit()
    photo_files.remove(file_keys)


def _photo_time(logged_at):
    """When a photo sent with a log was taken: now, unless the log was set back to an earlier moment.

    A log "now" carries its time to the minute only; stamping its photo with that
    would put it before a photo taken seconds earlier, and swap before and after.
    """
    now = utcnow()
    if logged_at is None or now - logged_at <= LOGGED_NOW:
        return now
    return logged_at


def _log_with_client_id(client_id):
    if not client_id:
        return None
    return db.session.scalar(sa.select(SymptomLog).where(SymptomLog.client_id == client_id))
