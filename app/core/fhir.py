"""FHIR R4 (4.0.1) mapping of a patient's recovery record: plain data in, a collection Bundle (dict) out.

Pure Python like the rest of app/core: no Flask, no database, no clock. The service
app/services/fhir_export.py reads the rows and passes them here as plain dicts.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

from app.core.vocabulary import IMPROVEMENT_CHOICES, SCALE_WORDS, SCORE_LABELS, WARNING_SIGNS

CODE_SYSTEM_URL = "https://afterglow.example/fhir/CodeSystem/afterglow-scores"
# A fixed namespace makes every fullUrl the same on each export of the same rows.
_NAMESPACE = uuid.UUID("6b1f3f0e-2f5c-4d39-9a59-4b8f0a7c1e16")
# No SNOMED CT concept for microneedling was confirmed, so the Procedure carries text only.
PROCEDURE_TEXT = "Microneedling (collagen induction therapy)"
# Codes of the project CodeSystem beyond the scores and warning signs; their displays are FHIR's, not a page's.
BRUISING = "bruising"
IMPROVEMENT = "improvement"
NOTE = "note"
_DISPLAYS = {
    BRUISING: "Bruising",
    IMPROVEMENT: "Improvement since before the session (Global Aesthetic Improvement Scale)",
    NOTE: "Patient's note",
}
# Every log observation is patient-reported: FHIR's "survey" category says so to a receiving system.
_SURVEY = ("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")
_IMAGE = ("http://terminology.hl7.org/CodeSystem/media-type", "image", "Image")


def _hl7(concept: tuple[str, str, str]) -> dict:
    """A fresh CodeableConcept of an HL7 code (fresh, so no two resources share one dict)."""
    system, code, display = concept
    return {"coding": [{"system": system, "code": code, "display": display}]}


def full_url(resource_id: str) -> str:
    """The stable urn:uuid fullUrl of a resource id such as ``procedure-3``."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, resource_id)}"


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _improvement_code(key: str) -> str:
    return f"{IMPROVEMENT}-{key}"


def code_system() -> dict:
    """The project's CodeSystem: scores and their 0-4 levels, warning signs, bruising, improvement, note."""
    concepts = []
    for key, label in SCORE_LABELS.items():
        concept = {"code": key, "display": str(label)}
        if key in SCALE_WORDS:
            concept["concept"] = [
                {"code": f"{key}-{level}", "display": str(words)} for level, words in SCALE_WORDS[key].items()
            ]
        else:
            concept["definition"] = f"{label} scored by the patient from 0 (none) to 10 (worst)."
        concepts.append(concept)
    concepts.extend({"code": key, "display": str(words)} for key, words in WARNING_SIGNS.items())
    concepts.append(
        {"code": BRUISING, "display": _DISPLAYS[BRUISING], "definition": "Whether the patient saw some bruising."}
    )
    concepts.append(
        {
            "code": IMPROVEMENT,
            "display": _DISPLAYS[IMPROVEMENT],
            "definition": "The patient's own rating of the result, asked from day 7 after the session.",
            "concept": [
                {"code": _improvement_code(key), "display": str(words)} for key, words in IMPROVEMENT_CHOICES.items()
            ],
        }
    )
    concepts.append({"code": NOTE, "display": _DISPLAYS[NOTE], "definition": "Free text the patient wrote with a log."})
    return {
        "resourceType": "CodeSystem",
        "id": "afterglow-scores",
        "url": CODE_SYSTEM_URL,
        "name": "AfterglowScores",
        "status": "active",
        "content": "complete",
        # A level is an answer grouped under its score, not a kind of it (so not "is-a").
        "hierarchyMeaning": "grouped-by",
        "concept": concepts,
    }


def _coding(code: str, display) -> dict:
    display = str(display)  # vocabulary words may be lazily translated text
    return {"coding": [{"system": CODE_SYSTEM_URL, "code": code, "display": display}], "text": display}


def _procedure(session: dict, patient_ref: str) -> dict:
    notes = [f"Device: {session['device']}"]
    if session.get("needle_depth_mm") is not None:
        notes.append(f"Needle depth: {session['needle_depth_mm']} mm")
    if (session.get("notes") or "").strip():
        notes.append(session["notes"].strip())
    return {
        "resourceType": "Procedure",
        "id": f"procedure-{session['id']}",
        "status": "completed",
        "code": {"text": PROCEDURE_TEXT},
        "subject": {"reference": patient_ref},
        "performedDateTime": _instant(session["performed_at"]),
        "bodySite": [{"text": area} for area in session.get("areas", [])],
        "note": [{"text": text} for text in notes],
    }


