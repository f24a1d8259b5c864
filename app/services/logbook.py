"""Every change to a patient's sessions, logs and photos, and reading them for their pages.

The one write path: whoever makes the change (the patient, their clinic, the
offline queue, a CLI command, the demo seeder), each function here stores it,
re-assesses the session from its stored logs and commits once. In that same
transaction the session's stored status (what the clinic's dashboard sorts by)
becomes the model's status, and the red flags the model raises are held by one
alert episode per clinic the patient shares with: a new flag joins the clinic's
open episode (or starts one), and an episode none of whose flags the model still
raises (the patient corrected a date, a depth or a log) ends; if still open, it
is closed automatically, with a note the clinic reads saying which change closed it.

Every change locks its session's row first, as deleting the session does, so
two changes to one session (two tabs, a delete and an edit) run one after the
other on PostgreSQL; a change to a session or log another request deleted a
moment ago returns False or None, for a 404, never a 500.
"""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from app.core import images, recovery
from app.extensions import db
from app.models import (
    ALERT_CLOSED_AUTOMATICALLY,
    WARNING_SIGN_COLUMNS,
    Alert,
    AlertFlag,
    Photo,
    SymptomLog,
    TreatmentSession,
    alert_urgency,
    utcnow,
)
from app.services import clinics, metrics, photos
from app.services.session_reports import assess_session, log_entries, log_entry, session_facts
from app.web.locale import DEFAULT_LOCALE

# Raised by prepare_photo for a file that cannot be kept; views show its message next to the photo field.
PhotoRejected = images.PhotoRejected

# A log time this close to now is "now" as the form filled it in (to the minute, give or take a clock).
LOGGED_NOW = timedelta(minutes=5)


# --- Reading ----------------------------------------------------------------------------------


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
    return db.session.scalar(
        sa.select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.performed_at.desc())
        .limit(1)
    )


def next_series_number(patient_id):
    count = db.session.scalar(
        sa.select(sa.func.count(TreatmentSession.id)).where(TreatmentSession.patient_id == patient_id)
    )
    return count + 1


def earliest_log_at(session):
    return db.session.scalar(sa.select(sa.func.min(SymptomLog.logged_at)).where(SymptomLog.session_id == session.id))


# --- Re-assessing: the status and the clinic's alerts ----------------------------------------


def _reassess(treatment, change, entries=None):
    """Assess the session from its logs (``entries``, or those stored) as of now; uncommitted.

    Keeps the session's status and brings its alert episodes in line with the red
    flags the model raises now (see _keep_alerts), saying that ``change`` (e.g.
    "the patient corrected the session") closed any it ends.
    """
    if entries is None:
        entries = log_entries(treatment.id)
    # The alert's stored words are the record's, in English, whoever's request saved the log;
    # pages show the flags of a fresh assessment in the viewer's language.
    with force_locale(DEFAULT_LOCALE):
        assessment = recovery.assess(session_facts(treatment), entries, utcnow(), include_points=False)
        treatment.status = assessment.status
        alerting = [flag for flag in assessment.flags if flag.severity in recovery.ALERT_SEVERITIES]
        _keep_alerts(treatment, alerting, change)
    return assessment


