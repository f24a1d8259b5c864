"""The FHIR R4 mapping (app/core/fhir.py): written-out values for a small record, validated by fhir.resources."""

from datetime import UTC, datetime

from fhir.resources.R4B.bundle import Bundle

from app.core.fhir import bundle

SYSTEM = "https://afterglow.example/fhir/CodeSystem/afterglow-scores"


def _record():
    session = {
        "id": 3,
        "performed_at": datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
        "device": "derma_pen",
        "needle_depth_mm": 0.5,
        "areas": ["cheeks"],
        "logs": [
            {
                "id": 7,
                "logged_at": datetime(2026, 6, 2, 9, 0, tzinfo=UTC),
                "redness": 2,
                "swelling": 1,
                "peeling": 0,
                "pain": 3,
                "itch": None,
                "pus": True,
            }
        ],
    }
    return bundle({"id": 1, "name": "Ana"}, [session], datetime(2026, 6, 15, 12, 0, tzinfo=UTC))


def _resource(result, resource_id):
    return next(e["resource"] for e in result["entry"] if e["resource"]["id"] == resource_id)


def test_bundle_validates_as_fhir():
    result = _record()
    Bundle.model_validate(result)
    assert result["type"] == "collection"
    assert result["timestamp"] == "2026-06-15T12:00:00Z"


def test_procedure_date_and_text():
    procedure = _resource(_record(), "procedure-3")
    assert procedure["performedDateTime"] == "2026-06-01T10:00:00Z"
    assert procedure["bodySite"] == [{"text": "cheeks"}]
    assert procedure["note"] == [{"text": "Device: derma_pen"}, {"text": "Needle depth: 0.5 mm"}]


def test_score_observation_code_value_and_procedure():
    result = _record()
    redness = _resource(result, "log-7-redness")
    assert redness["code"]["coding"] == [{"system": SYSTEM, "code": "redness", "display": "Redness"}]
    assert redness["valueCodeableConcept"]["coding"] == [
        {"system": SYSTEM, "code": "redness-2", "display": "Mild, clearly pink"}
    ]
    assert redness["effectiveDateTime"] == "2026-06-02T09:00:00Z"
    procedure_url = next(e["fullUrl"] for e in result["entry"] if e["resource"]["id"] == "procedure-3")
    assert redness["partOf"] == [{"reference": procedure_url}]
    assert _resource(result, "log-7-pain")["valueInteger"] == 3


def test_unanswered_itch_is_left_out_and_warning_signs_are_booleans():
    result = _record()
    ids = {e["resource"]["id"] for e in result["entry"]}
    assert "log-7-itch" not in ids
    assert _resource(result, "log-7-pus")["valueBoolean"] is True
    assert _resource(result, "log-7-worse-again")["valueBoolean"] is False


def test_full_urls_are_stable():
    first = [e["fullUrl"] for e in _record()["entry"]]
    assert first == [e["fullUrl"] for e in _record()["entry"]]
    assert all(url.startswith("urn:uuid:") for url in first)
    assert len(set(first)) == len(first)
