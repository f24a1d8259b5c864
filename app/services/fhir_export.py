"""FHIR R4 export of one patient's record: reads the rows and photo files, app/core/fhir.py maps them."""

import json

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, url_for

from app.core import fhir
from app.core.vocabulary import SCORE_LABELS, WARNING_SIGNS
from app.extensions import db
from app.models import TreatmentSession, utcnow
from app.services import photos

# ?include=photo-data embeds each photo's screen copy (JPEG, longest side 1600 px) in its Media.
INCLUDE_PHOTO_DATA = "photo-data"
# Base64 adds a third and the JSON text is built in memory: a photo that would take the embedded
# bytes past this keeps its link only, so one download cannot take a worker's memory.
MAX_EMBEDDED_PHOTO_BYTES = 25 * 1024 * 1024


def photo_data_wanted(args):
    """True for ?include=photo-data, False without include; any other include answers 400."""
    included = args.getlist("include")
    if any(value != INCLUDE_PHOTO_DATA for value in included):
        abort(400)
    return bool(included)


def _log(log):
    return {
        "id": log.id,
        "logged_at": log.logged_at,
        **{key: getattr(log, key) for key in SCORE_LABELS},
        **{key: getattr(log, key) for key in WARNING_SIGNS},
        "bruising": log.bruising,
        "improvement": log.improvement,
        "note": log.note,
    }


class _PhotoReader:
    """Each photo's link, size and (when asked, within the budget) bytes."""

    def __init__(self, with_data, budget):
        self.with_data = with_data
        self.budget = budget

    def __call__(self, photo):
        try:
            size = photos.file_size(photo.file_key, "screen")
            data = None
            if self.with_data and size <= self.budget:
                data = photos.read_file(photo.file_key, "screen")
                self.budget -= len(data)
        except FileNotFoundError:  # never expected (files go first, rows after); the link still says which
            size = data = None
        return {
            "id": photo.id,
            "taken_at": photo.taken_at,
            "width": photo.width,
            "height": photo.height,
            # The access-checked route answers the patient and, while they share, their clinic.
            "url": url_for("gallery.photo_file", photo_id=photo.id, variant="screen", _external=True),
            "size": size,
            "data": data,
        }


def patient_bundle(patient, photo_data=False, photo_data_budget=MAX_EMBEDDED_PHOTO_BYTES):
    """The FHIR R4 collection Bundle (a dict) of one patient's sessions, logs and photos (needs a request)."""
    treatments = db.session.scalars(
        sa.select(TreatmentSession)
        .where(TreatmentSession.patient_id == patient.id)
        .options(so.selectinload(TreatmentSession.logs), so.selectinload(TreatmentSession.photos))
        .order_by(TreatmentSession.performed_at, TreatmentSession.id)
    ).all()
    read_photo = _PhotoReader(photo_data, photo_data_budget)
    sessions = [
        {
            "id": t.id,
            "performed_at": t.performed_at,
            "device": t.device,
            "needle_depth_mm": t.needle_depth_mm,
            "areas": list(t.areas or []),
            "notes": t.notes,
            "logs": [_log(log) for log in sorted(t.logs, key=lambda log: (log.logged_at, log.id))],
            "photos": [read_photo(p) for p in sorted(t.photos, key=lambda p: (p.taken_at, p.id))],
        }
        for t in treatments
    ]
    return fhir.bundle({"id": patient.id, "name": patient.name}, sessions, utcnow())


def patient_bundle_json(patient, photo_data=False):
    """The Bundle as JSON text for a download."""
    return json.dumps(patient_bundle(patient, photo_data), indent=2, ensure_ascii=False)
