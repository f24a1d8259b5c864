"""A red flag tells the clinic's opted-in practitioners: one email, at most every 15 minutes, no health details.

The red flag is a log saved through app.services.logbook with a warning sign, by a patient
sharing with the clinic; `flask --app wsgi send-reminders` sends through a real SMTP server.
"""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Alert, Delivery, User, utcnow
from app.services import logbook
from tests.conftest import NOW, log_in
from tests.integration.conftest import two_senders_at_once
from tests.integration.test_reminders_sending import PUBLIC, deliveries, health_words_in, send_reminders
from tests.mailbox import links_in, path_of, text_of
from tests.servers import free_port

DOCTOR, COLLEAGUE = "doc@glow.example", "colleague@glow.example"


@pytest.fixture
def sending_app(mailing_app):
    mailing_app.config["PUBLIC_URL"] = PUBLIC
    return mailing_app


@pytest.fixture
def doctor(make_practitioner, clinic, db):
    practitioner = make_practitioner(clinic, email=DOCTOR, name="Dr Glow")
    practitioner.notify_alerts_by_email = True
    db.session.commit()
    return practitioner


@pytest.fixture
def colleague(make_practitioner, clinic):
    return make_practitioner(clinic, email=COLLEAGUE, name="Dr Quiet")  # never opted in


@pytest.fixture
def patient_of(make_patient, make_session, share, clinic):
    """A patient sharing with the clinic, with a session 30 hours ago (and no reminder email of theirs)."""

    def make(name):
        patient = make_patient(email=f"{name.lower()}@example.com", name=name, remind_by_email=False)
        share(patient, clinic)
        return make_session(patient, hours_ago=30)

    return make


def red_flag(treatment, **signs):
    """Save a log with a warning sign through the logbook, as the log form does."""

    def fill(log):
        log.logged_at = utcnow()
        log.redness, log.swelling, log.peeling = 2, 1, 0
        for sign in signs or {"pus": True}:
            setattr(log, sign, True)

    logbook.save_new_log(treatment, None, fill)


def open_alerts(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(Alert).where(Alert.acknowledged_at.is_(None))).all()


def test_a_red_flag_sends_the_opted_in_practitioner_one_email_without_health_details(
    sending_app, smtp_server, db, clinic, doctor, colleague, patient_of
):
    treatment = patient_of("Ada")
    red_flag(treatment, pus=True, fever=True)
    assert len(open_alerts(db)) == 1

    assert send_reminders(sending_app) == "1 sent, 0 failed, 0 given up, 0 skipped"
    assert send_reminders(sending_app) == "0 sent, 0 failed, 0 given up, 0 skipped"

    [message] = smtp_server.take(DOCTOR)
    assert smtp_server.messages == []  # the colleague who did not opt in: nothing
    assert message["Subject"] == "A patient needs attention"
    text = text_of(message)
    assert "Someone at Glow Clinic needs attention." in text
    assert links_in(message)[0] == f"{PUBLIC}/clinic/"
    assert health_words_in(message) == []
    assert "Ada" not in text and "ada@example.com" not in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [delivery] = deliveries(db, doctor.id)
    assert delivery.key.startswith("clinic-attention:") and delivery.session_id is None
    assert (delivery.state, delivery.channel) == ("sent", "email")


def test_a_second_red_flag_within_15_minutes_sends_no_second_email_and_is_told_after(
    sending_app, smtp_server, db, frozen_time, clinic, doctor, patient_of
):
    ada, bob = patient_of("Ada"), patient_of("Bob")
    red_flag(ada)
    send_reminders(sending_app)
    assert len(smtp_server.take(DOCTOR)) == 1

    frozen_time.move_to(NOW + timedelta(minutes=5))
    red_flag(bob, fever=True)
    assert len(open_alerts(db)) == 2
    send_reminders(sending_app)
    frozen_time.move_to(NOW + timedelta(minutes=14, seconds=59))
    send_reminders(sending_app)
    assert smtp_server.take(DOCTOR) == []

    # Batched, not lost: the next message goes once 15 minutes have passed.
    frozen_time.move_to(NOW + timedelta(minutes=15))
    send_reminders(sending_app)
    assert len(smtp_server.take(DOCTOR)) == 1
    frozen_time.move_to(NOW + timedelta(minutes=40))
    send_reminders(sending_app)  # nothing new raised since
    assert smtp_server.take(DOCTOR) == []


