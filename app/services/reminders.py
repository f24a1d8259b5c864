"""Sending reminders exactly once: each message is claimed by its delivery record, sent, then marked.

A sender claims a message by inserting its ``Delivery`` row (unique per user, key and
channel) in a short transaction of its own: if the insert fails, another run or another
sender at the same moment has it, and it is skipped. Only then is it sent, and the row
marked "sent", or "failed" with the kind of error and when to try again (5 min, 30 min,
2 h). The retry pass takes a failed row back with a conditional UPDATE, and gives up
after 4 attempts, or once the reminder has expired, been answered by a log, or its
channel was turned off.

At most once beats twice: a sender killed between the claim and the mark leaves the
row "sending", and nothing ever sends it again (a patient never gets the same
reminder twice; one reminder may, rarely, be lost).

Channels: ``SENDERS`` maps a channel name to ``function(user, message)``; anything it
raises means "not sent" (retried later, unless the error says ``retryable = False``).
Email, and Web Push (``app.services.push.send_to_user``) with an ``AVAILABLE`` entry so
that only users with a subscribed device (and a server with its VAPID key) get a push
delivery. Which channels a user has on is read from the settings named in
``REMINDER_CHOICES`` (and, for the clinic, ``clinic_notifications.ALERT_CHOICES``).

Messages carry links only: never a symptom, a status or anything about anyone's health.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.core import reminders as schedule_rules
from app.extensions import db
from app.models import (
    DELIVERY_FAILED,
    DELIVERY_GAVE_UP,
    DELIVERY_SENDING,
    DELIVERY_SENT,
    Delivery,
    User,
)
from app.services import email_links, mail, metrics, push, reminder_schedule
from app.web.locale import message_locale

# After the 1st, 2nd and 3rd failed attempt, wait this long; the 4th failure gives up.
BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1

# The email lists a one-tap unsubscribe link can turn off, and the setting each one is.
REMINDERS = "reminders"
CLINIC_ALERTS = "clinic-alerts"
EMAIL_LISTS = {REMINDERS: "remind_by_email", CLINIC_ALERTS: "notify_alerts_by_email"}
# An unsubscribe link keeps working for over a year: old emails are still opened.
UNSUBSCRIBE_LIFETIME = timedelta(days=400)

# The setting that turns each channel on for reminders.
REMINDER_CHOICES = {"email": "remind_by_email", "push": "remind_by_push"}

# (subject or push title, one line of body) per kind of reminder: no health details. Lazy: each
# message reads them in its patient's language (reminder_message).
REMINDER_WORDS = {
    schedule_rules.CHECKIN: (
        _l("Time for your Afterglow check-in"),
        _l("Time for your check-in: it takes a few seconds."),
    ),
    schedule_rules.IMPROVEMENT: (
        _l("Time for your one-month check-in"),
        _l("Time for your one-month check-in: it takes a few seconds."),
    ),
    schedule_rules.NEXT_SESSION: (
        _l("Time to plan your next appointment"),
        _l("It is time to plan your next appointment with your clinic."),
    ),
    schedule_rules.MAINTENANCE: (
        _l("Time to plan a maintenance appointment"),
        _l("It is time to plan a maintenance appointment with your clinic."),
    ),
}


@dataclass(frozen=True)
class Message:
    """What one reminder or clinic notification says, for any channel: words and links, nothing about health."""

    title: str  # the email's subject, the push's title
    body: str  # one short line: the push's text, the email's first line
    url: str  # where it leads (absolute)
    template: str  # the email's template in templates/email/
    unsubscribe_url: str  # the email's one-tap unsubscribe page
    one_click_url: str  # the RFC 8058 one-click address (List-Unsubscribe)


@dataclass
class SendReport:
    """What a pass did: messages sent, failed (to be retried), given up, and skipped (another sender had them)."""

    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    skipped: int = 0

    def __add__(self, other):
        return SendReport(
            self.sent + other.sent,
            self.failed + other.failed,
            self.gave_up + other.gave_up,
            self.skipped + other.skipped,
        )

    def __str__(self):
        return f"{self.sent} sent, {self.failed} failed, {self.gave_up} given up, {self.skipped} skipped"


def _send_email(user, message):
    mail.send(
        user.email,
        message.title,
        message.template,
        # RFC 8058: a mail client may offer its own Unsubscribe button, which POSTs to this address.
        headers={
            "List-Unsubscribe": f"<{message.one_click_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        message=message,
    )


def _send_push(user, message):
    # The service worker opens links of its own site only: the push carries the path.
    parts = urlsplit(message.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if push.send_to_user(user, push.PushMessage(message.title, message.body, path)) == 0:
        # Every device the user had is gone (the push service said so): nothing can be sent to them.
        raise push.PushNotSent("no device left", retryable=False)


def _can_push(user):
    return push.available() and bool(push.endpoints_of(user))


# Channel name -> function(user, message); raising anything means not sent.
SENDERS = {"email": _send_email, "push": _send_push}
# Channel name -> function(user) saying whether the user can be reached that way at all (every user has
# an email address; push needs the VAPID key and a subscribed device). A channel not listed is always available.
AVAILABLE = {"push": _can_push}


def channels_on(user, choices):
    """The channels of SENDERS that the user has turned on (settings named in ``choices``) and can be reached by."""
    return [
        channel
        for channel in SENDERS
        if getattr(user, choices[channel], False) and AVAILABLE.get(channel, lambda _: True)(user)
    ]


# --- Claiming, sending, recording -------------------------------------------------------------


def claim(user_id, key, channel, session_id, now):
    """Record the message as being sent (its own transaction): its delivery id, or None if it is taken."""
    delivery = Delivery(
        user_id=user_id,
        key=key,
        channel=channel,
        session_id=session_id,
        state=DELIVERY_SENDING,
        attempts=1,
        created_at=now,
    )
    db.session.add(delivery)
    try:
        db.session.commit()
    except IntegrityError:
        # Another run or sender inserted it first (or its session was deleted meanwhile): not ours.
        db.session.rollback()
        return None
    return delivery.id


def attempt(delivery_id, attempts, user, channel, message, now, report):
    """Send a claimed message by its channel and record how it went; a failure stays this delivery's alone."""
    try:
        # The email's template is rendered in the user's language, as its subject was (message_locale).
        with force_locale(message_locale(user)):
            SENDERS[channel](user, message)
    except Exception as error:
        # Anything a channel raises is recorded and retried; the pass goes on with the others.
        db.session.rollback()
        current_app.logger.warning("Delivery %s by %s not sent: %s", delivery_id, channel, type(error).__name__)
        metrics.message_failed(channel)
        # An error that says trying again cannot work (a push service refusing the message for good) gives up now.
        final = attempts if getattr(error, "retryable", True) else MAX_ATTEMPTS
        gave_up = _record_failure(delivery_id, final, type(error).__name__, now)
        if gave_up:
            report.gave_up += 1
        else:
            report.failed += 1
        return False
    _update(delivery_id, state=DELIVERY_SENT, sent_at=now, next_attempt_at=None, error="")
    report.sent += 1
    metrics.message_sent(channel)
    return True


