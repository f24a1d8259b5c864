"""The FHIR R4 mapping (app/core/fhir.py): written-out values for a small record, validated as FHIR R4 4.0.1."""

import base64
from datetime import UTC, datetime

import fhir.resources
import pytest
from fhir.resources.bundle import Bundle
from pydantic import ValidationError

from app.core.fhir import bundle, photo_title

SYSTEM = "https://afterglow.example/fhir/CodeSystem/afterglow-scores"
PHOTO_URL = "https://afterglow.example/photos/11/screen.jpg"
JPEG = b"\xff\xd8\xff\xe0 not really a photo \xff\xd9"


def _record(photo_data=None, **log_fields):
    log = {
        "id": 7,
        "logged_at": datetime(2026, 6, 2, 9, 0, tzinfo=UTC),
        "redness": 2,
        "swelling": 1,
        "peeling": 0,
        "pain": 3,
        "itch": None,
        "pus": True,
        "bruising": True,
        "improvement": None,
        "note": "  Tight and warm.  ",
        **log_fields,
    }
    photo = {
        "id": 11,
        "taken_at": datetime(2026, 6, 4, 11, 0, tzinfo=UTC),
        "width": 1600,
        "height": 1200,
        "url": PHOTO_URL,
        "size": 345_678,
        "data": photo_data,
    }
    session = {
        "id": 3,
        "performed_at": datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
        "device": "derma_pen",
        "needle_depth_mm": 0.5,
        "areas": ["cheeks"],
        "notes": "First of three.",
        "logs": [log],
        "photos": [photo],
    }
    return bundle({"id": 1, "name": "Ana"}, [session], datetime(2026, 6, 15, 12, 0, tzinfo=UTC))


def _resource(result, resource_id):
    return next(e["resource"] for e in result["entry"] if e["resource"]["id"] == resource_id)


def _full_url(result, resource_id):
    return next(e["fullUrl"] for e in result["entry"] if e["resource"]["id"] == resource_id)


def test_the_validator_is_fhir_r4_itself_not_r4b():
    assert fhir.resources.__fhir_version__ == "4.0.1"


def test_bundle_validates_as_fhir_r4():
    result = _record()
    Bundle.parse_obj(result)
    Bundle.parse_obj(_record(photo_data=JPEG, improvement="much_improved"))
    assert result["type"] == "collection"
    assert result["timestamp"] == "2026-06-15T12:00:00Z"


def test_the_validator_refuses_a_media_without_content():
    result = _record()
    del _resource(result, "photo-11")["content"]
    with pytest.raises(ValidationError, match="content"):
        Bundle.parse_obj(result)


def test_procedure_date_text_and_notes():
    procedure = _resource(_record(), "procedure-3")
    assert procedure["performedDateTime"] == "2026-06-01T10:00:00Z"
    assert procedure["bodySite"] == [{"text": "cheeks"}]
    assert procedure["note"] == [
        {"text": "Device: derma_pen"},
        {"text": "Needle depth: 0.5 mm"},
        {"text": "First of three."},
    ]


def test_score_observation_code_value_procedure_and_patient_reported():
    result = _record()
    redness = _resource(result, "log-7-redness")
    assert redness["code"]["coding"] == [{"system": SYSTEM, "code": "redness", "display": "Redness"}]
    assert redness["valueCodeableConcept"]["coding"] == [
        {"system": SYSTEM, "code": "redness-2", "display": "Mild, clearly pink"}
    ]
    assert redness["effectiveDateTime"] == "2026-06-02T09:00:00Z"
    assert redness["partOf"] == [{"reference": _full_url(result, "procedure-3")}]
    assert redness["performer"] == [{"reference": _full_url(result, "patient-1")}]
    assert redness["category"][0]["coding"][0]["code"] == "survey"
    assert _resource(result, "log-7-pain")["valueInteger"] == 3


