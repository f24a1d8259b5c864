"""Database tables: users and clinics, treatment sessions, symptom logs."""

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.core import recovery
from app.core.recovery import Baseline, hours_since_session
from app.core.vocabulary import AREAS, CONCERNS, DEVICES, IMPROVEMENT_CHOICES, NO_LOGS, WARNING_SIGNS
from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes as naive UTC and hands them back aware.

    SQLite has no time zone type; keeping every column in UTC means a log
    typed at 21:30 in Sydney and one typed at 21:30 in London sort correctly.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


ROLE_PATIENT = "patient"
ROLE_PRACTITIONER = "practitioner"


class Clinic(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The profile patients see: the phone as typed (tel: links drop the punctuation), hours per weekday
    # as "09:00-17:30" or empty for closed, read in ``timezone``.
    phone: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    hours_monday: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    hours_tuesday: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    hours_wednesday: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    hours_thursday: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    hours_friday: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    hours_saturday: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    hours_sunday: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    after_hours_advice: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    emergency_advice: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    members: so.WriteOnlyMapped["User"] = so.relationship(back_populates="clinic")

    def __repr__(self):
        return f"<Clinic {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=ROLE_PATIENT)
    clinic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("clinic.id"), index=True)
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The language chosen on the account page (None: follow the browser), and the one the browser asked
    # for at the last log-in, which emails and push messages use when nothing was chosen.
    language: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    browser_language: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    # Reminders (patients): by email unless unsubscribed, by push to each subscribed device unless turned
    # off; none between the quiet hours ("HH:MM", in ``timezone``; start after end wraps past midnight).
    remind_by_email: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    remind_by_push: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    quiet_hours_start: so.Mapped[str] = so.mapped_column(sa.String(5), default="21:00", server_default="21:00")
    quiet_hours_end: so.Mapped[str] = so.mapped_column(sa.String(5), default="08:00", server_default="08:00")
    # The private calendar feed's secret, kept only as its SHA-256; None when there is no feed (or it was revoked).
    calendar_token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    # The series the patient (or their clinic) plans: how many sessions (3-6), how many weeks apart (4-6).
    planned_sessions: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    planned_interval_weeks: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    # Clinic notifications (practitioners): opted in per channel; when the last one went (at most one per 15 min).
    notify_alerts_by_email: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    notify_alerts_by_push: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    alerts_notified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    clinic: so.Mapped[Clinic | None] = so.relationship(back_populates="members")
    sessions: so.WriteOnlyMapped["TreatmentSession"] = so.relationship(
        back_populates="patient", cascade="all, delete-orphan", passive_deletes=True
    )
    logins: so.WriteOnlyMapped["UserLogin"] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    share_links: so.WriteOnlyMapped["ShareLink"] = so.relationship(
        back_populates="patient", cascade="all, delete-orphan", passive_deletes=True
    )

    # The log-in this request came with (set by app.services.logins when the user is loaded or logs in); never stored.
    current_login = None

    __table_args__ = (
        sa.CheckConstraint("role IN ('patient', 'practitioner')", name="role"),
        sa.CheckConstraint("planned_sessions IS NULL OR planned_sessions BETWEEN 3 AND 6", name="planned_sessions"),
        sa.CheckConstraint(
            "planned_interval_weeks IS NULL OR planned_interval_weeks BETWEEN 4 AND 6", name="planned_interval_weeks"
        ),
    )

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """The token of this device's log-in, which the session and remember cookies carry (never the user id)."""
        if self.current_login is None or self.current_login.token is None:
            raise RuntimeError("log in through app.services.logins.start(), which creates the device's log-in")
        return self.current_login.token

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def is_patient(self) -> bool:
        return self.role == ROLE_PATIENT

    @property
    def is_practitioner(self) -> bool:
        return self.role == ROLE_PRACTITIONER

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


