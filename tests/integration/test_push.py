"""Web Push: a device subscribes, a message reaches a local push service and decrypts with the device's keys."""

import base64
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import render_template_string
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from py_vapid import Vapid02

from app.models import Delivery, PushSubscription
from app.services import logbook, push
from app.services.push import PushMessage, PushNotSent, PushUnavailable
from tests.conftest import NOW, PASSWORD, log_in

MESSAGE = PushMessage(title="Afterglow", body="A quick check-in is due.", url="/sessions/7/logs/new")
EXPECTED_PAYLOAD = {"title": "Afterglow", "body": "A quick check-in is due.", "url": "/sessions/7/logs/new"}
DEVICE_PAGE = "/test-only/push-device"
PAGE_TEMPLATE = '{% extends "base.html" %}{% block content %}{% include "push/_this_device.html" %}{% endblock %}'


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def raw_public_key(private_key):
    return private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


class Device:
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = bytes(range(16))

    def subscription(self):
        """PushSubscription.toJSON(), as push.js posts it."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(raw_public_key(self.private_key)), "auth": b64url(self.auth_secret)},
        }

    def decrypt(self, body):
        return json.loads(
            http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm")
        )


class PushService(ThreadingHTTPServer):
    """A push service on a loopback port: keeps each request, answers ``answers[path]`` (201 unless told)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), PushHandler)
        self.received, self.answers, self.delay = [], {}, 0.0
        self.url = f"http://127.0.0.1:{self.server_port}"


class PushHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append({"path": self.path, "headers": self.headers, "body": body})
        time.sleep(self.server.delay)
        self.send_response(self.server.answers.get(self.path, 201))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def push_service():
    service = PushService()
    thread = threading.Thread(target=service.serve_forever, daemon=True)
    thread.start()
    yield service
    service.shutdown()
    service.server_close()
    thread.join()


@pytest.fixture
def vapid_key(tmp_path):
    """The server's VAPID key, generated into tmp_path as `make run` generates it into instance/."""
    key = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "vapid_private_key.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return key


def push_settings(tmp_path):
    return {
        "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid_private_key.pem"),
        "PUSH_ALLOW_LOCAL_HTTP": True,
        "PUSH_TIMEOUT": 1,
    }


@pytest.fixture
def push_app(app, vapid_key, tmp_path):
    app.config.update(push_settings(tmp_path))
    app.add_url_rule(DEVICE_PAGE, "test_push_device", lambda: render_template_string(PAGE_TEMPLATE))
    return app


def subscriptions(db):
    return list(db.session.scalars(sa.select(PushSubscription).order_by(PushSubscription.id)))


def logged_in(app, user):
    browser = app.test_client()
    log_in(browser, user)
    return browser


def subscribe(browser, body, **kwargs):
    return browser.post("/push/subscriptions", json=body, **kwargs)


# --- sending -------------------------------------------------------------------------------------


def test_a_push_reaches_the_device_and_decrypts_to_the_message(push_app, db, patient, push_service, vapid_key):
    device = Device(push_service.url + "/device-1")
    assert subscribe(logged_in(push_app, patient), device.subscription()).status_code == 201

    assert push.send_to_user(patient, MESSAGE) == 1

    (request,) = push_service.received
    assert request["path"] == "/device-1"
    assert request["headers"]["Content-Encoding"] == "aes128gcm"
    assert request["headers"]["TTL"] == "43200"
    assert device.decrypt(request["body"]) == EXPECTED_PAYLOAD
    # Signed with the app's VAPID key for this push service, as RFC 8292 says.
    authorization = request["headers"]["Authorization"]
    assert authorization.startswith("vapid t=")
    assert Vapid02.verify(authorization)
    parts = dict(part.split("=", 1) for part in authorization[len("vapid ") :].split(","))
    assert parts["k"] == b64url(raw_public_key(vapid_key)) == push.public_key()
    claims = json.loads(b64url_decode(parts["t"].split(".")[1]))
    assert claims["aud"] == push_service.url
    assert claims["sub"] == "mailto:no-reply@localhost"
    assert claims["exp"] == int(NOW.timestamp()) + 12 * 3600


