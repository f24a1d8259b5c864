"""Issue 13's clinical bug in Chromium at 360x740: a patient corrects a session's date and depth, and
the clinic's dashboard then says what the patient's page says, with an open alert."""

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.models import ROLE_PRACTITIONER, CareLink, Clinic, User
from tests.browser.conftest import PHONE
from tests.browser.test_patient_flow import BROWSER_ZONE, assert_fits_a_phone, choose, local_input

PASSWORD = "amber-lighthouse-quokka"
PATIENT_EMAIL, PRACTITIONER_EMAIL = "corrected.patient@example.com", "corrected.doctor@example.com"


def add_sharing_patient_and_practitioner(app):
    with app.app_context():
        clinic = Clinic(name="Glow Clinic")
        patient = User(email=PATIENT_EMAIL, name="Cora Corrected", timezone="Europe/Paris")
        doctor = User(email=PRACTITIONER_EMAIL, name="Dr Glow", role=ROLE_PRACTITIONER, clinic=clinic)
        for user in (patient, doctor):
            user.set_password(PASSWORD)
        db.session.add_all([clinic, patient, doctor, CareLink(clinic=clinic, patient=patient)])
        db.session.commit()


def log_in(page, server, email):
    page.goto(server.url + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_after_the_patient_corrects_a_session_the_clinic_sees_the_same_status_and_an_alert(browser, page, live_server):
    add_sharing_patient_and_practitioner(live_server.flask_app)
    now = datetime.now(BROWSER_ZONE)

    # The patient records a session (0.5 mm, 30 hours ago) and logs redness 2.
    log_in(page, live_server, PATIENT_EMAIL)
    page.get_by_role("link", name="Record your session").click()
    page.get_by_label("Date and time of the session").fill(local_input(now - timedelta(hours=30)))
    page.get_by_label("Device").select_option("derma_pen")
    page.get_by_label("Needle depth (mm)").fill("0.5")
    page.get_by_role("group", name="Treated areas").get_by_label("Face").check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved.")).to_be_visible()
    page.get_by_role("link", name="Log how your skin is now").click()
    choose(page, "Redness", 2)
    choose(page, "Swelling", 0)
    choose(page, "Peeling", 0)
    page.get_by_role("button", name="Save log").first.click()
    expect(page.get_by_text("Log saved.")).to_be_visible()
    status_before = page.locator(".status-words").inner_text()

    # The correction: it was 9 days ago, with 2.0 mm needles. Redness after a week needs the clinic.
    page.get_by_role("link", name="Edit session").click()
    page.get_by_label("Date and time of the session").fill(local_input(now - timedelta(days=9)))
    page.get_by_label("Needle depth (mm)").fill("2.0")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session updated.")).to_be_visible()
    expect(page.locator(".status-words")).to_have_text("Contact your clinic")
    patient_status = page.locator(".status-words").inner_text()
    assert patient_status != status_before  # the correction is what changed it
    assert_fits_a_phone(page)

    # The clinic's dashboard, on the practitioner's own phone.
    clinic_context = browser.new_context(viewport=PHONE, timezone_id="Europe/Paris", locale="en-GB")
    try:
        clinic_page = clinic_context.new_page()
        clinic_page.set_default_timeout(10_000)
        log_in(clinic_page, live_server, PRACTITIONER_EMAIL)
        expect(clinic_page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
        row = clinic_page.locator(".patient-row", has_text="Cora Corrected")
        expect(row.locator(".need-label")).to_have_text(re.compile(r"^Open alerts · 1 open alert\b"))
        expect(row.locator("p", has_text=" since the session of ")).to_have_text(
            re.compile(rf"^{re.escape(patient_status)} · day 9 since the session of ")
        )
        assert_fits_a_phone(clinic_page)

        row.get_by_role("link", name="Cora Corrected").click()
        open_alerts = clinic_page.locator(".alert-open")
        expect(open_alerts).to_have_count(1)
        expect(open_alerts).to_contain_text("Redness is still clearly visible on day 9")
    finally:
        clinic_context.close()
