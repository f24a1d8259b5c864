"""'Reminders on this phone' in headless Chromium at 360x740: it says what is true, and never keeps the page waiting.

Headless Chromium has no push service, so the page must end in a clear "not available" or
"could not reach" state rather than "Checking…" for ever.
"""

import json
import re

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import render_template_string
from playwright.sync_api import expect

from app.extensions import db
from app.models import PushSubscription, User
from tests.browser.conftest import PHONE
from tests.browser.test_patient_flow import assert_fits_a_phone
from tests.conftest import PASSWORD

EMAIL = "push-device@example.com"
DEVICE_PAGE = "/test-only/push-device"
PAGE_TEMPLATE = '{% extends "base.html" %}{% block content %}{% include "push/_this_device.html" %}{% endblock %}'
FALLBACK = "Email reminders still work."


def serve_device_page(server, tmp_path, with_key=True):
    """The partial on a page of its own (the settings pages include it), for a patient who can log in."""
    key_file = tmp_path / "vapid_private_key.pem"
    if with_key:
        key = ec.generate_private_key(ec.SECP256R1())
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    app = server.flask_app
    app.config["VAPID_PRIVATE_KEY_FILE"] = str(key_file)
    app.add_url_rule(DEVICE_PAGE, "test_push_device", lambda: render_template_string(PAGE_TEMPLATE))
    with app.app_context():
        patient = User(email=EMAIL, role="patient", timezone="Europe/Paris")
        patient.set_password(PASSWORD)
        db.session.add(patient)
        db.session.commit()


def log_in_and_open(page, server):
    page.goto(server.url + "/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
    page.goto(server.url + DEVICE_PAGE)
    expect(page.get_by_role("heading", name="Reminders on this phone")).to_be_visible()


def state(page):
    return page.locator("[data-push-state]")


def stored_subscriptions(server):
    with server.flask_app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription))


# What this phone may truthfully be told when it cannot receive pushes: each ends by saying email works.
UNAVAILABLE = re.compile(
    r"^(Notifications are blocked for this site in your browser's settings\."
    r"|Notifications are not available in this browser right now\."
    r"|This browser cannot show notifications from Afterglow\. On an iPhone, add Afterglow to the Home Screen first\."
    r"|(This browser could not reach its notification service\. |Notifications were not allowed\. )?"
    r"Notifications are off on this phone\.) Email reminders still work\.$"
)


def test_the_phone_is_told_a_clear_state_and_never_left_waiting(page, live_server, tmp_path):
    serve_device_page(live_server, tmp_path)
    log_in_and_open(page, live_server)

    expect(state(page)).not_to_have_text(re.compile("Checking"), timeout=15_000)
    expect(state(page)).to_have_text(UNAVAILABLE)
    assert_fits_a_phone(page)
    toggle = page.get_by_role("button", name="Turn on notifications on this phone")
    if toggle.is_visible():
        toggle.click()
        expect(state(page)).to_have_text(UNAVAILABLE, timeout=15_000)
        expect(toggle).to_be_enabled()
    assert stored_subscriptions(live_server) == 0


def test_with_notifications_allowed_but_no_push_service_it_says_so(browser, live_server, tmp_path):
    serve_device_page(live_server, tmp_path)
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in_and_open(page, live_server)
        toggle = page.get_by_role("button", name="Turn on notifications on this phone")
        expect(toggle).to_be_visible(timeout=15_000)
        expect(state(page)).to_have_text(f"Notifications are off on this phone. {FALLBACK}")
        box = toggle.bounding_box()
        assert box["height"] >= 44
        toggle.click()
        expect(state(page)).to_have_text(
            f"This browser could not reach its notification service. Notifications are off on this phone. {FALLBACK}",
            timeout=15_000,
        )
        expect(toggle).to_be_enabled()
        assert_fits_a_phone(page)
        assert stored_subscriptions(live_server) == 0
    finally:
        context.close()


def test_without_a_vapid_key_the_phone_is_told_push_is_not_set_up(page, live_server, tmp_path):
    serve_device_page(live_server, tmp_path, with_key=False)
    log_in_and_open(page, live_server)
    expect(state(page)).to_have_text(f"Notifications are not set up on this server yet. {FALLBACK}")
    expect(page.get_by_role("button", name="Turn on notifications on this phone")).to_be_hidden()
    assert_fits_a_phone(page)


def test_without_javascript_it_says_push_needs_it_and_email_still_works(browser, live_server, tmp_path):
    serve_device_page(live_server, tmp_path)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in_and_open(page, live_server)
        expect(page.get_by_text(f"Notifications on this phone need JavaScript. {FALLBACK}")).to_be_visible()
        expect(page.get_by_role("button", name="Turn on notifications on this phone")).to_be_hidden()
        assert_fits_a_phone(page)
    finally:
        context.close()


def test_the_service_worker_shows_a_push_as_a_notification_with_this_sites_link(browser, live_server, tmp_path):
    """A push delivered through DevTools (headless Chromium has no push service) becomes the notification."""
    serve_device_page(live_server, tmp_path)
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in_and_open(page, live_server)
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        devtools = context.new_cdp_session(page)
        registrations = []
        devtools.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
        devtools.send("ServiceWorker.enable")
        ours = []
        for _ in range(50):  # DevTools reports the registrations as events, soon after enable
            ours = [r for r in registrations if r["scopeURL"] == live_server.url + "/" and not r["isDeleted"]]
            if ours:
                break
            page.wait_for_timeout(100)
        (registration,) = ours
        for url in ("/sessions/7/logs/new", "https://elsewhere.example/phish"):
            payload = json.dumps({"title": "Afterglow", "body": "A quick check-in is due.", "url": url})
            devtools.send(
                "ServiceWorker.deliverPushMessage",
                {"origin": live_server.url, "registrationId": registration["registrationId"], "data": payload},
            )
        shown = []
        for _ in range(50):  # the worker shows them as each push event runs
            shown = page.evaluate(
                """async () => (await (await navigator.serviceWorker.ready).getNotifications())
                    .map(n => ({title: n.title, body: n.body, url: n.data.url}))"""
            )
            if len(shown) == 2:
                break
            page.wait_for_timeout(100)
        assert sorted(shown, key=lambda note: note["url"]) == [
            {"title": "Afterglow", "body": "A quick check-in is due.", "url": live_server.url + "/"},
            {"title": "Afterglow", "body": "A quick check-in is due.", "url": live_server.url + "/sessions/7/logs/new"},
        ]
    finally:
        context.close()
