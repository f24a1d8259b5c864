"""Logging out forgets this phone's push subscription; logging out everywhere forgets every device's."""

import base64
import re

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.models import PushSubscription
from app.services import push
from tests.conftest import PASSWORD, log_in

ADA_PHONE = "https://fcm.googleapis.com/fcm/send/ada-phone:APA91bHun4MxP5egoKMwt2KZFBaFUH"
ADA_TABLET = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABmAdaTablet"
BEA_PHONE = "https://web.push.apple.com/QGuQyavXutnMWs0oNpVGKn-bea-phone"
LOGGED_OUT = "/auth/login?logged_out=1"


def add_device(user, endpoint):
    """What turning push on stores (the device's own P-256 key and auth secret)."""
    raw_key = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    p256dh = base64.urlsafe_b64encode(raw_key).rstrip(b"=").decode()
    auth = base64.urlsafe_b64encode(bytes(range(16))).rstrip(b"=").decode()
    push.subscribe(user, endpoint, p256dh, auth)


def devices(db):
    """(user id, endpoint) of every stored subscription, in a stable order."""
    rows = db.session.execute(
        sa.select(PushSubscription.user_id, PushSubscription.endpoint).order_by(PushSubscription.endpoint)
    )
    return sorted(tuple(row) for row in rows)


@pytest.fixture
def ada(make_patient):
    return make_patient(email="ada@example.com")


@pytest.fixture
def bea(make_patient):
    return make_patient(email="bea@example.com")


@pytest.fixture
def three_devices(db, ada, bea):
    add_device(ada, ADA_PHONE)
    add_device(ada, ADA_TABLET)
    add_device(bea, BEA_PHONE)
    assert devices(db) == sorted([(ada.id, ADA_PHONE), (ada.id, ADA_TABLET), (bea.id, BEA_PHONE)])


def assert_logged_out(browser, response):
    assert response.status_code == 302
    assert response.headers["Location"] == LOGGED_OUT
    after = browser.get("/my-data")
    assert after.status_code == 302 and after.headers["Location"].startswith("/auth/login")


def test_logging_out_with_this_phones_endpoint_forgets_that_device_only(app, db, ada, bea, three_devices):
    browser = app.test_client()
    log_in(browser, ada)

    response = browser.post("/auth/logout", data={"push_endpoint": ADA_PHONE})

    assert_logged_out(browser, response)
    assert devices(db) == sorted([(ada.id, ADA_TABLET), (bea.id, BEA_PHONE)])


@pytest.mark.parametrize(
    "endpoint",
    [
        pytest.param(BEA_PHONE, id="someone-elses"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("not a push endpoint", id="garbage"),
        pytest.param("https://fcm.googleapis.com/fcm/send/unknown-device", id="unknown"),
        pytest.param(ADA_PHONE + "x" * 1000, id="oversized"),
        pytest.param("\x00", id="nul"),
        pytest.param("https://fcm.googleapis.com/\x00'; DELETE FROM push_subscriptions; --", id="nul-and-sql"),
        pytest.param("https://fcm.googleapis.com/fcm/send/%", id="like-wildcard"),
    ],
)
def test_a_foreign_or_unusable_endpoint_changes_nothing_and_log_out_still_works(
    app, db, ada, bea, three_devices, endpoint
):
    browser = app.test_client()
    log_in(browser, ada)

    response = browser.post("/auth/logout", data={"push_endpoint": endpoint})

    assert_logged_out(browser, response)
    assert devices(db) == sorted([(ada.id, ADA_PHONE), (ada.id, ADA_TABLET), (bea.id, BEA_PHONE)])


def test_logging_out_without_the_field_keeps_every_device_as_before(app, db, ada, bea, three_devices):
    # Without JavaScript (or push) the form has no endpoint: log-out works as it always did.
    browser = app.test_client()
    log_in(browser, ada)

    assert_logged_out(browser, browser.post("/auth/logout"))
    assert devices(db) == sorted([(ada.id, ADA_PHONE), (ada.id, ADA_TABLET), (bea.id, BEA_PHONE)])


def test_nobody_logged_in_cannot_remove_a_device_by_logging_out(app, db, ada, bea, three_devices):
    browser = app.test_client()

    response = browser.post("/auth/logout", data={"push_endpoint": ADA_PHONE})

    assert response.status_code == 302 and response.headers["Location"] == LOGGED_OUT
    assert devices(db) == sorted([(ada.id, ADA_PHONE), (ada.id, ADA_TABLET), (bea.id, BEA_PHONE)])


def test_logging_out_everywhere_forgets_all_the_users_devices_and_nobody_elses(app, db, ada, bea, three_devices):
    browser = app.test_client()
    log_in(browser, ada)

    response = browser.post("/auth/logout-everywhere", data={"push_endpoint": BEA_PHONE})

    assert_logged_out(browser, response)
    assert devices(db) == [(bea.id, BEA_PHONE)]


def csrf_token(response):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))[1]


def test_a_log_out_without_the_csrf_token_removes_nothing(csrf_app, db, ada, bea, three_devices):
    browser = csrf_app.test_client()
    token = csrf_token(browser.get("/auth/login"))
    form = {"email": ada.email, "password": PASSWORD, "csrf_token": token}
    assert browser.post("/auth/login", data=form).status_code == 302

    # A page elsewhere posting to log-out (no token) must not switch off this patient's reminders.
    assert browser.post("/auth/logout", data={"push_endpoint": ADA_PHONE}).status_code == 400
    assert browser.post("/auth/logout-everywhere", data={"push_endpoint": ADA_PHONE}).status_code == 400
    assert devices(db) == sorted([(ada.id, ADA_PHONE), (ada.id, ADA_TABLET), (bea.id, BEA_PHONE)])

    page_token = csrf_token(browser.get("/my-data"))
    response = browser.post("/auth/logout", data={"push_endpoint": ADA_PHONE, "csrf_token": page_token})
    assert_logged_out(browser, response)
    assert devices(db) == sorted([(ada.id, ADA_TABLET), (bea.id, BEA_PHONE)])
