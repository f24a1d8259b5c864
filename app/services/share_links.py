"""Share links: a read-only view of one session or the whole series for a doctor without an account.

The link's secret is shown to the patient once; the database keeps only its SHA-256, so a copy
of the database opens nothing. A link answers until it expires or is revoked, and goes with its
session or the patient's account. Each opening is recorded for the patient to see.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Photo, ShareLink, ShareLinkView, TreatmentSession, User, utcnow

TOKEN_BYTES = 32
# What secrets.token_urlsafe(TOKEN_BYTES) gives: anything else is refused before a query.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
EXPIRY_DAYS = (1, 7, 30)
DEFAULT_EXPIRY_DAYS = 7
LABEL_MAX = 80
SERIES = "series"  # the form's choice for every session rather than one


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    patient: User, treatment: TreatmentSession | None, include_photos: bool, days: int, label: str = ""
) -> tuple[ShareLink, str]:
    """A new link to ``treatment`` (None: the whole series) for ``days``; its secret is returned, never stored."""
    if days not in EXPIRY_DAYS:
        raise ValueError(f"a share link lasts one of {EXPIRY_DAYS} days")
    if treatment is not None and treatment.patient_id != patient.id:
        raise ValueError("a patient shares only their own sessions")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    link = ShareLink(
        patient_id=patient.id,
        session_id=treatment.id if treatment is not None else None,
        token_hash=_token_hash(token),
        label=label.strip()[:LABEL_MAX],
        include_photos=include_photos,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(link)
    db.session.commit()
    return link, token


def revoke(link: ShareLink) -> None:
    """Stop the link at once: it answers 404 from now on (its views stay listed)."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.session.commit()


def is_live(link: ShareLink, now: datetime | None = None) -> bool:
    """Whether the link still opens: not revoked and not expired."""
    return link.revoked_at is None and (now or utcnow()) < link.expires_at


def open_link(token: str) -> ShareLink | None:
    """The live link this token opens; None for a malformed, unknown, expired or revoked one.

    Looked up by the token's hash, so comparing never leaks the stored value by its timing.
    """
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    link = db.session.scalar(sa.select(ShareLink).where(ShareLink.token_hash == _token_hash(token)))
    return link if link is not None and is_live(link) else None


def record_view(link: ShareLink) -> None:
    """Note that someone opened the link now (the patient sees it on their Sharing page)."""
    db.session.add(ShareLinkView(share_link_id=link.id, viewed_at=utcnow()))
    db.session.commit()


def shared_sessions(link: ShareLink) -> list[TreatmentSession]:
    """What the link shows: its one session, or every session of the patient, oldest first."""
    if link.session_id is not None:
        return [link.session]
    return list(
        db.session.scalars(
            sa.select(TreatmentSession)
            .where(TreatmentSession.patient_id == link.patient_id)
            .order_by(TreatmentSession.performed_at, TreatmentSession.id)
        )
    )


def shared_photo(link: ShareLink, photo_id: int) -> Photo | None:
    """The photo, if the link shares photos and the photo belongs to what it shares; else None."""
    if not link.include_photos:
        return None
    query = sa.select(Photo).join(TreatmentSession).where(Photo.id == photo_id)
    if link.session_id is not None:
        query = query.where(Photo.session_id == link.session_id)
    else:
        query = query.where(TreatmentSession.patient_id == link.patient_id)
    return db.session.scalar(query)


def own_link(patient: User, link_id: int) -> ShareLink | None:
    """One of the patient's links by id; None for another patient's or a missing one."""
    return db.session.scalar(sa.select(ShareLink).where(ShareLink.id == link_id, ShareLink.patient_id == patient.id))


def link_if_current(patient: User, token: str | None) -> ShareLink | None:
    """The patient's live link for a token just created (to show it once), else None."""
    link = open_link(token) if token else None
    return link if link is not None and link.patient_id == patient.id else None


@dataclass(frozen=True)
class LinkRow:
    """A link as the patient's list shows it."""

    link: ShareLink
    views: int
    live: bool


@dataclass(frozen=True)
class LinkViewRow:
    """One opening of one of the patient's links, for "who looked at your record"."""

    viewed_at: datetime
    link: ShareLink


def links_of(patient: User) -> list[LinkRow]:
    """The patient's links, newest first, each with how often it was opened and whether it still works."""
    views = (
        sa.select(sa.func.count(ShareLinkView.id))
        .where(ShareLinkView.share_link_id == ShareLink.id)
        .correlate(ShareLink)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(ShareLink, views)
        .where(ShareLink.patient_id == patient.id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    ).all()
    now = utcnow()
    return [LinkRow(link, count, is_live(link, now)) for link, count in rows]


def views_of(patient: User, limit: int = 50) -> list[LinkViewRow]:
    """The latest openings of the patient's links, newest first."""
    rows = db.session.execute(
        sa.select(ShareLinkView.viewed_at, ShareLink)
        .join(ShareLink)
        .where(ShareLink.patient_id == patient.id)
        .order_by(ShareLinkView.viewed_at.desc(), ShareLinkView.id.desc())
        .limit(limit)
    ).all()
    return [LinkViewRow(viewed_at, link) for viewed_at, link in rows]


def choosable_sessions(patient: User) -> list[TreatmentSession]:
    """The patient's sessions a link may share, newest first."""
    return list(db.session.scalars(patient.sessions.select().order_by(TreatmentSession.performed_at.desc())))


def session_of(patient: User, session_id: int) -> TreatmentSession | None:
    """The patient's own session by id, else None."""
    return db.session.scalar(
        sa.select(TreatmentSession).where(TreatmentSession.id == session_id, TreatmentSession.patient_id == patient.id)
    )


def view_times(link: ShareLink) -> list[datetime]:
    """When the link was opened, oldest first."""
    return list(
        db.session.scalars(
            link.views.select().with_only_columns(ShareLinkView.viewed_at).order_by(ShareLinkView.viewed_at)
        )
    )
