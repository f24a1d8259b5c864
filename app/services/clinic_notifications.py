"""Telling a clinic's practitioners that someone needs attention: one message, at most every 15 minutes.

A practitioner who opted in (email, push) gets one message when their clinic has an open
alert with a warning sign raised since their last message. Messages are batched: the
sender claims the practitioner with a conditional UPDATE of ``alerts_notified_at``
(only if it is empty or at least 15 minutes old), so two passes or two senders never both
send, and alerts raised meanwhile wait for the next message. The message names the
clinic and links to the dashboard: never the patient, a sign or anything about health.
Each message is a ``Delivery`` row per channel, sent and retried by app.services.reminders.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    DELIVERY_SENDING,
    ROLE_PRACTITIONER,
    Alert,
    AlertFlag,
    CareLink,
    Delivery,
    User,
)
from app.services import reminders
from app.services.reminders import Message, SendReport
from app.web.locale import message_locale

# The setting that turns each channel on for clinic notifications.
ALERT_CHOICES = {"email": "notify_alerts_by_email", "push": "notify_alerts_by_push"}
AT_MOST_EVERY = timedelta(minutes=15)
KEY_PREFIX = "clinic-attention:"


def set_choices(practitioner, by_email, by_push):
    """Save whether the practitioner is told by email and by push when a patient needs attention."""
    practitioner.notify_alerts_by_email = bool(by_email)
    practitioner.notify_alerts_by_push = bool(by_push)
    db.session.commit()


def _open_alert_flags(clinic_id, raised_after=None):
    """Raised warning signs of the clinic's open alerts, of patients still sharing with it."""
    query = (
        sa.select(AlertFlag.id)
        .join(Alert, AlertFlag.alert_id == Alert.id)
        .join(
            CareLink,
            sa.and_(
                CareLink.clinic_id == Alert.clinic_id,
                CareLink.patient_id == Alert.patient_id,
                CareLink.withdrawn_at.is_(None),
            ),
        )
        .where(Alert.clinic_id == clinic_id, Alert.acknowledged_at.is_(None), AlertFlag.cleared_at.is_(None))
    )
    if raised_after is not None:
        query = query.where(AlertFlag.raised_at > raised_after)
    return query.limit(1)


def attention_message(practitioner):
    """Someone at the practitioner's clinic needs attention: the dashboard's link, and no health details."""
    with force_locale(message_locale(practitioner)):
        title = _("A patient needs attention")
        body = _("Someone at %(clinic)s needs attention. Your dashboard shows who.", clinic=practitioner.clinic.name)
    return Message(
        title=title,
        body=body,
        url=url_for("practitioner.dashboard", _external=True),
        template="clinic_attention",
        unsubscribe_url=reminders.unsubscribe_url(practitioner, reminders.CLINIC_ALERTS),
        one_click_url=reminders.unsubscribe_url(practitioner, reminders.CLINIC_ALERTS, one_click=True),
    )


def _claim(practitioner_id, channels, now):
    """Take the practitioner's next message (its own transaction): {channel: delivery id}, or None if not ours."""
    result = db.session.execute(
        sa.update(User)
        .where(
            User.id == practitioner_id,
            sa.or_(User.alerts_notified_at.is_(None), User.alerts_notified_at <= now - AT_MOST_EVERY),
        )
        .values(alerts_notified_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return None
    key = KEY_PREFIX + now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    deliveries = {
        channel: Delivery(
            user_id=practitioner_id, key=key, channel=channel, state=DELIVERY_SENDING, attempts=1, created_at=now
        )
        for channel in channels
    }
    db.session.add_all(deliveries.values())
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return {channel: delivery.id for channel, delivery in deliveries.items()}


def notify_clinics(now: datetime) -> SendReport:
    """Send each opted-in practitioner whose clinic has newly raised alerts one message, at most every 15 minutes."""
    report = SendReport()
    opted_in = sa.or_(*(getattr(User, setting).is_(True) for setting in ALERT_CHOICES.values()))
    practitioner_ids = db.session.scalars(
        sa.select(User.id)
        .where(User.role == ROLE_PRACTITIONER, User.clinic_id.is_not(None), opted_in)
        .order_by(User.id)
    ).all()
    for practitioner_id in practitioner_ids:
        practitioner = db.session.get(User, practitioner_id)
        channels = reminders.channels_on(practitioner, ALERT_CHOICES)
        since = practitioner.alerts_notified_at
        if not channels or (since is not None and since > now - AT_MOST_EVERY):
            continue  # nothing to send by, or told less than 15 minutes ago: the next message gathers these
        if db.session.scalar(_open_alert_flags(practitioner.clinic_id, raised_after=since)) is None:
            continue
        message = attention_message(practitioner)
        claimed = _claim(practitioner_id, channels, now)
        if claimed is None:
            report.skipped += 1  # another sender took it a moment ago
            continue
        for channel, delivery_id in claimed.items():
            reminders.attempt(delivery_id, 1, practitioner, channel, message, now, report)
    return report


def message_for_retry(practitioner, channel):
    """The message of a failed notification if still worth sending: opted in, and an alert still open."""
    if (
        practitioner.role != ROLE_PRACTITIONER
        or practitioner.clinic_id is None
        or channel not in reminders.channels_on(practitioner, ALERT_CHOICES)
        or db.session.scalar(_open_alert_flags(practitioner.clinic_id)) is None
    ):
        return None
    return attention_message(practitioner)