def _record_failure(delivery_id, attempts, error, now):
    """Mark a failed attempt: retried after its backoff, or given up after the last attempt. True if given up."""
    if attempts >= MAX_ATTEMPTS:
        _update(delivery_id, state=DELIVERY_GAVE_UP, next_attempt_at=None, error=error[:200])
        return True
    _update(delivery_id, state=DELIVERY_FAILED, next_attempt_at=now + BACKOFF[attempts - 1], error=error[:200])
    return False


def _update(delivery_id, **values):
    db.session.execute(sa.update(Delivery).where(Delivery.id == delivery_id).values(**values))
    db.session.commit()


def _recorded(user_id):
    """(key, channel) of every delivery of the user already recorded, whatever its state."""
    rows = db.session.execute(sa.select(Delivery.key, Delivery.channel).where(Delivery.user_id == user_id))
    return {(key, channel) for key, channel in rows}


# --- Reminders --------------------------------------------------------------------------------


def reminder_message(patient, scheduled):
    """The message of one of the patient's reminders: a check-in opens that session's log form."""
    kind = scheduled.reminder.kind
    with force_locale(message_locale(patient)):
        title, body = (str(words) for words in REMINDER_WORDS[kind])
    if kind in (schedule_rules.CHECKIN, schedule_rules.IMPROVEMENT):
        url = url_for("patient.new_log", session_id=scheduled.session_id, _external=True)
    else:
        url = url_for("patient.session_detail", session_id=scheduled.session_id, _external=True)
    return Message(
        title=title,
        body=body,
        url=url,
        template=f"reminder_{kind}",
        unsubscribe_url=unsubscribe_url(patient, REMINDERS),
        one_click_url=unsubscribe_url(patient, REMINDERS, one_click=True),
    )


