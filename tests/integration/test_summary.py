"""The printable summary of one session: what it shows, and to whom."""

import sqlalchemy as sa

from app.models import AuditEvent
from tests.conftest import log_in


def test_patient_summary_shows_the_session_status_and_charts(client, make_patient, make_session, make_log):
    patient = make_patient(email="ada@example.com", name="Ada Alpha")
    treatment = make_session(patient, hours_ago=30, device="derma_pen", areas=["face"], needle_depth_mm=0.5)
    make_log(treatment, hours_after=2, redness=2, swelling=1)
    log_in(client, patient)

    response = client.get(f"/sessions/{treatment.id}/summary")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ada Alpha" in page
    assert "Session of Sun 14 Jun 2026" in page
    assert "0.5 mm" in page
    assert "status-words" in page
    assert "Your first week against the typical range" in page
    assert "Your 30-day timeline" in page
    assert "use your browser&#39;s Print" in page or "use your browser's Print" in page


def test_session_page_links_to_its_summary(client, make_patient, make_session):
    patient = make_patient()
    treatment = make_session(patient)
    log_in(client, patient)

    page = client.get(f"/sessions/{treatment.id}").get_data(as_text=True)

    assert f'href="/sessions/{treatment.id}/summary"' in page


def test_another_patients_summary_is_404(client, make_patient, make_session):
    owner, other = make_patient(email="owner@example.com"), make_patient(email="other@example.com")
    treatment = make_session(owner)
    log_in(client, other)

    assert client.get(f"/sessions/{treatment.id}/summary").status_code == 404


def test_clinic_summary_of_the_chosen_session_is_audited(
    client, db, make_clinic, make_practitioner, make_patient, make_session, make_log, share
):
    clinic = make_clinic("Glow Clinic")
    practitioner = make_practitioner(clinic)
    patient = make_patient(email="ada@example.com", name="Ada Alpha")
    first = make_session(patient, hours_ago=24 * 40, needle_depth_mm=1.0)
    make_session(patient, hours_ago=30, needle_depth_mm=0.5)
    make_log(first, hours_after=2)
    share(patient, clinic)
    log_in(client, practitioner)

    response = client.get(f"/clinic/patients/{patient.id}/summary?session={first.id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ada Alpha" in page
    assert "Session of Wed 6 May 2026" in page
    assert "1 mm" in page
    assert "First week against the typical range" in page
    assert "30-day timeline" in page
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.patient_id == patient.id, AuditEvent.clinic_id == clinic.id)
    ).all()
    assert actions == ["view_patient"]


def test_another_clinics_summary_is_404_and_not_audited(
    client, db, make_clinic, make_practitioner, make_patient, make_session, share
):
    mine, other = make_clinic("Mine"), make_clinic("Other")
    patient = make_patient()
    make_session(patient)
    share(patient, mine)
    log_in(client, make_practitioner(other))

    assert client.get(f"/clinic/patients/{patient.id}/summary").status_code == 404
    assert db.session.scalars(sa.select(AuditEvent)).all() == []