class UserLogin(db.Model):
    """One device's log-in: the cookie carries a random token, the table only its SHA-256.

    Revoked at log-out (or by "Log out everywhere", a password change or reset), and refused
    once expired, so a copied session or remember cookie stops working.
    """

    __tablename__ = "user_login"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    device: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(back_populates="logins")

    # The token itself, known only in the request that created or presented it; never stored.
    token = None

    def __repr__(self):
        return f"<UserLogin {self.id} user={self.user_id}>"


# All three levels of the usual skin, each 0-4, with the moment it was logged; or none of them.
USUAL_SKIN_CHECK = (
    "(usual_skin_logged_at IS NULL AND usual_redness IS NULL AND usual_swelling IS NULL AND usual_peeling IS NULL)"
    " OR (usual_skin_logged_at IS NOT NULL"
    " AND usual_redness BETWEEN 0 AND 4 AND usual_swelling BETWEEN 0 AND 4 AND usual_peeling BETWEEN 0 AND 4)"
)


class TreatmentSession(db.Model):
    """One microneedling treatment, as the patient (or later the clinic) records it."""

    __tablename__ = "treatment_session"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    patient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    performed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    needle_depth_mm: so.Mapped[float | None] = so.mapped_column(sa.Float)
    device: so.Mapped[str] = so.mapped_column(sa.String(20))
    areas: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    concerns: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    series_number: so.Mapped[int | None] = so.mapped_column()
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The recovery status as of the latest log, kept so the clinic dashboard can
    # sort thousands of patients without re-running the model for each. A key of
    # vocabulary.STATUS_WORDS, never the words, so rewording needs no migration.
    status: so.Mapped[str] = so.mapped_column(sa.String(24), default=NO_LOGS, server_default=NO_LOGS)
    # "My usual skin", logged by the patient as it was before the session: all three levels or none.
    usual_redness: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    usual_swelling: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    usual_peeling: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    usual_skin_logged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Set when the clinic recorded the session: device, depth and areas are then its record.
    recorded_by_clinic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("clinic.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    patient: so.Mapped[User] = so.relationship(back_populates="sessions")
    logs: so.Mapped[list["SymptomLog"]] = so.relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SymptomLog.logged_at.desc()",
    )
    photos: so.Mapped[list["Photo"]] = so.relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Photo.taken_at",
    )

    __table_args__ = (
        sa.CheckConstraint(
            "needle_depth_mm IS NULL OR (needle_depth_mm >= 0 AND needle_depth_mm <= 3)", name="needle_depth"
        ),
        sa.CheckConstraint(USUAL_SKIN_CHECK, name="usual_skin"),
    )

    @property
    def usual_skin(self) -> Baseline | None:
        """The patient's usual skin before this session, if they logged it."""
        if self.usual_skin_logged_at is None:
            return None
        return Baseline(self.usual_redness, self.usual_swelling, self.usual_peeling)

    @property
    def device_label(self) -> str:
        # str(): the vocabulary's words are lazy; the label is read in the language of the moment.
        return str(DEVICES.get(self.device, self.device))

    @property
    def area_labels(self) -> list[str]:
        return [str(AREAS.get(a, a)) for a in self.areas]

    @property
    def concern_labels(self) -> list[str]:
        return [str(CONCERNS.get(c, c)) for c in self.concerns]

    def __repr__(self):
        return f"<TreatmentSession {self.id} {self.performed_at:%Y-%m-%d}>"


# One yes/no column per warning sign, declared below and checked against the vocabulary by
# tests/integration/test_vocabulary_in_use.py: a new sign needs a column and a migration.
WARNING_SIGN_COLUMNS = tuple(WARNING_SIGNS)