def test_no_email_without_a_red_flag_nor_for_another_clinics_alert(
    sending_app, smtp_server, db, doctor, make_clinic, make_patient, make_session, share, patient_of
):
    patient_of("Ada")  # shares with the doctor's clinic, no warning sign
    other = make_patient(email="other@example.com", remind_by_email=False)
    share(other, make_clinic("Other Clinic"))
    red_flag(make_session(other, hours_ago=30))
    assert len(open_alerts(db)) == 1
    send_reminders(sending_app)
    assert smtp_server.take(DOCTOR) == []


def test_an_acknowledged_alert_sends_nothing(sending_app, smtp_server, db, doctor, patient_of):
    red_flag(patient_of("Ada"))
    for alert in open_alerts(db):
        alert.acknowledged_at = NOW
    db.session.commit()
    send_reminders(sending_app)
    assert smtp_server.take(DOCTOR) == []


def test_a_failed_notification_is_retried_while_the_alert_is_open(
    sending_app, smtp_server, db, frozen_time, doctor, patient_of
):
    red_flag(patient_of("Ada"))
    port = sending_app.config["MAIL_PORT"]
    sending_app.config["MAIL_PORT"] = free_port()
    assert send_reminders(sending_app).startswith("0 sent, 1 failed")
    sending_app.config["MAIL_PORT"] = port
    frozen_time.move_to(NOW + timedelta(minutes=5))
    assert send_reminders(sending_app).startswith("1 sent, 0 failed")
    assert len(smtp_server.take(DOCTOR)) == 1
    [delivery] = deliveries(db, doctor.id)
    assert (delivery.state, delivery.attempts) == ("sent", 2)


def test_two_senders_at_the_same_moment_notify_once(sending_app, smtp_server, db, doctor, patient_of):
    red_flag(patient_of("Ada"))
    two_senders_at_once(sending_app)
    assert len(smtp_server.take(DOCTOR)) == 1
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 1


def test_the_unsubscribe_link_of_a_clinic_email_stops_clinic_emails(
    sending_app, smtp_server, db, frozen_time, csrf_app, doctor, patient_of
):
    red_flag(patient_of("Ada"))
    send_reminders(sending_app)
    [message] = smtp_server.take(DOCTOR)
    [link] = [path_of(link) for link in links_in(message) if "/unsubscribe/" in link]
    browser = csrf_app.test_client()
    page = browser.get(link).get_data(as_text=True)
    assert "Stop emails when a patient needs attention?" in page
    response = browser.post(path_of(message["List-Unsubscribe"].strip("<>")), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, doctor.id).notify_alerts_by_email is False
    frozen_time.move_to(NOW + timedelta(minutes=20))
    red_flag(patient_of("Bob"))
    send_reminders(sending_app)
    assert smtp_server.take(DOCTOR) == []


def ticked(page):
    """The names of the page's ticked checkboxes."""
    return {
        re.search(r'name="([^"]+)"', tag).group(1)
        for tag in re.findall(r"<input[^>]*>", page)
        if 'type="checkbox"' in tag and re.search(r"\bchecked\b", tag)
    }


def test_a_practitioner_opts_in_on_the_notifications_page(client, db, clinic, colleague, make_patient):
    log_in(client, colleague)
    assert 'href="/clinic/notifications"' in client.get("/clinic/").get_data(as_text=True)
    page = client.get("/clinic/notifications")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Email me when a patient needs attention" in text and "Notify this device" in text
    assert ticked(text) == set()
    response = client.post("/clinic/notifications", data={"notify_alerts_by_email": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(User, colleague.id)
    assert (stored.notify_alerts_by_email, stored.notify_alerts_by_push) == (True, False)
    assert ticked(client.get("/clinic/notifications").get_data(as_text=True)) == {"notify_alerts_by_email"}

    client.post("/clinic/notifications", data={})  # both boxes unticked
    db.session.expire_all()
    stored = db.session.get(User, colleague.id)
    assert (stored.notify_alerts_by_email, stored.notify_alerts_by_push) == (False, False)


def test_the_notifications_page_is_for_practitioners_only(app, db, patient_client, client):
    assert patient_client.get("/clinic/notifications").status_code == 404
    assert patient_client.post("/clinic/notifications", data={"notify_alerts_by_email": "y"}).status_code == 404
    anonymous = app.test_client()
    response = anonymous.get("/clinic/notifications")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
