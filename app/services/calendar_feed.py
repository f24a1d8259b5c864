"""The patient's private calendar feed: a secret link (only its SHA-256 is kept) and the .ics it serves.

The feed is read by a phone's calendar, which may sync it to a third party, so it says only
"Afterglow check-in" and when, with a link to the log form: nothing about anyone's skin.
"""

import hashlib
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Alarm, Calendar, Event

from app.core.reminders import CHECKIN, IMPROVEMENT
from app.extensions import db
from app.models import ROLE_PATIENT, User
from app.services import reminder_schedule
from app.web.locale import message_locale

TOKEN_BYTES = 32
# What secrets.token_urlsafe(TOKEN_BYTES) gives: anything else is refused before a query.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
CHECKIN_LENGTH = timedelta(minutes=15)
CHECKIN_SUMMARY = _l("Afterglow check-in")
BOOKING_SUMMARY = _l("Afterglow: plan your next appointment")
# Calendars re-read a subscription at their own pace; this asks for about four times a day.
REFRESH = timedelta(hours=6)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(patient: User) -> str:
    """A new secret token for the patient's feed (the old one stops working at once); shown once, never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    patient.calendar_token_hash = _token_hash(token)
    db.session.commit()
    return token


def revoke(patient: User) -> None:
    """Turn the feed off: its link answers 404 from now on."""
    patient.calendar_token_hash = None
    db.session.commit()


def patient_for_token(token: str) -> User | None:
    """The patient whose feed this token opens; None for a malformed, unknown or revoked token.

    Looked up by the token's hash, so comparing never leaks the stored value by its timing.
    """
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    return db.session.scalar(
        sa.select(User).where(User.calendar_token_hash == _token_hash(token), User.role == ROLE_PATIENT)
    )


def links_if_current(patient: User, token: str | None) -> dict[str, str] | None:
    """The feed's links for a token just created, unless it has been replaced or revoked since (or is None)."""
    if not token or patient.calendar_token_hash is None:
        return None
    if not secrets.compare_digest(patient.calendar_token_hash, _token_hash(token)):
        return None
    return feed_links(token)


def feed_links(token: str) -> dict[str, str]:
    """The feed's address to subscribe with (webcal://) and to copy (https:// as served)."""
    url = url_for("reminders.calendar_feed", token=token, _external=True)
    return {"webcal": "webcal://" + url.partition("://")[2], "https": url}


def _checkin_event(item, patient, zone):
    start = item.reminder.send_at.astimezone(zone)
    log_url = url_for("patient.new_log", session_id=item.session_id, _external=True)
    event = Event.new(
        uid=f"{item.delivery_key}-{patient.id}@afterglow",
        summary=str(CHECKIN_SUMMARY),
        start=start,
        end=start + CHECKIN_LENGTH,
        url=log_url,
        description=_("Check in on Afterglow: %(link)s", link=log_url),
    )
    event.add_component(Alarm.new_display(description=str(CHECKIN_SUMMARY), trigger=timedelta(0)))
    return event


def _booking_event(item, patient, window):
    opens, closes = window
    home = url_for("patient.home", _external=True)
    return Event.new(
        uid=f"{item.delivery_key}-{patient.id}@afterglow",
        summary=str(BOOKING_SUMMARY),
        start=opens,
        end=closes + timedelta(days=1),  # DTEND of an all-day event is the day after the last
        url=home,
        description=_("A good time to book your next appointment with your clinic. %(link)s", link=home),
    )


def calendar_of(patient: User) -> bytes:
    """The patient's feed: each check-in (past and future) at its time in their zone, and the booking window."""
    # A calendar app fetches the feed without the patient's cookie: their message language, not the request's.
    with force_locale(message_locale(patient)):
        return _calendar_of(patient)


def _calendar_of(patient: User) -> bytes:
    zone = reminder_schedule.zone_of(patient)
    calendar = Calendar.new(
        prodid="-//Afterglow//Reminders//EN",
        name="Afterglow",
        uid=f"calendar-{patient.id}@afterglow",
        refresh_interval=REFRESH,
    )
    plan = None
    for item in reminder_schedule.schedule_for(patient):
        reminder = item.reminder
        if reminder.kind in (CHECKIN, IMPROVEMENT):
            # A check-in pushed past its expiry by the quiet hours is never sent: not in the calendar either.
            if reminder.send_at < reminder.expires_at:
                calendar.add_component(_checkin_event(item, patient, zone))
        else:
            plan = plan or reminder_schedule.series_plan_of(patient)
            window = plan.next_window or plan.maintenance_window
            calendar.add_component(_booking_event(item, patient, window))
    starts = [event.start for event in calendar.events if hasattr(event.start, "hour")]
    if starts:
        # The zone's rules only for the years the events span, not the default 1970-2038.
        calendar.add_missing_timezones(
            first_date=min(starts).date() - timedelta(days=366), last_date=max(starts).date() + timedelta(days=366)
        )
    return calendar.to_ical()
