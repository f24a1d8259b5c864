"""Issue 16's share link in Chromium at 360x740: the patient makes one for a session, a doctor opens it in a
fresh browser (no cookies) and sees only that session, then it expires or is turned off and answers 404;
the patient's Sharing page lists the doctor's view."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ShareLink, TreatmentSession, User
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import violations
from tests.browser.test_patient_flow import assert_fits_a_phone
from tests.conftest import store_photo

PASSWORD = "amber-lighthouse-quokka"
EMAIL = "shared.patient@example.com"
LATEST, OLDER = "Derma pen (motorised)", "Derma roller"  # the two sessions' devices, as pages word them


def add_patient_with_two_sessions(app):
    """A patient with a derma-pen session 30 hours ago (with a photo) and a roller session 20 days ago."""
    now = datetime.now(UTC)
    with app.app_context():
        patient = User(email=EMAIL, name="Sara Shared", timezone="Europe/Paris")
        patient.set_password(PASSWORD)
        latest = TreatmentSession(
            patient=patient, performed_at=now - timedelta(hours=30), device="derma_pen", areas=["face"]
        )
        older = TreatmentSession(
            patient=patient, performed_at=now - timedelta(days=20), device="derma_roller", areas=["face"]
        )
        db.session.add_all([patient, latest, older])
        db.session.commit()
        store_photo(latest, hours_after=2)
        return latest.id


def log_in(page, server):
    page.goto(server.url + "/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Sharing")).to_be_visible()


def make_link(page, server, session_id, photos):
    """Fill in "Share with a doctor" from the Sharing page; the address shown once."""
    page.goto(server.url + "/sharing")
    page.get_by_role("link", name="Share with a doctor").click()
    assert_fits_a_phone(page)
    assert violations(page) == []
    page.locator(f"input[name=scope][value='{session_id}']").check()
    if photos:
        page.get_by_label("Include my photos").check()
    page.get_by_role("button", name="Create the link").click()
    expect(page.get_by_role("heading", name="Your share link is ready")).to_be_visible()
    expect(page.get_by_role("button", name="Copy the link")).to_be_visible()  # the browser can copy
    assert_fits_a_phone(page)
    assert violations(page) == []
    return page.get_by_label("The link to give your doctor").input_value()


def open_fresh(browser, url):
    """The link in a browser with no cookies at all, as a doctor would open it."""
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Paris", locale="en-GB")
    assert context.cookies() == []
    doctor = context.new_page()
    doctor.set_default_timeout(10_000)
    response = doctor.goto(url)
    return context, doctor, response


def test_a_doctor_sees_only_the_chosen_session_until_it_expires_or_is_turned_off(browser, page, live_server):
    session_id = add_patient_with_two_sessions(live_server.flask_app)
    log_in(page, live_server)
    url = make_link(page, live_server, session_id, photos=False)
    assert url.startswith(live_server.url + "/shared/")

    context, doctor, response = open_fresh(browser, url)
    try:
        assert response.status == 200
        assert response.headers["cache-control"] == "private, no-store"
        assert response.headers["x-robots-tag"] == "noindex, nofollow"
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(doctor.get_by_text(LATEST)).to_be_visible()
        assert OLDER not in doctor.content()
        assert doctor.locator("main img").count() == 0  # photos were not chosen
        expect(doctor.get_by_role("link", name="Log in")).to_be_visible()  # nobody is logged in
        assert_fits_a_phone(doctor)
        assert violations(doctor) == []
    finally:
        context.close()

    # The patient's Sharing page lists the view; turning the link off makes it a 404.
    page.goto(live_server.url + "/sharing")
    expect(page.get_by_text("Someone with your share link")).to_be_visible()
    expect(page.get_by_text("Opened 1 time.")).to_be_visible()
    assert_fits_a_phone(page)
    assert violations(page) == []
    page.get_by_role("button", name="Turn off this link").click()
    expect(page.get_by_text("The share link no longer works.")).to_be_visible()

    context, doctor, response = open_fresh(browser, url)
    try:
        assert response.status == 404
        expect(doctor.get_by_role("heading", name="Page not found")).to_be_visible()
        assert LATEST not in doctor.content()
    finally:
        context.close()


def test_photos_only_when_chosen_and_an_expired_link_answers_404(browser, page, live_server):
    session_id = add_patient_with_two_sessions(live_server.flask_app)
    log_in(page, live_server)
    url = make_link(page, live_server, session_id, photos=True)

    context, doctor, response = open_fresh(browser, url)
    try:
        assert response.status == 200
        photo = doctor.locator("main img")
        expect(photo).to_have_count(1)
        photo.scroll_into_view_if_needed()
        doctor.wait_for_function("() => document.querySelector('main img').naturalWidth > 0")
        assert "/shared/" in photo.get_attribute("src")
        assert OLDER not in doctor.content()
    finally:
        context.close()

    # Expiry is stored on the link: moved into the past here, as a week passing would.
    with live_server.flask_app.app_context():
        link = db.session.scalar(sa.select(ShareLink))
        link.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    context, doctor, response = open_fresh(browser, url)
    try:
        assert response.status == 404
        expect(doctor.get_by_role("heading", name="Page not found")).to_be_visible()
    finally:
        context.close()
    page.goto(live_server.url + "/sharing")
    expect(page.get_by_text("Expired")).to_be_visible()
