"""How a patient reaches their clinic: its profile, edited by its practitioners, and what it saw of their alerts."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core import opening_hours
from app.extensions import db
from app.models import ALERT_CLOSED_AUTOMATICALLY, Alert, CareLink, Clinic, utcnow
from app.services import clinics

PROFILE_FIELDS = (
    "name",
    "phone",
    "email",
    "timezone",
    *(f"hours_{day}" for day in opening_hours.WEEKDAYS),
    "after_hours_advice",
    "emergency_advice",
)
# Episodes a session page lists, newest first: enough for a bad week, short at 360 px.
ALERTS_SHOWN = 5


def update_profile(clinic, practitioner, values):
    """Store the clinic's profile from validated ``values`` (every field of PROFILE_FIELDS), and audit it."""
    for field in PROFILE_FIELDS:
        # A field left out of the post (no browser does that) reads as None: store it as empty.
        setattr(clinic, field, values[field] or "")
    clinics.add_audit_event(practitioner, "edit_clinic_profile")
    db.session.commit()


@dataclass(frozen=True)
class ClinicContact:
    """What a patient is shown to reach one clinic, as of now."""

    name: str
    phone: str
    tel: str
    email: str
    today: str  # "Open today 09:00–17:30", "Closed today", or "" if the clinic gave no hours
    zone: str
    is_open: bool | None  # None when the clinic gave no hours: nobody can say
    after_hours_advice: str  # only when closed
    emergency_advice: str


def contact_of(clinic: Clinic, now: datetime) -> ClinicContact:
    """The clinic's contact as a patient sees it at ``now``."""
    week = opening_hours.Week.from_texts(
        {day: getattr(clinic, f"hours_{day}") for day in opening_hours.WEEKDAYS}, clinic.timezone
    )
    is_open = week.is_open(now) if week else None
    return ClinicContact(
        name=clinic.name,
        phone=clinic.phone,
        tel=opening_hours.tel_href(clinic.phone),
        email=clinic.email,
        today=week.today_words(now) if week else "",
        zone=clinic.timezone if week else "",
        is_open=is_open,
        after_hours_advice=clinic.after_hours_advice if is_open is False else "",
        emergency_advice=clinic.emergency_advice,
    )


def contacts_for_patient(patient_id, now=None):
    """The contact of every clinic the patient shares with, oldest link first; empty if none."""
    now = now or utcnow()
    shared = db.session.scalars(
        sa.select(Clinic)
        .join(CareLink, CareLink.clinic_id == Clinic.id)
        .where(CareLink.patient_id == patient_id, CareLink.withdrawn_at.is_(None))
        .order_by(CareLink.consented_at, Clinic.id)
    ).all()
    return [contact_of(clinic, now) for clinic in shared]


@dataclass(frozen=True)
class AlertForPatient:
    """What the patient is told of one alert: when the clinic was alerted, and who saw it, when, and their message.

    Built here so that a page for the patient never holds the alert itself, nor its private note.
    """

    clinic_name: str
    alerted_at: datetime
    seen_at: datetime | None
    seen_by: str
    message: str


def alerts_for_patient_session(patient_id, session_id):
    """The session's alerts at clinics the patient shares with, newest first; those the app closed are left out."""
    rows = db.session.execute(
        sa.select(Alert, Clinic.name)
        .join(Clinic, Clinic.id == Alert.clinic_id)
        .join(CareLink, sa.and_(CareLink.clinic_id == Alert.clinic_id, CareLink.patient_id == Alert.patient_id))
        .where(
            Alert.patient_id == patient_id,
            Alert.session_id == session_id,
            CareLink.withdrawn_at.is_(None),
            # Not closed by the app when the flags went: nobody saw those.
            ~sa.and_(
                Alert.acknowledged_at.is_not(None),
                Alert.acknowledged_by_id.is_(None),
                Alert.acknowledgement_note.startswith(ALERT_CLOSED_AUTOMATICALLY),
            ),
        )
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(ALERTS_SHOWN)
    ).all()
    return [
        AlertForPatient(
            clinic_name=name,
            alerted_at=alert.created_at,
            seen_at=alert.acknowledged_at,
            seen_by=(alert.acknowledged_by.name or "a practitioner") if alert.acknowledged_by else "a practitioner",
            message=alert.message_to_patient if alert.acknowledged_at else "",
        )
        for alert, name in rows
    ]
