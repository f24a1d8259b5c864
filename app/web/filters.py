"""How times, durations and statuses read on a page; times in the viewer's own time zone."""

from datetime import datetime

from app.core.recovery import hours_between
from app.core.triage import NEED_LABELS, describe_overdue
from app.core.vocabulary import CONTACT, NO_LOGS, ON_TRACK, SCORE_LABELS, SLOWER, STATUS_WORDS
from app.models import utcnow
from app.web.timezones import viewer_zone

# The colour that repeats what a status says in words (CSS classes status-*, badge-*).
STATUS_TONES = {NO_LOGS: "neutral", ON_TRACK: "ok", SLOWER: "warning", CONTACT: "danger"}


def describe_elapsed(hours: float) -> str:
    """'45 minutes', '30 hours', '4 days': hours while they change by the hour, then days."""
    if hours < 1:
        return f"{max(int(hours * 60), 0)} minutes"
    if hours < 72:
        whole = int(hours)
        return f"{whole} hour" if whole == 1 else f"{whole} hours"
    days = int(hours // 24)
    return f"{days} days"


def local_time(value: datetime, fmt: str = "%a %-d %b %Y, %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(viewer_zone()).strftime(fmt)


def time_after(later: datetime, earlier: datetime) -> str:
    """'30 hours after', or 'before' for a time ahead of its reference."""
    hours = hours_between(earlier, later)
    if hours < 0:
        return f"{describe_elapsed(-hours)} before"
    return f"{describe_elapsed(hours)} after"


def days_since(moment: datetime) -> int:
    """Whole days from a past moment to now (negative for a future one)."""
    return int(hours_between(moment, utcnow()) // 24)


def register(app):
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(local_time, "local_time")
    app.add_template_global(time_after)
    app.add_template_global(viewer_zone)
    app.add_template_global(STATUS_WORDS, "status_words")
    app.add_template_global(STATUS_TONES, "status_tones")
    app.add_template_global(SCORE_LABELS, "score_labels")
    app.add_template_global(NEED_LABELS, "need_labels")
    app.add_template_global(describe_overdue)
    app.add_template_global(days_since)
