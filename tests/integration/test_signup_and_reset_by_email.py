"""Email: the outbox and a real SMTP server; sign-up that answers the same for every address; password reset."""

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.extensions import limiter
from app.factory import create_app
from app.models import INVITE_PATIENT, INVITE_PRACTITIONER, CareLink, Invite, User
from app.services import mail
from app.services.clinics import active_link, create_invite
from tests.conftest import PASSWORD, FreshContextClient, log_in, make_config
from tests.mailbox import SMTP_USER, links_in, path_of, text_of
from tests.servers import free_port

STRONG = "violet-tugboat-marmalade"
NEW_PASSWORD = "quartz-pelican-lantern"
NEW, TAKEN = "newcomer@example.com", "taken@example.com"
CLINIC_NAME = "Glow Clinic"
# Words that would tell a reader of someone's inbox about their treatment or their clinic.
HEALTH_WORDS = ("microneedl", "skin", "redness", "symptom", "recovery", "treatment", CLINIC_NAME.lower())


def count(model):
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_no_health_details(message):
    body = (message["Subject"] + "\n" + text_of(message)).lower()
    assert not [word for word in HEALTH_WORDS if word in body], body


@pytest.fixture
def clinic(make_clinic):
    return make_clinic(CLINIC_NAME)


@pytest.fixture
def practitioner(make_practitioner, clinic):
    return make_practitioner(clinic, email="doc@glow.example")


@pytest.fixture
def taken(make_patient):
    return make_patient(email=TAKEN)


@pytest.fixture
def invite_keys(clinic, practitioner):
    """Link tokens of an unused patient invite and an unused colleague invite."""
    _, patient_key = create_invite(clinic.id, practitioner, INVITE_PATIENT, "Zoë")
    _, team_key = create_invite(clinic.id, practitioner, INVITE_PRACTITIONER)
    return {"invite": patient_key, "team": team_key}


SIGNUP_FORMS = {
    "patient": ("/auth/signup", {}),
    "clinic": ("/auth/clinic-signup", {"clinic_name": "Radiance Skin", "name": "Dr Ray"}),
    "invite": ("/join/{invite}", {"name": "Zoë"}),
    "team": ("/team/{team}", {"name": "Dr Two"}),
}


def signup_url(kind, invite_keys):
    return SIGNUP_FORMS[kind][0].format(**invite_keys)


def start(client, kind, invite_keys, email):
    url, fields = SIGNUP_FORMS[kind]
    return client.post(url.format(**invite_keys), data={"email": email, **fields})


# --- The outbox and the SMTP server --------------------------------------------------------------


def test_without_a_mail_server_each_email_is_a_private_eml_file_in_the_outbox(app, outbox):
    with app.test_request_context():
        assert (
            mail.send(
                "someone@example.com",
                "Your Afterglow password",
                "reset_unknown",
                signup_link="http://localhost/auth/signup",
            )
            == mail.SAVED
        )
    [path] = outbox.files()
    assert path.suffix == ".eml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # its links log people in
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    message = outbox.only("someone@example.com")
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Subject"] == "Your Afterglow password"
    assert message["Message-ID"].endswith("@localhost>") and message["Date"]
    assert links_in(message) == ["http://localhost/auth/signup"]


def test_by_default_the_outbox_is_instance_outbox(tmp_path):
    config = make_config(tmp_path)
    del config["MAIL_OUTBOX"]
    app = create_app(config)
    with app.app_context():
        assert mail.outbox_folder() == Path(app.instance_path) / "outbox"


def test_through_smtp_the_app_logs_in_and_the_page_says_the_email_was_sent(mailing_app, smtp_server, outbox):
    client = mailing_app.test_client()
    assert client.post("/auth/signup", data={"email": NEW}).status_code == 302
    [message] = smtp_server.take(NEW)
    assert smtp_server.logins == [SMTP_USER]
    assert links_in(message)[0].startswith("http://localhost/auth/signup/")
    assert outbox.files() == []
    page = client.get("/auth/check-email").get_data(as_text=True)
    assert f"We have sent an email to <strong>{NEW}</strong>" in page
    assert "outbox folder" not in page and "was not sent" not in page


def test_with_no_mail_server_the_page_says_the_email_was_saved_not_sent(client, outbox):
    client.post("/auth/signup", data={"email": NEW})
    page = client.get("/auth/check-email").get_data(as_text=True)
    assert "was not sent" in page and "saved in the server's outbox folder" in page
    assert "We have sent" not in page