def _keep_alerts(treatment, flags, change):
    """Raise, extend and end the session's alert episodes so they hold exactly ``flags``; uncommitted.

    Per clinic the patient shares with, a raised flag that no current episode holds
    joins the clinic's open episode, or starts one: one alert, acknowledged once,
    however many flags it lists. An acknowledged episode still holds its flags while
    the model raises them (at no more urgent a severity than acknowledged), so they
    raise nothing new. A flag the model no longer raises is marked cleared; an
    episode none of whose flags is raised has ended, and if still open it is closed
    automatically, saying that ``change`` closed it.
    """
    now = utcnow()
    raised = {flag.key: flag for flag in flags}
    episodes = db.session.scalars(
        sa.select(Alert).where(Alert.session_id == treatment.id, Alert.ended_at.is_(None)).order_by(Alert.id)
    ).all()
    held = set()  # (clinic_id, flag key) of the raised flags a current episode holds
    for episode in episodes:
        for kept in episode.raised_flags:
            flag = raised.get(kept.flag_key)
            if flag is None:
                continue
            if episode.is_open:  # its words are the model's words of now, until acknowledged
                kept.severity, kept.reason, kept.action = flag.severity, str(flag.reason), str(flag.action)
                held.add((episode.clinic_id, kept.flag_key))
            elif alert_urgency(flag.severity) >= alert_urgency(kept.severity):
                held.add((episode.clinic_id, kept.flag_key))
    open_episodes = {episode.clinic_id: episode for episode in episodes if episode.is_open}
    for clinic_id in clinics.active_clinic_ids(treatment.patient_id):
        new = [flag for key, flag in raised.items() if (clinic_id, key) not in held]
        if new:
            _join(open_episodes.get(clinic_id) or _new_episode(treatment, clinic_id, now), new, now)
    ended = []
    for episode in episodes:
        for kept in episode.raised_flags:
            if kept.flag_key not in raised:
                kept.cleared_at = now
        if not episode.raised_flags:
            episode.ended_at = now
            ended.append(episode.id)
    db.session.flush()
    _close_automatically(ended, change, now)


def _new_episode(treatment, clinic_id, now):
    episode = Alert(clinic_id=clinic_id, patient_id=treatment.patient_id, session_id=treatment.id, created_at=now)
    db.session.add(episode)
    metrics.alert_opened(db.session)
    return episode


def _join(episode, flags, now):
    """Add the flags to the open episode; one it listed before, no longer raised then, is raised again."""
    listed = {kept.flag_key: kept for kept in episode.flags}
    for flag in flags:
        kept = listed.get(flag.key)
        if kept is None:
            kept = AlertFlag(flag_key=flag.key)
            episode.flags.append(kept)
        kept.severity, kept.reason, kept.action = flag.severity, str(flag.reason), str(flag.action)
        kept.raised_at, kept.cleared_at = now, None


def _close_automatically(alert_ids, change, now):
    """Close these ended episodes if still open, with no practitioner and a note saying that ``change`` closed them.

    They stay in the clinic's list of alerts, so a red flag that was raised is never silently
    lost. A statement that skips any a practitioner acknowledged meanwhile: their note is kept.
    """
    if alert_ids:
        db.session.execute(
            sa.update(Alert)
            .where(Alert.id.in_(alert_ids), Alert.acknowledged_at.is_(None))
            .values(
                acknowledged_at=now,
                acknowledged_by_id=None,
                acknowledgement_note=f"{ALERT_CLOSED_AUTOMATICALLY} after {change}: "
                "the recovery model no longer raises any of its flags for the session.",
            )
        )