def test_unanswered_itch_is_left_out_and_warning_signs_and_bruising_are_booleans():
    result = _record()
    ids = {e["resource"]["id"] for e in result["entry"]}
    assert "log-7-itch" not in ids
    assert _resource(result, "log-7-pus")["valueBoolean"] is True
    assert _resource(result, "log-7-worse-again")["valueBoolean"] is False
    bruising = _resource(result, "log-7-bruising")
    assert bruising["code"]["coding"] == [{"system": SYSTEM, "code": "bruising", "display": "Bruising"}]
    assert bruising["valueBoolean"] is True
    assert _resource(_record(bruising=False), "log-7-bruising")["valueBoolean"] is False


def test_improvement_is_its_own_observation_only_when_answered():
    assert "log-7-improvement" not in {e["resource"]["id"] for e in _record()["entry"]}
    improvement = _resource(_record(improvement="much_improved"), "log-7-improvement")
    assert improvement["code"]["coding"][0]["code"] == "improvement"
    assert improvement["valueCodeableConcept"]["coding"] == [
        {"system": SYSTEM, "code": "improvement-much_improved", "display": "Much improved"}
    ]
    assert improvement["effectiveDateTime"] == "2026-06-02T09:00:00Z"


def test_the_note_is_an_observation_with_its_text_and_a_blank_note_none():
    note = _resource(_record(), "log-7-note")
    assert note["code"]["coding"] == [{"system": SYSTEM, "code": "note", "display": "Patient's note"}]
    assert note["valueString"] == "Tight and warm."
    assert "log-7-note" not in {e["resource"]["id"] for e in _record(note="   ")["entry"]}
    assert "note" not in _resource(_record(), "log-7-redness")


def test_a_photo_is_a_media_of_its_procedure_with_a_link_and_no_bytes():
    result = _record()
    media = _resource(result, "photo-11")
    assert media["resourceType"] == "Media"
    assert media["status"] == "completed"
    assert media["type"]["coding"][0]["code"] == "image"
    assert media["subject"] == {"reference": _full_url(result, "patient-1")}
    assert media["partOf"] == [{"reference": _full_url(result, "procedure-3")}]
    assert media["createdDateTime"] == "2026-06-04T11:00:00Z"
    assert (media["width"], media["height"]) == (1600, 1200)
    assert media["content"] == {
        "contentType": "image/jpeg",
        "url": PHOTO_URL,
        "title": "Progress photo, day 3 after the session",
        "creation": "2026-06-04T11:00:00Z",
        "size": 345_678,
    }


def test_photo_bytes_are_embedded_only_when_given():
    content = _resource(_record(photo_data=JPEG), "photo-11")["content"]
    assert base64.b64decode(content["data"]) == JPEG
    assert content["size"] == len(JPEG)
    assert content["url"] == PHOTO_URL


def test_photo_titles():
    session = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert photo_title(datetime(2026, 5, 30, 10, 0, tzinfo=UTC), session) == "Progress photo, before the session"
    assert photo_title(datetime(2026, 6, 2, 9, 59, tzinfo=UTC), session) == "Progress photo, day 0 after the session"
    assert photo_title(datetime(2026, 6, 2, 10, 0, tzinfo=UTC), session) == "Progress photo, day 1 after the session"


def test_code_system_concepts():
    code_system = _resource(_record(), "afterglow-scores")
    assert code_system["hierarchyMeaning"] == "grouped-by"
    codes = [concept["code"] for concept in code_system["concept"]]
    assert codes == [
        "redness",
        "swelling",
        "peeling",
        "pain",
        "itch",
        "pus",
        "fever",
        "blisters",
        "rash",
        "worse_again",
        "bruising",
        "improvement",
        "note",
    ]
    improvement = code_system["concept"][11]
    assert [(c["code"], c["display"]) for c in improvement["concept"]] == [
        ("improvement-very_much_improved", "Very much improved"),
        ("improvement-much_improved", "Much improved"),
        ("improvement-improved", "Improved"),
        ("improvement-no_change", "No change"),
        ("improvement-worse", "Worse"),
    ]


def test_full_urls_are_stable():
    first = [e["fullUrl"] for e in _record()["entry"]]
    assert first == [e["fullUrl"] for e in _record()["entry"]]
    assert all(url.startswith("urn:uuid:") for url in first)
    assert len(set(first)) == len(first)
