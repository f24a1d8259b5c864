"""When to remind a patient, and the series' dates: pure, times in and times out.

After a session the patient is asked to check in on the evening of the session and on days
1, 2, 3, 5, 7, 14 and 30 (day 30 asks how the skin has improved). A series is 3-6 sessions,
4-6 weeks apart, then maintenance every 6-12 months (../shared/domain/recovery-facts.md §2):
the next session's window opens 4 weeks after the latest session, and maintenance 6 months
after the series' last. A reminder is moved out of the patient's quiet hours, is answered by
any log from a little before its check-in, and is never sent late: once the next check-in is
due, or a day has passed, it is dropped rather than sent.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.opening_hours import parse_clock

CHECKIN = "checkin"
IMPROVEMENT = "improvement"  # the day-30 check-in, which also asks how the skin has improved
NEXT_SESSION = "next_session"
MAINTENANCE = "maintenance"

CHECKIN_DAYS = (0, 1, 2, 3, 5, 7, 14, 30)
IMPROVEMENT_DAY = 30
# The check-in on the day of the session is in the evening, and never sooner than 3 hours after it.
EVENING = time(19, 0)
EVENING_AFTER_SESSION = timedelta(hours=3)
# A log from 12 hours before a check-in (and after the one before) answers it: no reminder for it.
ANSWERED_BEFORE = timedelta(hours=12)
# A reminder not sent within a day of its check-in (or by the next one) is dropped, never sent late.
LIFETIME = timedelta(hours=24)
# Reminders about booking a session are sent in the morning, the patient's time.
BOOKING_TIME = time(10, 0)

SESSIONS_MIN, SESSIONS_MAX = 3, 6
INTERVAL_MIN_WEEKS, INTERVAL_MAX_WEEKS = 4, 6
MAINTENANCE_MIN_MONTHS, MAINTENANCE_MAX_MONTHS = 6, 12
DEFAULT_QUIET_START, DEFAULT_QUIET_END = "21:00", "08:00"


@dataclass(frozen=True)
class QuietHours:
    """No reminder between ``start`` and ``end`` (wall clock; a start after the end wraps past midnight)."""

    start: time
    end: time

    @classmethod
    def parse(cls, start: str, end: str) -> "QuietHours":
        """From "HH:MM" texts; ValueError saying how to write them."""
        return cls(parse_clock(start), parse_clock(end))

    def contains(self, wall: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def next_allowed(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """``moment`` if it is outside the quiet hours, else the end of the quiet hours it falls in."""
        local = moment.astimezone(zone)
        if not self.contains(local.time()):
            return moment
        end = datetime.combine(local.date(), self.end, tzinfo=zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=zone)
        return end


@dataclass(frozen=True)
class Reminder:
    """One reminder of one session: what it is for, when it is due and sent, and until when it is worth sending."""

    key: str  # unique within the session: "checkin-1", "checkin-30", "next-session", "maintenance"
    kind: str  # CHECKIN, IMPROVEMENT, NEXT_SESSION or MAINTENANCE
    due_at: datetime  # the check-in's moment, or the first morning of a window
    send_at: datetime  # due_at moved out of the quiet hours
    expires_at: datetime  # never sent from this moment on
    answered_from: datetime | None = None  # check-ins: a log at or after this moment answers it

    @property
    def day(self) -> int | None:
        """The day after the session a check-in is for (0 on the day itself); None for booking reminders."""
        return int(self.key.removeprefix("checkin-")) if self.key.startswith("checkin-") else None

    def is_answered(self, log_times) -> bool:
        """True if one of the logs (their moments) answers this check-in; booking reminders are never answered."""
        return self.answered_from is not None and any(t >= self.answered_from for t in log_times)

    def is_due(self, now: datetime) -> bool:
        return self.send_at <= now < self.expires_at


def checkin_times(performed_at: datetime, zone: ZoneInfo) -> list[datetime]:
    """The moment of each check-in of CHECKIN_DAYS: day 0 in the evening, day N at the session's time N days on."""
    local = performed_at.astimezone(zone)
    evening = max(datetime.combine(local.date(), EVENING, tzinfo=zone), local + EVENING_AFTER_SESSION)
    # Days are added to the patient's wall clock (aware arithmetic in one zone is wall-clock arithmetic), so a
    # check-in stays at the session's local time when the clocks change; in UTC again for exact durations.
    return [evening if day == 0 else (local + timedelta(days=day)).astimezone(UTC) for day in CHECKIN_DAYS]