def _locked_session(session_id):
    """The session, re-read and locked until the commit; None if another request deleted it.

    Deleting a session locks its row too, so a change and a delete wait for each other
    (PostgreSQL; SQLite has one writer anyway) and the change sees whether the row is still there.
    """
    return db.session.scalar(
        sa.select(TreatmentSession)
        .where(TreatmentSession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# --- Sessions ---------------------------------------------------------------------------------


def record_session(patient, fill, *, recorded_by=None, logs=()):
    """Store a new session of the patient; ``fill(session)`` sets its details.

    ``recorded_by``: the practitioner who recorded it for their clinic (the
    session is then the clinic's record, and the audit trail says who). ``logs``:
    values of logs already taken (the demo seeder's courses), stored with it.
    """
    treatment = TreatmentSession(patient=patient)
    fill(treatment)
    for values in logs:
        treatment.logs.append(SymptomLog(**values))
    db.session.add(treatment)
    if recorded_by is not None:
        treatment.recorded_by_clinic_id = recorded_by.clinic_id
        clinics.add_audit_event(recorded_by, "record_session", patient.id)
    db.session.flush()  # the session and its logs get their ids, and are read back as stored
    _reassess(treatment, "the clinic recorded the session" if recorded_by else "the session was recorded")
    db.session.commit()
    return treatment


def edit_session(treatment, fill):
    """Change the session's details (``fill(session)`` sets them) and re-assess it.

    A new date or needle depth changes what is typical for every log, so the
    status and alerts can change without any log changing. False if the session
    was deleted a moment ago by another request.
    """
    if _locked_session(treatment.id) is None:
        db.session.rollback()
        return False
    fill(treatment)
    _reassess(treatment, "the patient corrected the session")
    db.session.commit()
    return True


def set_usual_skin(treatment, redness, swelling, peeling):
    """Keep the patient's usual skin for this session (levels 0-4) and re-assess against it.

    False if the session was deleted a moment ago by another request.
    """
    if _locked_session(treatment.id) is None:
        db.session.rollback()
        return False
    treatment.usual_redness, treatment.usual_swelling, treatment.usual_peeling = redness, swelling, peeling
    treatment.usual_skin_logged_at = utcnow()
    _reassess(treatment, "the patient logged their usual skin")
    db.session.commit()
    return True


def remove_usual_skin(treatment):
    """Forget the usual skin: levels are judged against the typical band alone again."""
    if _locked_session(treatment.id) is None:
        db.session.rollback()
        return False
    treatment.usual_redness = treatment.usual_swelling = treatment.usual_peeling = None
    treatment.usual_skin_logged_at = None
    _reassess(treatment, "the patient removed their usual skin")
    db.session.commit()
    return True


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


def reassess_all_sessions():
    """Re-assess every session as of now, one transaction each (after an upgrade or a change to the model).

    Returns how many sessions there were.
    """
    session_ids = db.session.scalars(sa.select(TreatmentSession.id).order_by(TreatmentSession.id)).all()
    for session_id in session_ids:
        treatment = _locked_session(session_id)
        if treatment is not None:  # deleted since the list was read
            _reassess(treatment, "the statuses were refreshed")
        db.session.commit()
    return len(session_ids)


# --- Logs -------------------------------------------------------------------------------------


class ResendConflict(Exception):
    """A log arrived with the id of a log already stored in this session, but with other answers.

    Never a silent success: the patient is shown their answers and can save them as a new log.
    """


def save_new_log(treatment, client_id, fill, photo=None):
    """Store a new log of the session once; ``fill(log)`` sets its values.

    ``photo`` (an uploaded file, optional) is checked and re-encoded first (a bad
    file raises PhotoRejected and nothing is stored), then stored with the log,
    taken at the log's time. A resend of the same form (same session, same
    client_id and same answers: a double tap, or a log kept offline and sent
    again after a lost answer) returns the stored log instead of storing it
    twice; the same id with other answers raises ResendConflict and stores
    nothing. None if the session was deleted a moment ago by another request.
    """
    prepared = prepare_photo(photo) if photo else None  # before the lock: decoding takes a while
    session_id = treatment.id  # read now: a rollback expires treatment
    if _locked_session(session_id) is None:
        db.session.rollback()
        return None
    # Read before anything is written, so SQLite's write lock is held only for the inserts and the commit.
    earlier_entries = log_entries(session_id)
    log = SymptomLog(session=treatment, client_id=client_id)
    fill(log)
    content = log_content(log)
    db.session.add(log)
    try:
        with photos.stored_files(prepared) if prepared else nullcontext() as file_key:
            if prepared:
                db.session.add(photos.new_photo(treatment, prepared, file_key, _photo_time(log.logged_at)))
            _reassess(treatment, "the patient logged again", [*earlier_entries, log_entry(log)])
            # The log, its photo, the session's new status and its alerts are stored in one
            # transaction: all of it, or (and the patient is told) none of it.
            db.session.commit()
    except IntegrityError:
        # The unique (session, client_id) says this form was stored before: nothing new is
        # stored. It is a resend only if the answers are the same.
        db.session.rollback()
        existing = _log_with_client_id(session_id, client_id)
        if existing is None:
            if db.session.get(TreatmentSession, session_id) is None:
                return None  # SQLite: the session was deleted between the lock and the insert
            raise
        if not same_log_content(log_content(existing), content):
            raise ResendConflict(client_id) from None
        return existing
    metrics.log_saved(with_photo=prepared is not None)
    return log


# What a patient answered in a log: a resend of the same form carries the same answers.
LOG_ANSWER_FIELDS = ("redness", "swelling", "peeling", "pain", "itch", "bruising", *WARNING_SIGN_COLUMNS, "improvement")


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


def edit_log(log, fill):
    """Change a log (``fill(log)`` sets its values) and re-assess its session, in one transaction.

    False if the log or its session was deleted a moment ago by another request.
    """
    treatment = _locked_session(log.session_id)
    # Deleting the log locks its session first too: with the lock held, a log still there stays.
    if treatment is None or db.session.scalar(sa.select(SymptomLog.id).where(SymptomLog.id == log.id)) is None:
        db.session.rollback()
        return False
    fill(log)
    _reassess(treatment, "the patient corrected a log")  # reading the logs flushes the change first
    db.session.commit()
    return True


def delete_log(log):
    """Delete the log and re-assess its session, in one transaction.

    False if the log or its session was already gone: deleted a moment ago by another request.
    """
    # Lock the session first, as deleting the session does (then its logs, by cascade), so the
    # two wait for each other instead of deadlocking on PostgreSQL. SQLite has one writer anyway.
    treatment = _locked_session(log.session_id)
    deleted = (
        treatment is not None and db.session.execute(sa.delete(SymptomLog).where(SymptomLog.id == log.id)).rowcount == 1
    )
    if not deleted:
        db.session.rollback()
        return False
    _reassess(treatment, "the patient deleted a log")
    db.session.commit()
    return True


# --- Photos -----------------------------------------------------------------------------------


def prepare_photo(upload):
    """Check an uploaded file and re-encode it without metadata (app.core.images).

    Raises PhotoRejected with a message for the patient when it cannot be kept.
    """
    config = current_app.config
    return images.prepare(upload.stream, upload.filename, config["PHOTO_MAX_BYTES"], config["PHOTO_MAX_PIXELS"])


def add_photo(treatment, upload, taken_at=None):
    """Check, re-encode and store an uploaded photo of the session, taken at ``taken_at`` (default now).

    ``taken_at`` may be before the session (a true "before" photo); the form bounds it. A
    time within a few minutes of now, as a form's default "now" to the minute, counts as
    now, so the photo never goes before one taken a moment earlier. Raises PhotoRejected,
    storing nothing, for a file that cannot be kept. None if the session was deleted a
    moment ago by another request.
    """
    prepared = prepare_photo(upload)  # before the lock: decoding takes a while
    now = utcnow()
    if taken_at is None or abs(now - taken_at) <= LOGGED_NOW:
        taken_at = now
    session_id = treatment.id
    if _locked_session(session_id) is None:
        db.session.rollback()
        return None
    with photos.stored_files(prepared) as file_key:  # removed again if the row is not stored
        photo = photos.new_photo(treatment, prepared, file_key, taken_at)
        db.session.add(photo)
        _reassess(treatment, "the patient added a photo")
        db.session.commit()
    metrics.photo_saved()
    return photo


def delete_photo(photo):
    """Delete the photo, then its files. False if another request deleted it, or its session, a moment ago."""
    file_key, photo_id = photo.file_key, photo.id
    treatment = _locked_session(photo.session_id)
    deleted = treatment is not None and db.session.execute(sa.delete(Photo).where(Photo.id == photo_id)).rowcount == 1
    if not deleted:
        db.session.rollback()
        return False
    _reassess(treatment, "the patient deleted a photo")
    db.session.commit()
    photos.remove_files([file_key])
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
    return db.session.scalar(
        sa.select(SymptomLog).where(SymptomLog.session_id == session_id, SymptomLog.client_id == client_id)
    )
