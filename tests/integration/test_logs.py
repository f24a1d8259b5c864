import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.models import SymptomLog
from tests.conftest import NOW

# The patient's session was 30 hours before NOW (2026-06-15 12:00 UTC).
VALID = {
    "logged_at": "2026-06-15T11:30",
    "redness": "2",
    "swelling": "1",
    "peeling": "0",
    "pain": "3",
    "itch": "",
    "note": "A bit tight.",
}


def post_log(client, url, **overrides):
    data = {**VALID, **overrides}
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def log_count(db):
    return db.session.scalar(sa.select(sa.func.count(SymptomLog.id)))


def test_saving_a_log(patient_client, treatment, db):
    response = post_log(patient_client, f"/sessions/{treatment.id}/logs/new", bruising="y", fever="y")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sessions/{treatment.id}"
    log = db.session.scalar(sa.select(SymptomLog))
    assert log.session_id == treatment.id
    assert log.logged_at == datetime(2026, 6, 15, 11, 30, tzinfo=UTC)
    assert (log.redness, log.swelling, log.peeling, log.pain, log.itch) == (2, 1, 0, 3, None)
    assert log.bruising is True
    assert log.warning_signs == {"fever"}
    assert log.note == "A bit tight."


def test_a_log_time_is_read_in_the_patients_time_zone(patient_client, patient, treatment, db):
    patient.timezone = "Asia/Tokyo"  # UTC+9: 20:30 there is 11:30 UTC
    db.session.commit()
    post_log(patient_client, f"/sessions/{treatment.id}/logs/new", logged_at="2026-06-15T20:30")
    assert db.session.scalar(sa.select(SymptomLog.logged_at)) == datetime(2026, 6, 15, 11, 30, tzinfo=UTC)


def test_a_log_without_a_time_is_for_now(patient_client, treatment, db):
    post_log(patient_client, f"/sessions/{treatment.id}/logs/new", logged_at=None)
    assert db.session.scalar(sa.select(SymptomLog.logged_at)) == NOW


