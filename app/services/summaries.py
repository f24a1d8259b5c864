"""What a printable summary of a patient's session, or of their whole series, shows, and to whom."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for

from app.core import charts, recovery, vocabulary
from app.extensions import db
from app.models import ALERT_CLOSED_AUTOMATICALLY, Alert, CareLink, Clinic, Photo, TreatmentSession, User, utcnow
from app.services import session_reports

# Who reads a summary: the patient, their clinic, or a doctor the patient shared a link with
# (worded for the patient, and nothing only the clinic may see).
AUDIENCES = ("patient", "clinic", "shared")


@dataclass(frozen=True)
class StatusChange:
    """The status as it stood from one log on (or now), and the reasons the model gave."""

    at: datetime
    status: str  # a key of vocabulary.STATUS_WORDS
    reasons: tuple[str, ...]
    is_now: bool = False


@dataclass(frozen=True)
class AlertSummary:
    """One red-flag alert as a summary prints it: never the clinic's private note."""

    clinic_name: str
    alerted_at: datetime
    seen: tuple[str, ...]  # what the logs showed: each flag's reason
    acknowledged_at: datetime | None
    acknowledged_by: str  # the practitioner's name, "" when none is known
    closed_automatically: bool
    message_to_patient: str


@dataclass(frozen=True)
class Rating:
    """One improvement rating the patient gave, and when."""

    at: datetime
    day: int  # days since the session
    key: str  # a key of vocabulary.IMPROVEMENT_CHOICES

    @property
    def words(self) -> str:
        """The rating as the log form put it."""
        return vocabulary.IMPROVEMENT_CHOICES.get(self.key, self.key)


@dataclass(frozen=True)
class SessionBlock:
    """One session of a summary: the session, its report, how its status went, its alerts, ratings and photos."""

    treatment: TreatmentSession
    report: session_reports.SessionReport
    history: list[StatusChange]
    alerts: list[AlertSummary]
    ratings: list[Rating]
    photos: list[Photo]

    @property
    def chart_id(self) -> str:
        """A prefix that keeps this session's element ids apart from another session's on the same page."""
        return f"session-{self.treatment.id}"


@dataclass(frozen=True)
class Summary:
    """A printable summary: who, and each session chosen, oldest first."""

    patient: User
    clinic_name: str | None
    audience: str
    sessions: list[SessionBlock]
    include_photos: bool

    @property
    def is_series(self) -> bool:
        return len(self.sessions) != 1


def build_summary(
    patient: User,
    sessions: list[TreatmentSession],
    audience: str,
    include_photos: bool,
    clinic_id: int | None = None,
) -> Summary:
    """The summary of `sessions` (printed oldest first) for `audience`; a clinic's alerts only when `clinic_id`."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    now = utcnow()
    # A doctor reads about the patient, as the clinic does: "the patient", never "you".
    chart_audience = charts.PATIENT if audience == "patient" else charts.CLINIC
    if audience == "clinic" and clinic_id is not None:
        clinic_name = db.session.scalar(sa.select(Clinic.name).where(Clinic.id == clinic_id))
    else:
        names = _shared_clinic_names(patient.id)
        clinic_name = ", ".join(names) if names else None
    ordered = sorted(sessions, key=lambda s: (s.performed_at, s.id))
    blocks = [
        SessionBlock(
            treatment=treatment,
            report=session_reports.session_report(treatment, now=now, audience=chart_audience),
            history=status_history(treatment, now),
            alerts=_alerts(patient.id, treatment.id, clinic_id if audience == "clinic" else None),
            ratings=_ratings(treatment),
            photos=sorted(treatment.photos, key=lambda p: (p.taken_at, p.id)) if include_photos else [],
        )
        for treatment in ordered
    ]
    return Summary(patient, clinic_name, audience, blocks, include_photos)


def all_sessions(patient: User) -> list[TreatmentSession]:
    """Every session of the patient, oldest first: the series."""
    return list(
        db.session.scalars(patient.sessions.select().order_by(TreatmentSession.performed_at, TreatmentSession.id)).all()
    )


def session_of(patient: User, session_id: int) -> TreatmentSession | None:
    """The patient's session of that id; None when it is not theirs."""
    return db.session.scalar(
        sa.select(TreatmentSession).where(TreatmentSession.id == session_id, TreatmentSession.patient_id == patient.id)
    )


