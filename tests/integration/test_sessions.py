from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.models import SymptomLog, TreatmentSession
from app.services import logbook

VALID = {
    "performed_at": "2026-06-15T08:00",
    "needle_depth_mm": "0.5",
    "device": "derma_pen",
    "areas": ["face", "neck"],
    "concerns": ["acne_scars"],
    "series_number": "2",
    "notes": "Numbing cream used.",
}


def post_session(client, url="/sessions/new", **overrides):
    data = {**VALID, **overrides}
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def session_count(db):
    return db.session.scalar(sa.select(sa.func.count(TreatmentSession.id)))


def test_recording_a_session_stores_it_in_utc_from_the_patients_local_time(patient_client, patient, db):
    patient.timezone = "America/New_York"  # UTC-4 in June
    db.session.commit()
    response = post_session(patient_client)
    treatment = db.session.scalar(sa.select(TreatmentSession))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sessions/{treatment.id}"
    assert treatment.performed_at == datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    assert treatment.patient_id == patient.id
    assert treatment.needle_depth_mm == 0.5
    assert treatment.device == "derma_pen"
    assert treatment.areas == ["face", "neck"]
    assert treatment.concerns == ["acne_scars"]
    assert treatment.series_number == 2
    assert treatment.notes == "Numbing cream used."
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "08:00" in page  # shown back in the patient's own time


def test_new_session_form_suggests_now_and_the_next_number_in_the_series(patient_client, patient, make_session):
    make_session(patient)
    page = patient_client.get("/sessions/new").get_data(as_text=True)
    assert 'value="2026-06-15T12:00"' in page
    assert 'name="series_number" required' not in page
    assert 'value="2"' in page


def test_needle_depth_accepts_a_decimal_comma_and_may_be_left_empty(patient_client, db):
    post_session(patient_client, needle_depth_mm="1,5")
    post_session(patient_client, needle_depth_mm="")
    depths = db.session.scalars(sa.select(TreatmentSession.needle_depth_mm).order_by(TreatmentSession.id)).all()
    assert depths == [1.5, None]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"performed_at": "2027-07-01T10:00"}, "at most a year ahead"),
        ({"performed_at": "yesterday"}, "Enter a date and time"),
        ({"performed_at": "0001-01-01T00:00"}, "Enter a date between 2000 and 2100"),
        ({"performed_at": "9999-12-31T23:59"}, "Enter a date between 2000 and 2100"),
        ({"performed_at": ""}, "Enter when the session took place."),
        ({"device": "laser"}, "Choose one of the devices listed."),
        ({"device": None}, "Choose the device used."),
        ({"needle_depth_mm": "deep"}, "Enter the depth as a number"),
        ({"needle_depth_mm": "-0.5"}, "Enter a depth from 0 to 3 mm"),
        ({"needle_depth_mm": "3.5"}, "Enter a depth from 0 to 3 mm"),
        ({"needle_depth_mm": "nan"}, "Enter a depth from 0 to 3 mm"),
        ({"needle_depth_mm": "inf"}, "Enter a depth from 0 to 3 mm"),
        ({"areas": None}, "Tick at least one treated area."),
        ({"areas": ["face", "elbow"]}, "Choose only from the options listed."),
        ({"concerns": ["wrinkles<script>"]}, "Choose only from the options listed."),
        ({"series_number": "0"}, "Enter a number from 1 to 20."),
        ({"series_number": "two"}, "Not a valid integer value."),
        ({"notes": "x" * 2001}, "Field cannot be longer than 2000 characters."),
    ],
)
def test_bad_session_input_gets_a_message_and_stores_nothing(patient_client, db, overrides, message):
    response = post_session(patient_client, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert session_count(db) == 0


def test_home_lists_sessions_newest_first_with_their_log_counts(patient_client, patient, make_session, make_log):
    older = make_session(patient, hours_ago=24 * 40, areas=["neck"])
    newer = make_session(patient, hours_ago=5, areas=["scalp"])
    make_log(older, hours_after=3)
    make_log(older, hours_after=30, redness=1, swelling=0)
    logbook.reassess_all_sessions()  # make_log writes the rows directly
    page = patient_client.get("/").get_data(as_text=True)
    assert page.index("Scalp") < page.index("Neck")
    assert "2 logs" in page
    assert page.count('class="badge badge-ok">On track<') == 1  # the older session
    assert page.count('class="badge badge-neutral">No logs yet<') == 1  # the newer one: nothing to compare yet
    assert f"/sessions/{newer.id}/logs/new" in page  # the big button logs the latest session


def test_editing_a_session(patient_client, patient, make_session, db):
    treatment = make_session(patient, hours_ago=10)
    response = post_session(
        patient_client, url=f"/sessions/{treatment.id}/edit", device="derma_roller", needle_depth_mm="1.0"
    )
    assert response.status_code == 302
    db.session.refresh(treatment)
    assert treatment.device == "derma_roller" and treatment.needle_depth_mm == 1.0


def test_a_session_cannot_be_moved_after_its_first_log(patient_client, patient, make_session, make_log, db):
    treatment = make_session(patient, hours_ago=10)
    make_log(treatment, hours_after=1)
    response = post_session(patient_client, url=f"/sessions/{treatment.id}/edit", performed_at="2026-06-15T11:00")
    assert response.status_code == 422
    assert "Choose a time before its first log." in response.get_data(as_text=True)
    db.session.refresh(treatment)
    assert treatment.performed_at == datetime(2026, 6, 15, 2, 0, tzinfo=UTC)


def test_deleting_a_session_asks_first_then_removes_it_and_its_logs(
    patient_client, patient, make_session, make_log, db
):
    treatment = make_session(patient)
    make_log(treatment)
    page = patient_client.get(f"/sessions/{treatment.id}/delete")
    assert page.status_code == 200
    assert "cannot be undone" in page.get_data(as_text=True)
    assert session_count(db) == 1
    response = patient_client.post(f"/sessions/{treatment.id}/delete")
    assert response.status_code == 302
    assert session_count(db) == 0
    assert db.session.scalar(sa.select(sa.func.count(SymptomLog.id))) == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in ("/sessions/new", "/sessions/1", "/sessions/1/edit", "/sessions/1/logs/new", "/logs/1/edit"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")


def test_anonymous_home_is_the_landing_page(client):
    page = client.get("/").get_data(as_text=True)
    assert "Create an account" in page and "Log in" in page


def test_a_missing_csrf_token_is_refused_and_nothing_is_stored(csrf_app, make_patient, db):
    from app.models import User

    make_patient(email="csrf@example.com")
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"email": "csrf@example.com", "password": "x"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    response = client.post(
        "/auth/signup",
        data={"email": "c2@example.com", "password": "violet-tugboat-marmalade", "confirm": "violet-tugboat-marmalade"},
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
