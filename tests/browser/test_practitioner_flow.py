"""The practitioner's day in Chromium at two phone sizes and on a desktop.

Triage, a red-flag patient, an alert, a note, an invite.
"""

import re
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from playwright.sync_api import expect

from app.cli import DEMO_CLINIC, DEMO_PASSWORD, DEMO_PATIENTS, DEMO_PRACTITIONER_EMAIL
from app.extensions import db
from app.models import Alert, User
from tests.browser.conftest import PHONE, VIEWPORTS
from tests.browser.test_patient_flow import assert_fits_a_phone
from tests.mailbox import Outbox

NEW_PATIENT_PASSWORD = "quiet-harbour-saffron-kite"


@VIEWPORTS
def test_triage_acknowledge_note_and_invite_a_patient(browser, page, live_server):
    result = live_server.flask_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    page.goto(live_server.url + "/auth/login")
    page.get_by_label("Email").fill(DEMO_PRACTITIONER_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # The dashboard: most in need first.
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    rows = page.locator(".patient-row")
    expect(rows.locator("h2")).to_have_text(["Rita Redflag", "Sam Slower", "Milo Missed", "Tess Typical"])
    expect(rows.locator(".need-label strong")).to_have_text(
        ["Open alerts", "Slower than typical", "Missed check-in", "On track"]
    )
    assert_fits_a_phone(page)

    page.get_by_label("Search by name or email").fill("rita")
    page.get_by_role("button", name="Show").click()
    expect(rows.locator("h2")).to_have_text(["Rita Redflag"])
    rows.get_by_role("link", name="Rita Redflag").click()

    # The red-flag patient's record.
    expect(page.get_by_role("heading", name="Rita Redflag", level=1)).to_be_visible()
    expect(page.locator(".status-words")).to_have_text("Contact your clinic")
    page.locator(".chart-first-week").scroll_into_view_if_needed()  # plotly.js is fetched when a chart nears the screen
    expect(page.locator(".chart-first-week svg.main-svg").first).to_be_visible()  # plotly.js drew it
    assert_fits_a_phone(page)

    # Her log's warning signs make one alert that lists them all, acknowledged once.
    open_alerts = page.locator(".alert-open")
    expect(open_alerts).to_have_count(1)
    assert open_alerts.locator(".alert-flags li").count() >= 2
    open_alerts.get_by_label("What was done").fill("Called Rita; she comes in this afternoon.")
    open_alerts.get_by_role("button", name="Acknowledge alert").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
    expect(open_alerts).to_have_count(0)
    expect(page.locator(".alert-done")).to_contain_text("Called Rita; she comes in this afternoon.")
    assert_fits_a_phone(page)

    page.get_by_role("textbox", name="Private note").fill("Prefers a call after 5 pm.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    expect(page.locator(".note-entry .note")).to_have_text(["Prefers a call after 5 pm."])

    # Invite a new patient, who joins from their own phone.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invite").click()
    page.get_by_label("Patient's name (optional)").fill("Nora Newcomer")
    page.get_by_role("button", name="Create invite", exact=True).click()
    invite_link = page.get_by_label("Link").input_value()
    assert re.fullmatch(re.escape(live_server.url) + r"/join/\S+", invite_link), invite_link

    patient_context = browser.new_context(viewport=PHONE, timezone_id="Europe/Paris", locale="en-GB")
    try:
        patient_page = patient_context.new_page()
        patient_page.set_default_timeout(10_000)
        patient_page.goto(invite_link)
        expect(patient_page.get_by_role("heading", name=f"Share your recovery with {DEMO_CLINIC}")).to_be_visible()
        patient_page.get_by_label("Your name").fill("Nora Newcomer")
        patient_page.get_by_label("Email").fill("nora.newcomer@example.com")
        patient_page.get_by_role("button", name="Continue").click()
        expect(patient_page.get_by_role("heading", name="Check your email")).to_be_visible()
        # The emailed link: a password, and consent, on the second page.
        outbox = Outbox(live_server.flask_app.config["MAIL_OUTBOX"])
        patient_page.goto(live_server.url + outbox.link("nora.newcomer@example.com"))
        patient_page.get_by_label("Password", exact=True).fill(NEW_PATIENT_PASSWORD)
        patient_page.get_by_label("Repeat password").fill(NEW_PATIENT_PASSWORD)
        patient_page.get_by_role("checkbox", name=re.compile("I agree to share")).check()
        patient_page.get_by_role("button", name="Create account and share").click()
        expect(patient_page.get_by_text(f"You now share your recovery with {DEMO_CLINIC}.")).to_be_visible()
    finally:
        patient_context.close()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    expect(rows).to_have_count(5)
    expect(rows.last.locator("h2")).to_have_text("Nora Newcomer")
    expect(rows.last.locator(".need-label")).to_contain_text("No session yet")


def test_a_red_flag_puts_the_clinic_one_tap_away_and_the_patient_sees_who_saw_it(browser, page, seeded_server):
    """Issue 15 done when, at 360x740: call link and hours; acknowledged with a message; the patient sees who saw it."""
    with seeded_server.flask_app.app_context():
        alert = db.session.scalars(
            sa.select(Alert).join(User, User.id == Alert.patient_id).where(User.email == DEMO_PATIENTS["red_flag"])
        ).one()
        session_url = f"{seeded_server.url}/sessions/{alert.session_id}"
        # Rita's zone is Australia/Sydney: the time she is shown, written out from the stored moment.
        alerted_at = alert.created_at.astimezone(ZoneInfo("Australia/Sydney")).strftime("%H:%M")

    patient_context = browser.new_context(viewport=PHONE, timezone_id="Australia/Sydney", locale="en-GB")
    try:
        rita = patient_context.new_page()
        rita.set_default_timeout(10_000)
        rita.goto(seeded_server.url + "/auth/login")
        rita.get_by_label("Email").fill(DEMO_PATIENTS["red_flag"])
        rita.get_by_label("Password").fill(DEMO_PASSWORD)
        rita.get_by_role("button", name="Log in").click()
        rita.goto(session_url)

        status = rita.locator(".status")
        expect(status.locator(".status-words")).to_have_text("Contact your clinic")
        call = status.get_by_role("link", name=f"Call {DEMO_CLINIC}: +44 20 7946 0123")
        expect(call).to_have_attribute("href", "tel:+442079460123")
        assert call.bounding_box()["height"] >= 44
        expect(status.locator(".clinic-hours")).to_have_text(
            re.compile(r"(Open today 09:00–18:00|Open today 10:00–14:00|Closed today) \(Europe/London time\): ")
        )
        expect(rita.get_by_text(f"Your clinic, {DEMO_CLINIC}, was alerted at {alerted_at}")).to_be_visible()
        expect(rita.get_by_text("Nobody at the clinic has marked it as seen yet.")).to_be_visible()
        assert_fits_a_phone(rita)

        # The practitioner acknowledges it, with a private note and a message for Rita.
        page.goto(seeded_server.url + "/auth/login")
        page.get_by_label("Email").fill(DEMO_PRACTITIONER_EMAIL)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Rita Redflag").click()
        open_alert = page.locator(".alert-open")
        open_alert.get_by_label("What was done").fill("Private: check her antibiotic allergy.")
        open_alert.get_by_label("Message to the patient").fill("We will call you at 4 pm. Keep the area clean.")
        open_alert.get_by_role("button", name="Acknowledge alert").click()
        expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
        assert_fits_a_phone(page)

        rita.reload()
        seen = rita.locator(".clinic-alert")
        expect(seen).to_contain_text(f"was alerted at {alerted_at}")
        expect(seen).to_contain_text(re.compile(r"Seen by Dr Demo Practitioner at \d\d:\d\d"))
        expect(seen.locator(".clinic-message")).to_have_text("We will call you at 4 pm. Keep the area clean.")
        expect(rita.locator("body")).not_to_contain_text("antibiotic allergy")
        assert_fits_a_phone(rita)
    finally:
        patient_context.close()
