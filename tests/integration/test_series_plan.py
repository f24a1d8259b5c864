"""The series, planned: the patient or the clinic sets how many sessions and how far apart; the pages show the
next session's window, the planned date or maintenance as dates in the patient's zone; a session recorded less
than 4 weeks after the previous one is saved and shows a calm warning. Through the app, as people use it.
"""

import html
import re

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, CareLink, TreatmentSession, User, utcnow
from tests.conftest import log_in

# NOW is Monday 15 June 2026, 12:00 UTC.
SESSION = {
    "performed_at": "2026-06-15T12:00",
    "needle_depth_mm": "0.5",
    "device": "derma_pen",
    "areas": ["face"],
}
PATIENT_WARNING = (
    "This session is 1 day after your previous one (14 June). Sessions in a series are usually 4–6 weeks apart, "
    "to give the skin time to heal. If the date is wrong, edit the session; if not, mention it to your clinic."
)
CLINIC_WARNING = (
    "This session is 1 day after the patient's previous one (14 June). Sessions in a series are usually 4–6 weeks "
    "apart, to give the skin time to heal. If the date is wrong, the patient can correct it from their session page."
)
USUALLY_APART = "Sessions in a series are usually 4–6 weeks apart"
SESSIONS_MESSAGE = "Choose 3, 4, 5 or 6 sessions, or Not set."
WEEKS_MESSAGE = "Choose 4, 5 or 6 weeks, or Not set."


def page_of(response):
    """The page's words as a reader sees them: no tags, entities such as &#39; decoded, spaces collapsed."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(words)).replace(" .", ".").replace(" ,", ",")


def html_of(response):
    return response.get_data(as_text=True)


def session_count(db, patient):
    return db.session.scalar(
        sa.select(sa.func.count(TreatmentSession.id)).where(TreatmentSession.patient_id == patient.id)
    )


def plan_of(db, patient):
    db.session.expire_all()
    user = db.session.get(User, patient.id)
    return user.planned_sessions, user.planned_interval_weeks


def field_block(page, name):
    """The field's fieldset, from its legend to its message."""
    block = page[page.index(f'id="{name}"') :]
    return block[: block.index("</fieldset>")]


@pytest.fixture
def clinic(make_clinic):
    return make_clinic("Glow Clinic")


@pytest.fixture
def practitioner(make_practitioner, clinic):
    return make_practitioner(clinic, name="Dr Rosa Glow")


@pytest.fixture
def clinic_browser(app, practitioner):
    browser = app.test_client()
    log_in(browser, practitioner)
    return browser


@pytest.fixture
def shared_patient(make_patient, share, clinic):
    patient = make_patient(name="Ada", email="ada@example.com")
    share(patient, clinic)
    return patient


# --- The warning: a session less than 4 weeks after the previous one ---------------------------


def test_a_session_recorded_one_day_after_the_previous_is_saved_and_shows_the_warning(
    db, patient_client, patient, make_session
):
    make_session(patient, hours_ago=24)  # 14 June, 12:00
    response = patient_client.post("/sessions/new", data=SESSION)
    assert response.status_code == 302
    assert session_count(db, patient) == 2  # saved regardless
    landing = page_of(patient_client.get(response.location))
    assert PATIENT_WARNING in landing
    assert "Session saved." in landing


def test_the_session_page_keeps_the_notice_while_it_is_true_and_drops_it_once_the_date_is_corrected(
    db, patient_client, patient, make_session
):
    make_session(patient, hours_ago=24)
    later = make_session(patient, hours_ago=0)
    assert PATIENT_WARNING in page_of(patient_client.get(f"/sessions/{later.id}"))
    assert PATIENT_WARNING in page_of(patient_client.get(f"/sessions/{later.id}"))  # not a one-off message

    response = patient_client.post(f"/sessions/{later.id}/edit", data={**SESSION, "performed_at": "2026-07-12T12:00"})
    assert response.status_code == 302
    assert USUALLY_APART not in page_of(patient_client.get(response.location))


