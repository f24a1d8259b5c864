"""FHIR R4 export of one patient's record: reads the rows, app/core/fhir.py maps them."""

import json

import sqlalchemy as sa

from app.core import fhir
from app.core.vocabulary import SCORE_LABELS, WARNING_SIGNS
from app.extensions import db
from app.models import TreatmentSession, utcnow


def _log(log):
    return {
        "id": log.id,
        "logged_at": log.logged_at,
        **{key: getattr(log, key) for key in SCORE_LABELS},
        **{key: getattr(log, key) for key in WARNING_SIGNS},
    }


def patient_bundle(patient):
    """The FHIR R4 collection Bundle (a dict) of one patient's sessions and logs."""
    treatments = db.session.scalars(
        sa.select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient.id)
        .order_by(TreatmentSession.performed_at, TreatmentSession.id)
    ).all()
    sessions = [
        {
            "id": t.id,
            "performed_at": t.performed_at,
            "device": t.device,
            "needle_depth_mm": t.needle_depth_mm,
            "areas": list(t.areas or []),
            "logs": [_log(log) for log in sorted(t.logs, key=lambda log: (log.logged_at, log.id))],
        }
        for t in treatments
    ]
    return fhir.bundle({"id": patient.id, "name": patient.name}, sessions, utcnow())


def patient_bundle_json(patient):
    """The Bundle as JSON text for a download."""
    return json.dumps(patient_bundle(patient), indent=2, ensure_ascii=False)
