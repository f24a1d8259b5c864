"""Log-out on a phone forgets that phone's push subscription: Chromium at 360x740.

Headless Chromium has no push service, so each test gives the page a subscription of its own
(PushManager.prototype.getSubscription replaced before any script runs).
"""

import base64
import json

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import expect

from app.extensions import db
from app.models import PushSubscription, User
from app.services import push
from tests.browser.test_patient_flow import assert_fits_a_phone
from tests.conftest import PASSWORD

EMAIL = "shared-phone@example.com"
THIS_PHONE = "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bShared-phone-of-ada"
HER_TABLET = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABmHer-tablet"

# The subscription the browser would hold; unsubscribe() leaves a note that survives the log-out's navigation.
FAKE_SUBSCRIPTION = """
PushManager.prototype.getSubscription = function () {
  return Promise.resolve({
    endpoint: %s,
    unsubscribe: function () {
      sessionStorage.setItem("unsubscribed", "yes");
      return Promise.resolve(true);
    }
  });
};
"""
# A browser whose push service never answers.
SILENT_PUSH_SERVICE = """
PushManager.prototype.getSubscription = function () {
  sessionStorage.setItem("asked", "yes");
  return new Promise(function () {});
};
"""


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def device_keys():
    """A device's p256dh (its P-256 public key) and 16-byte auth secret, as a browser makes them."""
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(raw), b64url(bytes(range(16)))


def patient_with_two_devices(server):
    with server.flask_app.app_context():
        patient = User(email=EMAIL, role="patient", timezone="Europe/Paris")
        patient.set_password(PASSWORD)
        db.session.add(patient)
        db.session.commit()
        for endpoint in (THIS_PHONE, HER_TABLET):
            push.subscribe(patient, endpoint, *device_keys())


def stored_endpoints(server):
    with server.flask_app.app_context():
        return list(db.session.scalars(sa.select(PushSubscription.endpoint).order_by(PushSubscription.endpoint)))


def log_in(page, server):
    page.goto(server.url + "/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
    # A phone that has used the app before has its service worker running; wait for this fresh one to be.
    page.evaluate("navigator.serviceWorker.ready.then(function () { return true; })")


def assert_logged_out(page, server):
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_fits_a_phone(page)
    page.goto(server.url + "/my-data")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_logging_out_forgets_this_phones_subscription_here_and_on_the_server(page, live_server):
    patient_with_two_devices(live_server)
    assert stored_endpoints(live_server) == [THIS_PHONE, HER_TABLET]
    page.context.add_init_script(FAKE_SUBSCRIPTION % json.dumps(THIS_PHONE))
    log_in(page, live_server)

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_text("You are logged out.")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('unsubscribed')") == "yes"
    assert stored_endpoints(live_server) == [HER_TABLET]  # only this phone: her tablet still gets reminders
    assert_logged_out(page, live_server)


def test_log_out_does_not_wait_for_a_push_service_that_never_answers(page, live_server):
    patient_with_two_devices(live_server)
    page.context.add_init_script(SILENT_PUSH_SERVICE)
    log_in(page, live_server)

    page.get_by_role("button", name="Log out").click()
    # Without its 2.5 s limit app.js would wait for ever: the page would never come (no timed assertion here,
    # the machine may be slow; only "it ends").
    expect(page.get_by_text("You are logged out.")).to_be_visible(timeout=15_000)

    assert page.evaluate("sessionStorage.getItem('asked')") == "yes"  # it did ask, then gave up waiting
    assert stored_endpoints(live_server) == [THIS_PHONE, HER_TABLET]  # no endpoint known: none removed
    assert_logged_out(page, live_server)
