"""A clinic's alerts: acknowledging one episode, or all of a patient's open ones at once; listing them.

An alert is one episode of a session's red flags at one clinic (models.Alert and
its AlertFlag rows). Episodes are raised, extended, ended and closed
automatically by app.services.logbook, as it re-assesses a session after every
change to it; a practitioner acknowledges each once, with one note.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Alert, AlertFlag, TreatmentSession, utcnow
from app.services import clinics

# How urgent an episode is, in the clinic's words (its most urgent flag's severity).
URGENCY_WORDS = {"today": _l("Contact today"), "soon": _l("Follow up soon")}


class UnseenFlags(Exception):
    """A flag joined an open alert after the page was shown: acknowledging it now would cover it unread."""


def raised_flag_ids(episodes):
    """The ids of the flags still raised in these episodes, as a page shows them before they are acknowledged."""
    return {flag.id for episode in episodes for flag in episode.raised_flags}


def acknowledge(alert, practitioner, note, seen_flag_ids, message_to_patient=""):
    """Acknowledge one open episode with the practitioner's note and message to the patient (may be empty); audit it.

    ``seen_flag_ids``: the raised flags the practitioner's page showed. True if it was
    acknowledged now; False if it was no longer open (a double submit, a colleague,
    or closed automatically meanwhile): nothing changes. Raises UnseenFlags, changing
    nothing, if a flag joined it since the page was shown.
    """
    return (
        _acknowledge(
            sa.select(Alert).where(Alert.id == alert.id),
            practitioner,
            alert.patient_id,
            note,
            seen_flag_ids,
            message_to_patient=message_to_patient,
        )
        == 1
    )


def acknowledge_all(clinic_id, patient, practitioner, note, seen_flag_ids, message_to_patient=""):
    """Acknowledge every open episode of the patient at the clinic with one note and message, and audit it once.

    Returns how many were acknowledged (0 if none was open: nothing changes). Raises
    UnseenFlags, changing nothing, if a flag or an episode the page did not show is open now.
    """
    return _acknowledge(
        sa.select(Alert).where(Alert.clinic_id == clinic_id, Alert.patient_id == patient.id),
        practitioner,
        patient.id,
        note,
        seen_flag_ids,
        action="acknowledge_all_alerts",
        message_to_patient=message_to_patient,
    )


def _acknowledge(
    episodes_query, practitioner, patient_id, note, seen_flag_ids, action="acknowledge_alert", message_to_patient=""
):
    episodes_query = episodes_query.where(Alert.acknowledged_at.is_(None))
    session_ids = db.session.scalars(episodes_query.with_only_columns(Alert.session_id).distinct()).all()
    # The logbook locks a session's row while it re-assesses it, so no flag can join these
    # episodes between the check below and the update; in id order, so two of these never deadlock.
    db.session.scalars(
        sa.select(TreatmentSession.id)
        .where(TreatmentSession.id.in_(session_ids))
        .order_by(TreatmentSession.id)
        .with_for_update()
    ).all()
    episode_ids = db.session.scalars(episodes_query.with_only_columns(Alert.id)).all()
    if not episode_ids:
        db.session.rollback()
        return 0
    raised = db.session.scalars(
        sa.select(AlertFlag.id).where(AlertFlag.alert_id.in_(episode_ids), AlertFlag.cleared_at.is_(None))
    )
    if not set(raised) <= set(seen_flag_ids):
        db.session.rollback()
        raise UnseenFlags()
    acknowledged = db.session.execute(
        sa.update(Alert)
        .where(Alert.id.in_(episode_ids), Alert.acknowledged_at.is_(None))
        .values(
            acknowledged_at=utcnow(),
            acknowledged_by_id=practitioner.id,
            acknowledgement_note=note or "",
            message_to_patient=message_to_patient or "",
        )
    ).rowcount
    clinics.add_audit_event(practitioner, action, patient_id)
    db.session.commit()
    return acknowledged


def alerts_for_patient(clinic_id, patient_id):
    """The patient's episodes at the clinic: open ones first, then the rest, newest first within each."""
    return db.session.scalars(
        sa.select(Alert)
        .where(Alert.clinic_id == clinic_id, Alert.patient_id == patient_id)
        .order_by(Alert.acknowledged_at.is_not(None), Alert.created_at.desc(), Alert.id.desc())
    ).all()
