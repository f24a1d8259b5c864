import pytest
import sqlalchemy as sa

from app.models import User
from tests.conftest import PASSWORD, log_in

STRONG = "violet-tugboat-marmalade"


def signup(client, **overrides):
    data = {"email": "new@example.com", "password": STRONG, "confirm": STRONG, "timezone": "Europe/Paris"}
    data.update(overrides)
    return client.post("/auth/signup", data=data)


def user_count(db):
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_signup_creates_a_patient_logs_them_in_and_keeps_their_time_zone(client, db):
    response = signup(client, email="  New@Example.COM ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sessions/new"
    user = db.session.scalar(sa.select(User))
    assert user.email == "new@example.com"
    assert user.role == "patient"
    assert user.timezone == "Europe/Paris"
    assert user.password_hash != STRONG and user.check_password(STRONG)
    assert client.get("/sessions/new").status_code == 200


def test_signup_with_an_unknown_time_zone_falls_back_to_utc(client, db):
    signup(client, timezone="Mars/Olympus_Mons")
    assert db.session.scalar(sa.select(User.timezone)) == "UTC"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"email": ""}, "Enter your email address."),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"password": "password123", "confirm": "password123"}, "This password is too weak."),
        ({"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, "This password is too weak."),
        ({"password": "x" * 129 + "Q1!", "confirm": "x" * 129 + "Q1!"}, "Use at most 128 characters."),
        ({"confirm": "something-else-entirely"}, "The two passwords do not match."),
    ],
)
def test_signup_rejects_bad_input_with_a_message_and_stores_nothing(client, db, overrides, message):
    response = signup(client, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count(db) == 0


def test_signup_with_a_taken_email_says_so(client, db, make_patient):
    make_patient(email="taken@example.com")
    response = signup(client, email="TAKEN@example.com")
    assert response.status_code == 422
    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert user_count(db) == 1


def test_login_and_logout(client, patient):
    response = log_in(client, patient)
    assert response.headers["Location"] == "/"
    assert "Your sessions" in client.get("/").get_data(as_text=True)
    assert client.get("/auth/logout").status_code == 405  # never by a link
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/sessions/new").status_code == 302  # back to log-in


@pytest.mark.parametrize("email, password", [("nobody@example.com", PASSWORD), (None, "wrong-password-here")])
def test_login_failure_reads_the_same_whether_or_not_the_email_exists(client, patient, email, password):
    response = client.post("/auth/login", data={"email": email or patient.email, "password": password})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Email or password is not right." in body
    assert "no account" not in body.lower()


def test_login_updates_the_time_zone_from_the_browser(client, db, patient):
    client.post("/auth/login", data={"email": patient.email, "password": PASSWORD,
                                     "timezone": "Australia/Sydney"})
    db.session.refresh(patient)
    assert patient.timezone == "Australia/Sydney"


@pytest.mark.parametrize(
    "next_url, expected",
    [("/sessions/new", "/sessions/new"), ("https://evil.example/steal", "/"), ("//evil.example", "/"),
     ("/\\evil.example", "/"), ("javascript:alert(1)", "/")],
)
def test_login_redirects_only_within_the_site(client, patient, next_url, expected):
    response = client.post("/auth/login", query_string={"next": next_url},
                           data={"email": patient.email, "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_remember_me_sets_a_long_lived_http_only_cookie(client, patient):
    response = client.post("/auth/login", data={"email": patient.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "Expires=" in cookie


def test_without_remember_me_no_remember_cookie(client, patient):
    response = log_in(client, patient)
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_change_password_logs_out_other_devices(app, patient_client, patient, db):
    other_device = app.test_client()
    log_in(other_device, patient)
    new = "quartz-pelican-lantern"
    response = patient_client.post("/auth/password", data={
        "current_password": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    db.session.refresh(patient)
    assert patient.check_password(new)
    assert patient_client.get("/sessions/new").status_code == 200  # this device stays in
    assert other_device.get("/sessions/new").status_code == 302  # the other is signed out


@pytest.mark.parametrize(
    "data, message",
    [
        ({"current_password": "not-my-password", "password": "quartz-pelican-lantern",
          "confirm": "quartz-pelican-lantern"}, "That is not your current password."),
        ({"current_password": PASSWORD, "password": "password1", "confirm": "password1"},
         "Use at least 10 characters."),
        ({"current_password": PASSWORD, "password": "quartz-pelican-lantern", "confirm": "other"},
         "The two passwords do not match."),
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
    from app import create_app
    from tests.conftest import make_config

    config = make_config(tmp_path)
    del config["PASSWORD_HASH_METHOD"]
    app = create_app(config)
    with app.app_context():
        user = User(email="a@example.com")
        user.set_password(STRONG)
        assert user.password_hash.startswith("scrypt:")