def test_every_device_of_the_user_gets_it_and_only_theirs(push_app, db, make_patient, push_service):
    ada, bea = make_patient(), make_patient()
    phone, tablet, beas_phone = (Device(push_service.url + path) for path in ("/ada-phone", "/ada-tablet", "/bea"))
    for browser, device in ((logged_in(push_app, ada), phone), (logged_in(push_app, ada), tablet)):
        assert subscribe(browser, device.subscription()).status_code == 201
    assert subscribe(logged_in(push_app, bea), beas_phone.subscription()).status_code == 201

    assert push.send_to_user(ada, MESSAGE) == 2
    assert sorted(request["path"] for request in push_service.received) == ["/ada-phone", "/ada-tablet"]


def test_no_devices_sends_nothing(push_app, patient, push_service):
    assert push.send_to_user(patient, MESSAGE) == 0
    assert push_service.received == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_forgot_is_removed(push_app, db, patient, push_service, status):
    gone, kept = Device(push_service.url + "/gone"), Device(push_service.url + "/kept")
    browser = logged_in(push_app, patient)
    subscribe(browser, gone.subscription())
    subscribe(browser, kept.subscription())
    push_service.answers["/gone"] = status

    assert push.send_to_user(patient, MESSAGE) == 1
    assert [row.endpoint for row in subscriptions(db)] == [push_service.url + "/kept"]

    push_service.answers["/kept"] = status
    assert push.send_to_user(patient, MESSAGE) == 0  # nothing left to retry: no error
    assert subscriptions(db) == []


def test_a_failing_push_service_raises_and_keeps_the_subscription(push_app, db, patient, push_service):
    subscribe(logged_in(push_app, patient), Device(push_service.url + "/busy").subscription())
    push_service.answers["/busy"] = 503

    with pytest.raises(PushNotSent) as raised:
        push.send_to_user(patient, MESSAGE)
    assert raised.value.retryable is True
    assert len(subscriptions(db)) == 1


def test_a_push_service_that_does_not_answer_in_time_raises_and_keeps_it(push_app, db, patient, push_service):
    subscribe(logged_in(push_app, patient), Device(push_service.url + "/slow").subscription())
    push_service.delay = 3  # PUSH_TIMEOUT is 1 second

    started = time.monotonic()
    with pytest.raises(PushNotSent) as raised:
        push.send_to_user(patient, MESSAGE)
    assert time.monotonic() - started < 2.5
    assert raised.value.retryable is True
    assert len(subscriptions(db)) == 1


def test_an_unreachable_push_service_raises_and_keeps_it(push_app, db, patient, push_service):
    subscribe(logged_in(push_app, patient), Device(push_service.url + "/x").subscription())
    push_service.shutdown()
    push_service.server_close()  # nothing listens on the port any more

    with pytest.raises(PushNotSent) as raised:
        push.send_to_user(patient, MESSAGE)
    assert raised.value.retryable is True
    assert len(subscriptions(db)) == 1


def test_a_message_refused_for_good_is_not_worth_retrying(push_app, db, patient, push_service):
    subscribe(logged_in(push_app, patient), Device(push_service.url + "/picky").subscription())
    push_service.answers["/picky"] = 413

    with pytest.raises(PushNotSent) as raised:
        push.send_to_user(patient, MESSAGE)
    assert raised.value.retryable is False
    assert len(subscriptions(db)) == 1


def test_one_device_reached_is_a_delivery_though_another_failed(push_app, db, patient, push_service):
    browser = logged_in(push_app, patient)
    subscribe(browser, Device(push_service.url + "/ok").subscription())
    subscribe(browser, Device(push_service.url + "/down").subscription())
    push_service.answers["/down"] = 500

    assert push.send_to_user(patient, MESSAGE) == 1
    assert len(subscriptions(db)) == 2


