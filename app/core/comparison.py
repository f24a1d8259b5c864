"""A patient's sessions side by side: when each one settled, and how they compare, in words. Pure Python.

"Settled" (the definition every sentence here uses): the hour of the first log from which redness
and swelling stay settled in that log and every later one. A log is settled when redness and
swelling are each at or below 1 (or the patient's usual level, if that is higher) and within the
typical band at its hour. A session whose latest log is not settled has "not settled yet": a
course that settled and then flared again has not settled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core import recovery
from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import ngettext
from app.core.recovery import DAY

# The depth keys as words inside a sentence ("shallow against medium").
DEPTH_WORDS = {"shallow": _l("shallow"), "medium": _l("medium"), "deep": _l("deep")}
# Abbreviated month names, translated here so the pure core needs no Babel locale data.
MONTHS = (
    _l("Jan"), _l("Feb"), _l("Mar"), _l("Apr"), _l("May"), _l("Jun"),
    _l("Jul"), _l("Aug"), _l("Sep"), _l("Oct"), _l("Nov"), _l("Dec"),
)  # fmt: skip


def short_date(day: date) -> str:
    """'3 May': the day and the abbreviated month, in the current language."""
    return _("%(day)d %(month)s", day=day.day, month=MONTHS[day.month - 1])


SETTLED_LEVEL = 1
SETTLED_SYMPTOMS = ("redness", "swelling")
# Logs are hours apart at best: differences smaller than this are "about the same time".
SAME_TIME_HOURS = 6
SETTLED_DEFINITION = _l(
    "Settled means redness and swelling at 1 or below and within the typical range, in one log and every log after it."
)


@dataclass(frozen=True)
class SessionCourse:
    """One of a patient's sessions with its logs, numbered in the order the sessions took place."""

    number: int
    local_date: date  # the day of the session where the patient lives
    facts: recovery.SessionFacts
    logs: tuple[recovery.LogEntry, ...]

    @property
    def label(self) -> str:
        """The session as people read it, e.g. Session 1 (3 May)."""
        return _("Session %(number)d (%(date)s)", number=self.number, date=short_date(self.local_date))

    @property
    def depth(self) -> recovery.DepthBand:
        return recovery.depth_band(self.facts.needle_depth_mm)

    def timed_logs(self) -> list[tuple[float, recovery.LogEntry]]:
        """(hours since the session, log), oldest first."""
        ordered = sorted(self.logs, key=lambda log: log.logged_at)
        return [(recovery.hours_since_session(self.facts.performed_at, log.logged_at), log) for log in ordered]


def is_settled(hours: float, log: recovery.LogEntry, depth: recovery.DepthBand, baseline: recovery.Baseline) -> bool:
    """Redness and swelling at or below 1 (or the usual level) and within the typical band at this hour."""
    for symptom in SETTLED_SYMPTOMS:
        value = getattr(log, symptom)
        if value > max(SETTLED_LEVEL, getattr(baseline, symptom)):
            return False
        if recovery.expected_band(symptom, hours, depth, baseline).position(value) != "within":
            return False
    return True


def settled_hours(course: SessionCourse) -> float | None:
    """The hour from which the session stayed settled to its latest log, or None (no logs, or not settled yet)."""
    settled_from = None
    for hours, log in reversed(course.timed_logs()):
        if not is_settled(hours, log, course.depth, course.facts.baseline):
            break
        settled_from = hours
    return settled_from


def _amount(hours: float) -> str:
    """About how long a difference is: "about 12 hours", "about 3 days"."""
    if hours < 2 * DAY:
        return ngettext("about %(num)d hour", "about %(num)d hours", round(hours))
    return ngettext("about %(num)d day", "about %(num)d days", round(hours / DAY))


def course_sentence(course: SessionCourse) -> str:
    """Where one session stands, e.g. Session 1 (3 May): settled at 30 hours."""
    timed = course.timed_logs()
    if not timed:
        return _("%(session)s: no logs yet.", session=course.label)
    settled = settled_hours(course)
    if settled is None:
        return _(
            "%(session)s: not settled yet (latest log %(when)s).",
            session=course.label,
            when=recovery.describe_time(timed[-1][0]),
        )
    return _("%(session)s: settled %(when)s.", session=course.label, when=recovery.describe_time(settled))


def comparison_sentence(later: SessionCourse, later_hours: float, first: SessionCourse, first_hours: float) -> str:
    """E.g. Session 3 settled about 12 hours sooner than session 1; and a word when the needle depths differ."""
    difference = first_hours - later_hours
    numbers = dict(later=later.number, first=first.number)
    if abs(difference) < SAME_TIME_HOURS:
        sentence = _("Session %(later)d settled at about the same time as session %(first)d.", **numbers)
    elif difference > 0:
        sentence = _(
            "Session %(later)d settled %(amount)s sooner than session %(first)d.",
            amount=_amount(abs(difference)),
            **numbers,
        )
    else:
        sentence = _(
            "Session %(later)d settled %(amount)s later than session %(first)d.",
            amount=_amount(abs(difference)),
            **numbers,
        )
    if later.depth != first.depth:
        differ = _(
            "The needle depths differ (%(later_depth)s against %(first_depth)s); "
            "deeper needles typically take longer to settle.",
            later_depth=DEPTH_WORDS[later.depth.key],
            first_depth=DEPTH_WORDS[first.depth.key],
        )
        sentence = f"{sentence} {differ}"
    return sentence


def comparison_summary(courses: list[SessionCourse]) -> list[str]:
    """Each settled session against the first that settled, then where every session stands, then "settled"."""
    settled = [(course, hours) for course in courses if (hours := settled_hours(course)) is not None]
    sentences = []
    if len(settled) >= 2:
        (first, first_hours), *later = settled
        sentences += [comparison_sentence(course, hours, first, first_hours) for course, hours in later]
    sentences += [course_sentence(course) for course in courses]
    sentences.append(str(SETTLED_DEFINITION))
    return sentences


def with_logs(courses: list[SessionCourse]) -> list[SessionCourse]:
    """The sessions that have at least one log: the ones a comparison chart can draw."""
    return [course for course in courses if course.logs]