@pytest.mark.parametrize("problem", ["nobody listens", "wrong SMTP password", "no STARTTLS"])
@pytest.mark.parametrize("url", ["/auth/signup", "/auth/reset-password"])
def test_when_the_email_cannot_be_sent_the_page_says_so_and_nothing_changes(
    mailing_app, smtp_server, outbox, taken, url, problem
):
    if problem == "nobody listens":
        mailing_app.config["MAIL_PORT"] = free_port()
    elif problem == "wrong SMTP password":
        mailing_app.config["MAIL_PASSWORD"] = "not-the-password"
    else:
        mailing_app.config["MAIL_USE_TLS"] = True  # the test server offers no STARTTLS: never sent in the clear
    users_before = count(User)
    for email in (NEW, TAKEN):  # the same answer for both
        response = mailing_app.test_client().post(url, data={"email": email})
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "We could not send the email just now" in page and f'value="{email}"' in page
    assert smtp_server.messages == [] and outbox.files() == []
    assert count(User) == users_before


# --- Sign-up: the same answer whether or not the address has an account ---------------------------


def normalised(page, email):
    return page.replace(email, "ADDRESS")


@pytest.mark.parametrize("kind", list(SIGNUP_FORMS))
def test_every_sign_up_form_answers_the_same_for_a_new_and_a_taken_address(app, outbox, taken, invite_keys, kind):
    users_before, answers = count(User), []
    for email in (NEW, TAKEN):
        client = app.test_client()
        response = start(client, kind, invite_keys, email)
        page = client.get(response.headers["Location"])
        answers.append(
            (
                response.status_code,
                response.headers["Location"],
                page.status_code,
                normalised(page.get_data(as_text=True), email),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][:3] == (302, "/auth/check-email", 200)
    assert "already exists" not in answers[0][3]
    assert count(User) == users_before  # nothing stored for the new address yet

    new, existing = outbox.only(NEW), outbox.only(TAKEN)
    assert "open this link" in text_of(new)
    assert "You already have one" in text_of(existing)
    step_two = path_of(links_in(new)[0])
    assert all(not path_of(link).startswith(step_two.rsplit("/", 1)[0] + "/") for link in links_in(existing))
    assert [path_of(link).split("?")[0] for link in links_in(existing)] == ["/auth/login", "/auth/reset-password"]
    for message in (new, existing):
        assert_no_health_details(message)


def test_no_sign_up_page_says_an_account_exists(app, taken, invite_keys):
    for kind in SIGNUP_FORMS:
        page = start(app.test_client(), kind, invite_keys, TAKEN).get_data(as_text=True)
        assert "already exists" not in page


def test_a_patient_finishes_signing_up_from_the_link_and_the_link_then_points_to_log_in(client, db, outbox):
    client.post("/auth/signup", data={"email": NEW})
    link = outbox.link(NEW)
    assert client.post(link, data={"password": STRONG, "confirm": STRONG}).status_code == 302
    assert db.session.scalar(sa.select(User.role).where(User.email == NEW)) == "patient"
    for used in (client, client.application.test_client()):
        response = used.get(link)
        if used is client:
            assert response.status_code == 302  # logged in: home
            continue
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert "already been used" in page and 'href="/auth/login"' in page
        assert used.post(link, data={"password": STRONG, "confirm": STRONG}).status_code == 410
    assert count(User) == 1


def test_a_new_patient_joins_by_invite_after_consenting_in_step_two(app, client, db, outbox, clinic, invite_keys):
    key = invite_keys["invite"]
    page = client.get(f"/join/{key}").get_data(as_text=True)
    assert f"Share your recovery with {CLINIC_NAME}" in page and 'value="Zoë"' in page
    client.post(f"/join/{key}", data={"email": NEW, "name": "Zoë Newman"})
    link = outbox.link(NEW)
    assert link.startswith(f"/join/{key}/")
    refused = client.post(link, data={"password": STRONG, "confirm": STRONG})  # no consent ticked
    assert refused.status_code == 422 and "Tick the box to agree" in refused.get_data(as_text=True)
    assert count(User) == 1 and count(CareLink) == 0
    response = client.post(link, data={"password": STRONG, "confirm": STRONG, "consent": "y"})
    assert response.status_code == 302
    patient = db.session.scalar(sa.select(User).where(User.email == NEW))
    assert patient.name == "Zoë Newman" and patient.role == "patient"
    assert active_link(clinic.id, patient.id) is not None
    assert "You now share your recovery with Glow Clinic" in client.get("/").get_data(as_text=True)


def test_an_invite_stays_single_use_when_two_newcomers_follow_it(app, db, outbox, clinic, invite_keys):
    key = invite_keys["invite"]
    first, second = app.test_client(), app.test_client()
    first.post(f"/join/{key}", data={"email": "first@example.com"})
    second.post(f"/join/{key}", data={"email": "second@example.com"})
    first_link, second_link = outbox.link("first@example.com"), outbox.link("second@example.com")
    form = {"password": STRONG, "confirm": STRONG, "consent": "y"}
    assert first.post(first_link, data=form).status_code == 302
    response = second.post(second_link, data=form)
    assert response.status_code == 410 and "already been used" in response.get_data(as_text=True)
    assert count(CareLink) == 1 and count(User) == 2  # the practitioner and the first newcomer


def test_an_existing_patient_is_emailed_a_log_in_link_that_leads_back_to_the_invite(app, outbox, taken, invite_keys):
    key = invite_keys["invite"]
    app.test_client().post(f"/join/{key}", data={"email": TAKEN})
    login_link = path_of(links_in(outbox.only(TAKEN))[0])
    assert login_link == f"/auth/login?next=/join/{key}"
    response = app.test_client().post(login_link, data={"email": TAKEN, "password": PASSWORD})
    assert response.headers["Location"] == f"/join/{key}"


def test_a_colleague_with_an_account_is_told_a_new_address_is_needed(app, outbox, taken, invite_keys):
    app.test_client().post(f"/team/{invite_keys['team']}", data={"email": TAKEN, "name": "Dr Taken"})
    assert "needs an email address that has no Afterglow account" in text_of(outbox.only(TAKEN))


@pytest.mark.parametrize("kind", list(SIGNUP_FORMS))
def test_a_sign_up_link_expires_after_24_hours(app, outbox, invite_keys, frozen_time, kind):
    client = app.test_client()
    start(client, kind, invite_keys, NEW)
    link = outbox.link(NEW)
    frozen_time.shift(timedelta(hours=23, minutes=59))
    assert client.get(link).status_code == 200
    frozen_time.shift(timedelta(minutes=2))
    response = client.post(link, data={"password": STRONG, "confirm": STRONG, "consent": "y"})
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This link has expired" in page and f'href="{signup_url(kind, invite_keys)}"' in page
    assert count(User) == 1  # the practitioner who made the invites


@pytest.mark.parametrize("kind", list(SIGNUP_FORMS))
def test_a_tampered_or_misdirected_sign_up_link_answers_404(app, outbox, invite_keys, kind):
    client = app.test_client()
    start(client, kind, invite_keys, NEW)
    link = outbox.link(NEW)
    prefix, token = link.rsplit("/", 1)
    other_kind = "clinic" if kind == "patient" else "patient"
    wrong_place = {"patient": "/auth/signup/", "clinic": "/auth/clinic-signup/"}[other_kind] + token
    for url in (f"{prefix}/{token[:-2]}xx", f"{prefix}/{token}a", f"{prefix}/" + "A" * 3000, wrong_place):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"password": STRONG, "confirm": STRONG, "consent": "y"}).status_code == 404
    assert count(User) == 1