def test_editing_a_session_to_one_day_after_the_previous_shows_the_warning(db, patient_client, patient, make_session):
    make_session(patient, hours_ago=24)
    later = make_session(patient, hours_ago=-24 * 30)  # 15 July: well spaced
    assert USUALLY_APART not in page_of(patient_client.get(f"/sessions/{later.id}"))
    response = patient_client.post(f"/sessions/{later.id}/edit", data=SESSION)
    assert response.status_code == 302
    assert PATIENT_WARNING in page_of(patient_client.get(response.location))


def test_a_session_28_days_after_the_previous_shows_no_warning(db, patient_client, patient, make_session):
    make_session(patient, hours_ago=28 * 24)  # 18 May, 12:00: exactly 4 weeks before
    response = patient_client.post("/sessions/new", data=SESSION)
    assert response.status_code == 302
    page = page_of(patient_client.get(response.location))
    assert USUALLY_APART not in page
    assert "previous one" not in page


def test_27_days_after_the_previous_is_still_too_soon(db, patient_client, patient, make_session):
    make_session(patient, hours_ago=27 * 24)  # 19 May
    response = patient_client.post("/sessions/new", data=SESSION)
    assert "This session is 27 days after your previous one (19 May)." in page_of(patient_client.get(response.location))


def test_the_first_session_shows_no_warning(db, patient_client, patient):
    response = patient_client.post("/sessions/new", data=SESSION)
    assert USUALLY_APART not in page_of(patient_client.get(response.location))


def test_a_session_the_same_day_as_the_previous_says_so(db, patient_client, patient, make_session):
    make_session(patient, hours_ago=3)  # 09:00 the same day
    response = patient_client.post("/sessions/new", data=SESSION)
    assert "This session is on the same day as your previous one (15 June)." in page_of(
        patient_client.get(response.location)
    )


def test_the_days_are_counted_in_the_patients_zone(db, patient_client, patient, make_session):
    patient.timezone = "Pacific/Auckland"  # UTC+12 in June
    db.session.commit()
    make_session(patient, hours_ago=14)  # 14 June 22:00 UTC: 15 June 10:00 in Auckland
    # 16 June 09:00 in Auckland: 23 hours later, but the next calendar day there.
    response = patient_client.post("/sessions/new", data={**SESSION, "performed_at": "2026-06-16T09:00"})
    assert "This session is 1 day after your previous one (15 June)." in page_of(patient_client.get(response.location))


def test_the_clinics_recording_shows_the_warning_worded_for_the_clinic(
    db, clinic_browser, shared_patient, make_session
):
    make_session(shared_patient, hours_ago=24)
    response = clinic_browser.post(f"/clinic/patients/{shared_patient.id}/sessions/new", data=SESSION)
    assert response.status_code == 302
    assert session_count(db, shared_patient) == 2
    landing = page_of(clinic_browser.get(response.location))
    assert CLINIC_WARNING in landing  # said at the top on landing, and beside the session
    assert landing.count(CLINIC_WARNING) == 2
    # Opened again later: the notice stays beside the session.
    again = page_of(clinic_browser.get(response.location))
    assert again.count(CLINIC_WARNING) == 1


def test_the_clinics_recording_28_days_after_shows_no_warning(db, clinic_browser, shared_patient, make_session):
    make_session(shared_patient, hours_ago=28 * 24)
    response = clinic_browser.post(f"/clinic/patients/{shared_patient.id}/sessions/new", data=SESSION)
    assert USUALLY_APART not in page_of(clinic_browser.get(response.location))


# --- The plan: set by the patient --------------------------------------------------------------


def test_the_patient_sets_a_plan_and_the_home_card_shows_the_next_window_and_planned_date(
    db, patient_client, patient, make_session
):
    make_session(patient, hours_ago=24, series_number=2)  # 14 June
    page = page_of(patient_client.get("/"))
    assert "No plan set yet. A series is usually 3 to 6 sessions, 4 to 6 weeks apart." in page
    assert "Session 2" in page and "12 July – 26 July" in page
    assert "Planned date" not in page

    response = patient_client.post("/series", data={"planned_sessions": "4", "interval_weeks": "5"})
    assert response.status_code == 302 and response.location == "/"
    assert plan_of(db, patient) == (4, 5)
    page = page_of(patient_client.get("/"))
    assert "Planned: 4 sessions, 5 weeks apart." in page
    assert "Session 2 of 4" in page
    assert "Next session: 12 July – 26 July" in page
    assert "Planned date: 19 July" in page
    assert "Dates in your time zone (UTC)." in page
    assert "This window has passed" not in page


