from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import User, UserLogin
from tests.conftest import PASSWORD, log_in

STRONG = "violet-tugboat-marmalade"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def start_signup(client, email="new@example.com"):
    response = client.post("/auth/signup", data={"email": email})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/check-email"
    return response


def finish_signup(client, link, **overrides):
    data = {"password": STRONG, "confirm": STRONG, "timezone": "Europe/Paris"}
    data.update(overrides)
    return client.post(link, data=data)


def signup_link(client, outbox, email="new@example.com"):
    start_signup(client, email)
    return outbox.link(email.strip().lower())


def user_count(db):
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def live_login_count(db, user):
    return db.session.scalar(
        sa.select(sa.func.count(UserLogin.id)).where(UserLogin.user_id == user.id, UserLogin.revoked_at.is_(None))
    )


# --- Sign-up (see test_signup_and_reset_by_email.py for the same answer to every address) ---------


def test_signup_in_two_steps_creates_a_patient_logs_them_in_and_keeps_their_time_zone(client, db, outbox):
    start_signup(client, "  New@Example.COM ")
    assert user_count(db) == 0  # nothing is stored before the address is confirmed
    link = outbox.link("new@example.com")
    assert link.startswith("/auth/signup/")
    page = client.get(link)
    assert page.status_code == 200 and "new@example.com" in page.get_data(as_text=True)
    response = finish_signup(client, link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sessions/new"
    user = db.session.scalar(sa.select(User))
    assert user.email == "new@example.com"
    assert user.role == "patient"
    assert user.timezone == "Europe/Paris"
    assert user.password_hash != STRONG and user.check_password(STRONG)
    assert client.get("/sessions/new").status_code == 200


def test_signup_with_an_unknown_time_zone_falls_back_to_utc(client, db, outbox):
    finish_signup(client, signup_link(client, outbox), timezone="Mars/Olympus_Mons")
    assert db.session.scalar(sa.select(User.timezone)) == "UTC"


@pytest.mark.parametrize(
    "email, message",
    [("not-an-email", "Enter an email address like name@example.com."), ("", "Enter your email address.")],
)
def test_signup_rejects_a_bad_address_with_a_message_and_sends_nothing(client, db, outbox, email, message):
    response = client.post("/auth/signup", data={"email": email})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert outbox.take() == [] and user_count(db) == 0


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"password": "password123", "confirm": "password123"}, "This password is too weak."),
        ({"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, "This password is too weak."),
        # Strong on its own, weak as the account's own address: step 2 checks it against the link's email.
        ({"password": "new@example.com", "confirm": "new@example.com"}, "This password is too weak."),
        ({"password": "x" * 129 + "Q1!", "confirm": "x" * 129 + "Q1!"}, "Use at most 128 characters."),
        ({"confirm": "something-else-entirely"}, "The two passwords do not match."),
        ({"password": ""}, "Choose a password."),
    ],
)
def test_choosing_the_password_rejects_bad_input_with_a_message_and_stores_nothing(
    client, db, outbox, overrides, message
):
    response = finish_signup(client, signup_link(client, outbox), **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count(db) == 0


@pytest.mark.parametrize("length", [72, 73, 100, 128])
def test_a_long_passphrase_signs_up(client, db, outbox, length):
    # zxcvbn refuses more than 72 characters; the form allows 128 (this was a 500).
    passphrase = ("correct horse battery staple violet tugboat marmalade quartz pelican lantern " * 2)[:length]
    response = finish_signup(client, signup_link(client, outbox), password=passphrase, confirm=passphrase)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User)).check_password(passphrase)


# --- Log-in and log-out ------------------------------------------------------------------------


def test_login_and_logout(client, patient):
    response = log_in(client, patient)
    assert response.headers["Location"] == "/"
    assert "Your sessions" in client.get("/").get_data(as_text=True)
    assert client.get("/auth/logout").status_code == 405  # never by a link
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/sessions/new").status_code == 302  # back to log-in


def test_logging_out_when_not_logged_in_is_harmless(client):
    response = client.post("/auth/logout")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("email, password", [("nobody@example.com", PASSWORD), (None, "wrong-password-here")])
