"""Who needs the clinic's attention first. Pure Python: plain data in, plain data out."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.i18n import lazy_gettext as _l
from app.core.i18n import ngettext
from app.core.vocabulary import CONTACT, NO_LOGS, ON_TRACK, SLOWER, STATUS_WORDS

# How often a patient is asked to log: the first 48 hours change by the hour,
# the rest of the first week by the day. After that, no check-in is expected.
CHECK_IN_RULES = (
    (timedelta(hours=48), timedelta(hours=12)),
    (timedelta(days=7), timedelta(days=3)),
)

NEED_ALERT = "alert"
NEED_SLOWER = "slower"
NEED_MISSED = "missed"
NEED_NO_LOGS = "no_logs"
NEED_ON_TRACK = "on_track"
NEED_NO_SESSION = "no_session"
# Sort order of the dashboard: open red-flag alerts, slower than typical,
# missed check-ins, nothing logged yet, on track; patients with no session yet come last.
NEED_ORDER = (NEED_ALERT, NEED_SLOWER, NEED_MISSED, NEED_NO_LOGS, NEED_ON_TRACK, NEED_NO_SESSION)
NEED_LABELS = {
    NEED_ALERT: _l("Open alerts"),
    NEED_SLOWER: STATUS_WORDS[SLOWER],
    NEED_MISSED: _l("Missed check-in"),
    NEED_NO_LOGS: STATUS_WORDS[NO_LOGS],
    NEED_ON_TRACK: STATUS_WORDS[ON_TRACK],
    NEED_NO_SESSION: _l("No session yet"),
}


def overdue_check_in(performed_at: datetime, last_logged_at: datetime | None, now: datetime) -> timedelta | None:
    """How long past due the next log is, or None if none is due (or the session is in the future)."""
    since_session = now - performed_at
    for window, interval in CHECK_IN_RULES:
        if since_session < window:
            # Counted from the session at the earliest, so before it (in the future) nothing is due yet.
            last_seen = max(last_logged_at or performed_at, performed_at)
            overdue = now - last_seen - interval
            return overdue if overdue > timedelta(0) else None
    return None


def need_of(open_alerts: int, status: str | None, overdue: timedelta | None, has_session: bool) -> str:
    """The one category that decides where a patient sorts on the dashboard."""
    if open_alerts or status == CONTACT:
        return NEED_ALERT
    if not has_session:
        return NEED_NO_SESSION
    if status == SLOWER:
        return NEED_SLOWER
    if overdue:
        return NEED_MISSED
    if status == NO_LOGS:
        return NEED_NO_LOGS
    return NEED_ON_TRACK


def describe_overdue(overdue: timedelta) -> str:
    """'5 hours overdue', '2 days overdue'."""
    hours = max(overdue // timedelta(hours=1), 1)
    if hours < 48:
        return ngettext("%(num)d hour overdue", "%(num)d hours overdue", hours)
    return ngettext("%(num)d day overdue", "%(num)d days overdue", hours // 24)


@dataclass(frozen=True)
class Triage:
    need: str
    overdue: timedelta | None

    @property
    def sort_key(self) -> tuple:
        # Within a category the longest overdue first.
        return (NEED_ORDER.index(self.need), -(self.overdue or timedelta(0)).total_seconds())


def triage(
    open_alerts: int, status: str | None, performed_at: datetime | None, last_logged_at: datetime | None, now: datetime
) -> Triage:
    """Need category and overdue check-in of one patient's latest session."""
    overdue = overdue_check_in(performed_at, last_logged_at, now) if performed_at else None
    return Triage(need_of(open_alerts, status, overdue, performed_at is not None), overdue)
