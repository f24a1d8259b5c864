"""The main patient flow in Debian's Chromium at 360x740, as a person would do it."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import SymptomLog, User
from tests.browser.conftest import PHONE, VIEWPORTS
from tests.mailbox import Outbox

PASSWORD = "violet-tugboat-marmalade"
BROWSER_ZONE = ZoneInfo("Europe/Paris")  # the page fixture's browser time zone


def local_input(moment):
    return moment.astimezone(BROWSER_ZONE).strftime("%Y-%m-%dT%H:%M")


def choose(page, group, level):
    page.get_by_role("group", name=group).get_by_role("radio", name=re.compile(rf"^{level}\b")).check()


def open_extras(page):
    """Open the log form's extras (pain, itch, bruising, warning signs, note, photo) with one tap, unless open."""
    extras = page.locator("details.extras")
    if extras.get_attribute("open") is None:
        extras.locator("summary").click()


def assert_fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"
    small = page.evaluate("""() => [...document.querySelectorAll(
            'button, .button, input[type=submit], nav a, label.option, select, '
            + 'input:not([type=hidden]):not([type=radio]):not([type=checkbox])')]
        .filter(el => el.offsetParent !== null)
        .filter(el => el.getBoundingClientRect().height < 44)
        .map(el => el.outerHTML.slice(0, 80))""")
    assert small == [], f"tap targets under 44 px: {small}"


def sign_up(page, server, email):
    """Step 1 from the page that is open: the address; then the emailed link (from the outbox folder)."""
    page.get_by_label("Email").fill(email)
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(server.url + Outbox(server.flask_app.config["MAIL_OUTBOX"]).link(email))
    expect(page.get_by_text(f"Account: {email}")).to_be_visible()


def log_symptoms(page, redness, swelling, peeling, when=None, pain=None):
    page.get_by_role("link", name="Log how your skin is now").click()
    choose(page, "Redness", redness)
    choose(page, "Swelling", swelling)
    choose(page, "Peeling", peeling)
    if pain is not None:
        open_extras(page)
        choose(page, "Pain", pain)
    if when is not None:
        page.get_by_label("When").fill(when)
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Save log").first.click()
    expect(page.get_by_text("Log saved.")).to_be_visible()


@VIEWPORTS
def test_sign_up_record_a_session_log_three_times_and_edit_one(page, live_server):
    session_start = datetime.now(BROWSER_ZONE) - timedelta(hours=5)

    page.goto(live_server.url + "/")
    assert_fits_a_phone(page)
    page.get_by_role("link", name="Create an account").click()
    sign_up(page, live_server, "phone.patient@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Record a session")).to_be_visible()
    page.get_by_label("Date and time of the session").fill(local_input(session_start))
    page.get_by_label("Device").select_option("derma_pen")
    page.get_by_label("Needle depth (mm)").fill("0.5")
    page.get_by_role("group", name="Treated areas").get_by_label("Face").check()
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session saved.")).to_be_visible()

    log_symptoms(page, 3, 2, 0, when=local_input(session_start + timedelta(hours=1)), pain=4)
    log_symptoms(page, 2, 1, 0, when=local_input(session_start + timedelta(hours=3)))
    log_symptoms(page, 1, 1, 0)

    entries = page.locator(".log-entry")
    expect(entries).to_have_count(3)
    expect(entries.first.get_by_role("heading")).to_have_text(re.compile(r"^5 hours after the session"))
    expect(entries.last.get_by_role("heading")).to_have_text("1 hour after the session")

    entries.last.get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.get_by_role("heading", name="Edit log")).to_be_visible()
    choose(page, "Redness", 4)
    page.get_by_role("button", name="Save log").first.click()
    expect(page.get_by_text("Log updated.")).to_be_visible()
    expect(entries.last.locator(".scores")).to_contain_text("Redness4")
    assert_fits_a_phone(page)

    with live_server.flask_app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.timezone == "Europe/Paris"  # taken from the browser at sign-up
        logs = db.session.scalars(sa.select(SymptomLog).order_by(SymptomLog.logged_at)).all()
        assert [log.redness for log in logs] == [4, 2, 1]
        assert logs[0].pain == 4


def test_bad_input_shows_a_message_next_to_the_field(page, live_server):
    page.goto(live_server.url + "/auth/signup")
    sign_up(page, live_server, "weak@example.com")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_label("Repeat password").fill("password123")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#password-error")).to_contain_text("too weak")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")


def test_everything_works_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/auth/signup")
        sign_up(page, live_server, "nojs@example.com")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Repeat password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.get_by_role("group", name="Treated areas").get_by_label("Neck").check()
        page.get_by_role("button", name="Save session").click()
        expect(page.get_by_text("Session saved.")).to_be_visible()
        page.get_by_role("link", name="Log how your skin is now").click()
        for group in ("Redness", "Swelling", "Peeling"):
            choose(page, group, 1)
        page.get_by_role("button", name="Save log").first.click()
        expect(page.locator(".log-entry")).to_have_count(1)
        assert_fits_a_phone(page)
    finally:
        context.close()