def test_a_redirect_is_never_followed(push_app, db, patient, push_service):
    subscribe(logged_in(push_app, patient), Device(push_service.url + "/moved").subscription())
    push_service.answers["/moved"] = 307  # with no Location: followed, it would fail differently

    with pytest.raises(PushNotSent):
        push.send_to_user(patient, MESSAGE)
    assert [request["path"] for request in push_service.received] == ["/moved"]


def test_a_stored_local_endpoint_is_never_contacted_once_local_http_is_off(push_app, db, patient, push_service):
    subscribe(logged_in(push_app, patient), Device(push_service.url + "/inside").subscription())
    push_app.config["PUSH_ALLOW_LOCAL_HTTP"] = False

    with pytest.raises(PushNotSent) as raised:
        push.send_to_user(patient, MESSAGE)
    assert raised.value.retryable is False
    assert push_service.received == []


def test_without_a_vapid_key_push_is_simply_not_set_up(app, db, patient, tmp_path):
    app.config.update(push_settings(tmp_path))  # the file is named but was never generated
    assert push.available() is False
    assert push.public_key() is None
    with pytest.raises(PushUnavailable):
        push.send_to_user(patient, MESSAGE)
    assert not (tmp_path / "vapid_private_key.pem").exists()  # and nothing generated one behind our back


def test_the_key_defaults_to_the_instance_folder(app, tmp_path):
    app.instance_path = str(tmp_path)
    assert push.available() is False
    key = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "vapid_private_key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    assert push.available() is True
    assert push.public_key() == b64url(raw_public_key(key))


def test_the_subject_is_the_configured_one_or_the_senders_address(push_app, patient, push_service):
    subscribe(logged_in(push_app, patient), Device(push_service.url + "/a").subscription())
    push_app.config["MAIL_DEFAULT_SENDER"] = "Glow Clinic <hello@glow.example>"
    push.send_to_user(patient, MESSAGE)
    push_app.config["VAPID_SUBJECT"] = "https://glow.example"
    push.send_to_user(patient, MESSAGE)

    subjects = [
        json.loads(b64url_decode(request["headers"]["Authorization"].split("t=")[1].split(".")[1]))["sub"]
        for request in push_service.received
    ]
    assert subjects == ["mailto:hello@glow.example", "https://glow.example"]


# --- subscribing and unsubscribing ---------------------------------------------------------------


def test_subscribing_again_updates_the_keys(push_app, db, patient, push_service):
    browser = logged_in(push_app, patient)
    first, renewed = Device(push_service.url + "/same"), Device(push_service.url + "/same")
    renewed.auth_secret = bytes(range(16, 32))
    assert subscribe(browser, first.subscription()).status_code == 201
    assert subscribe(browser, renewed.subscription()).status_code == 201

    (row,) = subscriptions(db)
    assert row.auth == renewed.subscription()["keys"]["auth"]
    assert push.send_to_user(patient, MESSAGE) == 1
    assert renewed.decrypt(push_service.received[0]["body"]) == EXPECTED_PAYLOAD


def test_a_shared_phone_moves_to_whoever_turned_push_on_last(push_app, db, make_patient, push_service):
    ada, bea = make_patient(), make_patient()
    phone = Device(push_service.url + "/shared")
    subscribe(logged_in(push_app, ada), phone.subscription())
    subscribe(logged_in(push_app, bea), phone.subscription())

    (row,) = subscriptions(db)
    assert row.user_id == bea.id
    assert push.send_to_user(ada, MESSAGE) == 0
    assert push.send_to_user(bea, MESSAGE) == 1


def test_a_user_keeps_at_most_ten_devices(push_app, db, patient, push_service):
    browser = logged_in(push_app, patient)
    for number in range(12):
        subscribe(browser, Device(f"{push_service.url}/d{number}").subscription())
    assert [row.endpoint.rsplit("/", 1)[1] for row in subscriptions(db)] == [f"d{n}" for n in range(2, 12)]


