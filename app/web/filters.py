"""How times, durations and statuses read on a page; times in the viewer's own time zone and language."""

from datetime import datetime

from babel.dates import format_datetime
from flask import current_app
from flask_babel import format_decimal, get_locale, get_translations, ngettext
from flask_babel import gettext as _

from app.core.recovery import hours_between
from app.core.triage import NEED_LABELS, describe_overdue
from app.core.vocabulary import CONTACT, NO_LOGS, ON_TRACK, SCORE_LABELS, SLOWER, STATUS_WORDS
from app.models import utcnow
from app.web.locale import DEFAULT_LOCALE
from app.web.timezones import viewer_zone

# The colour that repeats what a status says in words (CSS classes status-*, badge-*).
STATUS_TONES = {NO_LOGS: "neutral", ON_TRACK: "ok", SLOWER: "warning", CONTACT: "danger"}

DEFAULT_FORMAT = "%a %-d %b %Y, %H:%M"
# Each strftime format the templates pass to local_time, as a Babel (CLDR) pattern per language:
# the English gives exactly what strftime gave ("Mon 15 Jun 2026, 12:00"), the Spanish reads
# naturally ("lun, 15 jun 2026, 12:00"). A new format needs a row here (tests raise without one).
DATE_PATTERNS: dict[str, dict[str, str]] = {
    "%a %-d %b %Y, %H:%M": {"en": "EEE d MMM y, HH:mm", "es": "EEE, d MMM y, HH:mm"},
    "%a %-d %b %Y": {"en": "EEE d MMM y", "es": "EEE, d MMM y"},
    "%a %-d %b": {"en": "EEE d MMM", "es": "EEE, d MMM"},
    "%-d %b %Y, %H:%M": {"en": "d MMM y, HH:mm", "es": "d MMM y, HH:mm"},
    "%-d %b %Y %H:%M": {"en": "d MMM y HH:mm", "es": "d MMM y HH:mm"},
    "%-d %b %Y": {"en": "d MMM y", "es": "d MMM y"},
    "%-d %b, %H:%M": {"en": "d MMM, HH:mm", "es": "d MMM, HH:mm"},
    "%-d %b": {"en": "d MMM", "es": "d MMM"},
    "%H:%M": {"en": "HH:mm", "es": "HH:mm"},
}


def describe_elapsed(hours: float) -> str:
    """'45 minutes', '30 hours', '4 days': hours while they change by the hour, then days."""
    if hours < 1:
        minutes = max(int(hours * 60), 0)
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if hours < 72:
        return ngettext("%(num)d hour", "%(num)d hours", int(hours))
    return ngettext("%(num)d day", "%(num)d days", int(hours // 24))


def _pattern(fmt: str, language: str) -> str | None:
    patterns = DATE_PATTERNS.get(fmt)
    if patterns is None:
        return None
    return patterns.get(language, patterns[DEFAULT_LOCALE])


def local_time(value: datetime, fmt: str = DEFAULT_FORMAT) -> str:
    """A moment in the viewer's zone and language; `fmt` is one of DATE_PATTERNS' strftime formats."""
    if value is None:
        return ""
    zone = viewer_zone()
    locale = get_locale()
    language = locale.language if locale else DEFAULT_LOCALE
    pattern = _pattern(fmt, language)
    if pattern is None:
        if current_app.testing or current_app.debug:
            raise ValueError(f"local_time has no Babel pattern for {fmt!r}: add it to DATE_PATTERNS")
        return value.astimezone(zone).strftime(fmt)  # an unknown format still shows the time, in English
    return format_datetime(value.astimezone(zone), pattern, tzinfo=zone, locale=locale or DEFAULT_LOCALE)


def time_after(later: datetime, earlier: datetime) -> str:
    """'30 hours after', or 'before' for a time ahead of its reference."""
    hours = hours_between(earlier, later)
    if hours < 0:
        return _("%(elapsed)s before", elapsed=describe_elapsed(-hours))
    return _("%(elapsed)s after", elapsed=describe_elapsed(hours))


def days_since(moment: datetime) -> int:
    """Whole days from a past moment to now (negative for a future one)."""
    return int(hours_between(moment, utcnow()) // 24)


def decimal(value: float) -> str:
    """A number as the reader's language writes it, up to two decimals: 0.5 in English, 0,5 in Spanish."""
    return format_decimal(value, format="0.##")


def stored_words(text: str) -> str:
    """Words stored in English when they were written (an alert's reason and advice), in the reader's language.

    Alerts keep the English the recovery model gave when it raised them; a sentence that is itself
    a catalogue entry reads translated, one with numbers in it stays as stored.
    """
    return get_translations().gettext(text) if text else ""


def register(app):
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(stored_words, "stored_words")
    app.add_template_filter(decimal, "decimal")
    app.add_template_global(time_after)
    app.add_template_global(viewer_zone)
    app.add_template_global(STATUS_WORDS, "status_words")
    app.add_template_global(STATUS_TONES, "status_tones")
    app.add_template_global(SCORE_LABELS, "score_labels")
    app.add_template_global(NEED_LABELS, "need_labels")
    app.add_template_global(describe_overdue)
    app.add_template_global(days_since)
