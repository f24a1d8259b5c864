"""Clinics, their practitioners, invites, and patients' consent to share."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    INVITE_PATIENT,
    ROLE_PATIENT,
    ROLE_PRACTITIONER,
    AuditEvent,
    CareLink,
    Clinic,
    Invite,
    User,
    utcnow,
)

INVITE_LIFETIME = timedelta(days=7)
# No 0/O, 1/I/L: a code read out over the phone is typed right first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def create_clinic(clinic_name, email, password, name=""):
    """A new clinic with its first practitioner; None if the email was taken meanwhile."""
    clinic = Clinic(name=clinic_name)
    practitioner = User(email=email, name=name, role=ROLE_PRACTITIONER, clinic=clinic)
    practitioner.set_password(password)
    db.session.add_all([clinic, practitioner])
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return practitioner


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_code(code):
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code):
    return f"{code[:4]}-{code[4:]}" if code else ""


def create_invite(clinic_id, created_by, kind=INVITE_PATIENT, name=""):
    """A new single-use invite; returns it with the link token, which is shown once and never stored."""
    token = secrets.token_urlsafe(24)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) if kind == INVITE_PATIENT else None
    invite = Invite(
        clinic_id=clinic_id,
        created_by_id=created_by.id,
        kind=kind,
        name=name,
        token_hash=_token_hash(token),
        code=code,
        expires_at=utcnow() + INVITE_LIFETIME,
    )
    db.session.add(invite)
    db.session.commit()
    return invite, token


def find_invite(key, kind):
    """The invite behind a link token or a short code, or None (unknown, tampered, wrong kind)."""
    if not key or len(key) > 100:
        return None
    match = (
        sa.or_(Invite.token_hash == _token_hash(key), Invite.code == normalise_code(key))
        if kind == INVITE_PATIENT
        else Invite.token_hash == _token_hash(key)
    )
    return db.session.scalar(sa.select(Invite).where(match, Invite.kind == kind))


def invite_problem(invite):
    """Why an invite cannot be used now, in words; None when it can."""
    if invite.used_at is not None:
        return _("This invite has already been used. Ask your clinic for a new one.")
    if invite.expires_at <= utcnow():
        return _("This invite has expired. Ask your clinic for a new one.")
    return None


def _use(invite, user):
    # The WHERE makes using an invite atomic: of two tabs accepting at once, one wins.
    used = db.session.execute(
        sa.update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=utcnow(), used_by_id=user.id)
    ).rowcount
    return used == 1


def accept_patient_invite(invite, patient):
    """Share the patient's data with the invite's clinic. False if the invite was used meanwhile."""
    if not _use(invite, patient):
        db.session.rollback()
        return False
    if active_link(invite.clinic_id, patient.id) is None:
        db.session.add(CareLink(clinic_id=invite.clinic_id, patient_id=patient.id))
    if invite.name and not patient.name:
        patient.name = invite.name
    db.session.commit()
    return True


def join_as_new_patient(invite, email, password, timezone=None, name=""):
    """A new patient account that shares with the invite's clinic, made in one transaction.

    None if the invite was used meanwhile or the email was taken: then nothing is stored.
    """
    patient = User(email=email, name=name or invite.name or "", role=ROLE_PATIENT, timezone=timezone or "UTC")
    patient.set_password(password)
    db.session.add(patient)
    try:
        db.session.flush()
        if not _use(invite, patient):
            db.session.rollback()
            return None
        db.session.add(CareLink(clinic_id=invite.clinic_id, patient_id=patient.id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return patient


def accept_practitioner_invite(invite, email, password, name=""):
    """A new practitioner account in the invite's clinic; None if the email or invite was taken."""
    user = User(email=email, name=name, role=ROLE_PRACTITIONER, clinic_id=invite.clinic_id)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
        if not _use(invite, user):
            db.session.rollback()
            return None
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return user


def active_link(clinic_id, patient_id):
    return db.session.scalar(
        sa.select(CareLink).where(
            CareLink.clinic_id == clinic_id, CareLink.patient_id == patient_id, CareLink.withdrawn_at.is_(None)
        )
    )


def active_clinic_ids(patient_id):
    return db.session.scalars(
        sa.select(CareLink.clinic_id).where(CareLink.patient_id == patient_id, CareLink.withdrawn_at.is_(None))
    ).all()


def links_of(patient_id):
    """All of a patient's clinic links, active first, then the newest."""
    return db.session.scalars(
        sa.select(CareLink)
        .where(CareLink.patient_id == patient_id)
        .order_by(CareLink.withdrawn_at.is_not(None), CareLink.consented_at.desc())
    ).all()


def withdraw(link):
    link.withdrawn_at = utcnow()
    db.session.commit()


def record_audit(practitioner, action, patient_id=None):
    """Write who did what to whose data, and commit it."""
    add_audit_event(practitioner, action, patient_id)
    db.session.commit()


def add_audit_event(practitioner, action, patient_id=None):
    """Add who did what to whose data, uncommitted: the caller commits it with its change."""
    db.session.add(
        AuditEvent(clinic_id=practitioner.clinic_id, actor_id=practitioner.id, patient_id=patient_id, action=action)
    )


def audit_for_patient(patient_id, limit=100):
    return db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.patient_id == patient_id)
        .order_by(AuditEvent.created_at.desc())
        .limit(limit)
    ).all()


def audit_for_clinic(clinic_id, page, per_page=50):
    return db.paginate(
        sa.select(AuditEvent).where(AuditEvent.clinic_id == clinic_id).order_by(AuditEvent.created_at.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
