"""Installable app: a log saved while offline is kept on the phone, survives a reload, and arrives exactly once."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.cli import DEMO_PASSWORD, DEMO_PATIENTS, DEMO_PRACTITIONER_EMAIL
from app.extensions import db
from app.models import SymptomLog, TreatmentSession, User
from tests.browser.conftest import PHONE
from tests.browser.test_patient_flow import choose, open_extras


def logs_with_note(server, note):
    with server.flask_app.app_context():
        return db.session.scalar(sa.select(sa.func.count(SymptomLog.id)).where(SymptomLog.note == note))


def notes_stored(server, session_id):
    with server.flask_app.app_context():
        return sorted(db.session.scalars(sa.select(SymptomLog.note).where(SymptomLog.session_id == session_id)))


def session_of(server, who):
    with server.flask_app.app_context():
        return db.session.scalar(sa.select(TreatmentSession.id).join(User).where(User.email == DEMO_PATIENTS[who]))


def log_in_as(page, server, email):
    page.goto(server.url + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def open_controlled(page, url):
    """Open a page once the service worker controls it (so it keeps a copy of the page)."""
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")


def fill_log(page, note, level=1):
    for group in ("Redness", "Swelling", "Peeling"):
        choose(page, group, level)
    open_extras(page)
    page.get_by_label("Note").fill(note)
    page.get_by_role("button", name="Save log").first.click()


def kept_pages(page):
    return page.evaluate("""caches.keys().then(keys => keys.includes('afterglow-pages')
        ? caches.open('afterglow-pages').then(c => c.keys()).then(r => r.map(q => new URL(q.url).pathname))
        : [])""")


def test_the_manifest_and_service_worker_are_served(live_server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/auth/login")
        manifest_url = page.locator("link[rel=manifest]").get_attribute("href")
        manifest = page.request.get(live_server.url + manifest_url).json()
        assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
        assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
        assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith("/sw.js")
    finally:
        context.close()


def test_a_log_saved_offline_survives_a_reload_and_arrives_exactly_once(live_server, browser):
    assert live_server.flask_app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with live_server.flask_app.app_context():
        session_id = db.session.scalar(
            sa.select(TreatmentSession.id).join(User).where(User.email == DEMO_PATIENTS["missed"])
        )
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    page = context.new_page()
    note = "Logged on the train, no signal"
    try:
        page.goto(live_server.url + "/auth/login")
        page.get_by_label("Email").fill(DEMO_PATIENTS["missed"])
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        form_url = f"{live_server.url}/sessions/{session_id}/logs/new"
        page.goto(form_url)
        page.evaluate("navigator.serviceWorker.ready")
        page.reload()  # now the service worker controls the page, and keeps a copy of it
        assert page.evaluate("!!navigator.serviceWorker.controller")

        context.set_offline(True)
        for group in ("Redness", "Swelling", "Peeling"):
            choose(page, group, 1)
        open_extras(page)
        page.get_by_label("Note").fill(note)
        page.get_by_role("button", name="Save log").first.click()
        expect(page.locator("#outbox-status")).to_contain_text("1 log is saved on this phone")
        assert logs_with_note(live_server, note) == 0

        page.reload()  # still offline: the page comes from the phone, and so does the kept log
        expect(page.locator("#outbox-status")).to_contain_text("1 log is saved on this phone")

        context.set_offline(False)  # back online: the log is sent by itself
        expect(page.locator("#outbox-status")).to_contain_text("Your saved log was sent.")
        assert logs_with_note(live_server, note) == 1

        page.reload()
        page.goto(f"{live_server.url}/sessions/{session_id}")
        expect(page.locator(".log-entry", has_text=note)).to_have_count(1)
        assert logs_with_note(live_server, note) == 1  # never sent twice
    finally:
        context.close()


def test_logs_written_offline_on_a_kept_form_are_each_stored_once(seeded_server, browser):
    """The kept copy of the log form carries the id of a log already sent: each offline log gets its own."""
    session_id = session_of(seeded_server, "missed")
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        log_in_as(page, seeded_server, DEMO_PATIENTS["missed"])
        form_url = f"{seeded_server.url}/sessions/{session_id}/logs/new"
        open_controlled(page, form_url)
        kept_id = page.locator("[name=client_id]").input_value()
        fill_log(page, "Online, morning")
        expect(page.get_by_text("Log saved.")).to_be_visible()

        context.set_offline(True)
        page.goto(form_url)  # the copy the service worker kept, with the id just sent
        fill_log(page, "Offline, noon", level=2)
        expect(page.locator("#outbox-status")).to_contain_text("1 log is saved on this phone")
        fill_log(page, "Offline, evening", level=0)
        expect(page.locator("#outbox-status")).to_contain_text("2 logs are saved on this phone")
        ids = page.evaluate(
            "JSON.parse(localStorage.getItem(document.body.dataset.outbox))"
            ".map(item => item.fields.find(f => f[0] === 'client_id')[1])"
        )
        assert len(set(ids)) == 2 and kept_id not in ids

        context.set_offline(False)
        expect(page.locator("#outbox-status")).to_contain_text("2 saved logs were sent.")
        assert notes_stored(seeded_server, session_id).count("Online, morning") == 1
        for note in ("Online, morning", "Offline, noon", "Offline, evening"):
            assert logs_with_note(seeded_server, note) == 1
    finally:
        context.close()


def test_a_form_opened_while_the_server_was_unreachable_and_sent_later_is_stored(seeded_server, browser):
    session_id = session_of(seeded_server, "missed")
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        log_in_as(page, seeded_server, DEMO_PATIENTS["missed"])
        form_url = f"{seeded_server.url}/sessions/{session_id}/logs/new"
        open_controlled(page, form_url)
        fill_log(page, "Sent before the outage")
        expect(page.get_by_text("Log saved.")).to_be_visible()

        context.set_offline(True)
        page.goto(form_url)  # the server cannot be reached: the kept copy opens
        context.set_offline(False)
        fill_log(page, "Written on the kept form, sent once the server was back", level=2)
        expect(page.get_by_text("Log saved.")).to_be_visible()
        assert logs_with_note(seeded_server, "Written on the kept form, sent once the server was back") == 1
        assert logs_with_note(seeded_server, "Sent before the outage") == 1
    finally:
        context.close()


def test_logging_out_sends_what_it_can_and_deletes_unsent_logs_only_when_the_patient_agrees(seeded_server, browser):
    session_id = session_of(seeded_server, "missed")
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        log_in_as(page, seeded_server, DEMO_PATIENTS["missed"])
        form_url = f"{seeded_server.url}/sessions/{session_id}/logs/new"
        open_controlled(page, form_url)
        open_controlled(page, f"{seeded_server.url}/sessions/{session_id}")
        assert f"/sessions/{session_id}" in kept_pages(page)
        page.goto(form_url)

        context.set_offline(True)
        fill_log(page, "Unsent at log-out")
        expect(page.locator("#outbox-status")).to_contain_text("1 log is saved on this phone")

        dialogs = []
        page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.get_by_role("button", name="Log out").click()
        expect(page.locator("#outbox-status")).to_contain_text("1 log is saved on this phone")
        assert dialogs and "1 log saved on this phone has not been sent yet" in dialogs[0]
        assert page.evaluate("localStorage.getItem(document.body.dataset.outbox)")  # kept: the patient said no

        context.set_offline(False)  # back online: logging out sends the log first, and asks nothing
        page.on("dialog", lambda dialog: pytest.fail(f"unexpected question: {dialog.message}"))
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/auth/login**")
        expect(page.get_by_text("You are logged out.")).to_be_visible()
        assert logs_with_note(seeded_server, "Unsent at log-out") == 1
        assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('afterglow-outbox'))") == []
        assert kept_pages(page) == []

        context.set_offline(True)  # nothing of the patient's is served from the phone any more
        page.goto(f"{seeded_server.url}/sessions/{session_id}")
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    finally:
        context.close()


def test_a_patient_who_agrees_to_log_out_offline_leaves_no_log_or_page_behind(seeded_server, browser):
    session_id = session_of(seeded_server, "missed")
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        log_in_as(page, seeded_server, DEMO_PATIENTS["missed"])
        open_controlled(page, f"{seeded_server.url}/sessions/{session_id}/logs/new")
        context.set_offline(True)
        fill_log(page, "Deleted with the patient's word")
        dialogs = []
        page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
        # The page goes on believing it is offline (so the log cannot be sent first), while the
        # log-out itself reaches the server.
        page.evaluate("Object.defineProperty(navigator, 'onLine', {get: () => false})")
        context.set_offline(False)
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/auth/login**")
        assert len(dialogs) == 1
        assert logs_with_note(seeded_server, "Deleted with the patient's word") == 0
        assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('afterglow-outbox'))") == []
        assert kept_pages(page) == []
    finally:
        context.close()


def test_a_clinics_pages_about_its_patients_are_never_kept_on_the_device(seeded_server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in_as(page, seeded_server, DEMO_PRACTITIONER_EMAIL)
        open_controlled(page, f"{seeded_server.url}/clinic/")
        page.get_by_role("link", name=re.compile("Fran|Sam|Tess|Mia|demo", re.I)).first.click()
        page.wait_for_load_state()
        assert kept_pages(page) == []
    finally:
        context.close()
