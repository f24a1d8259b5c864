"""FHIR R4 mapping of a patient's recovery record: plain data in, a collection Bundle (dict) out.

Pure Python like the rest of app/core: no Flask, no database, no clock. The service
app/services/fhir_export.py reads the rows and passes them here as plain dicts.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from app.core.vocabulary import SCALE_WORDS, SCORE_LABELS, WARNING_SIGNS

CODE_SYSTEM_URL = "https://afterglow.example/fhir/CodeSystem/afterglow-scores"
# A fixed namespace makes every fullUrl the same on each export of the same rows.
_NAMESPACE = uuid.UUID("6b1f3f0e-2f5c-4d39-9a59-4b8f0a7c1e16")
# No SNOMED CT concept for microneedling was confirmed, so the Procedure carries text only.
PROCEDURE_TEXT = "Microneedling (collagen induction therapy)"


def full_url(resource_id: str) -> str:
    """The stable urn:uuid fullUrl of a resource id such as ``procedure-3``."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, resource_id)}"


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def code_system() -> dict:
    """The project's CodeSystem: score codes, their 0-4 levels and the warning signs."""
    concepts = []
    for key, label in SCORE_LABELS.items():
        concept = {"code": key, "display": label}
        if key in SCALE_WORDS:
            concept["concept"] = [
                {"code": f"{key}-{level}", "display": words} for level, words in SCALE_WORDS[key].items()
            ]
        else:
            concept["definition"] = f"{label} scored by the patient from 0 (none) to 10 (worst)."
        concepts.append(concept)
    concepts.extend({"code": key, "display": words} for key, words in WARNING_SIGNS.items())
    return {
        "resourceType": "CodeSystem",
        "id": "afterglow-scores",
        "url": CODE_SYSTEM_URL,
        "name": "AfterglowScores",
        "status": "active",
        "content": "complete",
        "hierarchyMeaning": "is-a",
        "concept": concepts,
    }


def _coding(code: str, display: str) -> dict:
    return {"coding": [{"system": CODE_SYSTEM_URL, "code": code, "display": display}], "text": display}


def _procedure(session: dict, patient_ref: str) -> dict:
    notes = [f"Device: {session['device']}"]
    if session.get("needle_depth_mm") is not None:
        notes.append(f"Needle depth: {session['needle_depth_mm']} mm")
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
        "code": code,
        "subject": {"reference": patient_ref},
        "partOf": [{"reference": procedure_ref}],
        "effectiveDateTime": _instant(log["logged_at"]),
    }


def _log_observations(log: dict, patient_ref: str, procedure_ref: str) -> list[dict]:
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
    return resources


def bundle(patient: dict, sessions: list[dict], generated_at: datetime) -> dict:
    """A FHIR R4 collection Bundle of one patient, their sessions (Procedures) and logs (Observations)."""
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
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(generated_at),
        "entry": [{"fullUrl": full_url(r["id"]), "resource": r} for r in resources],
    }
