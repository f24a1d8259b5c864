"""FHIR R4 downloads: the patient's own record and a clinic's per patient (audited, 404 when not theirs),
photos as Media linking to the access-checked photo route, their bytes only with ?include=photo-data."""

import base64
import json
from types import SimpleNamespace

import sqlalchemy as sa
from fhir.resources.bundle import Bundle

from app.cli import DEMO_PASSWORD, DEMO_PATIENTS, DEMO_PRACTITIONER_EMAIL
from app.models import AuditEvent, TreatmentSession, User
from app.services import fhir_export
from app.services.photos import file_size, read_file
from tests.conftest import log_in

SYSTEM = "https://afterglow.example/fhir/CodeSystem/afterglow-scores"


def _resources(body, resource_type):
    return [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == resource_type]


def _observations(body, code):
    return [o for o in _resources(body, "Observation") if o["code"]["coding"][0]["code"] == code]


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    body = json.loads(response.get_data(as_text=True))
    Bundle.parse_obj(body)
    return body


def test_the_patient_downloads_only_their_own_record(patient_client, patient, make_patient, make_session, make_log):
    treatment = make_session(patient, hours_ago=30, areas=["cheeks"], notes="After the wedding.")
    make_log(treatment, hours_after=5, redness=3, pain=4, bruising=True, note="Sore along the jaw.")
    make_log(treatment, hours_after=26, redness=1, improvement="no_change")
    stranger = make_patient(email="stranger@example.com")
    make_log(make_session(stranger, hours_ago=50), hours_after=2, note="Stranger's words.")

    assert 'href="/my-data/afterglow-fhir.json"' in patient_client.get("/my-data").get_data(as_text=True)
    response = patient_client.get("/my-data/afterglow-fhir.json")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Content-Disposition"] == "attachment; filename=afterglow-fhir.json"
    assert "no-store" in response.headers["Cache-Control"]
    body = json.loads(response.get_data(as_text=True))
    Bundle.parse_obj(body)

    assert [p["id"] for p in _resources(body, "Patient")] == [f"patient-{patient.id}"]
    procedures = _resources(body, "Procedure")
    assert [p["performedDateTime"] for p in procedures] == ["2026-06-14T06:00:00Z"]
    assert procedures[0]["bodySite"] == [{"text": "cheeks"}]
    assert procedures[0]["note"][-1] == {"text": "After the wedding."}
    redness = _observations(body, "redness")
    assert [r["valueCodeableConcept"]["coding"][0]["code"] for r in redness] == ["redness-3", "redness-1"]
    assert redness[0]["valueCodeableConcept"]["coding"] == [
        {"system": SYSTEM, "code": "redness-3", "display": "Moderate, red like sunburn"}
    ]
    assert redness[0]["effectiveDateTime"] == "2026-06-14T11:00:00Z"
    assert [o["valueInteger"] for o in _observations(body, "pain")] == [4]
    assert [o["valueBoolean"] for o in _observations(body, "bruising")] == [True, False]
    assert [o["valueString"] for o in _observations(body, "note")] == ["Sore along the jaw."]
    improvement = _observations(body, "improvement")
    assert [o["valueCodeableConcept"]["coding"][0]["code"] for o in improvement] == ["improvement-no_change"]
    assert improvement[0]["effectiveDateTime"] == "2026-06-15T08:00:00Z"
    # First log: 4 scores (itch unanswered), 5 warning signs, bruising, note; second: 3 scores, 5 signs,
    # bruising, improvement.
    assert len(_resources(body, "Observation")) == 11 + 10
    assert "Stranger" not in response.get_data(as_text=True)


