"""The clinic, reachable: its practitioners edit its profile; a patient sharing with it gets a tap-to-call link,
today's hours and, outside them, its after-hours advice; and the patient sees when the clinic was alerted, and
who saw it, when, and their message (never the clinic's private note). Through the app, as people use it.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Alert, AuditEvent, Clinic
from tests.conftest import NOW, log_in

# NOW is Monday 15 June 2026, 12:00 UTC: 13:00 in London (British Summer Time).
PROFILE = {
    "name": "Glow Clinic",
    "phone": "+44 (20) 7946-0000",
    "email": "Desk@Glow.example",
    "timezone": "Europe/London",
    "hours_monday": "09:00-17:30",
    "hours_tuesday": "09:00-17:30",
    "hours_wednesday": "09:00-17:30",
    "hours_thursday": "09:00-17:30",
    "hours_friday": "09:00-13:00",
    "hours_saturday": "",
    "hours_sunday": "",
    "after_hours_advice": "Call NHS 111 <any time>.",
    "emergency_advice": "Call 999.",
    "submit": "Save clinic profile",
}
PRIVATE_NOTE = "Patient sounded anxious; consider antibiotics if worse."


def page_of(response):
    return response.get_data(as_text=True)


def hidden_value(page, name):
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)


@pytest.fixture
def practitioner(make_practitioner, clinic):
    return make_practitioner(clinic, name="Dr Rosa Glow")


@pytest.fixture
def profiled_clinic(db, clinic_browser, clinic):
    response = clinic_browser.post("/clinic/profile", data=PROFILE)
    assert response.status_code == 302, page_of(response)
    return clinic


@pytest.fixture
def ada(make_patient, clinic, share):
    patient = make_patient(name="Ada", email="ada@example.com", timezone="Europe/Paris")
    share(patient, clinic)
    return patient


def log_pus(browser, treatment):
    logged_at = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"logged_at": logged_at, "redness": "1", "swelling": "0", "peeling": "0", "pus": "y"}
    response = browser.post(f"/sessions/{treatment.id}/logs/new", data=data)
    assert response.status_code == 302, page_of(response)


def stored(db, clinic_id):
    db.session.expire_all()
    return db.session.get(Clinic, clinic_id)


# --- The profile ------------------------------------------------------------------------------


def test_a_practitioner_edits_the_clinic_profile(db, clinic_browser, clinic, practitioner):
    page = page_of(clinic_browser.get("/clinic/profile"))
    assert 'value="Glow Clinic"' in page and "Save clinic profile" in page

    response = clinic_browser.post("/clinic/profile", data=PROFILE)
    assert response.status_code == 302 and response.location.endswith("/clinic/profile")
    saved = stored(db, clinic.id)
    assert saved.phone == "+44 (20) 7946-0000"  # as typed
    assert saved.email == "desk@glow.example"
    assert saved.timezone == "Europe/London"
    assert (saved.hours_monday, saved.hours_friday, saved.hours_saturday) == ("09:00-17:30", "09:00-13:00", "")
    assert saved.after_hours_advice == "Call NHS 111 <any time>." and saved.emergency_advice == "Call 999."
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.actor_id == practitioner.id)).all()
    assert actions == ["edit_clinic_profile"]

    page = page_of(clinic_browser.get("/clinic/profile"))
    assert 'href="tel:+442079460000"' in page  # the preview of what patients see
    assert "Open today 09:00–17:30 (Europe/London time): open now." in page
    assert "While the clinic is closed" not in page  # open now: no after-hours advice
    assert 'value="+44 (20) 7946-0000"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "0207 946 0000 ext. 5", "Use only digits, spaces and + - ( )."),
        ("phone", "12345", "That number looks too short to call."),
        ("hours_monday", "9-5", "Write the hours as 09:00-17:30, or leave it empty if the clinic is closed that day."),
        ("hours_friday", "17:00-09:00", "The closing time must come after the opening time, the same day."),
        ("timezone", "Mars/Olympus_Mons", "Enter a time zone such as Europe/London."),
        ("timezone", "", "Enter the clinic&#39;s time zone, for example Europe/London."),
        ("email", "desk@", "Enter an email address like name@example.com."),
        ("name", "", "Enter the clinic&#39;s name."),
        ("after_hours_advice", "x" * 2001, "Field cannot be longer than 2000 characters."),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_stored(
    db, clinic_browser, profiled_clinic, field, value, message
):
    response = clinic_browser.post("/clinic/profile", data={**PROFILE, "name": "Renamed", field: value})
    page = page_of(response)
    assert response.status_code == 422
    # The message sits in the field's own block, after its input.
    block = page[page.index(f'id="{field}"') :]
    assert message in block[: block.index("</div>")]
    assert stored(db, profiled_clinic.id).name == "Glow Clinic"


def test_a_practitioner_edits_only_their_own_clinic(db, make_clinic, make_practitioner, app, profiled_clinic):
    other = make_clinic("Other Clinic")
    browser = app.test_client()
    log_in(browser, make_practitioner(other, name="Dr Other"))
    page = page_of(browser.get("/clinic/profile"))
    assert 'value="Other Clinic"' in page and "Glow Clinic" not in page
    response = browser.post("/clinic/profile", data={**PROFILE, "name": "Other Clinic", "phone": "555 0100 99"})
    assert response.status_code == 302
    assert stored(db, other.id).phone == "555 0100 99"
    glow = stored(db, profiled_clinic.id)
    assert (glow.name, glow.phone) == ("Glow Clinic", "+44 (20) 7946-0000")


def test_fields_left_out_of_a_post_are_stored_empty(db, clinic_browser, profiled_clinic):
    response = clinic_browser.post("/clinic/profile", data={"name": "Glow Clinic", "timezone": "Asia/Kolkata"})
    assert response.status_code == 302
    saved = stored(db, profiled_clinic.id)
    assert (saved.phone, saved.email, saved.hours_monday, saved.after_hours_advice) == ("", "", "", "")
    assert saved.timezone == "Asia/Kolkata"


def test_patients_cannot_reach_the_profile_page(db, ada_browser, clinic):
    assert ada_browser.get("/clinic/profile").status_code == 404
    assert ada_browser.post("/clinic/profile", data=PROFILE).status_code == 404
    assert stored(db, clinic.id).phone == ""


# --- The patient's page -----------------------------------------------------------------------


def status_box(page):
    start = page.index('aria-labelledby="status-heading"')
    return page[start : page.index("</section>", start)]


def test_a_red_flag_shows_the_clinics_tap_to_call_link_and_todays_hours(
    db, profiled_clinic, ada, ada_session, ada_browser
):
    log_pus(ada_browser, ada_session)
    box = status_box(page_of(ada_browser.get(f"/sessions/{ada_session.id}")))
    assert "Contact your clinic today." in box
    assert '<a class="button primary big" href="tel:+442079460000">Call Glow Clinic: +44 (20) 7946-0000</a>' in box
    assert "Open today 09:00–17:30 (Europe/London time): open now." in box
    assert "In an emergency:</strong> Call 999." in box
    assert "While the clinic is closed" not in box and "NHS 111" not in box
    page = page_of(ada_browser.get(f"/sessions/{ada_session.id}"))
    aftercare = page[page.index('id="aftercare-heading"') :]
    assert (
        '<a class="button" href="tel:+442079460000">Call Glow Clinic</a>' in aftercare[: aftercare.index("</section>")]
    )


@pytest.mark.parametrize(
    ("moment", "today"),
    [
        (datetime(2026, 6, 15, 16, 30, tzinfo=UTC), "Open today 09:00–17:30"),  # Monday 17:30 in London: just closed
        (datetime(2026, 6, 20, 10, 0, tzinfo=UTC), "Closed today"),  # Saturday
    ],
)
def test_outside_opening_hours_the_patient_gets_the_after_hours_advice(
    db, app, profiled_clinic, ada, ada_session, ada_browser, moment, today
):
    log_pus(ada_browser, ada_session)
    with time_machine.travel(moment, tick=False):
        browser = app.test_client()  # logged in then: a login lasts a day
        log_in(browser, ada)
        box = status_box(page_of(browser.get(f"/sessions/{ada_session.id}")))
    assert f"{today} (Europe/London time): closed now." in box
    assert "<strong>While the clinic is closed:</strong> Call NHS 111 &lt;any time&gt;." in box  # escaped
    assert 'href="tel:+442079460000"' in box


def test_a_patient_sharing_with_no_clinic_is_told_to_contact_the_clinic_that_treated_them(
    db, app, make_patient, make_session
):
    loner = make_patient(email="loner@example.com")
    treatment = make_session(loner, hours_ago=30)
    browser = app.test_client()
    log_in(browser, loner)
    log_pus(browser, treatment)
    page = page_of(browser.get(f"/sessions/{treatment.id}"))
    assert "Contact the clinic that treated you." in status_box(page)
    assert "tel:" not in page and "was alerted" not in page


def test_a_clinic_without_a_phone_shows_no_link(db, clinic, ada, ada_session, ada_browser):
    log_pus(ada_browser, ada_session)
    box = status_box(page_of(ada_browser.get(f"/sessions/{ada_session.id}")))
    assert "tel:" not in box and "<strong>Glow Clinic</strong>" in box
    assert "today" not in box.split("Glow Clinic", 1)[1]  # no hours given: none claimed


# --- Alerted, seen, and the message -----------------------------------------------------------


def acknowledge(clinic_browser, patient, alert_id, note, message):
    page = page_of(clinic_browser.get(f"/clinic/patients/{patient.id}"))
    prefix = f"alert-{alert_id}"
    return clinic_browser.post(
        f"/clinic/alerts/{alert_id}/acknowledge",
        data={
            f"{prefix}-note": note,
            f"{prefix}-message_to_patient": message,
            f"{prefix}-seen": hidden_value(page, f"{prefix}-seen"),
        },
    )


def test_the_patient_sees_when_the_clinic_was_alerted_then_who_saw_it_when_and_the_message(
    db, profiled_clinic, ada, ada_session, ada_browser, clinic_browser, frozen_time
):
    log_pus(ada_browser, ada_session)
    page = page_of(ada_browser.get(f"/sessions/{ada_session.id}"))
    # Alerted at 12:00 UTC: 14:00 in Paris, the patient's zone.
    assert "Your clinic, Glow Clinic, was alerted at 14:00" in page
    assert "Nobody at the clinic has marked it as seen yet." in page

    frozen_time.shift(timedelta(minutes=25))
    (alert,) = db.session.scalars(sa.select(Alert)).all()
    response = acknowledge(clinic_browser, ada, alert.id, PRIVATE_NOTE, "  Please come in at 4 pm <b>today</b>.  ")
    assert response.status_code == 302
    db.session.expire_all()
    alert = db.session.get(Alert, alert.id)
    assert alert.message_to_patient == "Please come in at 4 pm <b>today</b>."
    assert alert.acknowledgement_note == PRIVATE_NOTE

    page = page_of(ada_browser.get(f"/sessions/{ada_session.id}"))
    assert "Your clinic, Glow Clinic, was alerted at 14:00" in page
    assert "Seen by Dr Rosa Glow at 14:25" in page
    assert "Please come in at 4 pm &lt;b&gt;today&lt;/b&gt;." in page and "<b>today</b>" not in page
    assert "Nobody at the clinic has marked it as seen yet." not in page
    assert PRIVATE_NOTE not in page and "antibiotics" not in page
    # The clinic sees both, each for what it is.
    clinic_page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))
    assert (
        PRIVATE_NOTE in clinic_page
        and "Told the patient: Please come in at 4 pm &lt;b&gt;today&lt;/b&gt;." in clinic_page
    )


def test_the_private_note_never_reaches_any_of_the_patients_pages(
    db, profiled_clinic, ada, ada_session, ada_browser, clinic_browser
):
    log_pus(ada_browser, ada_session)
    (alert,) = db.session.scalars(sa.select(Alert)).all()
    assert acknowledge(clinic_browser, ada, alert.id, PRIVATE_NOTE, "").status_code == 302
    for url in (
        "/",
        f"/sessions/{ada_session.id}",
        "/sharing",
        "/photos",
        "/my-data",
        "/my-data/afterglow.json",
        "/my-data/afterglow-logs.csv",
    ):
        response = ada_browser.get(url)
        assert response.status_code == 200, url
        assert "antibiotics" not in page_of(response), url
    page = page_of(ada_browser.get(f"/sessions/{ada_session.id}"))
    assert "Seen by Dr Rosa Glow at 14:00" in page and "clinic-message" not in page


def test_acknowledging_all_carries_the_message_to_the_patient(
    db, profiled_clinic, ada, ada_session, ada_browser, clinic_browser
):
    log_pus(ada_browser, ada_session)
    page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))
    response = clinic_browser.post(
        f"/clinic/patients/{ada.id}/alerts/acknowledge",
        data={
            "all-alerts-note": PRIVATE_NOTE,
            "all-alerts-message_to_patient": "We will call you within the hour.",
            "all-alerts-seen": hidden_value(page, f"alert-{db.session.scalar(sa.select(Alert.id))}-seen"),
        },
    )
    assert response.status_code == 302
    page = page_of(ada_browser.get(f"/sessions/{ada_session.id}"))
    assert "We will call you within the hour." in page and "antibiotics" not in page


def test_a_message_too_long_is_refused_beside_the_field(db, ada, ada_session, ada_browser, clinic_browser):
    log_pus(ada_browser, ada_session)
    (alert,) = db.session.scalars(sa.select(Alert)).all()
    response = acknowledge(clinic_browser, ada, alert.id, "", "x" * 1001)
    assert response.status_code == 422
    assert "Field cannot be longer than 1000 characters." in page_of(response)
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).is_open