class SymptomLog(db.Model):
    """What the patient saw at one moment after a session."""

    __tablename__ = "symptom_log"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("treatment_session.id", ondelete="CASCADE"))
    logged_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    redness: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    swelling: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    peeling: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    pain: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    itch: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    bruising: so.Mapped[bool] = so.mapped_column(default=False)
    pus: so.Mapped[bool] = so.mapped_column(default=False)
    fever: so.Mapped[bool] = so.mapped_column(default=False)
    blisters: so.Mapped[bool] = so.mapped_column(default=False)
    rash: so.Mapped[bool] = so.mapped_column(default=False)
    worse_again: so.Mapped[bool] = so.mapped_column(default=False)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Made on the phone as the form opens (by the server without JavaScript), and anew for
    # each log saved offline, so a log sent twice (a double tap, a resend after a lost
    # answer) is stored once: unique within its session (see records.save_new_log).
    client_id: so.Mapped[str | None] = so.mapped_column(sa.String(36))
    # Global Aesthetic Improvement Scale, asked from day 7 (vocabulary.IMPROVEMENT_CHOICES).
    improvement: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    session: so.Mapped[TreatmentSession] = so.relationship(back_populates="logs")

    __table_args__ = (
        # The newest log of a session is looked up often (dashboard, history).
        sa.Index("ix_symptom_log_session_id_logged_at", "session_id", "logged_at"),
        # A resend is the same form sent again to the same session: another session's id is another log.
        sa.UniqueConstraint("session_id", "client_id", name="uq_symptom_log_session_client_id"),
        sa.CheckConstraint("redness BETWEEN 0 AND 4", name="redness"),
        sa.CheckConstraint("swelling BETWEEN 0 AND 4", name="swelling"),
        sa.CheckConstraint("peeling BETWEEN 0 AND 4", name="peeling"),
        sa.CheckConstraint("pain IS NULL OR pain BETWEEN 0 AND 10", name="pain"),
        sa.CheckConstraint("itch IS NULL OR itch BETWEEN 0 AND 10", name="itch"),
    )

    @property
    def warning_signs(self) -> frozenset[str]:
        return frozenset(name for name in WARNING_SIGN_COLUMNS if getattr(self, name))

    @property
    def improvement_label(self) -> str | None:
        return IMPROVEMENT_CHOICES.get(self.improvement) if self.improvement else None

    @property
    def warning_sign_labels(self) -> list[str]:
        return [str(WARNING_SIGNS[name]) for name in WARNING_SIGN_COLUMNS if getattr(self, name)]

    def __repr__(self):
        return f"<SymptomLog {self.id} session={self.session_id}>"


