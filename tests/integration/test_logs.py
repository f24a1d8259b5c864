import re
from datetime import datetime, timezone

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
    assert log.logged_at == datetime(2026, 6, 15, 11, 30, tzinfo=timezone.utc)
    assert (log.redness, log.swelling, log.peeling, log.pain, log.itch) == (2, 1, 0, 3, None)
    assert log.bruising is True
    assert log.warning_signs == {"fever"}
    assert log.note == "A bit tight."


def test_a_log_time_is_read_in_the_patients_time_zone(patient_client, patient, treatment, db):
    patient.timezone = "Asia/Tokyo"  # UTC+9: 20:30 there is 11:30 UTC
    db.session.commit()
    post_log(patient_client, f"/sessions/{treatment.id}/logs/new", logged_at="2026-06-15T20:30")
    assert db.session.scalar(sa.select(SymptomLog.logged_at)) == datetime(2026, 6, 15, 11, 30, tzinfo=timezone.utc)


def test_a_log_without_a_time_is_for_now(patient_client, treatment, db):
    post_log(patient_client, f"/sessions/{treatment.id}/logs/new", logged_at=None)
    assert db.session.scalar(sa.select(SymptomLog.logged_at)) == NOW


def test_the_log_form_offers_every_level_in_words_and_defaults_to_now(patient_client, treatment):
    page = patient_client.get(f"/sessions/{treatment.id}/logs/new").get_data(as_text=True)
    for label in ("Redness", "Swelling", "Peeling", "Pain", "Itch", "Some bruising", "Save log",
                  "Pus or yellow crust", "Fever", "Blisters or cold sores", "Itchy bumps or rash"):
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
    ids = {re.search(r'name="client_id" type="hidden" value="([^"]+)"',
                     patient_client.get(f"/sessions/{treatment.id}/logs/new").get_data(as_text=True)).group(1)
           for _ in range(2)}
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
