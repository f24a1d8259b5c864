"""'My usual skin': a patient's own baseline, and how it changes what counts as typical."""

from app.models import TreatmentSession
from tests.conftest import NOW, log_in

USUAL = {"redness": "1", "swelling": "0", "peeling": "1"}


def stored(db, treatment):
    db.session.expire_all()
    return db.session.get(TreatmentSession, treatment.id)


def test_a_new_session_says_no_logs_yet_instead_of_a_status(patient_client, treatment):
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "No logs yet" in page
    assert "On track" not in page
    assert treatment.status == "no_logs"


def test_usual_skin_is_saved_and_shown_on_the_session_page(patient_client, treatment, db):
    form = patient_client.get(f"/sessions/{treatment.id}/usual-skin")
    assert form.status_code == 200
    response = patient_client.post(f"/sessions/{treatment.id}/usual-skin", data=USUAL)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sessions/{treatment.id}"
    session = stored(db, treatment)
    assert (session.usual_redness, session.usual_swelling, session.usual_peeling) == (1, 0, 1)
    assert session.usual_skin_logged_at == NOW
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "Usual skin saved." in page
    assert "redness 1, swelling 0, peeling 1." in page
    assert "Change my usual skin" in page


def test_a_baseline_of_faint_pink_keeps_faint_pink_on_day_14_on_track(
    patient_client, make_session, make_log, patient, db
):
    # 1.0 mm, 14 days ago, redness 1 ("faint pink") in the latest log: without a baseline the
    # model says "Slower than typical" (a little redness after healing); with a usual redness of 1,
    # it is the patient's own skin.
    treatment = make_session(patient, hours_ago=14 * 24, needle_depth_mm=1.0)
    make_log(treatment, hours_after=14 * 24 - 1, redness=1, swelling=0, peeling=0)
    patient_client.post(f"/sessions/{treatment.id}/usual-skin", data={"redness": "0", "swelling": "0", "peeling": "0"})
    assert stored(db, treatment).status == "slower"
    patient_client.post(f"/sessions/{treatment.id}/usual-skin", data=USUAL)
    assert stored(db, treatment).status == "on_track"
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "On track" in page


def test_removing_the_usual_skin_judges_against_the_typical_range_again(
    patient_client, make_session, make_log, patient, db
):
    treatment = make_session(patient, hours_ago=14 * 24, needle_depth_mm=1.0)
    make_log(treatment, hours_after=14 * 24 - 1, redness=1, swelling=0, peeling=0)
    patient_client.post(f"/sessions/{treatment.id}/usual-skin", data=USUAL)
    assert stored(db, treatment).status == "on_track"
    response = patient_client.post(f"/sessions/{treatment.id}/usual-skin/remove")
    assert response.status_code == 302
    session = stored(db, treatment)
    assert (session.usual_redness, session.usual_skin_logged_at) == (None, None)
    assert session.status == "slower"


def test_bad_usual_skin_gets_a_message_by_the_field_and_stores_nothing(patient_client, treatment, db):
    response = patient_client.post(
        f"/sessions/{treatment.id}/usual-skin", data={"redness": "9", "swelling": "x", "peeling": ["1", "2"]}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a whole number from 0 to 4." in page
    missing = patient_client.post(f"/sessions/{treatment.id}/usual-skin", data={})
    assert missing.status_code == 422
    assert "Choose one of the levels." in missing.get_data(as_text=True)
    assert stored(db, treatment).usual_skin_logged_at is None


def test_another_patients_session_answers_404(client, make_patient, make_session, db):
    owner, other = make_patient(), make_patient()
    treatment = make_session(owner)
    log_in(client, other)
    assert client.get(f"/sessions/{treatment.id}/usual-skin").status_code == 404
    assert client.post(f"/sessions/{treatment.id}/usual-skin", data=USUAL).status_code == 404
    assert client.post(f"/sessions/{treatment.id}/usual-skin/remove").status_code == 404
    assert stored(db, treatment).usual_skin_logged_at is None


def test_the_usual_skin_is_in_the_personal_data_export(patient_client, treatment):
    patient_client.post(f"/sessions/{treatment.id}/usual-skin", data=USUAL)
    exported = patient_client.get("/my-data/afterglow.json").get_json()
    assert exported["sessions"][0]["usual_skin"] == {
        "redness": 1,
        "swelling": 0,
        "peeling": 1,
        "logged_at": "2026-06-15T12:00:00+00:00",
    }