def test_practitioners_can_subscribe_too(push_app, db, make_clinic, make_practitioner, push_service):
    practitioner = make_practitioner(make_clinic())
    assert subscribe(logged_in(push_app, practitioner), Device(push_service.url + "/doc").subscription()).status_code
    assert push.send_to_user(practitioner, MESSAGE) == 1


def test_turning_push_off_removes_only_your_own_device(push_app, db, make_patient, push_service):
    ada, bea = make_patient(), make_patient()
    adas_browser, beas_browser = logged_in(push_app, ada), logged_in(push_app, bea)
    subscribe(adas_browser, Device(push_service.url + "/ada").subscription())
    subscribe(beas_browser, Device(push_service.url + "/bea").subscription())

    response = beas_browser.post("/push/subscriptions/delete", json={"endpoint": push_service.url + "/ada"})
    assert response.status_code == 404
    assert response.get_json()["message"] == "This device has no reminders turned on for your account."
    assert len(subscriptions(db)) == 2

    response = adas_browser.post("/push/subscriptions/delete", json={"endpoint": push_service.url + "/ada"})
    assert response.status_code == 200 and response.get_json() == {"subscribed": False}
    assert [row.user_id for row in subscriptions(db)] == [bea.id]
    assert adas_browser.post("/push/subscriptions/delete", json={"endpoint": "nonsense"}).status_code == 404


def test_you_must_be_logged_in(push_app, db, push_service):
    response = push_app.test_client().post("/push/subscriptions", json=Device(push_service.url + "/a").subscription())
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert subscriptions(db) == []


GOOD = Device("https://fcm.googleapis.com/fcm/send/abc123").subscription()


def with_keys(**keys):
    return {"endpoint": GOOD["endpoint"], "keys": {**GOOD["keys"], **keys}}


@pytest.mark.parametrize(
    ("body", "message_part"),
    [
        ({}, "The subscription has no endpoint."),
        ([GOOD], "The subscription has no endpoint."),
        ("just text", "The subscription has no endpoint."),
        ({"endpoint": GOOD["endpoint"]}, "The subscription has no p256dh key."),
        ({"endpoint": GOOD["endpoint"], "keys": "x"}, "The subscription has no p256dh key."),
        (with_keys(auth=None), "The subscription has no auth secret."),
        (with_keys(p256dh=12345), "The subscription has no p256dh key."),
        (with_keys(p256dh=b64url(bytes(65))), "A key of the subscription has the wrong length."),
        (with_keys(p256dh="not base64!"), "A key of the subscription is not valid base64url."),
        (with_keys(auth=b64url(bytes(15))), "A key of the subscription has the wrong length."),
        (with_keys(auth="ü" * 22), "A key of the subscription is not valid base64url."),
        ({**GOOD, "endpoint": "http://push.example.com/x"}, "The endpoint must be an https:// address."),
        ({**GOOD, "endpoint": "http://localhost:9/x"}, "The endpoint must be an https:// address."),
        ({**GOOD, "endpoint": "http://127.0.0.2:9/x"}, "The endpoint must be an https:// address."),
        ({**GOOD, "endpoint": "https://127.0.0.1/x"}, "The endpoint must be a public push service."),
        ({**GOOD, "endpoint": "https://[::1]/x"}, "The endpoint must be a public push service."),
        ({**GOOD, "endpoint": "https://localhost/x"}, "The endpoint must be a public push service."),
        ({**GOOD, "endpoint": "https://metadata/x"}, "The endpoint must be a public push service."),
        ({**GOOD, "endpoint": "https://push.example.com:8080/x"}, "The endpoint must use the standard HTTPS port."),
        ({**GOOD, "endpoint": "https://me:pw@push.example.com/x"}, "The endpoint is not a valid address."),
        ({**GOOD, "endpoint": "https://push.example.com/\x00"}, "The endpoint is not a valid address."),
        ({**GOOD, "endpoint": "https://push.example.com/" + "a" * 1000}, "The endpoint is too long."),
        ({**GOOD, "endpoint": "file:///etc/passwd"}, "The endpoint is not a valid address."),
        ({**GOOD, "endpoint": ""}, "The subscription has no endpoint."),
    ],
)
def test_anything_but_a_subscription_is_refused_with_a_message(push_app, db, patient, body, message_part):
    """The local-http flag is on here (push_app), and still only 127.0.0.1 over http passes."""
    response = subscribe(logged_in(push_app, patient), body)
    assert response.status_code == 400
    assert message_part in response.get_json()["message"]
    assert subscriptions(db) == []