def send_due(now: datetime) -> SendReport:
    """Send every reminder due now, once, by each channel its patient has on."""
    report = SendReport()
    patient_ids = [patient.id for patient in reminder_schedule.patients_to_check(now)]
    for patient_id in patient_ids:
        patient = db.session.get(User, patient_id)
        channels = channels_on(patient, REMINDER_CHOICES) if patient is not None else []
        due = reminder_schedule.due_for(patient, now) if channels else []
        if not due:
            continue
        # Those already recorded are not tried again (the claim would refuse them anyway).
        recorded = _recorded(patient_id)
        for scheduled in due:
            message = reminder_message(patient, scheduled)
            for channel in channels:
                if (scheduled.delivery_key, channel) in recorded:
                    continue
                delivery_id = claim(patient_id, scheduled.delivery_key, channel, scheduled.session_id, now)
                if delivery_id is None:
                    report.skipped += 1
                    continue
                attempt(delivery_id, 1, patient, channel, message, now, report)
    return report


def _reminder_for_retry(user, key, channel, now):
    """The message of a failed reminder if it is still worth sending: due, unanswered, and its channel on."""
    if channel not in channels_on(user, REMINDER_CHOICES):
        return None
    for scheduled in reminder_schedule.due_for(user, now):
        if scheduled.delivery_key == key:
            return reminder_message(user, scheduled)
    return None  # expired, answered by a log, or its session is gone


# --- Retrying ---------------------------------------------------------------------------------


def retry_failed(now: datetime) -> SendReport:
    """Try again each failed delivery whose time has come, or give it up if it is no longer worth sending."""
    from app.services import clinic_notifications  # it builds on this module

    report = SendReport()
    rows = db.session.execute(
        sa.select(Delivery.id, Delivery.user_id, Delivery.key, Delivery.channel, Delivery.attempts)
        .where(Delivery.state == DELIVERY_FAILED, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
    ).all()
    for delivery_id, user_id, key, channel, attempts in rows:
        user = db.session.get(User, user_id)
        message = None
        if user is not None and channel in SENDERS and attempts < MAX_ATTEMPTS:
            if key.startswith(clinic_notifications.KEY_PREFIX):
                message = clinic_notifications.message_for_retry(user, channel)
            else:
                message = _reminder_for_retry(user, key, channel, now)
        if message is None:
            if _take_back(delivery_id, attempts, state=DELIVERY_GAVE_UP, next_attempt_at=None):
                report.gave_up += 1
            continue
        if not _take_back(delivery_id, attempts, state=DELIVERY_SENDING, attempts=attempts + 1):
            report.skipped += 1  # another sender retried it first
            continue
        attempt(delivery_id, attempts + 1, user, channel, message, now, report)
    return report


def _take_back(delivery_id, seen_attempts, **values):
    """Change a failed delivery only if it is as this pass saw it: True if this pass got it."""
    result = db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == DELIVERY_FAILED, Delivery.attempts == seen_attempts)
        .values(**values)
    )
    db.session.commit()
    return result.rowcount == 1


# --- One-tap unsubscribe ----------------------------------------------------------------------


def unsubscribe_url(user, email_list, one_click=False):
    """The signed link that turns ``email_list`` off for the user, without logging in."""
    token = email_links.make("unsubscribe", {"user": user.id, "list": email_list})
    endpoint = "notifications.one_click_unsubscribe" if one_click else "notifications.unsubscribe"
    return url_for(endpoint, token=token, _external=True)


def read_unsubscribe_token(token):
    """(user id, list) of an unsubscribe link. Raises email_links.LinkInvalid or LinkExpired."""
    payload = email_links.read("unsubscribe", token, UNSUBSCRIBE_LIFETIME)
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("user"), int)
        or payload.get("list") not in EMAIL_LISTS
    ):
        raise email_links.LinkInvalid
    return payload["user"], payload["list"]


def is_subscribed(user_id, email_list):
    """Whether the user still gets that list's emails (False if the account is gone)."""
    column = getattr(User, EMAIL_LISTS[email_list])
    return bool(db.session.scalar(sa.select(column).where(User.id == user_id)))


def unsubscribe(user_id, email_list):
    """Turn the list's emails off for the user; nothing happens if the account is gone."""
    db.session.execute(sa.update(User).where(User.id == user_id).values({EMAIL_LISTS[email_list]: False}))
    db.session.commit()