def test_a_link_for_one_invite_does_not_open_another(app, outbox, clinic, practitioner, invite_keys):
    _, other_key = create_invite(clinic.id, practitioner, INVITE_PATIENT)
    client = app.test_client()
    client.post(f"/join/{invite_keys['invite']}", data={"email": NEW})
    token = outbox.link(NEW).rsplit("/", 1)[1]
    assert client.get(f"/join/{other_key}/{token}").status_code == 404


# --- Password reset ------------------------------------------------------------------------------


@pytest.fixture
def remembered(app, patient):
    """Cookies of a second device that ticked "Keep me logged in"."""
    device = app.test_client()
    device.post("/auth/login", data={"email": patient.email, "password": PASSWORD, "remember": "y"})
    return device.get_cookie("remember_token").value


def test_password_reset_end_to_end_through_smtp(mailing_app, smtp_server, patient, remembered, db):
    other_device = mailing_app.test_client()
    log_in(other_device, patient)
    client = mailing_app.test_client()
    assert 'href="/auth/reset-password"' in client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/reset-password", data={"email": patient.email.upper()})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/check-email"
    assert "only once" in client.get("/auth/check-email").get_data(as_text=True)
    [message] = smtp_server.take(patient.email)
    assert_no_health_details(message)
    link = path_of(links_in(message)[0])

    page = client.get(link)
    assert page.status_code == 200 and patient.email in page.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/sessions/new").status_code == 200  # logged in on this device
    db.session.refresh(patient)
    assert patient.check_password(NEW_PASSWORD) and not patient.check_password(PASSWORD)
    assert other_device.get("/sessions/new").status_code == 302  # every other device is logged out
    replayed = mailing_app.test_client()
    replayed.set_cookie("remember_token", remembered)
    assert replayed.get("/sessions/new").status_code == 302

    again = mailing_app.test_client().post(
        link, data={"password": "another-pelican-lantern", "confirm": "another-pelican-lantern"}
    )
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    db.session.refresh(patient)
    assert patient.check_password(NEW_PASSWORD)