def _observation(obs_id: str, log: dict, code: dict, patient_ref: str, procedure_ref: str) -> dict:
    return {
        "resourceType": "Observation",
        "id": obs_id,
        "status": "final",
        "category": [_hl7(_SURVEY)],
        "code": code,
        "subject": {"reference": patient_ref},
        "partOf": [{"reference": procedure_ref}],
        "effectiveDateTime": _instant(log["logged_at"]),
        "performer": [{"reference": patient_ref}],
    }


def _log_observations(log: dict, patient_ref: str, procedure_ref: str) -> list[dict]:
    refs = (patient_ref, procedure_ref)
    resources = []
    for key, label in SCORE_LABELS.items():
        value = log.get(key)
        if value is None:
            continue
        obs = _observation(f"log-{log['id']}-{key}", log, _coding(key, label), patient_ref, procedure_ref)
        if key in SCALE_WORDS:
            obs["valueCodeableConcept"] = _coding(f"{key}-{value}", SCALE_WORDS[key][value])
        else:
            obs["valueInteger"] = value
        resources.append(obs)
    for key, words in WARNING_SIGNS.items():
        obs_id = f"log-{log['id']}-{key.replace('_', '-')}"  # FHIR ids allow no underscore
        obs = _observation(obs_id, log, _coding(key, words), patient_ref, procedure_ref)
        obs["valueBoolean"] = bool(log.get(key))
        resources.append(obs)
    obs = _observation(f"log-{log['id']}-{BRUISING}", log, _coding(BRUISING, _DISPLAYS[BRUISING]), *refs)
    obs["valueBoolean"] = bool(log.get(BRUISING))
    resources.append(obs)
    if log.get(IMPROVEMENT) in IMPROVEMENT_CHOICES:
        code = _coding(IMPROVEMENT, _DISPLAYS[IMPROVEMENT])
        obs = _observation(f"log-{log['id']}-{IMPROVEMENT}", log, code, *refs)
        key = log[IMPROVEMENT]
        obs["valueCodeableConcept"] = _coding(_improvement_code(key), IMPROVEMENT_CHOICES[key])
        resources.append(obs)
    # The note belongs to the whole log, not to one score: its own Observation, so no score carries it.
    if (log.get(NOTE) or "").strip():
        obs = _observation(f"log-{log['id']}-{NOTE}", log, _coding(NOTE, _DISPLAYS[NOTE]), *refs)
        obs["valueString"] = log[NOTE].strip()
        resources.append(obs)
    return resources


def photo_title(taken_at: datetime, performed_at: datetime) -> str:
    """The photo's title: before the session, or the day after it (day 0 is the session's first 24 hours)."""
    if taken_at < performed_at:
        return "Progress photo, before the session"
    days = int((taken_at - performed_at).total_seconds() // 86400)
    return f"Progress photo, day {days} after the session"


def _media(photo: dict, session: dict, patient_ref: str, procedure_ref: str) -> dict:
    content = {
        "contentType": "image/jpeg",
        "url": photo["url"],
        "title": photo_title(photo["taken_at"], session["performed_at"]),
        "creation": _instant(photo["taken_at"]),
    }
    data = photo.get("data")
    if data is not None:
        content["data"] = base64.b64encode(data).decode("ascii")
        content["size"] = len(data)
    elif photo.get("size") is not None:
        content["size"] = photo["size"]
    return {
        "resourceType": "Media",
        "id": f"photo-{photo['id']}",
        "status": "completed",
        "type": _hl7(_IMAGE),
        "subject": {"reference": patient_ref},
        "partOf": [{"reference": procedure_ref}],
        "createdDateTime": _instant(photo["taken_at"]),
        "width": photo["width"],
        "height": photo["height"],
        "content": content,
    }


def bundle(patient: dict, sessions: list[dict], generated_at: datetime) -> dict:
    """A FHIR R4 collection Bundle of a patient, their sessions (Procedures), logs (Observations), photos (Media)."""
    patient_id = f"patient-{patient['id']}"
    patient_ref = full_url(patient_id)
    resources = [code_system()]
    patient_resource = {"resourceType": "Patient", "id": patient_id}
    if patient.get("name"):
        patient_resource["name"] = [{"text": patient["name"]}]
    resources.append(patient_resource)
    for session in sessions:
        procedure = _procedure(session, patient_ref)
        resources.append(procedure)
        procedure_ref = full_url(procedure["id"])
        for log in session.get("logs", []):
            resources.extend(_log_observations(log, patient_ref, procedure_ref))
        resources.extend(_media(photo, session, patient_ref, procedure_ref) for photo in session.get("photos", []))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(generated_at),
        "entry": [{"fullUrl": full_url(r["id"]), "resource": r} for r in resources],
    }
