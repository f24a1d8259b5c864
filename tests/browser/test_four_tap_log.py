"""Issue 15's log in four taps, in Chromium at 360x740: from the reminder's link to a saved log."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import SymptomLog, TreatmentSession
from app.services import accounts, logbook
from tests.browser.conftest import PHONE
from tests.browser.test_patient_flow import assert_fits_a_phone

PASSWORD = "cobalt-heron-pinwheel"
EMAIL = "four.taps@example.com"
EXTRAS = "Pain, itch, bruising, warning signs, note or photo"


def add_patient_with_a_session(app, hours_ago=26):
    """A patient (Europe/Paris) with a 0.5 mm session some hours ago and no log yet; its id."""
    with app.app_context():
        patient = accounts.create_patient(EMAIL, PASSWORD, timezone="Europe/Paris")

        def fill(treatment):
            treatment.performed_at = datetime.now(UTC) - timedelta(hours=hours_ago)
            treatment.needle_depth_mm = 0.5
            treatment.device = "derma_pen"
            treatment.areas = ["face"]

        return logbook.record_session(patient, fill).id


def logged_in_context(browser, server, java_script_enabled=True):
    """A phone-sized browser already logged in, as when a reminder is opened (the log-in is not a tap of the log)."""
    context = browser.new_context(
        viewport=PHONE, timezone_id="Europe/Paris", locale="en-GB", java_script_enabled=java_script_enabled
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(server.url + "/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return context, page


def level(page, group, number):
    """The radio chip of a level in a score's group."""
    return page.get_by_role("group", name=group).get_by_role("radio", name=re.compile(rf"^{number}\b"))


def stored_logs(server, session_id):
    with server.flask_app.app_context():
        return db.session.scalars(sa.select(SymptomLog).where(SymptomLog.session_id == session_id)).all()


def status_of(server, session_id):
    with server.flask_app.app_context():
        return db.session.get(TreatmentSession, session_id).status


@pytest.fixture
def session_id(live_server):
    return add_patient_with_a_session(live_server.flask_app)


def test_from_the_reminder_link_to_a_saved_log_in_five_taps_with_save_on_the_first_screen(
    browser, live_server, session_id
):
    context, page = logged_in_context(browser, live_server)
    taps = []

    def tap(locator):
        taps.append(locator)
        locator.click()

    try:
        taps.append("open the reminder's link")
        page.goto(f"{live_server.url}/sessions/{session_id}/logs/new")

        # Before any tap or scroll: the three scores and Save are all inside the first 740 px, Save after them.
        assert page.evaluate("window.scrollY") == 0
        save = page.get_by_role("button", name="Save log").first
        save_box = save.bounding_box()
        assert save_box["y"] >= 0 and save_box["y"] + save_box["height"] <= PHONE["height"], save_box
        for group in ("Redness", "Swelling", "Peeling"):
            box = page.get_by_role("group", name=group).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= save_box["y"], (group, box, save_box)
            for number in range(5):
                chip = page.locator(f"label[for={group.lower()}-{number}]").bounding_box()
                assert chip["height"] >= 44 and chip["width"] >= 44, (group, number, chip)
        # The extras are closed, and their summary names them all; the warning signs are named beside it.
        expect(page.get_by_text(EXTRAS)).to_be_visible()
        expect(page.get_by_label("Note")).to_be_hidden()
        warning_line = "A warning sign, such as pus or yellow crust, fever, blisters or cold sores? Tick it here:"
        expect(page.get_by_text(warning_line)).to_be_visible()

        tap(level(page, "Redness", 3))
        tap(level(page, "Swelling", 2))
        tap(level(page, "Peeling", 1))
        # The chosen level's words show under its row.
        expect(page.get_by_text("Moderate, red like sunburn")).to_be_visible()
        assert page.evaluate("window.scrollY") == 0  # no tap scrolled the page
        tap(page.get_by_role("button", name="Save log").first)
        expect(page.get_by_text("Log saved.")).to_be_visible()
        assert page.url == f"{live_server.url}/sessions/{session_id}"
    finally:
        context.close()

    assert len(taps) == 5
    [log] = stored_logs(live_server, session_id)
    assert (log.redness, log.swelling, log.peeling) == (3, 2, 1)
    assert (log.pain, log.itch, log.bruising, log.note) == (None, None, False, "")
    assert log.warning_signs == frozenset()