def test_login_failure_reads_the_same_whether_or_not_the_email_exists(client, patient, email, password):
    response = client.post("/auth/login", data={"email": email or patient.email, "password": password})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Email or password is not right." in body
    assert "no account" not in body.lower()


def test_the_login_page_offers_a_password_reset(client):
    assert 'href="/auth/reset-password"' in client.get("/auth/login").get_data(as_text=True)


def test_login_updates_the_time_zone_from_the_browser(client, db, patient):
    client.post("/auth/login", data={"email": patient.email, "password": PASSWORD, "timezone": "Australia/Sydney"})
    db.session.refresh(patient)
    assert patient.timezone == "Australia/Sydney"


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/sessions/new", "/sessions/new"),
        ("https://evil.example/steal", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        # A CR or LF would split the Location header (this was a 500); browsers drop tabs and newlines.
        ("/sessions/new\r\nSet-Cookie: planted=1", "/"),
        ("/\n/evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/sessions\x00/new", "/"),
    ],
)
def test_login_redirects_only_within_the_site(client, patient, next_url, expected):
    response = client.post(
        "/auth/login", query_string={"next": next_url}, data={"email": patient.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_remember_me_sets_a_long_lived_http_only_cookie(client, patient):
    response = client.post("/auth/login", data={"email": patient.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "Expires=" in cookie


def test_without_remember_me_no_remember_cookie(client, patient):
    response = log_in(client, patient)
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


# --- Per-device log-ins ------------------------------------------------------------------------


def remembered_login(client, patient):
    response = client.post("/auth/login", data={"email": patient.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    return client.get_cookie("remember_token").value, client.get_cookie("session").value


def replay(app, remember=None, session=None):
    """A new browser holding copies of another's cookies."""
    other = app.test_client()
    if remember:
        other.set_cookie("remember_token", remember)
    if session:
        other.set_cookie("session", session)
    return other


def test_log_out_deletes_the_remember_cookie_and_copied_cookies_stop_working(app, client, patient, db):
    remember, session = remembered_login(client, patient)
    assert replay(app, remember=remember).get("/sessions/new").status_code == 200  # the copy worked until now
    response = client.post("/auth/logout")
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert deleted and "Max-Age=0" in deleted[0]
    assert client.get_cookie("remember_token") is None
    assert client.get("/my-data").status_code == 302  # not logged straight back in
    assert replay(app, remember=remember).get("/my-data").status_code == 302
    assert replay(app, session=session).get("/my-data").status_code == 302
    assert live_login_count(db, patient) == 0
    log_in(client, patient)  # the next log-in clears revoked and expired rows away
    assert db.session.scalar(sa.select(sa.func.count(UserLogin.id)).where(UserLogin.user_id == patient.id)) == 1


def test_each_log_in_is_a_device_whose_token_is_stored_only_as_a_hash(app, client, patient, db):
    remember, session = remembered_login(client, patient)
    log_in(app.test_client(), patient)
    rows = db.session.scalars(sa.select(UserLogin).where(UserLogin.user_id == patient.id)).all()
    assert len(rows) == 2
    with client.session_transaction() as stored:
        token = stored["_user_id"]
    assert token != str(patient.id) and len(token) >= 40
    assert token not in {row.token_hash for row in rows}
    assert token in remember  # the remember cookie names the same device


def test_the_user_loader_looks_a_login_up_in_one_query_and_refuses_unknown_tokens(app, client, patient, db):
    log_in(client, patient)
    with client.session_transaction() as stored:
        token = stored["_user_id"]
    statements = []

    def count(connection, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            assert app.login_manager._user_callback(token).id == patient.id
            assert len(statements) == 1  # the log-in joined with its user
            assert app.login_manager._user_callback(token[:-1] + "x") is None
            assert app.login_manager._user_callback(str(patient.id)) is None
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_a_log_in_expires_after_a_day_or_after_thirty_days_when_remembered(app, patient, frozen_time):
    day_client, kept_client = app.test_client(), app.test_client()
    log_in(day_client, patient)
    remember, _ = remembered_login(kept_client, patient)
    frozen_time.shift(timedelta(hours=23))
    assert day_client.get("/sessions/new").status_code == 200
    frozen_time.shift(timedelta(hours=2))
    assert day_client.get("/sessions/new").status_code == 302  # PERMANENT_SESSION_LIFETIME
    frozen_time.shift(timedelta(days=28))
    assert replay(app, remember=remember).get("/sessions/new").status_code == 200
    frozen_time.shift(timedelta(days=2))
    assert replay(app, remember=remember).get("/sessions/new").status_code == 302  # REMEMBER_COOKIE_DURATION


def test_the_account_page_lists_devices_and_log_out_everywhere_ends_them_all(app, patient, db):
    phone, tablet = app.test_client(), app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = IPHONE
    tablet.environ_base["HTTP_USER_AGENT"] = ANDROID
    log_in(phone, patient)
    remember, _ = remembered_login(tablet, patient)
    page = phone.get("/auth/account").get_data(as_text=True)
    assert "Mobile Safari on iOS</strong> (this device)" in page
    assert "Chrome Mobile on Android</strong><br>" in page
    assert "Log out everywhere" in page

    response = phone.post("/auth/logout-everywhere")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert phone.get("/auth/account").status_code == 302
    assert tablet.get("/auth/account").status_code == 302
    assert replay(app, remember=remember).get("/auth/account").status_code == 302
    assert live_login_count(db, patient) == 0
    assert app.test_client().get("/auth/logout-everywhere").status_code == 405


def test_a_device_whose_browser_is_not_recognised_is_listed_as_unknown(patient_client):  # Werkzeug's test client
    assert "Unknown device" in patient_client.get("/auth/account").get_data(as_text=True)


# --- Password and time zone --------------------------------------------------------------------


def test_change_password_logs_out_other_devices(app, patient_client, patient, db):
    other_device = app.test_client()
    log_in(other_device, patient)
    remember, _ = remembered_login(app.test_client(), patient)
    new = "quartz-pelican-lantern"
    response = patient_client.post(
        "/auth/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    db.session.refresh(patient)
    assert patient.check_password(new)
    assert patient_client.get("/sessions/new").status_code == 200  # this device stays in
    assert other_device.get("/sessions/new").status_code == 302  # the other is signed out
    assert replay(app, remember=remember).get("/sessions/new").status_code == 302
    assert live_login_count(db, patient) == 1


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {
                "current_password": "not-my-password",
                "password": "quartz-pelican-lantern",
                "confirm": "quartz-pelican-lantern",
            },
            "That is not your current password.",
        ),
        (
            {"current_password": PASSWORD, "password": "password1", "confirm": "password1"},
            "Use at least 10 characters.",
        ),
        (
            {"current_password": PASSWORD, "password": "quartz-pelican-lantern", "confirm": "other"},
            "The two passwords do not match.",
        ),
    ],
)
def test_change_password_rejects_bad_input(patient_client, patient, db, data, message):
    response = patient_client.post("/auth/password", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(patient)
    assert patient.check_password(PASSWORD)


def test_time_zone_can_be_changed_and_must_be_real(patient_client, patient, db):
    assert patient_client.post("/auth/account/timezone", data={"timezone": "Asia/Tokyo"}).status_code == 302
    response = patient_client.post("/auth/account/timezone", data={"timezone": "Nowhere/Town"})
    assert response.status_code == 422
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    db.session.refresh(patient)
    assert patient.timezone == "Asia/Tokyo"


def test_account_pages_need_a_login(client):
    for url in ("/auth/account", "/auth/password"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")


def test_passwords_are_hashed_with_scrypt_by_default(tmp_path):
    from app.factory import create_app
    from tests.conftest import make_config

    config = make_config(tmp_path)
    del config["PASSWORD_HASH_METHOD"]
    app = create_app(config)
    with app.app_context():
        user = User(email="a@example.com")
        user.set_password(STRONG)
        assert user.password_hash.startswith("scrypt:")
