"""FHIR R4 downloads: the patient's own record and a clinic's per patient (audited, 404 when not theirs)."""

import json

import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle

from app.models import ROLE_PATIENT, AuditEvent, User
from app.services import fhir_export
from tests.conftest import log_in

SYSTEM = "https://afterglow.example/fhir/CodeSystem/afterglow-scores"


def _resources(body, resource_type):
    return [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == resource_type]


def test_the_patient_downloads_only_their_own_record(patient_client, patient, make_patient, make_session, make_log):
    treatment = make_session(patient, hours_ago=30, areas=["cheeks"])
    make_log(treatment, hours_after=5, redness=3, pain=4)
    stranger = make_patient(email="stranger@example.com")
    make_log(make_session(stranger, hours_ago=50), hours_after=2)

    assert 'href="/my-data/afterglow-fhir.json"' in patient_client.get("/my-data").get_data(as_text=True)
    response = patient_client.get("/my-data/afterglow-fhir.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=afterglow-fhir.json"
    assert "no-store" in response.headers["Cache-Control"]
    body = json.loads(response.get_data(as_text=True))
    Bundle.model_validate(body)

    assert [p["id"] for p in _resources(body, "Patient")] == [f"patient-{patient.id}"]
    procedures = _resources(body, "Procedure")
    assert [p["performedDateTime"] for p in procedures] == ["2026-06-14T06:00:00Z"]
    assert procedures[0]["bodySite"] == [{"text": "cheeks"}]
    redness = next(o for o in _resources(body, "Observation") if o["code"]["coding"][0]["code"] == "redness")
    assert redness["valueCodeableConcept"]["coding"] == [
        {"system": SYSTEM, "code": "redness-3", "display": "Moderate, red like sunburn"}
    ]
    assert redness["effectiveDateTime"] == "2026-06-14T11:00:00Z"
    pain = next(o for o in _resources(body, "Observation") if o["code"]["coding"][0]["code"] == "pain")
    assert pain["valueInteger"] == 4
    assert len(_resources(body, "Observation")) == 9  # 4 scores (itch unanswered) and 5 warning signs


def test_the_clinic_export_is_audited_and_404_for_another_clinic_or_withdrawn_consent(
    app, client, db, make_clinic, make_practitioner, make_patient, make_session, make_log, share
):
    clinic = make_clinic("Glow Clinic")
    doctor = make_practitioner(clinic, email="doc@glow.example")
    ours = make_patient(email="ours@example.com", name="Alex")
    link = share(ours, clinic)
    make_log(make_session(ours, hours_ago=30), hours_after=5)
    theirs = make_patient(email="theirs@example.com")
    share(theirs, make_clinic("Other Clinic"))
    log_in(client, doctor)

    assert f'href="/clinic/patients/{ours.id}/fhir.json"' in client.get(f"/clinic/patients/{ours.id}").get_data(
        as_text=True
    )
    response = client.get(f"/clinic/patients/{ours.id}/fhir.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=afterglow-patient-{ours.id}-fhir.json"
    body = json.loads(response.get_data(as_text=True))
    Bundle.model_validate(body)
    assert _resources(body, "Patient") == [
        {"resourceType": "Patient", "id": f"patient-{ours.id}", "name": [{"text": "Alex"}]}
    ]
    events = db.session.scalars(sa.select(AuditEvent)).all()
    assert [(e.action, e.actor_id, e.patient_id) for e in events] == [
        ("view_patient", doctor.id, ours.id),
        ("export_patient_fhir", doctor.id, ours.id),
    ]

    assert "Exported the record (FHIR)" in client.get("/clinic/audit").get_data(as_text=True)
    assert client.get(f"/clinic/patients/{theirs.id}/fhir.json").status_code == 404
    link.withdrawn_at = link.consented_at
    db.session.commit()
    assert client.get(f"/clinic/patients/{ours.id}/fhir.json").status_code == 404


def test_every_demo_patient_export_validates(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    patients = db.session.scalars(sa.select(User).where(User.role == ROLE_PATIENT)).all()
    assert len(patients) >= 2
    for patient in patients:
        body = fhir_export.patient_bundle(patient)
        Bundle.model_validate(body)
        assert [p["id"] for p in _resources(body, "Patient")] == [f"patient-{patient.id}"]
