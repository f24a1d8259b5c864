"""Installable app: a log saved while offline is kept on the phone, survives a reload, and arrives exactly once."""

import sqlalchemy as sa
from playwright.sync_api import expect

from app.commands import DEMO_PASSWORD, DEMO_PATIENTS
from app.extensions import db
from app.models import SymptomLog, TreatmentSession, User
from tests.browser.conftest import PHONE
from tests.browser.test_patient_flow import choose


def logs_with_note(server, note):
    with server.flask_app.app_context():
        return db.session.scalar(sa.select(sa.func.count(SymptomLog.id)).where(SymptomLog.note == note))


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
            sa.select(TreatmentSession.id).join(User).where(User.email == DEMO_PATIENTS["missed"]))
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
        page.get_by_label("Note").fill(note)
        page.get_by_role("button", name="Save log").click()
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
