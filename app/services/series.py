"""A patient's planned series: the plan, where the series stands as dates, and sessions too close together.

Every date comes from ``reminder_schedule.series_plan_of`` (``app.core.reminders.series_plan``) and
``reminders.too_soon_after``: this module reads the plan and words those dates, it never computes a
window of its own. Dates are in the patient's zone, whoever reads them.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import reminders
from app.extensions import db
from app.models import TreatmentSession, User, utcnow
from app.services import clinics
from app.services.reminder_schedule import series_plan_of, zone_of

PLANNED_SESSIONS = tuple(range(reminders.SESSIONS_MIN, reminders.SESSIONS_MAX + 1))
INTERVAL_WEEKS = tuple(range(reminders.INTERVAL_MIN_WEEKS, reminders.INTERVAL_MAX_WEEKS + 1))

# Said after "This session is … (14 June)." on the patient's pages and the clinic's.
USUAL_SPACING = _l(
    "Sessions in a series are usually %(shortest)d–%(longest)d weeks apart, to give the skin time to heal.",
    shortest=reminders.INTERVAL_MIN_WEEKS,
    longest=reminders.INTERVAL_MAX_WEEKS,
)
IF_WRONG = {
    "patient": _l("If the date is wrong, edit the session; if not, mention it to your clinic."),
    "clinic": _l("If the date is wrong, the patient can correct it from their session page."),
}
# A day in words per language (CLDR patterns): "14 December 2026", "14 de diciembre de 2026".
DAY_PATTERNS = {
    "en": ("d MMMM y", "d MMMM"),
    "es": ("d 'de' MMMM 'de' y", "d 'de' MMMM"),
}


def day_words(day: date, with_year: bool = True) -> str:
    """'14 December 2026', or '14 December' without the year."""
    locale = get_locale()
    language = locale.language if locale else "en"
    with_the_year, without = DAY_PATTERNS.get(language, DAY_PATTERNS["en"])
    return format_date(day, with_the_year if with_year else without, locale=locale or "en")


def window_words(opens: date, closes: date, today: date) -> str:
    """'12 July – 26 July': the year is said when the window leaves the current year."""
    with_year = not opens.year == closes.year == today.year
    return _("%(opens)s – %(closes)s", opens=day_words(opens, with_year), closes=day_words(closes, with_year))


@dataclass(frozen=True)
class SeriesOverview:
    """What a page shows of a patient's series: the plan and, once a session is recorded, its dates in words."""

    planned_sessions: int | None
    interval_weeks: int | None
    sessions_done: int  # the latest session's number in the series; 0 before the first
    zone_name: str
    next_window: str | None = None  # "12 July – 26 July", while the series goes on
    window_passed: bool = False
    next_target: str | None = None  # "19 July": the planned interval after the latest session
    maintenance: str | None = None  # "14 December 2026 to 14 June 2027", once the series is complete

    @property
    def position(self) -> str:
        """'Session 2 of 4', 'Session 2', or 'Session 5 (4 were planned)'."""
        if self.planned_sessions is None:
            return _("Session %(number)d", number=self.sessions_done)
        if self.sessions_done > self.planned_sessions:
            return _(
                "Session %(number)d (%(planned)d were planned)",
                number=self.sessions_done,
                planned=self.planned_sessions,
            )
        return _("Session %(number)d of %(planned)d", number=self.sessions_done, planned=self.planned_sessions)


def overview(patient: User) -> SeriesOverview:
    """The patient's plan and where the series stands (reminder_schedule.series_plan_of), in words."""
    zone = zone_of(patient)
    plan = series_plan_of(patient)
    base = dict(
        planned_sessions=patient.planned_sessions, interval_weeks=patient.planned_interval_weeks, zone_name=zone.key
    )
    if plan is None:
        return SeriesOverview(sessions_done=0, **base)
    today = utcnow().astimezone(zone).date()
    if plan.next_window is not None:
        opens, closes = plan.next_window
        return SeriesOverview(
            sessions_done=plan.sessions_done,
            next_window=window_words(opens, closes, today),
            window_passed=closes < today,
            next_target=day_words(plan.next_target, plan.next_target.year != today.year) if plan.next_target else None,
            **base,
        )
    start, end = plan.maintenance_window
    return SeriesOverview(
        sessions_done=plan.sessions_done,
        maintenance=_("%(start)s to %(end)s", start=day_words(start), end=day_words(end)),
        **base,
    )


@dataclass(frozen=True)
class TooSoon:
    """A session less than the shortest interval (4 weeks) after the patient's previous one."""

    previous_day: str  # "14 June" (with its year when that differs from the session's)
    gap_days: int  # calendar days between the two, in the patient's zone

    def sentence(self, audience: str = "patient") -> str:
        """The calm notice a page shows: what was noticed, what is usual, what to do if the date is wrong."""
        patient = audience == "patient"
        if self.gap_days == 0 and patient:
            noticed = _("This session is on the same day as your previous one (%(day)s).", day=self.previous_day)
        elif self.gap_days == 0:
            noticed = _(
                "This session is on the same day as the patient's previous one (%(day)s).", day=self.previous_day
            )
        elif patient:
            noticed = ngettext(
                "This session is %(num)d day after your previous one (%(day)s).",
                "This session is %(num)d days after your previous one (%(day)s).",
                self.gap_days,
                day=self.previous_day,
            )
        else:
            noticed = ngettext(
                "This session is %(num)d day after the patient's previous one (%(day)s).",
                "This session is %(num)d days after the patient's previous one (%(day)s).",
                self.gap_days,
                day=self.previous_day,
            )
        return f"{noticed} {USUAL_SPACING} {IF_WRONG[audience]}"


def too_soon(treatment: TreatmentSession) -> TooSoon | None:
    """Whether the session came less than 4 weeks after the patient's previous one (reminders.too_soon_after)."""
    previous = db.session.scalar(
        sa.select(TreatmentSession)
        .where(
            TreatmentSession.patient_id == treatment.patient_id,
            TreatmentSession.id != treatment.id,
            sa.or_(
                TreatmentSession.performed_at < treatment.performed_at,
                sa.and_(TreatmentSession.performed_at == treatment.performed_at, TreatmentSession.id < treatment.id),
            ),
        )
        .order_by(TreatmentSession.performed_at.desc(), TreatmentSession.id.desc())
        .limit(1)
    )
    if previous is None or not reminders.too_soon_after(previous.performed_at, treatment.performed_at):
        return None
    zone = zone_of(treatment.patient)
    before, this = previous.performed_at.astimezone(zone).date(), treatment.performed_at.astimezone(zone).date()
    return TooSoon(previous_day=day_words(before, before.year != this.year), gap_days=(this - before).days)


def set_plan(patient: User, planned_sessions: int | None, interval_weeks: int | None, by: User | None = None) -> bool:
    """Keep the patient's planned number of sessions (3-6) and interval (4-6 weeks); None means not set.

    ``by``: the practitioner setting it for their clinic, audited; False (nothing stored) if the
    patient does not share with that clinic (any more).
    """
    if planned_sessions not in (None, *PLANNED_SESSIONS) or interval_weeks not in (None, *INTERVAL_WEEKS):
        raise ValueError("A plan is 3 to 6 sessions, 4 to 6 weeks apart.")
    if by is not None:
        if clinics.active_link(by.clinic_id, patient.id) is None:
            return False
        clinics.add_audit_event(by, "edit_series_plan", patient.id)
    patient.planned_sessions, patient.planned_interval_weeks = planned_sessions, interval_weeks
    db.session.commit()
    return True