def test_a_photo_is_a_media_linking_to_the_route_only_its_viewers_may_follow(
    app, client, patient, make_patient, make_session, make_photo
):
    treatment = make_session(patient, hours_ago=60)
    photo = make_photo(treatment, hours_after=50)
    stranger = make_patient(email="stranger@example.com")

    log_in(client, patient)
    body = _download(client, "/my-data/afterglow-fhir.json")
    (media,) = _resources(body, "Media")
    procedure_url = next(e["fullUrl"] for e in body["entry"] if e["resource"]["id"] == f"procedure-{treatment.id}")
    patient_url = next(e["fullUrl"] for e in body["entry"] if e["resource"]["id"] == f"patient-{patient.id}")
    assert media["id"] == f"photo-{photo.id}"
    assert media["partOf"] == [{"reference": procedure_url}]
    assert media["subject"] == {"reference": patient_url}
    assert media["createdDateTime"] == "2026-06-15T02:00:00Z"
    content = media["content"]
    assert content["url"] == f"http://localhost/photos/{photo.id}/screen.jpg"
    assert content["title"] == "Progress photo, day 2 after the session"
    assert content["contentType"] == "image/jpeg"
    assert "data" not in content

    image = client.get(content["url"])
    assert image.status_code == 200
    assert image.mimetype == "image/jpeg"
    assert content["size"] == len(image.data) == file_size(photo.file_key, "screen")
    stranger_client = app.test_client()
    log_in(stranger_client, stranger)
    assert stranger_client.get(content["url"]).status_code == 404


def test_include_photo_data_embeds_each_photos_screen_copy(patient_client, patient, make_session, make_photo):
    treatment = make_session(patient, hours_ago=60)
    photo = make_photo(treatment, hours_after=-24, colour=(90, 60, 50))
    on_disk = read_file(photo.file_key, "screen")

    body = _download(patient_client, "/my-data/afterglow-fhir.json?include=photo-data")
    (media,) = _resources(body, "Media")
    assert base64.b64decode(media["content"]["data"]) == on_disk
    assert media["content"]["size"] == len(on_disk)
    assert media["content"]["title"] == "Progress photo, before the session"
    assert media["content"]["url"] == f"http://localhost/photos/{photo.id}/screen.jpg"


def test_photos_past_the_budget_keep_their_link_only(app, patient, make_session, make_photo):
    treatment = make_session(patient, hours_ago=60)
    first = make_photo(treatment, hours_after=2)
    second = make_photo(treatment, hours_after=3, colour=(10, 200, 30))
    first_size = file_size(first.file_key, "screen")

    with app.test_request_context():
        body = fhir_export.patient_bundle(patient, photo_data=True, photo_data_budget=first_size)
    Bundle.parse_obj(body)
    contents = {m["id"]: m["content"] for m in _resources(body, "Media")}
    assert base64.b64decode(contents[f"photo-{first.id}"]["data"]) == read_file(first.file_key, "screen")
    assert "data" not in contents[f"photo-{second.id}"]
    assert contents[f"photo-{second.id}"]["size"] == file_size(second.file_key, "screen")


def test_an_unknown_include_answers_400_and_audits_nothing(
    app, client, db, patient, make_clinic, make_practitioner, make_session, share
):
    clinic = make_clinic()
    doctor = make_practitioner(clinic)
    share(patient, clinic)
    make_session(patient)

    log_in(client, patient)
    assert client.get("/my-data/afterglow-fhir.json?include=photos").status_code == 400
    assert client.get("/my-data/afterglow-fhir.json?include=photo-data&include=all").status_code == 400
    clinic_client = app.test_client()
    log_in(clinic_client, doctor)
    assert clinic_client.get(f"/clinic/patients/{patient.id}/fhir.json?include=").status_code == 400
    assert db.session.scalars(sa.select(AuditEvent.action)).all() == []