def test_a_local_endpoint_is_refused_unless_the_tests_flag_is_on(app, db, patient):
    response = subscribe(logged_in(app, patient), {**GOOD, "endpoint": "http://127.0.0.1:9/x"})
    assert response.status_code == 400
    assert "The endpoint must be an https:// address." in response.get_json()["message"]
    assert subscriptions(db) == []


def test_a_body_that_is_not_json_is_refused_with_a_message(push_app, db, patient):
    browser = logged_in(push_app, patient)
    for body, content_type in (("{not json", "application/json"), ("endpoint=x", "application/x-www-form-urlencoded")):
        response = browser.post("/push/subscriptions", data=body, content_type=content_type)
        assert response.status_code == 400
        assert "That is not a push subscription." in response.get_json()["message"]
    assert subscriptions(db) == []


def test_deeply_nested_json_is_refused_with_a_message(push_app, db, patient):
    browser = logged_in(push_app, patient)
    for body in ("[" * 100_000 + "]" * 100_000, '{"endpoint":' * 50_000 + "1" + "}" * 50_000):
        response = browser.post("/push/subscriptions", data=body, content_type="application/json")
        assert response.status_code == 400
        assert "That is not a push subscription." in response.get_json()["message"]
    assert subscriptions(db) == []


def test_a_real_push_service_endpoint_is_accepted(push_app, db, patient):
    assert subscribe(logged_in(push_app, patient), GOOD).status_code == 201
    assert [row.endpoint for row in subscriptions(db)] == [GOOD["endpoint"]]


def test_a_body_over_the_size_limit_answers_413_in_json(push_app, db, patient):
    body = {**GOOD, "padding": "x" * push_app.config["MAX_CONTENT_LENGTH"]}
    response = subscribe(logged_in(push_app, patient), body)
    assert response.status_code == 413 and response.get_json()["message"]
    assert subscriptions(db) == []


# --- hostile bodies ------------------------------------------------------------------------------
# Each body is certainly not a subscription of this user's: one member is poisoned (not text, or text
# that breaks its rule whatever the others hold), the others valid or hostile. So the answer is a
# 400 (or, turning push off, 404) in JSON with a message, never a 500, and no device row changes.

HOSTILE_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.sampled_from(["\x00", "a\x00b", "%", "' OR '1'='1", "{{ 7 * 7 }}", "٣", "\u202e", "\r\n", "[]", "null"]),
    st.builds(lambda unit, n: unit * n, st.sampled_from(["A", "é", "\x00", "/", "="]), st.integers(1_000, 20_000)),
)
JSON_NOT_TEXT = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats()),
    lambda inner: st.one_of(
        st.lists(st.one_of(inner, HOSTILE_TEXT), max_size=3),
        st.dictionaries(st.text(max_size=5), st.one_of(inner, HOSTILE_TEXT), max_size=3),
    ),
    max_leaves=5,
)
BAD_ENDPOINT = st.one_of(
    JSON_NOT_TEXT,
    st.sampled_from(
        [
            "",
            "https://127.0.0.1/x",
            "https://[::1]/x",
            "https://[::1",
            "https://localhost/x",
            "https://push.example.com:8080/x",
            "https://push.example.com:99999/x",
            "https://push.example.com/\x00",
            "https://push.example.com/a b",
            "https://me@push.example.com/x",
            "https://push.example.com/" + "a" * 1000,
            "http://127.0.0.2/x",
            "file:///etc/passwd",
        ]
    ),
    HOSTILE_TEXT.filter(lambda raw: not raw.lower().lstrip().startswith("http")),
)


