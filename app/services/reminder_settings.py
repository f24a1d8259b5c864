"""A patient's reminder choices (email, push, quiet hours), and the reminders still to come as their page lists them."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _

from app.core.reminders import CHECKIN, IMPROVEMENT, MAINTENANCE, NEXT_SESSION, QuietHours, Reminder
from app.extensions import db
from app.models import User
from app.services import reminder_schedule

# Enough for the coming week or two, short at 360 px.
UPCOMING_SHOWN = 8


def save_choices(patient: User, remind_by_email: bool, remind_by_push: bool, quiet_start: str, quiet_end: str) -> None:
    """Store the patient's choices; quiet hours "HH:MM" (ValueError, nothing stored, if unreadable)."""
    quiet = QuietHours.parse(quiet_start, quiet_end)
    patient.remind_by_email = bool(remind_by_email)
    patient.remind_by_push = bool(remind_by_push)
    # Stored as read, so "7:00" is kept as "07:00".
    patient.quiet_hours_start = f"{quiet.start:%H:%M}"
    patient.quiet_hours_end = f"{quiet.end:%H:%M}"
    db.session.commit()


@dataclass(frozen=True)
class Upcoming:
    """One reminder still to come, in words for the patient."""

    when: str  # "Tomorrow 14:00", "From Mon 13 Jul"
    what: str  # "check-in, day 2", "book your next session"
    at: datetime  # when it is sent (for <time datetime>)
    session_id: int
    is_checkin: bool
    due_now: bool


def describe_what(reminder: Reminder) -> str:
    """What a reminder is for, in the page's words."""
    if reminder.kind == NEXT_SESSION:
        return _("book your next session")
    if reminder.kind == MAINTENANCE:
        return _("book a maintenance session")
    if reminder.kind == IMPROVEMENT:
        return _("check-in, day %(day)d, and how your skin compares with before the session", day=reminder.day)
    if reminder.day == 0:
        return _("check-in, the evening of your session")
    return _("check-in, day %(day)d", day=reminder.day)


# A day as the reminders page says it, per language: "Wed 17 Jun" ("mié, 17 jun"), with the year if not this one.
DAY_PATTERNS = {"en": ("EEE d MMM", "EEE d MMM y"), "es": ("EEE, d MMM", "EEE, d MMM y")}


def _day(local: datetime, today) -> str:
    locale = get_locale()
    language = locale.language if locale else "en"
    this_year, other_year = DAY_PATTERNS.get(language, DAY_PATTERNS["en"])
    pattern = this_year if local.year == today.year else other_year
    return format_datetime(local, pattern, tzinfo=local.tzinfo, locale=locale or "en")


def describe_when(moment: datetime, now: datetime, zone: ZoneInfo, whole_day: bool = False) -> str:
    """'Today 19:00', 'Tomorrow 14:00', 'Wed 17 Jun 14:00' (with the year if not this one); 'From …' for a day."""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    if whole_day:
        return _("From %(day)s", day=_day(local, today))
    if local <= now:
        return _("Now")
    time = f"{local:%H:%M}"
    if local.date() == today:
        return _("Today %(time)s", time=time)
    if local.date() == today + timedelta(days=1):
        return _("Tomorrow %(time)s", time=time)
    return _("%(day)s %(time)s", day=_day(local, today), time=time)


def upcoming(patient: User, now: datetime, limit: int = UPCOMING_SHOWN) -> list[Upcoming]:
    """The patient's next reminders, soonest first: none already answered by a log, none expired."""
    zone = reminder_schedule.zone_of(patient)
    items = []
    for item in reminder_schedule.schedule_for(patient):
        reminder = item.reminder
        if item.answered or reminder.expires_at <= now or reminder.send_at >= reminder.expires_at:
            continue
        is_checkin = reminder.kind in (CHECKIN, IMPROVEMENT)
        items.append(
            Upcoming(
                # A booking reminder reads as the day its window opens.
                when=describe_when(reminder.send_at if is_checkin else reminder.due_at, now, zone, not is_checkin),
                what=describe_what(reminder),
                at=reminder.send_at,
                session_id=item.session_id,
                is_checkin=is_checkin,
                due_now=reminder.send_at <= now,
            )
        )
        if len(items) == limit:
            break
    return items