def status_history(treatment: TreatmentSession, now: datetime) -> list[StatusChange]:
    """The status after each log that changed it or its reasons, then as of now if that differs."""
    facts = session_reports.session_facts(treatment)
    entries = sorted((session_reports.log_entry(log) for log in treatment.logs), key=lambda e: e.logged_at)
    changes: list[StatusChange] = []
    for count, entry in enumerate(entries, start=1):
        assessment = recovery.assess(facts, entries[:count], entry.logged_at, include_points=False)
        change = StatusChange(entry.logged_at, assessment.status, tuple(flag.reason for flag in assessment.flags))
        if not changes or (changes[-1].status, changes[-1].reasons) != (change.status, change.reasons):
            changes.append(change)
    current = recovery.assess(facts, entries, now, include_points=False)
    reasons = tuple(flag.reason for flag in current.flags)
    if not changes or (changes[-1].status, changes[-1].reasons) != (current.status, reasons):
        changes.append(StatusChange(now, current.status, reasons, is_now=True))
    return changes


def _ratings(treatment: TreatmentSession) -> list[Rating]:
    """The improvement ratings of the session's logs, in time order."""
    return [
        Rating(log.logged_at, _day(treatment, log.logged_at), log.improvement)
        for log in sorted(treatment.logs, key=lambda log: log.logged_at)
        if log.improvement
    ]


def _day(treatment: TreatmentSession, moment: datetime) -> int:
    """Whole days from the session to `moment`."""
    return int(recovery.hours_since_session(treatment.performed_at, moment) // 24)


def _shared_clinic_names(patient_id: int) -> list[str]:
    """The names of the clinics the patient shares with now, oldest link first."""
    return list(
        db.session.scalars(
            sa.select(Clinic.name)
            .join(CareLink, CareLink.clinic_id == Clinic.id)
            .where(CareLink.patient_id == patient_id, CareLink.withdrawn_at.is_(None))
            .order_by(CareLink.consented_at, Clinic.id)
        ).all()
    )


def _alerts(patient_id: int, session_id: int, clinic_id: int | None) -> list[AlertSummary]:
    """The session's alerts, oldest first: the clinic's own (`clinic_id`), else those the patient is shown.

    The patient is shown alerts at clinics they share with now, and not those the app closed by
    itself (no one saw them). The acknowledgement note stays within the clinic: it is never read here.
    """
    query = (
        sa.select(Alert, Clinic.name)
        .join(Clinic, Clinic.id == Alert.clinic_id)
        .where(Alert.patient_id == patient_id, Alert.session_id == session_id)
        .order_by(Alert.created_at, Alert.id)
    )
    if clinic_id is not None:
        query = query.where(Alert.clinic_id == clinic_id)
    else:
        query = query.join(
            CareLink, sa.and_(CareLink.clinic_id == Alert.clinic_id, CareLink.patient_id == Alert.patient_id)
        ).where(
            CareLink.withdrawn_at.is_(None),
            ~sa.and_(
                Alert.acknowledged_at.is_not(None),
                Alert.acknowledged_by_id.is_(None),
                Alert.acknowledgement_note.startswith(ALERT_CLOSED_AUTOMATICALLY),
            ),
        )
    return [
        AlertSummary(
            clinic_name=name,
            alerted_at=alert.created_at,
            seen=tuple(flag.reason for flag in alert.flags),
            acknowledged_at=alert.acknowledged_at,
            acknowledged_by=(alert.acknowledged_by.name or "") if alert.acknowledged_by else "",
            closed_automatically=alert.closed_automatically,
            message_to_patient=alert.message_to_patient if alert.acknowledged_at else "",
        )
        for alert, name in db.session.execute(query).all()
    ]


def screen_photo_url(photo: Photo) -> str:
    """The address of a photo's screen-size image, for a signed-in patient or their clinic."""
    return url_for("gallery.photo_file", photo_id=photo.id, variant="screen")