def bad_key(characters):
    """Not text, or text that cannot decode to a key of that many base64url characters."""
    return st.one_of(
        JSON_NOT_TEXT,
        st.sampled_from([b64url(bytes(65)), "ü" * characters, "!" * characters, "A" * (characters + 1)]),
        HOSTILE_TEXT.filter(lambda raw: len(raw.rstrip("=")) != characters),
    )


BAD_KEYS = {"p256dh": bad_key(87), "auth": bad_key(22)}  # 65 and 16 bytes


EXTRA_MEMBERS = st.dictionaries(st.sampled_from(["expirationTime", "user_id", "id", "__proto__"]), JSON_NOT_TEXT)


@st.composite
def not_a_subscription(draw, poisons=("endpoint", "p256dh", "auth", "keys")):
    """A JSON subscription with one of ``poisons`` poisoned; or JSON that is no object; or no JSON at all."""
    kind = draw(st.sampled_from(["poisoned", "poisoned", "poisoned", "not an object", "not json"]))
    if kind == "not an object":
        return {"json": draw(JSON_NOT_TEXT.filter(lambda value: not isinstance(value, dict)))}
    if kind == "not json":
        content_type = draw(st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"]))
        return {"data": draw(st.binary(max_size=200)), "content_type": content_type}
    keys = {name: draw(st.one_of(st.just(value), JSON_NOT_TEXT, HOSTILE_TEXT)) for name, value in GOOD["keys"].items()}
    body = {"endpoint": draw(st.one_of(st.just(GOOD["endpoint"]), HOSTILE_TEXT)), "keys": keys}
    poisoned = draw(st.sampled_from(poisons))
    if poisoned == "endpoint":
        body["endpoint"] = draw(BAD_ENDPOINT)
    elif poisoned == "keys":
        body["keys"] = draw(st.one_of(JSON_NOT_TEXT.filter(lambda value: not isinstance(value, dict)), st.just({})))
    else:
        keys[poisoned] = draw(BAD_KEYS[poisoned])
    body.update(draw(EXTRA_MEMBERS))
    return {"json": body}


def device_rows(db):
    rows = db.session.execute(sa.select(PushSubscription.endpoint, PushSubscription.user_id, PushSubscription.p256dh))
    state = sorted(tuple(row) for row in rows)
    db.session.rollback()  # read afresh next time: the request writes from its own session
    return state


def assert_refused_in_json(response, statuses):
    assert response.status_code in statuses, f"answered {response.status_code}"
    assert response.is_json, response.get_data(as_text=True)[:200]
    message = response.get_json()["message"]
    assert isinstance(message, str) and message


@pytest.mark.hypothesis
def test_anything_but_a_subscription_is_refused_in_json_and_changes_nothing(push_app, db, make_patient):
    ada, bea = make_patient(), make_patient()
    browser, other = logged_in(push_app, ada), Device("https://updates.push.services.mozilla.com/wpush/v2/bea")
    assert subscribe(browser, GOOD).status_code == 201  # the same endpoint, poisoned, must not touch it
    assert subscribe(logged_in(push_app, bea), other.subscription()).status_code == 201
    before = device_rows(db)

    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(not_a_subscription())
    def post_and_check(request):
        assert_refused_in_json(browser.post("/push/subscriptions", **request), (400,))
        assert device_rows(db) == before

    post_and_check()


@pytest.mark.hypothesis
def test_turning_push_off_for_anything_but_your_device_is_refused_in_json(push_app, db, make_patient):
    ada, bea = make_patient(), make_patient()
    browser, other = logged_in(push_app, ada), Device("https://updates.push.services.mozilla.com/wpush/v2/bea")
    assert subscribe(browser, GOOD).status_code == 201
    assert subscribe(logged_in(push_app, bea), other.subscription()).status_code == 201
    before = device_rows(db)
    not_adas = st.one_of(
        st.just(other.endpoint),  # Bea's: the same 404 as a missing one
        JSON_NOT_TEXT,
        HOSTILE_TEXT.filter(lambda raw: raw != GOOD["endpoint"]),
        st.sampled_from([GOOD["endpoint"] + "\x00", GOOD["endpoint"].upper(), " " + GOOD["endpoint"]]),
    )
    # Only the endpoint names the device: a poisoned key beside Ada's endpoint would be a valid post.
    bodies = st.one_of(
        st.builds(lambda endpoint: {"json": {"endpoint": endpoint}}, not_adas), not_a_subscription(("endpoint",))
    )

    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(bodies)
    @example({"json": {"endpoint": "\x00"}})  # PostgreSQL refused it: a 500
    def post_and_check(request):
        assert_refused_in_json(browser.post("/push/subscriptions/delete", **request), (400, 404))
        assert device_rows(db) == before

    post_and_check()


# --- CSRF ----------------------------------------------------------------------------------------


def test_subscribing_needs_the_csrf_token_in_the_header(push_app, csrf_app, db, patient, push_service, tmp_path):
    csrf_app.config.update(push_settings(tmp_path))
    csrf_app.add_url_rule(DEVICE_PAGE, "test_push_device", lambda: render_template_string(PAGE_TEMPLATE))
    browser = csrf_app.test_client()
    login_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', browser.get("/auth/login").text)
    form = {"email": patient.email, "password": PASSWORD, "csrf_token": login_token[1]}
    assert browser.post("/auth/login", data=form).status_code == 302
    token = re.search(r'data-csrf-token="([^"]+)"', browser.get(DEVICE_PAGE).text)[1]
    device = Device(push_service.url + "/csrf")

    unsubscribe = {"endpoint": device.endpoint}
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = browser.post("/push/subscriptions", json=device.subscription(), headers=headers)
        assert response.status_code == 400
        assert response.get_json() == {"message": "This page has expired. Please reload it and try again."}
        assert browser.post("/push/subscriptions/delete", json=unsubscribe, headers=headers).status_code == 400
    assert subscriptions(db) == []

    assert subscribe(browser, device.subscription(), headers={"X-CSRFToken": token}).status_code == 201
    assert len(subscriptions(db)) == 1
    response = browser.post("/push/subscriptions/delete", json=unsubscribe, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert subscriptions(db) == []


# --- the "on this phone" partial -----------------------------------------------------------------


def test_the_partial_gives_the_script_what_it_needs_and_says_what_works_without_it(push_app, patient, push_service):
    browser = logged_in(push_app, patient)
    device = Device(push_service.url + "/mine")
    subscribe(browser, device.subscription())
    page = browser.get(DEVICE_PAGE).text

    assert "Reminders on this phone" in page
    assert f'data-public-key="{push.public_key()}"' in page
    assert f"data-endpoints='[\"{device.endpoint}\"]'" in page
    assert 'data-subscribe-url="/push/subscriptions"' in page
    assert 'data-unsubscribe-url="/push/subscriptions/delete"' in page
    assert "Notifications on this phone need JavaScript. Email reminders still work." in page
    assert re.search(r'<script src="/static/js/push.js\?v=\w+" defer>', page)


def test_the_partial_without_a_key_gives_the_script_none(app, patient, tmp_path):
    app.config.update(push_settings(tmp_path))
    app.add_url_rule(DEVICE_PAGE, "test_push_device", lambda: render_template_string(PAGE_TEMPLATE))
    page = logged_in(app, patient).get(DEVICE_PAGE).text
    assert 'data-public-key=""' in page


def test_the_service_worker_shows_pushes_and_opens_only_this_sites_pages(client):
    worker = client.get("/sw.js").text
    assert 'addEventListener("push"' in worker and "showNotification" in worker
    assert 'addEventListener("notificationclick"' in worker and "target.origin === self.location.origin" in worker
    assert re.search(r'const ICON = "/static/icons/icon-192\.png\?v=\w+";', worker)


def test_a_page_can_word_the_partial_for_the_clinic(push_app, make_clinic, make_practitioner):
    template = (
        '{% extends "base.html" %}{% block content %}{% set push_title = "Alerts on this phone" %}'
        '{% set push_fallback = "Alert emails still work." %}{% include "push/_this_device.html" %}{% endblock %}'
    )
    push_app.add_url_rule("/test-only/clinic-device", "test_clinic_device", lambda: render_template_string(template))
    page = logged_in(push_app, make_practitioner(make_clinic())).get("/test-only/clinic-device").text
    assert '<h2 id="push-device-heading">Alerts on this phone</h2>' in page
    assert "Notifications on this phone need JavaScript. Alert emails still work." in page
    assert 'data-fallback="Alert emails still work."' in page


# --- through the sender (flask send-reminders) -------------------------------------------------


def send_reminders(app):
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_a_due_check_in_is_pushed_once_to_the_patients_device_and_leads_to_the_log_form(
    push_app, db, patient, make_session, push_service
):
    device = Device(push_service.url + "/phone")
    assert subscribe(logged_in(push_app, patient), device.subscription()).status_code == 201
    treatment = make_session(patient, hours_ago=26)

    send_reminders(push_app)
    send_reminders(push_app)

    (request,) = push_service.received
    assert device.decrypt(request["body"]) == {
        "title": "Time for your Afterglow check-in",
        "body": "Time for your check-in: it takes a few seconds.",
        "url": f"/sessions/{treatment.id}/logs/new",
    }
    db.session.expire_all()
    channels = {(d.channel, d.state) for d in db.session.scalars(sa.select(Delivery))}
    assert channels == {("email", "sent"), ("push", "sent")}


def test_no_push_when_the_patient_turned_push_off_or_has_no_device(
    push_app, db, make_patient, make_session, push_service
):
    off = make_patient(email="off@example.com", remind_by_push=False)
    assert subscribe(logged_in(push_app, off), Device(push_service.url + "/off").subscription()).status_code == 201
    no_device = make_patient(email="nodevice@example.com")
    for patient in (off, no_device):
        make_session(patient, hours_ago=26)

    assert send_reminders(push_app).startswith("2 sent, 0 failed")  # one email each

    assert push_service.received == []
    db.session.expire_all()
    assert {d.channel for d in db.session.scalars(sa.select(Delivery))} == {"email"}


def test_a_red_flag_pushes_the_opted_in_practitioner_nothing_about_health(
    push_app, db, make_patient, make_session, make_clinic, make_practitioner, share, push_service
):
    clinic = make_clinic("Glow Clinic")
    doctor = make_practitioner(clinic)
    doctor.notify_alerts_by_push = True
    db.session.commit()
    device = Device(push_service.url + "/clinic-phone")
    assert subscribe(logged_in(push_app, doctor), device.subscription()).status_code == 201
    patient = make_patient(remind_by_email=False, remind_by_push=False)
    share(patient, clinic)
    treatment = make_session(patient, hours_ago=30)

    def pus(log):
        log.logged_at = NOW
        log.redness, log.swelling, log.peeling, log.pus = 2, 1, 0, True

    logbook.save_new_log(treatment, None, pus)
    send_reminders(push_app)
    send_reminders(push_app)

    (request,) = push_service.received
    assert device.decrypt(request["body"]) == {
        "title": "A patient needs attention",
        "body": "Someone at Glow Clinic needs attention. Your dashboard shows who.",
        "url": "/clinic/",
    }


def test_the_reminders_page_and_the_clinics_notifications_page_turn_push_on_for_this_phone(
    push_app, patient, make_clinic, make_practitioner
):
    page = logged_in(push_app, patient).get("/reminders").text
    assert '<h2 id="push-device-heading">Reminders on this phone</h2>' in page
    assert f'data-public-key="{push.public_key()}"' in page
    page = logged_in(push_app, make_practitioner(make_clinic())).get("/clinic/notifications").text
    assert '<h2 id="push-device-heading">Alerts on this phone</h2>' in page
    assert "Notifications on this phone need JavaScript. Alert emails still work." in page