def test_the_log_form_offers_every_level_in_words_and_defaults_to_now(patient_client, treatment):
    page = patient_client.get(f"/sessions/{treatment.id}/logs/new").get_data(as_text=True)
    for label in (
        "Redness",
        "Swelling",
        "Peeling",
        "Pain",
        "Itch",
        "Some bruising",
        "Save log",
        "Pus or yellow crust",
        "Fever",
        "Blisters or cold sores",
        "Itchy bumps or rash",
    ):
        assert label in page
    assert page.count('name="redness"') == 5
    assert page.count('name="pain"') == 12  # Skip and 0 to 10
    assert 'value="2026-06-15T12:00"' in page


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"redness": "5"}, "Choose a whole number from 0 to 4."),
        ({"swelling": "-1"}, "Choose a whole number from 0 to 4."),
        ({"peeling": "lots"}, "Choose a whole number from 0 to 4."),
        ({"redness": "2.5"}, "Choose a whole number from 0 to 4."),
        ({"redness": None}, "Choose one of the levels."),
        ({"redness": ["1", "3"]}, "Choose a whole number from 0 to 4."),
        ({"pain": "11"}, "Choose a whole number from 0 to 10."),
        ({"itch": "very"}, "Choose a whole number from 0 to 10."),
        ({"logged_at": "2026-06-14T05:00"}, "A log cannot be earlier than the session it belongs to."),
        ({"logged_at": "2026-06-15T12:30"}, "A log cannot be in the future."),
        ({"logged_at": "15/06/2026"}, "Enter a date and time"),
        ({"logged_at": "0001-01-01T00:00"}, "Enter a date between 2000 and 2100"),
        ({"note": "n" * 2001}, "Field cannot be longer than 2000 characters."),
    ],
)
def test_bad_log_input_gets_a_message_and_stores_nothing(patient_client, treatment, db, overrides, message):
    response = post_log(patient_client, f"/sessions/{treatment.id}/logs/new", **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert log_count(db) == 0


def test_a_few_minutes_of_clock_difference_is_tolerated(patient_client, treatment, db):
    response = post_log(patient_client, f"/sessions/{treatment.id}/logs/new", logged_at="2026-06-15T12:03")
    assert response.status_code == 302
    assert log_count(db) == 1


def test_history_lists_logs_newest_first_with_time_since_the_session(patient_client, treatment, make_log):
    make_log(treatment, hours_after=2, redness=3)
    make_log(treatment, hours_after=26, redness=1)
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert page.index("26 hours after the session") < page.index("2 hours after the session")


def test_editing_a_log(patient_client, treatment, make_log, db):
    log = make_log(treatment, hours_after=2, redness=3)
    page = patient_client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    assert 'value="2026-06-14T08:00"' in page  # the log's own time, not now
    response = post_log(patient_client, f"/logs/{log.id}/edit", logged_at="2026-06-14T08:00", redness="1")
    assert response.status_code == 302
    db.session.refresh(log)
    assert log.redness == 1
    assert log_count(db) == 1


def test_an_edit_with_bad_input_changes_nothing(patient_client, treatment, make_log, db):
    log = make_log(treatment, hours_after=2, redness=3)
    response = post_log(patient_client, f"/logs/{log.id}/edit", redness="9", note="changed")
    assert response.status_code == 422
    db.session.refresh(log)
    assert (log.redness, log.note) == (3, "")


def test_deleting_a_log(patient_client, treatment, make_log, db):
    log = make_log(treatment)
    assert patient_client.get(f"/logs/{log.id}/delete").status_code == 200
    assert log_count(db) == 1
    assert patient_client.post(f"/logs/{log.id}/delete").status_code == 302
    assert log_count(db) == 0


def test_nul_characters_are_dropped_from_text(patient_client, treatment, db):
    post_log(patient_client, f"/sessions/{treatment.id}/logs/new", note="fine\x00 now")
    assert db.session.scalar(sa.select(SymptomLog.note)) == "fine now"


def test_the_same_form_sent_twice_is_stored_once(patient_client, treatment, db):
    page = patient_client.get(f"/sessions/{treatment.id}/logs/new").get_data(as_text=True)
    client_id = re.search(r'name="client_id" type="hidden" value="([0-9a-f-]{36})"', page).group(1)
    for _ in range(2):  # a double tap, or a log kept offline and sent again
        response = post_log(patient_client, f"/sessions/{treatment.id}/logs/new", client_id=client_id)
        assert response.status_code == 302
    assert log_count(db) == 1
    assert db.session.scalar(sa.select(SymptomLog.client_id)) == client_id
    assert patient_client.get(response.headers["Location"]).get_data(as_text=True).count("Log saved.") == 1


def test_each_form_gets_its_own_client_id(patient_client, treatment):
    ids = {
        re.search(
            r'name="client_id" type="hidden" value="([^"]+)"',
            patient_client.get(f"/sessions/{treatment.id}/logs/new").get_data(as_text=True),
        ).group(1)
        for _ in range(2)
    }
    assert len(ids) == 2


def test_a_damaged_client_id_is_refused(patient_client, treatment, db):
    response = post_log(patient_client, f"/sessions/{treatment.id}/logs/new", client_id="not-a-uuid")
    assert response.status_code == 422
    assert "This form was damaged" in response.get_data(as_text=True)
    assert log_count(db) == 0


def test_editing_cannot_take_another_logs_client_id(patient_client, treatment, make_log, db):
    first = make_log(treatment, hours_after=1, client_id="11111111-1111-4111-8111-111111111111")
    second = make_log(treatment, hours_after=2)
    response = post_log(patient_client, f"/logs/{second.id}/edit", client_id=first.client_id)
    assert response.status_code == 302  # the field is not part of an edit, so it is ignored
    db.session.refresh(second)
    assert second.client_id is None


CLIENT_ID = "33333333-3333-4333-8333-333333333333"


def test_another_patient_reusing_a_client_id_gets_their_own_log_stored(
    client, patient, treatment, make_patient, make_session, db
):
    """A client_id is matched only within its session: patient B's log is B's, never a silent no-op."""
    from tests.conftest import log_in

    log_in(client, patient)
    assert post_log(client, f"/sessions/{treatment.id}/logs/new", client_id=CLIENT_ID).status_code == 302
    client.post("/auth/logout")
    other = make_patient()
    their_session = make_session(other, hours_ago=30)
    log_in(client, other)
    response = post_log(client, f"/sessions/{their_session.id}/logs/new", client_id=CLIENT_ID, redness="3")
    assert response.status_code == 302
    stored = db.session.execute(
        sa.select(SymptomLog.session_id, SymptomLog.redness)
        .where(SymptomLog.client_id == CLIENT_ID)
        .order_by(SymptomLog.id)
    ).all()
    assert stored == [(treatment.id, 2), (their_session.id, 3)]


def test_the_same_client_id_in_another_session_of_the_patient_is_another_log(
    patient_client, patient, treatment, make_session, db
):
    later = make_session(patient, hours_ago=2)
    for session_id in (treatment.id, later.id):
        response = post_log(
            patient_client, f"/sessions/{session_id}/logs/new", client_id=CLIENT_ID, logged_at="2026-06-15T11:55"
        )
        assert response.status_code == 302
    assert log_count(db) == 2


def test_the_same_client_id_with_other_answers_is_a_conflict_and_stores_nothing(patient_client, treatment, db):
    url = f"/sessions/{treatment.id}/logs/new"
    first = post_log(patient_client, url, client_id=CLIENT_ID)
    patient_client.get(first.headers["Location"])  # shows (and so clears) that save's message
    response = post_log(patient_client, url, client_id=CLIENT_ID, redness="4", note="Much redder now")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "already used to save a different log, so nothing was saved" in page
    assert "Log saved." not in page
    # The patient's answers are kept on the form, under a new id, ready to save as a new log.
    assert "Much redder now" in page
    assert re.search(r'<input[^>]*id="redness-4"[^>]*checked|<input checked[^>]*id="redness-4"', page)
    new_id = re.search(r'name="client_id" type="hidden" value="([0-9a-f-]{36})"', page).group(1)
    assert new_id != CLIENT_ID
    assert db.session.execute(sa.select(SymptomLog.redness, SymptomLog.note)).all() == [(2, "A bit tight.")]

    response = post_log(patient_client, url, client_id=new_id, redness="4", note="Much redder now")
    assert response.status_code == 302
    assert log_count(db) == 2


@pytest.mark.parametrize(
    "change", [{"note": "A bit tight!"}, {"pain": ""}, {"fever": "y"}, {"logged_at": "2026-06-15T11:00"}]
)
def test_any_other_answer_or_time_under_the_same_id_is_a_conflict(patient_client, treatment, db, change):
    url = f"/sessions/{treatment.id}/logs/new"
    assert post_log(patient_client, url, client_id=CLIENT_ID).status_code == 302
    assert post_log(patient_client, url, client_id=CLIENT_ID, **change).status_code == 409
    assert log_count(db) == 1


def test_a_resend_of_a_form_sent_without_a_time_minutes_later_is_still_stored_once(
    patient_client, treatment, db, frozen_time
):
    """No time means "now" on arrival: a resend a minute later is the same log, not a conflict."""
    url = f"/sessions/{treatment.id}/logs/new"
    assert post_log(patient_client, url, client_id=CLIENT_ID, logged_at=None).status_code == 302
    frozen_time.shift(90)
    assert post_log(patient_client, url, client_id=CLIENT_ID, logged_at=None).status_code == 302
    assert log_count(db) == 1
