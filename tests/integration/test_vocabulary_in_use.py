"""The database, the forms and the pages follow app/core/vocabulary.py: keys stored, its words shown."""

import uuid

import pytest
import sqlalchemy as sa

from app.core import vocabulary
from app.models import AlertFlag, SymptomLog, TreatmentSession
from tests.conftest import log_in

WARNING_SIGNS = ["pus", "fever", "blisters", "rash", "worse_again"]


def test_symptom_log_has_a_yes_no_column_for_each_warning_sign_and_no_other():
    yes_no = [column.name for column in SymptomLog.__table__.columns if isinstance(column.type, sa.Boolean)]
    assert yes_no == ["bruising", *WARNING_SIGNS]
    assert yes_no == ["bruising", *vocabulary.WARNING_SIGNS]


@pytest.mark.parametrize("sign", WARNING_SIGNS)
def test_each_warning_sign_is_offered_stored_and_raised(patient_client, treatment, db, sign):
    url = f"/sessions/{treatment.id}/logs/new"
    form = patient_client.get(url).get_data(as_text=True)
    assert (
        f'<input id="{sign}" name="{sign}" type="checkbox" value="y"><span>{vocabulary.WARNING_SIGNS[sign]}</span>'
        in form
    )

    client_id = str(uuid.uuid4())
    answers = {"redness": "1", "swelling": "0", "peeling": "0", "logged_at": "2026-06-15T11:30", "client_id": client_id}
    assert patient_client.post(url, data=answers | {sign: "y"}).status_code == 302
    log = db.session.scalar(sa.select(SymptomLog))
    assert log.warning_signs == {sign}
    assert log.warning_sign_labels == [vocabulary.WARNING_SIGNS[sign]]
    db.session.refresh(treatment)
    assert treatment.status == "contact"
    # The same form sent again without the sign is other answers, not a resend.
    assert patient_client.post(url, data=answers).status_code == 409


def test_rewording_a_status_changes_the_pages_not_the_stored_key(
    app, db, monkeypatch, patient, make_session, make_clinic, share, make_practitioner
):
    clinic = make_clinic()
    share(patient, clinic)
    treatment = make_session(patient, hours_ago=100, needle_depth_mm=0.3)
    browser = app.test_client()
    log_in(browser, patient)
    url = f"/sessions/{treatment.id}/logs/new"
    answers = {"redness": "1", "swelling": "0", "peeling": "0"}
    assert browser.post(url, data=answers | {"logged_at": "2026-06-15T10:00"}).status_code == 302
    db.session.refresh(treatment)
    assert treatment.status == "slower"

    monkeypatch.setitem(vocabulary.STATUS_WORDS, "slower", "Taking a little longer")
    session_page = browser.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert '<span class="status-words">Taking a little longer</span>' in session_page
    home = browser.get("/").get_data(as_text=True)
    assert 'class="badge badge-warning">Taking a little longer<' in home
    assert "Slower than typical" not in session_page + home

    clinician = app.test_client()
    log_in(clinician, make_practitioner(clinic))
    dashboard = clinician.get("/clinic/").get_data(as_text=True)
    assert "<p>Taking a little longer · day 4 since the session" in dashboard
    detail = clinician.get(f"/clinic/patients/{patient.id}").get_data(as_text=True)
    assert "· Taking a little longer ·" in detail

    # A red flag afterwards: stored as its key, shown in the (reworded) words.
    monkeypatch.setitem(vocabulary.STATUS_WORDS, "contact", "Please call your clinic")
    assert browser.post(url, data=answers | {"fever": "y", "logged_at": "2026-06-15T11:00"}).status_code == 302
    assert '<span class="status-words">Please call your clinic</span>' in browser.get(
        f"/sessions/{treatment.id}"
    ).get_data(as_text=True)
    assert db.session.scalars(sa.select(AlertFlag.flag_key)).all() == ["sign_fever"]
    assert set(db.session.scalars(sa.select(TreatmentSession.status))) == {"contact"}


def test_a_patients_data_download_gives_each_status_in_words(patient_client, patient, make_session):
    make_session(patient, hours_ago=100, status="slower")
    make_session(patient, hours_ago=30, status="contact")
    data = patient_client.get("/my-data/afterglow.json").get_json(force=True)
    assert [session["status"] for session in data["sessions"]] == ["Slower than typical", "Contact your clinic"]
