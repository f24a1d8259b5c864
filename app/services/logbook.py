"""Reading a patient's sessions and logs for their pages."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from app.services import photos
from app.services.alerts import store_assessment
from app.services.session_reports import assess_session, log_entries, log_entry
from app.extensions import db
from app.models import WARNING_SIGN_COLUMNS, SymptomLog, TreatmentSession, utcnow


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


class ResendConflict(Exception):
    """A log arrived with the id of a log already stored in this session, but with other answers.

    Never a silent success: the patient is shown their answers and can save them as a new log.
    """


def save_new_log(treatment, client_id, fill, photo=None):
    """Store a new log of the session once; ``fill(log)`` sets its values.

    ``photo`` (a prepared photo, optional) is stored with it, taken at the
    log's time. A resend of the same form (same session, same client_id and
    same answers: a double tap, or a log kept offline and sent again after a
    lost answer) returns the stored log instead of storing it twice; the same
    id with other answers raises ResendConflict and stores nothing.
    """
    # Read before anything is written, so the database's write lock is held only
    # for the inserts and the commit.
    earlier_entries = log_entries(treatment.id)
    session_id = treatment.id  # read now: a rollback expires treatment
    log = SymptomLog(session=treatment, client_id=client_id)
    fill(log)
    content = log_content(log)
    db.session.add(log)
    try:
        with (photos.stored_files(photo) if photo else nullcontext()) as file_key:
            if photo:
                db.session.add(photos.new_photo(treatment, photo, file_key, _photo_time(log.logged_at)))
            store_assessment(treatment, [*earlier_entries, log_entry(log)])
            # The log, its photo, the session's new status and any alert are stored in one
            # transaction: all of it, or (and the patient is told) none of it.
            db.session.commit()
    except IntegrityError:
        # The unique (session, client_id) says this form was stored before: nothing new is
        # stored. It is a resend only if the answers are the same.
        db.session.rollback()
        existing = _log_with_client_id(session_id, client_id)
        if existing is None:
            raise
        if not same_log_content(log_content(existing), content):
            raise ResendConflict(client_id) from None
        return existing
    return log


# What a patient answered in a log: a resend of the same form carries the same answers.
LOG_ANSWER_FIELDS = ("redness", "swelling", "peeling", "pain", "itch", "bruising", *WARNING_SIGN_COLUMNS,
                     "improvement")


def log_content(log):
    """A log's time, note (empty as stored: "") and answers, as a plain tuple."""
    return (log.logged_at, log.note or "", *(getattr(log, name) for name in LOG_ANSWER_FIELDS))


def same_log_content(stored, sent):
    """Whether a sent log repeats a stored one: the same answers, at the same moment.

    A form without a time means "now" when it arrives, so a resend of such a
    form differs by the seconds between the two sends; a time typed or kept
    offline is sent again exactly.
    """
    (stored_at, *stored_answers), (sent_at, *sent_answers) = stored, sent
    return stored_answers == sent_answers and abs(stored_at - sent_at) <= LOGGED_NOW


def delete_session(treatment):
    """Delete the session with its logs, photos (files too) and alerts.

    False if it was already gone: deleted a moment ago by another request (another tab, a double tap).
    """
    file_keys = photos.file_keys(session_id=treatment.id)
    # A statement, not session.delete(): it says how many rows it deleted, where the ORM would
    # raise StaleDataError. The database deletes the logs, photos and alerts with it (ON DELETE CASCADE).
    deleted = db.session.execute(sa.delete(TreatmentSession).where(TreatmentSession.id == treatment.id)).rowcount
    db.session.commit()
    photos.remove_files(file_keys)  # gone with their rows, whichever request deleted them
    return deleted == 1


def delete_log(log):
    """Delete the log and re-assess its session, in one transaction.

    False if the log or its session was already gone: deleted a moment ago by another request.
    """
    # Lock the session first, as deleting the session does (then its logs, by cascade), so the
    # two wait for each other instead of deadlocking on PostgreSQL. SQLite has one writer anyway.
    treatment = db.session.scalar(sa.select(TreatmentSession).where(TreatmentSession.id == log.session_id)
                                  .with_for_update().execution_options(populate_existing=True))
    deleted = treatment is not None and db.session.execute(
        sa.delete(SymptomLog).where(SymptomLog.id == log.id)).rowcount == 1
    if not deleted:
        db.session.rollback()
        return False
    store_assessment(treatment, log_entries(treatment.id))
    db.session.commit()
    return True


def _photo_time(logged_at):
    """When a photo sent with a log was taken: now, unless the log was set back to an earlier moment.

    A log "now" carries its time to the minute only; stamping its photo with that
    would put it before a photo taken seconds earlier, and swap before and after.
    """
    now = utcnow()
    if logged_at is None or now - logged_at <= LOGGED_NOW:
        return now
    return logged_at


def _log_with_client_id(session_id, client_id):
    if not client_id:
        return None
    return db.session.scalar(sa.select(SymptomLog).where(SymptomLog.session_id == session_id,
                                                         SymptomLog.client_id == client_id))