def test_the_clinic_export_is_audited_and_404_for_another_clinic_or_withdrawn_consent(
    app, client, db, make_clinic, make_practitioner, make_patient, make_session, make_log, make_photo, share
):
    clinic = make_clinic("Glow Clinic")
    doctor = make_practitioner(clinic, email="doc@glow.example")
    ours = make_patient(email="ours@example.com", name="Alex")
    link = share(ours, clinic)
    treatment = make_session(ours, hours_ago=30)
    make_log(treatment, hours_after=5)
    photo = make_photo(treatment, hours_after=6)
    theirs = make_patient(email="theirs@example.com")
    other_clinic = make_clinic("Other Clinic")
    share(theirs, other_clinic)
    other_doctor = make_practitioner(other_clinic, email="doc@other.example")
    log_in(client, doctor)

    assert f'href="/clinic/patients/{ours.id}/fhir.json"' in client.get(f"/clinic/patients/{ours.id}").get_data(
        as_text=True
    )
    response = client.get(f"/clinic/patients/{ours.id}/fhir.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=afterglow-patient-{ours.id}-fhir.json"
    body = json.loads(response.get_data(as_text=True))
    Bundle.parse_obj(body)
    assert _resources(body, "Patient") == [
        {"resourceType": "Patient", "id": f"patient-{ours.id}", "name": [{"text": "Alex"}]}
    ]
    events = db.session.scalars(sa.select(AuditEvent)).all()
    assert [(e.action, e.actor_id, e.patient_id) for e in events] == [
        ("view_patient", doctor.id, ours.id),
        ("export_patient_fhir", doctor.id, ours.id),
    ]
    photo_url = _resources(body, "Media")[0]["content"]["url"]
    assert photo_url == f"http://localhost/photos/{photo.id}/screen.jpg"
    assert client.get(photo_url).status_code == 200

    assert "Exported the record (FHIR)" in client.get("/clinic/audit").get_data(as_text=True)
    assert client.get(f"/clinic/patients/{theirs.id}/fhir.json").status_code == 404
    assert client.get(f"/clinic/patients/{theirs.id}/fhir.json?include=photo-data").status_code == 404
    other_client = app.test_client()
    log_in(other_client, other_doctor)
    assert other_client.get(f"/clinic/patients/{ours.id}/fhir.json").status_code == 404
    assert other_client.get(photo_url).status_code == 404
    link.withdrawn_at = link.consented_at
    db.session.commit()
    assert client.get(f"/clinic/patients/{ours.id}/fhir.json").status_code == 404
    assert client.get(photo_url).status_code == 404


def test_every_demo_patient_export_validates_for_the_patient_and_the_clinic(app, db, make_photo):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for email in DEMO_PATIENTS.values():
        latest = db.session.scalars(
            sa.select(TreatmentSession)
            .join(TreatmentSession.patient)
            .where(User.email == email)
            .order_by(TreatmentSession.performed_at.desc())
        ).first()
        make_photo(latest, hours_after=1)
    clinic_client = app.test_client()
    log_in(clinic_client, SimpleNamespace(email=DEMO_PRACTITIONER_EMAIL), DEMO_PASSWORD)

    bodies = {}
    for course, email in DEMO_PATIENTS.items():
        patient_client = app.test_client()
        log_in(patient_client, SimpleNamespace(email=email), DEMO_PASSWORD)
        patient_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        for query in ("", "?include=photo-data"):
            own = _download(patient_client, "/my-data/afterglow-fhir.json" + query)
            clinics = _download(clinic_client, f"/clinic/patients/{patient_id}/fhir.json" + query)
            assert [p["id"] for p in _resources(own, "Patient")] == [f"patient-{patient_id}"]
            # The same record either way, but for the moment it was made.
            assert own["entry"] == clinics["entry"]
            assert len(_resources(own, "Media")) == 1
            assert ("data" in _resources(own, "Media")[0]["content"]) is bool(query)
        bodies[course] = own

    typical = bodies["typical"]
    assert len(_resources(typical, "Procedure")) == 2
    assert _resources(typical, "Procedure")[0]["note"][-1] == {"text": "First session of the series."}
    assert [o["valueString"] for o in _observations(typical, "note")] == [
        "Warm and tight, like a sunburn.",
        "Much calmer this morning.",
        "A little flaking on the cheeks.",
        "Skin feels smoother.",
        "Fine lines look softer.",
        "Warm and tight, like a sunburn.",
        "Much calmer this morning.",
    ]
    assert [o["valueCodeableConcept"]["coding"][0]["code"] for o in _observations(typical, "improvement")] == [
        "improvement-improved",
        "improvement-improved",
        "improvement-much_improved",
    ]
    assert [o["valueBoolean"] for o in _observations(bodies["red_flag"], "pus")] == [False, False, True]
