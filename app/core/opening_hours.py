"""How a patient reaches a clinic: its opening hours, one "HH:MM-HH:MM" (or nothing, closed) per weekday read
in the clinic's zone, and the tel: link of its phone number."""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l

# Monday first, as datetime.weekday() counts.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_LABELS = {
    "monday": _l("Monday"),
    "tuesday": _l("Tuesday"),
    "wednesday": _l("Wednesday"),
    "thursday": _l("Thursday"),
    "friday": _l("Friday"),
    "saturday": _l("Saturday"),
    "sunday": _l("Sunday"),
}
CLOSED = _l("Closed")
FORMAT_HELP = _l("Write the hours as 09:00-17:30, or leave it empty if the clinic is closed that day.")


@dataclass(frozen=True)
class DayHours:
    """When the clinic opens and closes on one day (closes after opens, the same day)."""

    opens: time
    closes: time

    def __str__(self):
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"


def parse_clock(text: str) -> time:
    """A wall-clock time written "HH:MM" (24-hour); ValueError saying how to write it otherwise."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()):
        raise ValueError(FORMAT_HELP)
    if len(hours) > 2 or len(minutes) != 2 or int(hours) > 23 or int(minutes) > 59:
        raise ValueError(FORMAT_HELP)
    return time(int(hours), int(minutes))


def parse_day(text: str | None) -> DayHours | None:
    """The hours written for one day ("09:00-17:30"); None if empty (closed); ValueError saying why if unreadable."""
    text = (text or "").strip().replace("–", "-").replace("—", "-")
    if not text:
        return None
    opens, sep, closes = text.partition("-")
    if not sep:
        raise ValueError(FORMAT_HELP)
    hours = DayHours(parse_clock(opens), parse_clock(closes))
    if hours.closes <= hours.opens:
        raise ValueError(_("The closing time must come after the opening time, the same day."))
    return hours


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The IANA zone of that name, or None if there is none."""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class Week:
    """A clinic's week of opening hours in its own time zone; days without hours are closed."""

    days: dict[str, DayHours | None]
    zone: ZoneInfo

    @classmethod
    def from_texts(cls, texts: dict[str, str | None], zone_name: str) -> "Week | None":
        """The week from one text per weekday; None if any is unreadable or the zone unknown, or no day has hours."""
        zone = zone_or_none(zone_name)
        if zone is None:
            return None
        try:
            days = {day: parse_day(texts.get(day)) for day in WEEKDAYS}
        except ValueError:
            return None
        if not any(days.values()):
            return None
        return cls(days, zone)

    def local(self, now: datetime) -> datetime:
        """``now`` (aware) as the clinic's wall clock."""
        return now.astimezone(self.zone)

    def hours_on(self, now: datetime) -> DayHours | None:
        """The hours of the clinic's day that ``now`` falls in; None if closed that day."""
        return self.days[WEEKDAYS[self.local(now).weekday()]]

    def is_open(self, now: datetime) -> bool:
        """True if the clinic is open at ``now`` (opening time included, closing time excluded)."""
        hours = self.hours_on(now)
        if hours is None:
            return False
        wall = self.local(now).time()
        return hours.opens <= wall < hours.closes

    def today_words(self, now: datetime) -> str:
        """Today's hours for the patient, e.g. "Open today 09:00–17:30" or "Closed today"."""
        hours = self.hours_on(now)
        return _("Open today %(hours)s", hours=hours) if hours else _("Closed today")


def tel_href(phone: str | None) -> str:
    """The tel: link of a phone number as typed ("+44 (20) 7946-0000" -> "tel:+442079460000"); "" if no digits."""
    digits = "".join(ch for ch in phone or "" if ch.isascii() and ch.isdigit())
    if not digits:
        return ""
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"