def test_not_set_clears_the_plan(db, patient_client, patient):
    patient.planned_sessions, patient.planned_interval_weeks = 5, 6
    db.session.commit()
    page = html_of(patient_client.get("/series"))
    assert '<input checked id="planned_sessions-3" name="planned_sessions" type="radio" value="5">' in page
    assert '<input checked id="interval_weeks-3" name="interval_weeks" type="radio" value="6">' in page
    response = patient_client.post("/series", data={"planned_sessions": "", "interval_weeks": ""})
    assert response.status_code == 302
    assert plan_of(db, patient) == (None, None)


def test_the_card_dates_are_in_the_patients_zone(db, patient_client, patient, make_session):
    patient.timezone = "Pacific/Auckland"  # UTC+12 in June
    patient.planned_sessions, patient.planned_interval_weeks = 4, 5
    db.session.commit()
    # 14 June 13:00 UTC is 15 June 01:00 in Auckland: the window counts from 15 June, not 14 June.
    make_session(patient, hours_ago=23, series_number=2)
    page = page_of(patient_client.get("/"))
    assert "Next session: 13 July – 27 July" in page
    assert "Planned date: 20 July" in page
    assert "Dates in your time zone (Pacific/Auckland)." in page
    assert "12 July" not in page


def test_maintenance_dates_once_the_planned_number_is_reached(db, patient_client, patient, make_session):
    patient.timezone = "America/Los_Angeles"  # UTC-7 in June
    patient.planned_sessions = 3
    db.session.commit()
    make_session(patient, hours_ago=33, series_number=3)  # 14 June 03:00 UTC: 13 June 20:00 in Los Angeles
    page = page_of(patient_client.get("/"))
    assert "Session 3 of 3" in page
    assert "Maintenance from 13 December 2026 to 13 June 2027" in page
    assert "Next session" not in page


def test_a_window_that_has_passed_says_so(db, patient_client, patient, make_session):
    make_session(patient, hours_ago=70 * 24, series_number=1)  # 6 April
    page = page_of(patient_client.get("/"))
    assert "Next session: 4 May – 18 May" in page
    assert "This window has passed. If you are continuing the series, ask your clinic for a date." in page


def test_without_a_plan_the_series_goes_on_until_six_sessions(db, patient_client, patient, make_session):
    make_session(patient, hours_ago=24, series_number=3)
    page = page_of(patient_client.get("/"))
    assert "Next session: 12 July – 26 July" in page
    assert "Maintenance" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"planned_sessions": "7", "interval_weeks": "5"}, "planned_sessions", SESSIONS_MESSAGE),
        ({"planned_sessions": "2", "interval_weeks": "5"}, "planned_sessions", SESSIONS_MESSAGE),
        ({"planned_sessions": "4", "interval_weeks": "3"}, "interval_weeks", WEEKS_MESSAGE),
        ({"planned_sessions": "4", "interval_weeks": "7"}, "interval_weeks", WEEKS_MESSAGE),
        ({"planned_sessions": "four<script>", "interval_weeks": "5"}, "planned_sessions", SESSIONS_MESSAGE),
        ({"planned_sessions": "4", "interval_weeks": "4.5"}, "interval_weeks", WEEKS_MESSAGE),
        ({"planned_sessions": ["4", "5"], "interval_weeks": "5"}, "planned_sessions", SESSIONS_MESSAGE),
        ({"planned_sessions": "04", "interval_weeks": "5"}, "planned_sessions", SESSIONS_MESSAGE),
        ({"planned_sessions": "4", "interval_weeks": "٥"}, "interval_weeks", WEEKS_MESSAGE),  # an Arabic-Indic 5
        ({"interval_weeks": "5"}, "planned_sessions", SESSIONS_MESSAGE),  # missing: never taken as Not set
    ],
)
def test_bad_plan_values_are_refused_beside_the_field_and_nothing_is_stored(
    db, patient_client, patient, data, field, message
):
    patient.planned_sessions, patient.planned_interval_weeks = 3, 6
    db.session.commit()
    response = patient_client.post("/series", data=data)
    assert response.status_code == 422
    page = html_of(response)
    assert message in field_block(page, field)
    assert page.count(message) == 1
    assert plan_of(db, patient) == (3, 6)