class Photo(db.Model):
    """A progress photo of a session. Its files live outside the database (app.services.photos)."""

    __tablename__ = "photo"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("treatment_session.id", ondelete="CASCADE"), index=True)
    taken_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    # Random, unguessable, and the only link to the files: never a name the phone sent.
    file_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    width: so.Mapped[int] = so.mapped_column()
    height: so.Mapped[int] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    session: so.Mapped[TreatmentSession] = so.relationship(back_populates="photos")

    @property
    def days_since_session(self) -> int:
        return int(hours_since_session(self.session.performed_at, self.taken_at) // 24)

    def __repr__(self):
        return f"<Photo {self.id} session={self.session_id}>"


class CareLink(db.Model):
    """A patient's consent to share their logs and photos with a clinic, until withdrawn."""

    __tablename__ = "care_link"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    clinic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clinic.id", ondelete="CASCADE"), index=True)
    patient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    consented_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    clinic: so.Mapped[Clinic] = so.relationship()
    patient: so.Mapped[User] = so.relationship()

    __table_args__ = (
        # One active link per clinic and patient; withdrawn ones stay as history.
        sa.Index(
            "uq_care_link_active",
            "clinic_id",
            "patient_id",
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        ),
    )


INVITE_PATIENT = "patient"
INVITE_PRACTITIONER = "practitioner"


class Invite(db.Model):
    """A single-use, expiring link (and for patients a short code) to join a clinic."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    clinic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clinic.id", ondelete="CASCADE"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    # Only a hash of the link's token is kept: a leaked database cannot be used to join.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    code: so.Mapped[str | None] = so.mapped_column(sa.String(16), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    used_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    clinic: so.Mapped[Clinic] = so.relationship()

    __table_args__ = (sa.CheckConstraint("kind IN ('patient', 'practitioner')", name="kind"),)


# How the note of an alert closed by app.services.logbook (not by a practitioner) begins.
ALERT_CLOSED_AUTOMATICALLY = "Closed automatically"


class Alert(db.Model):
    """One episode of red flags of a session, raised on one clinic and acknowledged once.

    Every flag the model raises for the session while the episode is open joins
    it (its ``flags``). It ends (``ended_at``) when the model raises none of its
    flags any more; if no practitioner had acknowledged it by then, the logbook
    closes it, with no practitioner and a note saying which change closed it.
    Once acknowledged, it still covers its flags while they are raised, so the
    same flags never make a new alert; a new flag, or its flags coming back after
    it ended, start a new episode.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    clinic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clinic.id", ondelete="CASCADE"), index=True)
    patient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("treatment_session.id", ondelete="CASCADE"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    acknowledged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    acknowledged_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    acknowledgement_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Written for the patient and shown on their pages; the note above stays within the clinic.
    message_to_patient: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    patient: so.Mapped[User] = so.relationship(foreign_keys=[patient_id])
    acknowledged_by: so.Mapped[User | None] = so.relationship(foreign_keys=[acknowledged_by_id])
    session: so.Mapped[TreatmentSession] = so.relationship()
    flags: so.Mapped[list["AlertFlag"]] = so.relationship(
        back_populates="alert",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AlertFlag.id",
        lazy="selectin",
    )

    __table_args__ = (
        # One open episode per clinic and session: new flags join it.
        sa.Index(
            "uq_alert_open_episode",
            "clinic_id",
            "session_id",
            unique=True,
            sqlite_where=sa.text("acknowledged_at IS NULL"),
            postgresql_where=sa.text("acknowledged_at IS NULL"),
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def has_ended(self) -> bool:
        return self.ended_at is not None

    @property
    def closed_automatically(self) -> bool:
        return (
            self.acknowledged_at is not None
            and self.acknowledged_by_id is None
            and self.acknowledgement_note.startswith(ALERT_CLOSED_AUTOMATICALLY)
        )

    @property
    def raised_flags(self) -> list["AlertFlag"]:
        """The flags the model still raised at the session's latest change (none once it ended)."""
        return [flag for flag in self.flags if flag.cleared_at is None]

    @property
    def severity(self) -> str:
        """Its most urgent flag's severity: of the flags still raised, or of all once none is."""
        flags = self.raised_flags or self.flags
        return min((flag.severity for flag in flags), key=alert_urgency, default="")


def alert_urgency(severity):
    """Sort key of a flag's severity: the most urgent first, a severity that raises no alert last."""
    severities = recovery.ALERT_SEVERITIES
    return severities.index(severity) if severity in severities else len(severities)


class AlertFlag(db.Model):
    """One red flag of an alert episode, as the recovery model worded it when raised."""

    __tablename__ = "alert_flag"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    alert_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    flag_key: so.Mapped[str] = so.mapped_column(sa.String(40))
    severity: so.Mapped[str] = so.mapped_column(sa.String(10))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    action: so.Mapped[str] = so.mapped_column(sa.Text)
    raised_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # When the model stopped raising it (a correction, or the episode's end); None while raised.
    cleared_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    alert: so.Mapped[Alert] = so.relationship(back_populates="flags")

    __table_args__ = (sa.UniqueConstraint("alert_id", "flag_key"),)


class PractitionerNote(db.Model):
    """A private note about a patient, seen only by their clinic."""

    __tablename__ = "practitioner_note"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    clinic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clinic.id", ondelete="CASCADE"), index=True)
    patient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    author: so.Mapped[User | None] = so.relationship(foreign_keys=[author_id])


# Lazy: each is read in the language of the page (or export) that shows it.
AUDIT_ACTIONS = {
    "view_patient": _l("Viewed the record"),
    "view_photos": _l("Viewed the photos"),
    "export_patient": _l("Exported the logs (CSV)"),
    "export_patient_fhir": _l("Exported the record (FHIR)"),
    "export_clinic": _l("Exported all clinic logs (CSV)"),
    "record_session": _l("Recorded a session"),
    "acknowledge_alert": _l("Acknowledged an alert"),
    "acknowledge_all_alerts": _l("Acknowledged all open alerts"),
    "edit_clinic_profile": _l("Edited the clinic profile"),
    "edit_series_plan": _l("Changed the planned series"),
}


class AuditEvent(db.Model):
    """Who at a clinic looked at or exported whose data, and when."""

    __tablename__ = "audit_event"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    clinic_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clinic.id", ondelete="CASCADE"), index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    patient_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(30))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: so.Mapped[User | None] = so.relationship(foreign_keys=[actor_id])
    patient: so.Mapped[User | None] = so.relationship(foreign_keys=[patient_id])

    @property
    def action_label(self) -> str:
        return str(AUDIT_ACTIONS.get(self.action, self.action))


class PushSubscription(db.Model):
    """One browser's Web Push subscription (its endpoint and keys), removed when the push service says it is gone."""

    __tablename__ = "push_subscription"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    endpoint: so.Mapped[str] = so.mapped_column(sa.String(1000), unique=True)
    p256dh: so.Mapped[str] = so.mapped_column(sa.String(200))
    auth: so.Mapped[str] = so.mapped_column(sa.String(100))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    user: so.Mapped[User] = so.relationship()


DELIVERY_CHANNELS = ("email", "push")
DELIVERY_SENDING = "sending"  # claimed by one sender; never claimed again unless it failed
DELIVERY_SENT = "sent"
DELIVERY_FAILED = "failed"  # to be retried at next_attempt_at
DELIVERY_GAVE_UP = "gave_up"  # failed too often or too late to be worth sending


class Delivery(db.Model):
    """One message (a reminder or a clinic notification) to one user by one channel, recorded before it is sent.

    The unique (user, key, channel) is what makes sending exactly once: a sender claims a
    message by inserting its row, so a second run, or a second sender at the same moment,
    finds it taken. ``key`` names what the message is for, e.g. "session-12:checkin-1".
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("treatment_session.id", ondelete="CASCADE"), index=True
    )
    key: so.Mapped[str] = so.mapped_column(sa.String(80))
    channel: so.Mapped[str] = so.mapped_column(sa.String(10))
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default=DELIVERY_SENDING)
    attempts: so.Mapped[int] = so.mapped_column(sa.SmallInteger, default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Why the last attempt failed (the error's kind, never the message's content or the address).
    error: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", "channel"),
        sa.CheckConstraint("channel IN ('email', 'push')", name="channel"),
        sa.CheckConstraint("state IN ('sending', 'sent', 'failed', 'gave_up')", name="state"),
    )


class ShareLink(db.Model):
    """A patient's read-only link for a doctor without an account: one session or the whole series.

    Only the SHA-256 of its secret is kept. It works until ``expires_at`` or until revoked, and
    goes with its session (or the patient's account) when that is deleted.
    """

    __tablename__ = "share_link"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    patient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # None: the whole series, as it stands when the link is opened.
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("treatment_session.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    include_photos: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    patient: so.Mapped[User] = so.relationship(back_populates="share_links")
    session: so.Mapped[TreatmentSession | None] = so.relationship()
    views: so.WriteOnlyMapped["ShareLinkView"] = so.relationship(
        back_populates="link", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self):
        return f"<ShareLink {self.id} patient={self.patient_id}>"


class ShareLinkView(db.Model):
    """One opening of a share link: listed for the patient under "who looked at your record"."""

    __tablename__ = "share_link_view"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    share_link_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("share_link.id", ondelete="CASCADE"), index=True)
    viewed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    link: so.Mapped[ShareLink] = so.relationship(back_populates="views")