def test_the_extras_open_in_one_tap_and_a_warning_sign_from_there_raises_the_status(browser, live_server, session_id):
    context, page = logged_in_context(browser, live_server)
    try:
        page.goto(f"{live_server.url}/sessions/{session_id}/logs/new")
        level(page, "Redness", 2).click()
        level(page, "Swelling", 1).click()
        level(page, "Peeling", 0).click()
        expect(page.get_by_label("Fever")).to_be_hidden()
        page.get_by_text(EXTRAS).click()  # one tap
        for label in ("Pus or yellow crust", "Fever", "Blisters or cold sores", "Some bruising", "Note"):
            expect(page.get_by_label(label)).to_be_visible()
        expect(page.get_by_role("group", name="Pain")).to_be_visible()
        expect(page.get_by_role("group", name="Itch")).to_be_visible()
        expect(page.get_by_label("Photo (optional)")).to_be_visible()
        assert_fits_a_phone(page)
        page.get_by_label("Pus or yellow crust").check()
        page.get_by_role("button", name="Save log").first.click()
        expect(page.get_by_text("Log saved.")).to_be_visible()
        expect(page.locator(".status-words").first).to_have_text("Contact your clinic")

        # The next log opens with the extras shown: the last one had a warning sign.
        page.goto(f"{live_server.url}/sessions/{session_id}/logs/new")
        expect(page.get_by_label("Pus or yellow crust")).to_be_visible()
        expect(page.get_by_label("Pus or yellow crust")).not_to_be_checked()
    finally:
        context.close()

    [log] = stored_logs(live_server, session_id)
    assert log.warning_signs == frozenset({"pus"})
    assert status_of(live_server, session_id) == "contact"


def test_an_extra_with_a_bad_answer_is_shown_open_with_its_message(browser, live_server, session_id):
    context, page = logged_in_context(browser, live_server)
    try:
        page.goto(f"{live_server.url}/sessions/{session_id}/logs/new")
        page.get_by_text(EXTRAS).click()
        page.get_by_label("Note").fill("Stinging a little")
        page.get_by_role("button", name="Save log").first.click()  # no scores chosen
        expect(page.locator("#redness-error")).to_have_text("Error: Choose one of the levels.")
        expect(page.get_by_label("Note")).to_be_visible()  # the extras stay open: the note is not lost
        expect(page.get_by_label("Note")).to_have_value("Stinging a little")
    finally:
        context.close()
    assert stored_logs(live_server, session_id) == []


def test_without_javascript_the_form_saves_a_log_with_an_extra(browser, live_server, session_id):
    context, page = logged_in_context(browser, live_server, java_script_enabled=False)
    try:
        page.goto(f"{live_server.url}/sessions/{session_id}/logs/new")
        save_box = page.get_by_role("button", name="Save log").first.bounding_box()
        assert save_box["y"] + save_box["height"] <= PHONE["height"], save_box
        level(page, "Redness", 1).click()
        level(page, "Swelling", 1).click()
        level(page, "Peeling", 0).click()
        page.get_by_text(EXTRAS).click()
        page.get_by_role("group", name="Itch").get_by_role("radio", name="3", exact=True).check()
        page.get_by_label("Note").fill("Tight after washing")
        page.get_by_role("button", name="Save log").first.click()
        expect(page.get_by_text("Log saved.")).to_be_visible()
    finally:
        context.close()

    [log] = stored_logs(live_server, session_id)
    assert (log.redness, log.swelling, log.peeling, log.itch, log.note) == (1, 1, 0, 3, "Tight after washing")


def test_editing_a_log_with_an_extra_shows_the_extras_open_with_a_link_to_add_a_photo(browser, live_server, session_id):
    with live_server.flask_app.app_context():
        treatment = db.session.get(TreatmentSession, session_id)

        def fill(log):
            log.logged_at = datetime.now(UTC) - timedelta(hours=1)
            log.redness, log.swelling, log.peeling, log.pain = 2, 1, 0, 0

        log_id = logbook.save_new_log(treatment, None, fill).id
    context, page = logged_in_context(browser, live_server)
    try:
        page.goto(f"{live_server.url}/logs/{log_id}/edit")
        pain = page.get_by_role("group", name="Pain")
        expect(pain).to_be_visible()  # a pain of 0 is an answer: the extras are open
        expect(pain.get_by_role("radio", name="0", exact=True)).to_be_checked()
        page.get_by_role("link", name="Add a photo to this session").click()
        assert page.url == f"{live_server.url}/sessions/{session_id}/photos/new"
    finally:
        context.close()


def test_a_month_on_save_is_still_on_the_first_screen_and_the_improvement_question_follows_with_a_save_of_its_own(
    browser, live_server
):
    session_id = add_patient_with_a_session(live_server.flask_app, hours_ago=30 * 24 + 2)
    context, page = logged_in_context(browser, live_server)
    try:
        page.goto(f"{live_server.url}/sessions/{session_id}/logs/new")
        first_save, last_save = page.get_by_role("button", name="Save log").all()
        save_box = first_save.bounding_box()
        assert save_box["y"] + save_box["height"] <= PHONE["height"], save_box
        question = page.get_by_role("group", name="Compared with before the session, my skin looks")
        assert question.bounding_box()["y"] >= save_box["y"] + save_box["height"]
        assert last_save.bounding_box()["y"] > question.bounding_box()["y"]
        level(page, "Redness", 0).click()
        level(page, "Swelling", 0).click()
        level(page, "Peeling", 0).click()
        question.get_by_role("radio", name="Much improved", exact=True).check()
        last_save.click()
        expect(page.get_by_text("Log saved.")).to_be_visible()
    finally:
        context.close()

    [log] = stored_logs(live_server, session_id)
    assert (log.redness, log.swelling, log.peeling, log.improvement) == (0, 0, 0, "much_improved")