def test_a_patient_cannot_set_anothers_plan(db, app, patient_client, patient, make_patient, clinic, share):
    other = make_patient(email="other@example.com")
    share(other, clinic)
    response = patient_client.post(f"/clinic/patients/{other.id}/series", data={"planned_sessions": "6"})
    assert response.status_code == 404
    # /series changes only the signed-in patient's own plan: it takes no patient id.
    patient_client.post("/series", data={"planned_sessions": "6", "interval_weeks": "6", "patient_id": other.id})
    assert plan_of(db, other) == (None, None)
    assert plan_of(db, patient) == (6, 6)


def test_the_series_page_needs_a_patient(db, app, clinic_browser):
    assert clinic_browser.get("/series").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get("/series").status_code == 302  # to log in


# --- The plan: set by the clinic ---------------------------------------------------------------


def test_the_clinic_sets_the_plan_audited_and_the_patient_sees_it(
    db, app, clinic_browser, practitioner, shared_patient, make_session
):
    make_session(shared_patient, hours_ago=24, series_number=1)
    page = page_of(clinic_browser.get(f"/clinic/patients/{shared_patient.id}"))
    assert "Session 1" in page and "Next session: 12 July – 26 July" in page
    assert "Dates in the patient's time zone (UTC)." in page

    response = clinic_browser.post(
        f"/clinic/patients/{shared_patient.id}/series", data={"planned_sessions": "5", "interval_weeks": "6"}
    )
    assert response.status_code == 302
    assert response.location == f"/clinic/patients/{shared_patient.id}#series"
    assert plan_of(db, shared_patient) == (5, 6)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.actor_id == practitioner.id, AuditEvent.action != "view_patient")
    ).all()
    assert actions == ["edit_series_plan"]

    page = page_of(clinic_browser.get(f"/clinic/patients/{shared_patient.id}"))
    assert "Session 1 of 5" in page and "Planned date: 26 July" in page

    ada = app.test_client()
    log_in(ada, shared_patient)
    home = page_of(ada.get("/"))
    assert "Planned: 5 sessions, 6 weeks apart." in home and "Planned date: 26 July" in home
    assert "Dr Rosa Glow — changed the planned series" in page_of(ada.get("/sharing"))


def test_the_clinics_plan_form_refuses_bad_values_beside_the_field(db, clinic_browser, shared_patient):
    response = clinic_browser.post(
        f"/clinic/patients/{shared_patient.id}/series", data={"planned_sessions": "4", "interval_weeks": "3"}
    )
    assert response.status_code == 422
    assert WEEKS_MESSAGE in field_block(html_of(response), "interval_weeks")
    assert plan_of(db, shared_patient) == (None, None)
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "edit_series_plan")) is None


def test_a_practitioner_of_another_clinic_gets_404(db, app, make_clinic, make_practitioner, shared_patient):
    browser = app.test_client()
    log_in(browser, make_practitioner(make_clinic("Other Clinic")))
    response = browser.post(f"/clinic/patients/{shared_patient.id}/series", data={"planned_sessions": "4"})
    assert response.status_code == 404
    assert plan_of(db, shared_patient) == (None, None)


def test_a_patient_who_withdrew_is_out_of_reach(db, clinic_browser, shared_patient, clinic):
    link = db.session.scalar(sa.select(CareLink).where(CareLink.patient_id == shared_patient.id))
    link.withdrawn_at = utcnow()
    db.session.commit()
    data = {"planned_sessions": "4", "interval_weeks": "4"}
    assert clinic_browser.post(f"/clinic/patients/{shared_patient.id}/series", data=data).status_code == 404
    assert plan_of(db, shared_patient) == (None, None)
