"""Everything the app holds about a patient, to take away or to erase."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from app.core.vocabulary import STATUS_WORDS
from app.extensions import db
from app.models import Alert, AuditEvent, CareLink, TreatmentSession, User
from app.services import photos, share_links


def _iso(moment):
    return moment.isoformat() if moment else None


def export_patient(patient: User) -> dict:
    """The patient's account, sessions with every log and photo, clinic sharing, alerts and audit trail."""
    sessions = db.session.scalars(
        patient.sessions.select()
        .order_by(TreatmentSession.performed_at)
        .options(so.selectinload(TreatmentSession.logs), so.selectinload(TreatmentSession.photos))
    ).all()
    links = db.session.scalars(sa.select(CareLink).where(CareLink.patient_id == patient.id)).all()
    alerts = db.session.scalars(
        sa.select(Alert).where(Alert.patient_id == patient.id).order_by(Alert.created_at, Alert.id)
    ).all()
    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.patient_id == patient.id)).all()
    return {
        "account": {
            "email": patient.email,
            "name": patient.name,
            "timezone": patient.timezone,
            "created_at": _iso(patient.created_at),
        },
        "sessions": [
            {
                "performed_at": _iso(s.performed_at),
                "needle_depth_mm": s.needle_depth_mm,
                "device": s.device,
                "areas": s.areas,
                "concerns": s.concerns,
                "series_number": s.series_number,
                "notes": s.notes,
                "status": STATUS_WORDS[s.status],
                "recorded_by_clinic": s.recorded_by_clinic_id is not None,
                "usual_skin": (
                    {**s.usual_skin.__dict__, "logged_at": _iso(s.usual_skin_logged_at)} if s.usual_skin else None
                ),
                "logs": [
                    {
                        "logged_at": _iso(log.logged_at),
                        "redness": log.redness,
                        "swelling": log.swelling,
                        "peeling": log.peeling,
                        "pain": log.pain,
                        "itch": log.itch,
                        "bruising": log.bruising,
                        "warning_signs": sorted(log.warning_signs),
                        "improvement": log.improvement,
                        "note": log.note,
                    }
                    for log in sorted(s.logs, key=lambda log: log.logged_at)
                ],
                # The photos themselves are downloaded one by one from the Photos page (these paths).
                "photos": [
                    {
                        "taken_at": _iso(photo.taken_at),
                        "path": url_for("gallery.photo_file", photo_id=photo.id, variant="screen"),
                    }
                    for photo in s.photos
                ],
            }
            for s in sessions
        ],
        "clinics": [
            {
                "clinic": link.clinic.name,
                "consented_at": _iso(link.consented_at),
                "withdrawn_at": _iso(link.withdrawn_at),
            }
            for link in links
        ],
        # One per episode a clinic was alerted to, with every warning sign it listed.
        "alerts": [
            {
                "raised_at": _iso(a.created_at),
                "ended_at": _iso(a.ended_at),
                "acknowledged_at": _iso(a.acknowledged_at),
                "flags": [
                    {"raised_at": _iso(f.raised_at), "reason": f.reason, "what_to_do": f.action} for f in a.flags
                ],
            }
            for a in alerts
        ],
        # What each share link showed and for how long, and when it was opened; never its secret or hash.
        "share_links": [
            {
                "label": row.link.label,
                "session_performed_at": _iso(row.link.session.performed_at) if row.link.session else None,
                "whole_series": row.link.session_id is None,
                "include_photos": row.link.include_photos,
                "created_at": _iso(row.link.created_at),
                "expires_at": _iso(row.link.expires_at),
                "revoked_at": _iso(row.link.revoked_at),
                "opened": [_iso(moment) for moment in share_links.view_times(row.link)],
            }
            for row in share_links.links_of(patient)
        ],
        "clinic_access": [
            {"at": _iso(e.created_at), "action": e.action_label, "by": e.actor.display_name if e.actor else None}
            for e in audit
        ],
    }


def delete_patient(patient: User) -> None:
    """Erase the patient and everything that hangs off them (the database cascades the rest).

    Their photos' files go once the rows are gone.
    """
    file_keys = photos.file_keys(patient_id=patient.id)
    db.session.delete(patient)
    db.session.commit()
    photos.remove_files(file_keys)
