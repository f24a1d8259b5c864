"""A patient never sees or changes another patient's sessions or logs: always 404."""

import pytest
import sqlalchemy as sa

from app.models import SymptomLog, TreatmentSession
from tests.conftest import log_in


@pytest.fixture
def other_patients_data(make_patient, make_session, make_log):
    other = make_patient(email="other@example.com")
    treatment = make_session(other, hours_ago=20, notes="Private note of the other patient")
    log = make_log(treatment, hours_after=2, note="Other patient's log")
    return treatment, log


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/sessions/{s}"),
        ("get", "/sessions/{s}/edit"),
        ("post", "/sessions/{s}/edit"),
        ("get", "/sessions/{s}/delete"),
        ("post", "/sessions/{s}/delete"),
        ("get", "/sessions/{s}/logs/new"),
        ("post", "/sessions/{s}/logs/new"),
        ("get", "/logs/{l}/edit"),
        ("post", "/logs/{l}/edit"),
        ("get", "/logs/{l}/delete"),
        ("post", "/logs/{l}/delete"),
    ],
)
def test_another_patients_ids_answer_404_and_change_nothing(patient_client, db, other_patients_data, method, url):
    treatment, log = other_patients_data
    data = {
        "logged_at": "2026-06-15T11:00",
        "redness": "4",
        "swelling": "4",
        "peeling": "4",
        "performed_at": "2026-06-15T01:00",
        "device": "other",
        "areas": ["body"],
    }
    response = getattr(patient_client, method)(url.format(s=treatment.id, l=log.id), data=data)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Private note" not in body and "Other patient's log" not in body
    db.session.refresh(treatment)
    db.session.refresh(log)
    assert (log.redness, treatment.device) == (2, "derma_pen")
    assert db.session.scalar(sa.select(sa.func.count(SymptomLog.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(TreatmentSession.id))) == 1


def test_another_patients_sessions_are_not_listed(patient_client, other_patients_data):
    assert "Private note" not in patient_client.get("/").get_data(as_text=True)


def test_ids_that_do_not_exist_answer_404(patient_client):
    assert patient_client.get("/sessions/999999").status_code == 404
    assert patient_client.get("/logs/999999/edit").status_code == 404
    assert patient_client.get("/sessions/abc").status_code == 404


def test_practitioners_do_not_reach_patient_pages(client, make_patient, other_patients_data):
    practitioner = make_patient(email="doc@example.com", role="practitioner")
    log_in(client, practitioner)
    treatment, log = other_patients_data
    for url in (f"/sessions/{treatment.id}", "/sessions/new", f"/logs/{log.id}/edit"):
        assert client.get(url).status_code == 404