def test_every_reset_link_sent_before_a_reset_stops_working_after_it(client, outbox, patient):
    links = []
    for _ in range(2):
        client.post("/auth/reset-password", data={"email": patient.email})
        links.append(outbox.link(patient.email))
    assert client.post(links[1], data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert client.application.test_client().get(links[0]).status_code == 410


def test_a_reset_link_expires_after_an_hour(client, outbox, patient, frozen_time, db):
    client.post("/auth/reset-password", data={"email": patient.email})
    link = outbox.link(patient.email)
    frozen_time.shift(timedelta(minutes=59))
    assert client.get(link).status_code == 200
    frozen_time.shift(timedelta(minutes=2))
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This link has expired" in page and 'href="/auth/reset-password"' in page
    db.session.refresh(patient)
    assert patient.check_password(PASSWORD)


def test_the_reset_form_answers_the_same_for_an_unknown_address(app, outbox, patient):
    answers = []
    for email in (patient.email, "nobody@example.com"):
        client = app.test_client()
        response = client.post("/auth/reset-password", data={"email": email})
        page = client.get(response.headers["Location"])
        answers.append(
            (response.status_code, response.headers["Location"], normalised(page.get_data(as_text=True), email))
        )
    assert answers[0] == answers[1]
    unknown = outbox.only("nobody@example.com")
    assert "no account uses it" in text_of(unknown)
    assert [path_of(link) for link in links_in(unknown)] == ["/auth/signup"]
    assert path_of(links_in(outbox.only(patient.email))[0]).startswith("/auth/reset-password/")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"password": "password123", "confirm": "password123"}, "This password is too weak."),
        ({"password": NEW_PASSWORD, "confirm": "something-else"}, "The two passwords do not match."),
        ({}, "Choose a new password."),
    ],
)
def test_a_bad_new_password_gets_a_message_and_changes_nothing(client, outbox, patient, db, data, message):
    client.post("/auth/reset-password", data={"email": patient.email})
    response = client.post(outbox.link(patient.email), data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.refresh(patient)
    assert patient.check_password(PASSWORD)


def test_a_tampered_reset_link_answers_404(client, outbox, patient):
    client.post("/auth/reset-password", data={"email": patient.email})
    link = outbox.link(patient.email)
    for url in (link[:-2] + "xx", link + "a", "/auth/reset-password/" + "A" * 3000):
        assert client.get(url).status_code == 404


def test_a_sign_up_link_is_not_a_reset_link(client, outbox, patient):
    client.post("/auth/signup", data={"email": NEW})
    token = outbox.link(NEW).rsplit("/", 1)[1]
    assert client.get(f"/auth/reset-password/{token}").status_code == 404


@pytest.fixture
def limited_app(tmp_path, app):
    limited = create_app(make_config(tmp_path, RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute"))
    limited.test_client_class = FreshContextClient
    limiter.reset()
    yield limited
    limiter.reset()
    with limited.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize(
    "url", ["/auth/reset-password", "/auth/reset-password/not-a-token", "/auth/signup/x", "/auth/clinic-signup/x"]
)
def test_reset_and_sign_up_links_are_rate_limited(limited_app, url):
    client = limited_app.test_client()
    statuses = [client.post(url, data={"email": "x@example.com"}).status_code for _ in range(4)]
    assert 429 not in statuses[:3] and statuses[3] == 429
    assert "Too many tries" in client.post(url, data={}).get_data(as_text=True)


def test_the_invite_step_two_pages_are_rate_limited(limited_app, invite_keys):
    client = limited_app.test_client()
    for url in (f"/join/{invite_keys['invite']}/x", f"/team/{invite_keys['team']}/x"):
        limiter.reset()
        statuses = [client.post(url, data={}).status_code for _ in range(4)]
        assert statuses == [404, 404, 404, 429]


def test_the_database_keeps_no_sign_up_state_and_no_reset_token(client, outbox, patient, invite_keys, db):
    """Links are signed, not stored: a leaked database holds no usable link."""
    client.post("/auth/reset-password", data={"email": patient.email})
    client.post("/auth/signup", data={"email": NEW})
    tokens = [outbox.link(patient.email).rsplit("/", 1)[1], outbox.link(NEW).rsplit("/", 1)[1]]
    dump = "\n".join(repr(row) for table in _db.metadata.sorted_tables for row in db.session.execute(sa.select(table)))
    assert not any(token in dump for token in tokens)
    assert count(Invite) == 2 and db.session.scalar(sa.select(Invite.used_at).limit(1)) is None


def test_with_server_name_set_a_forged_host_cannot_put_its_address_in_an_emailed_link(app, outbox, patient):
    """Links in emails come from the request's host unless SERVER_NAME names it (docs/deploy.md)."""
    app.config["SERVER_NAME"] = "afterglow.example"
    for url, email in (("/auth/reset-password", patient.email), ("/auth/signup", NEW)):
        response = app.test_client().post(url, data={"email": email}, headers={"Host": "evil.example"})
        assert response.status_code == 302
        assert links_in(outbox.only(email))[0].startswith("http://afterglow.example/")