def checkins(performed_at: datetime, zone: ZoneInfo, quiet: QuietHours) -> list[Reminder]:
    """The session's check-in reminders, in order."""
    times = checkin_times(performed_at, zone)
    reminders = []
    for index, (day, due) in enumerate(zip(CHECKIN_DAYS, times, strict=True)):
        previous = times[index - 1] if index else performed_at
        following = times[index + 1] if index + 1 < len(times) else due + LIFETIME
        reminders.append(
            Reminder(
                key=f"checkin-{day}",
                kind=IMPROVEMENT if day == IMPROVEMENT_DAY else CHECKIN,
                due_at=due,
                send_at=quiet.next_allowed(due, zone),
                expires_at=min(following, due + LIFETIME),
                answered_from=performed_at if day == 0 else max(previous, due - ANSWERED_BEFORE),
            )
        )
    return reminders


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter (31 Aug + 6 months = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class SeriesPlan:
    """Where a patient's series stands, as dates in their zone."""

    sessions_done: int
    sessions_planned: int | None
    interval_weeks: int | None
    next_window: tuple[date, date] | None  # the next session's window, while the series goes on
    next_target: date | None  # the planned interval from the latest session, when one is planned
    maintenance_window: tuple[date, date] | None  # once the series is complete

    @property
    def is_complete(self) -> bool:
        return self.next_window is None


def series_plan(
    latest_performed_at: datetime,
    sessions_done: int,
    zone: ZoneInfo,
    planned_sessions: int | None = None,
    interval_weeks: int | None = None,
) -> SeriesPlan:
    """The next session's window (4-6 weeks after the latest) or, once the planned number is done, maintenance.

    Without a plan the series is taken to go on until the most sessions a series has (6).
    """
    latest = latest_performed_at.astimezone(zone).date()
    complete = sessions_done >= (planned_sessions or SESSIONS_MAX)
    if complete:
        window = (add_months(latest, MAINTENANCE_MIN_MONTHS), add_months(latest, MAINTENANCE_MAX_MONTHS))
        return SeriesPlan(sessions_done, planned_sessions, interval_weeks, None, None, window)
    next_window = (latest + timedelta(weeks=INTERVAL_MIN_WEEKS), latest + timedelta(weeks=INTERVAL_MAX_WEEKS))
    target = latest + timedelta(weeks=interval_weeks) if interval_weeks else None
    return SeriesPlan(sessions_done, planned_sessions, interval_weeks, next_window, target, None)


def booking_reminder(plan: SeriesPlan, zone: ZoneInfo, quiet: QuietHours) -> Reminder | None:
    """The reminder to book the next session (when its window opens) or maintenance (when that window opens)."""
    if plan.next_window is not None:
        key, kind, (opens, closes) = "next-session", NEXT_SESSION, plan.next_window
    elif plan.maintenance_window is not None:
        key, kind, (opens, closes) = "maintenance", MAINTENANCE, plan.maintenance_window
    else:
        return None
    due = datetime.combine(opens, BOOKING_TIME, tzinfo=zone)
    expires = datetime.combine(closes + timedelta(days=1), time(0), tzinfo=zone)
    return Reminder(key=key, kind=kind, due_at=due, send_at=quiet.next_allowed(due, zone), expires_at=expires)


def too_soon_after(previous: datetime, performed_at: datetime) -> bool:
    """True if a session comes less than the series' shortest interval (4 weeks) after the previous one."""
    return timedelta(0) <= performed_at - previous < timedelta(weeks=INTERVAL_MIN_WEEKS)
