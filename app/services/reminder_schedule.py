"""Each patient's reminders: the check-ins of their sessions and the next booking, in their zone and quiet hours.

The one place that turns stored sessions and logs into ``app.core.reminders`` schedules:
the sender (what is due now), the calendar feed and the reminder settings page all read
it, so they never disagree about when a check-in is.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core import reminders
from app.core.opening_hours import zone_or_none
from app.core.reminders import QuietHours, Reminder, SeriesPlan
from app.extensions import db
from app.models import ROLE_PATIENT, SymptomLog, TreatmentSession, User

# The latest a reminder can be after its session: maintenance, up to 12 months after the last session.
HORIZON = timedelta(days=31 * reminders.MAINTENANCE_MAX_MONTHS + 1)


@dataclass(frozen=True)
class Scheduled:
    """One reminder of one of the patient's sessions, and whether a log has answered it."""

    session_id: int
    reminder: Reminder
    answered: bool

    @property
    def delivery_key(self) -> str:
        """What the delivery record calls it: unique per patient and channel (models.Delivery.key)."""
        return f"session-{self.session_id}:{self.reminder.key}"

    def is_due(self, now: datetime) -> bool:
        return not self.answered and self.reminder.is_due(now)


def zone_of(user: User) -> ZoneInfo:
    """The user's zone; UTC if theirs is unknown."""
    return zone_or_none(user.timezone) or ZoneInfo("UTC")


def quiet_hours_of(user: User) -> QuietHours:
    """The user's quiet hours; the defaults if theirs cannot be read."""
    try:
        return QuietHours.parse(user.quiet_hours_start, user.quiet_hours_end)
    except ValueError:
        return QuietHours.parse(reminders.DEFAULT_QUIET_START, reminders.DEFAULT_QUIET_END)


def _sessions(patient_id):
    return db.session.scalars(
        sa.select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.performed_at, TreatmentSession.id)
    ).all()


def series_plan_of(patient: User, sessions=None) -> SeriesPlan | None:
    """Where the patient's series stands (next window or maintenance); None before their first session."""
    sessions = _sessions(patient.id) if sessions is None else sessions
    if not sessions:
        return None
    latest = sessions[-1]
    return reminders.series_plan(
        latest.performed_at,
        latest.series_number or len(sessions),
        zone_of(patient),
        patient.planned_sessions,
        patient.planned_interval_weeks,
    )


def schedule_for(patient: User) -> list[Scheduled]:
    """Every reminder of the patient's sessions, in order of sending, with whether it was answered."""
    sessions = _sessions(patient.id)
    if not sessions:
        return []
    zone, quiet = zone_of(patient), quiet_hours_of(patient)
    log_times = {}
    rows = db.session.execute(
        sa.select(SymptomLog.session_id, SymptomLog.logged_at).where(
            SymptomLog.session_id.in_([s.id for s in sessions])
        )
    )
    for session_id, logged_at in rows:
        log_times.setdefault(session_id, []).append(logged_at)
    scheduled = [
        Scheduled(s.id, reminder, reminder.is_answered(log_times.get(s.id, ())))
        for s in sessions
        for reminder in reminders.checkins(s.performed_at, zone, quiet)
    ]
    booking = reminders.booking_reminder(series_plan_of(patient, sessions), zone, quiet)
    if booking is not None:
        scheduled.append(Scheduled(sessions[-1].id, booking, answered=False))
    return sorted(scheduled, key=lambda item: item.reminder.send_at)


def due_for(patient: User, now: datetime) -> list[Scheduled]:
    """The patient's reminders to send now: due, not answered by a log, not expired."""
    return [item for item in schedule_for(patient) if item.is_due(now)]


def patients_to_check(now: datetime):
    """The patients who may have a reminder due: any session within the longest reminder horizon."""
    recent = sa.select(TreatmentSession.patient_id).where(TreatmentSession.performed_at >= now - HORIZON)
    return db.session.scalars(
        sa.select(User).where(User.role == ROLE_PATIENT, User.id.in_(recent)).order_by(User.id)
    ).all()
