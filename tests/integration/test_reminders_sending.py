"""Sending reminders through a real SMTP server (aiosmtpd): once, at the right time, retried, never late.

`flask --app wsgi send-reminders` runs as a user would run it (app.test_cli_runner());
time is frozen at NOW (2026-06-15 12:00 UTC) and moved with `frozen_time`. A session
"26 hours ago" was at 10:00 UTC on 14 June: its day-1 check-in is due at 10:00 on the
15th, and is dropped at 10:00 on the 16th, when the day-2 check-in is due.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from aiosmtpd.controller import Controller
from flask import render_template

from app.core import vocabulary
from app.models import Delivery, TreatmentSession, User
from app.services import reminders
from tests.conftest import NOW, log_in
from tests.integration.conftest import two_senders_at_once
from tests.mailbox import ReceivingServer, links_in, parse, text_of
from tests.servers import free_port

PUBLIC = "https://afterglow.example.com"
ROOT = Path(__file__).resolve().parents[2]
FACE = dict(device="derma_pen", areas=["face"], needle_depth_mm=0.5)
DAY_2 = datetime(2026, 6, 16, 10, 0, tzinfo=UTC)  # the day-2 check-in of a session 26 hours before NOW


def health_words():
    """Every word the app uses about someone's health (the vocabulary's), and the words for flags and statuses."""
    words = {"flag", "red flag", "warning", "symptom", "status", "alert", "pain", "itch", "bruising"}
    for table in (
        vocabulary.STATUS_WORDS,
        vocabulary.SCORE_LABELS,
        vocabulary.WARNING_SIGNS,
        vocabulary.IMPROVEMENT_CHOICES,
    ):
        words.update(table.keys(), table.values())
    for levels in vocabulary.SCALE_WORDS.values():
        words.update(levels.values())
    return {word.replace("_", " ").lower() for word in words}


def health_words_in(message):
    text = f"{message['Subject']}\n{text_of(message)}".lower()
    return sorted(word for word in health_words() if re.search(rf"\b{re.escape(word)}\b", text))


def send_reminders(app):
    """Run `flask --app wsgi send-reminders` once; its output."""
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def deliveries(db, user_id):
    db.session.expire_all()
    return db.session.scalars(sa.select(Delivery).where(Delivery.user_id == user_id).order_by(Delivery.id)).all()


@pytest.fixture
def sending_app(mailing_app):
    mailing_app.config["PUBLIC_URL"] = PUBLIC
    return mailing_app


@pytest.fixture
def smtp_down(sending_app):
    """The mail server cannot be reached, until the test calls the returned function."""
    port = sending_app.config["MAIL_PORT"]
    sending_app.config["MAIL_PORT"] = free_port()  # nothing listens there

    def back_up():
        sending_app.config["MAIL_PORT"] = port

    return back_up


def test_a_patient_26_hours_after_a_session_gets_exactly_one_reminder_linking_to_its_log_form(
    sending_app, smtp_server, db, make_patient, make_session, make_log
):
    ada = make_patient(email="ada@example.com", name="Ada Lovelace")
    treatment = make_session(ada, hours_ago=26)
    logged = make_patient(email="logged@example.com")
    make_log(make_session(logged, hours_ago=26), hours_after=25)  # an hour ago: the day-1 check-in is answered
    session_id = treatment.id

    assert send_reminders(sending_app) == "1 sent, 0 failed, 0 given up, 0 skipped"
    assert send_reminders(sending_app) == "0 sent, 0 failed, 0 given up, 0 skipped"

    [message] = smtp_server.take("ada@example.com")
    assert smtp_server.messages == []  # the patient who logged got nothing
    assert message["Subject"] == "Time for your Afterglow check-in"
    links = links_in(message)
    assert links[0] == f"{PUBLIC}/sessions/{session_id}/logs/new"
    assert "Time for your check-in: it takes a few seconds." in text_of(message)
    assert health_words_in(message) == []
    assert "Ada" not in text_of(message) and "26" not in text_of(message)
    unsubscribe = [link for link in links if "/unsubscribe/" in link]
    assert len(unsubscribe) == 1 and unsubscribe[0].startswith(f"{PUBLIC}/unsubscribe/")
    assert message["List-Unsubscribe"] == f"<{unsubscribe[0]}/one-click>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    [delivery] = deliveries(db, ada.id)
    assert (delivery.key, delivery.channel, delivery.state, delivery.attempts) == (
        f"session-{session_id}:checkin-1",
        "email",
        "sent",
        1,
    )
    assert delivery.session_id == session_id and delivery.sent_at == NOW and delivery.error == ""
    assert deliveries(db, logged.id) == []


def test_the_reminder_link_opens_that_sessions_log_form(sending_app, smtp_server, make_patient, make_session):
    ada = make_patient(email="ada@example.com")
    make_session(ada, hours_ago=100)  # another session, whose check-ins this reminder is not about
    treatment = make_session(ada, hours_ago=26)
    send_reminders(sending_app)
    [message] = smtp_server.take("ada@example.com")  # the older session's check-ins have all expired
    link = links_in(message)[0]
    assert link == f"{PUBLIC}/sessions/{treatment.id}/logs/new"
    client = sending_app.test_client()
    log_in(client, ada)
    page = client.get(link.removeprefix(PUBLIC))
    assert page.status_code == 200
    assert 'name="redness"' in page.get_data(as_text=True)


def test_no_reminder_email_for_a_patient_who_turned_email_off(sending_app, smtp_server, db, make_patient, make_session):
    quiet = make_patient(email="quiet@example.com", remind_by_email=False)
    make_session(quiet, hours_ago=26)
    assert send_reminders(sending_app) == "0 sent, 0 failed, 0 given up, 0 skipped"
    assert smtp_server.messages == []
    assert deliveries(db, quiet.id) == []


def test_booking_reminder_when_the_next_sessions_window_opens(sending_app, smtp_server, make_patient, make_session):
    ada = make_patient(email="ada@example.com")
    treatment = make_session(ada, hours_ago=24 * 28, series_number=1)  # the window opens 4 weeks on: today
    send_reminders(sending_app)
    [message] = smtp_server.take("ada@example.com")
    assert message["Subject"] == "Time to plan your next appointment"
    assert links_in(message)[0] == f"{PUBLIC}/sessions/{treatment.id}"
    assert health_words_in(message) == []


def test_quiet_hours_move_a_reminder_to_their_end(sending_app, smtp_server, frozen_time, make_patient, make_session):
    # The day-1 check-in is due at 10:00, inside this patient's quiet hours (09:00-13:00): sent at 13:00.
    ada = make_patient(email="ada@example.com", quiet_hours_start="09:00", quiet_hours_end="13:00")
    make_session(ada, hours_ago=26)
    assert send_reminders(sending_app).startswith("0 sent")
    frozen_time.move_to(datetime(2026, 6, 15, 12, 59, tzinfo=UTC))
    assert send_reminders(sending_app).startswith("0 sent")
    assert smtp_server.messages == []
    frozen_time.move_to(datetime(2026, 6, 15, 13, 0, tzinfo=UTC))
    assert send_reminders(sending_app).startswith("1 sent")
    assert len(smtp_server.take("ada@example.com")) == 1


def test_a_reminder_is_never_sent_after_it_expired(
    sending_app, smtp_server, db, frozen_time, make_patient, make_session
):
    ada = make_patient(email="ada@example.com")
    treatment = make_session(ada, hours_ago=26)
    # The sender did not run while the evening and the day-1 check-ins were due: only day 2 is sent.
    frozen_time.move_to(DAY_2 + timedelta(minutes=30))
    assert send_reminders(sending_app) == "1 sent, 0 failed, 0 given up, 0 skipped"
    assert len(smtp_server.take("ada@example.com")) == 1
    assert [d.key for d in deliveries(db, ada.id)] == [f"session-{treatment.id}:checkin-2"]


def test_when_smtp_is_down_the_failure_is_recorded_and_retried_later_exactly_once(
    sending_app, smtp_server, smtp_down, db, frozen_time, make_patient, make_session
):
    ada = make_patient(email="ada@example.com")
    make_session(ada, hours_ago=26)
    assert send_reminders(sending_app) == "0 sent, 1 failed, 0 given up, 0 skipped"
    [delivery] = deliveries(db, ada.id)
    assert (delivery.state, delivery.attempts, delivery.error) == ("failed", 1, "MailNotSent")
    assert delivery.next_attempt_at == NOW + timedelta(minutes=5)

    smtp_down()  # the server is back
    frozen_time.move_to(NOW + timedelta(minutes=4))
    assert send_reminders(sending_app) == "0 sent, 0 failed, 0 given up, 0 skipped"  # not yet its time
    assert smtp_server.messages == []

    frozen_time.move_to(NOW + timedelta(minutes=5))
    assert send_reminders(sending_app) == "1 sent, 0 failed, 0 given up, 0 skipped"
    assert send_reminders(sending_app) == "0 sent, 0 failed, 0 given up, 0 skipped"
    assert len(smtp_server.take("ada@example.com")) == 1
    [delivery] = deliveries(db, ada.id)
    assert (delivery.state, delivery.attempts, delivery.error) == ("sent", 2, "")
    assert delivery.sent_at == NOW + timedelta(minutes=5)


def test_retries_back_off_and_give_up_after_four_attempts(
    sending_app, smtp_server, smtp_down, db, frozen_time, make_patient, make_session
):
    ada = make_patient(email="ada@example.com")
    make_session(ada, hours_ago=26)
    expected = [
        (NOW, "failed", NOW + timedelta(minutes=5)),
        (NOW + timedelta(minutes=5), "failed", NOW + timedelta(minutes=35)),
        (NOW + timedelta(minutes=35), "failed", NOW + timedelta(hours=2, minutes=35)),
        (NOW + timedelta(hours=2, minutes=35), "gave_up", None),
    ]
    for attempt, (moment, state, next_attempt_at) in enumerate(expected, start=1):
        frozen_time.move_to(moment)
        send_reminders(sending_app)
        [delivery] = deliveries(db, ada.id)
        assert (delivery.attempts, delivery.state, delivery.next_attempt_at) == (attempt, state, next_attempt_at)
    smtp_down()  # back up: a delivery given up is never sent
    frozen_time.move_to(NOW + timedelta(hours=5))
    assert send_reminders(sending_app) == "0 sent, 0 failed, 0 given up, 0 skipped"
    assert smtp_server.messages == []


def test_a_failed_reminder_is_given_up_once_expired_and_the_next_one_is_sent(
    sending_app, smtp_server, smtp_down, db, frozen_time, make_patient, make_session
):
    ada = make_patient(email="ada@example.com")
    treatment = make_session(ada, hours_ago=26)
    send_reminders(sending_app)  # day 1 fails
    smtp_down()
    frozen_time.move_to(DAY_2)  # day 1 expired before its retry; day 2 is due
    assert send_reminders(sending_app) == "1 sent, 0 failed, 1 given up, 0 skipped"
    assert len(smtp_server.take("ada@example.com")) == 1
    states = {d.key: (d.state, d.attempts) for d in deliveries(db, ada.id)}
    assert states == {
        f"session-{treatment.id}:checkin-1": ("gave_up", 1),
        f"session-{treatment.id}:checkin-2": ("sent", 1),
    }


def test_a_failed_reminder_answered_by_a_log_is_given_up(
    sending_app, smtp_server, smtp_down, db, frozen_time, make_patient, make_session, make_log
):
    ada = make_patient(email="ada@example.com")
    treatment = make_session(ada, hours_ago=26)
    send_reminders(sending_app)
    smtp_down()
    frozen_time.move_to(NOW + timedelta(minutes=5))
    make_log(treatment, hours_after=26 + 1 / 60)  # logged a minute ago
    assert send_reminders(sending_app) == "0 sent, 0 failed, 1 given up, 0 skipped"
    assert smtp_server.messages == []


class RefusingServer(ReceivingServer):
    """The test SMTP server, refusing one recipient (550) as a real server refuses an unknown mailbox."""

    refused = "refused@example.com"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_server(sending_app):
    received = RefusingServer(port=free_port())
    controller = Controller(
        received, hostname="127.0.0.1", port=received.port, authenticator=received.authenticate, auth_require_tls=False
    )
    controller.start()
    sending_app.config["MAIL_PORT"] = received.port
    try:
        yield received
    finally:
        controller.stop()


def test_one_failing_delivery_does_not_block_another_patients(
    sending_app, refusing_server, db, make_patient, make_session
):
    refused = make_patient(email=RefusingServer.refused)  # first in the pass
    make_session(refused, hours_ago=26)
    ada = make_patient(email="ada@example.com")
    make_session(ada, hours_ago=26)
    assert send_reminders(sending_app) == "1 sent, 1 failed, 0 given up, 0 skipped"
    assert len(refusing_server.take("ada@example.com")) == 1
    assert refusing_server.messages == []
    assert [(d.state, d.error) for d in deliveries(db, refused.id)] == [("failed", "MailNotSent")]
    assert [d.state for d in deliveries(db, ada.id)] == ["sent"]


def test_two_senders_at_the_same_moment_send_each_reminder_once(
    sending_app, smtp_server, db, make_patient, make_session
):
    emails = [f"p{n}@example.com" for n in range(6)]
    for email in emails:
        make_session(make_patient(email=email), hours_ago=26)
    db.session.commit()
    reports = two_senders_at_once(sending_app)
    assert sum(report.sent for report in reports) == 6
    assert sum(report.failed for report in reports) == 0
    for email in emails:
        assert len(smtp_server.take(email)) == 1, email
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 6


def test_a_message_can_be_claimed_once(db, make_patient, make_session):
    ada = make_patient()
    treatment = make_session(ada, hours_ago=26)
    first = reminders.claim(ada.id, f"session-{treatment.id}:checkin-1", "email", treatment.id, NOW)
    assert first is not None
    assert reminders.claim(ada.id, f"session-{treatment.id}:checkin-1", "email", treatment.id, NOW) is None
    [delivery] = deliveries(db, ada.id)
    assert (delivery.id, delivery.state, delivery.attempts) == (first, "sending", 1)


def test_a_delivery_left_sending_by_a_killed_sender_is_never_sent_again(
    sending_app, smtp_server, db, frozen_time, make_patient, make_session
):
    ada = make_patient(email="ada@example.com")
    treatment = make_session(ada, hours_ago=26)
    # A sender claimed it, then was killed before sending or recording: at most once beats twice.
    reminders.claim(ada.id, f"session-{treatment.id}:checkin-1", "email", treatment.id, NOW)
    send_reminders(sending_app)
    frozen_time.move_to(NOW + timedelta(hours=3))
    send_reminders(sending_app)
    assert smtp_server.messages == []
    assert [d.state for d in deliveries(db, ada.id)] == ["sending"]


def test_every_reminder_email_is_free_of_health_words(sending_app):
    with sending_app.test_request_context(base_url=PUBLIC):
        for kind in reminders.REMINDER_WORDS:
            title, body = reminders.REMINDER_WORDS[kind]
            message = reminders.Message(title, body, f"{PUBLIC}/x", f"reminder_{kind}", f"{PUBLIC}/u", f"{PUBLIC}/o")
            text = render_template(f"email/reminder_{kind}.txt", message=message)
            fake = parse(f"Subject: {title}\n\n{text}".encode())
            assert health_words_in(fake) == [], kind


def test_a_failed_reminder_is_given_up_once_the_patient_turned_email_off(
    sending_app, smtp_server, smtp_down, db, frozen_time, make_patient, make_session
):
    ada = make_patient(email="ada@example.com")
    make_session(ada, hours_ago=26)
    send_reminders(sending_app)
    smtp_down()
    reminders.unsubscribe(ada.id, reminders.REMINDERS)
    frozen_time.move_to(NOW + timedelta(minutes=5))
    assert send_reminders(sending_app) == "0 sent, 0 failed, 1 given up, 0 skipped"
    assert smtp_server.messages == []


def test_two_sender_processes_running_every_second_send_each_reminder_once_and_stop_on_sigterm(
    sending_app, smtp_server, db
):
    """`send-reminders --every 1` twice at once, as real processes against the same database, in real time."""
    real_now = time_machine.escape_hatch.datetime.datetime.now(UTC)
    emails = [f"p{n}@example.com" for n in range(3)]
    for email in emails:
        # Never quiet: the test may run at any hour.
        patient = User(email=email, password_hash="-", quiet_hours_start="00:00", quiet_hours_end="00:00")
        db.session.add(TreatmentSession(patient=patient, performed_at=real_now - timedelta(hours=26), **FACE))
    db.session.commit()
    config = sending_app.config
    env = {
        **os.environ,
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "tests-only-not-secret",
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(config["MAIL_PORT"]),
        "FLASK_MAIL_USE_TLS": "false",
        "FLASK_MAIL_USERNAME": config["MAIL_USERNAME"],
        "FLASK_MAIL_PASSWORD": config["MAIL_PASSWORD"],
        "FLASK_PUBLIC_URL": PUBLIC,
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "send-reminders", "--every", "1"]
    senders = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    try:
        deadline = time_machine.escape_hatch.time.time() + 60
        while len(smtp_server.messages) < len(emails) and time_machine.escape_hatch.time.time() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # a few more passes of each: nothing more to send
    finally:
        for sender in senders:
            sender.send_signal(signal.SIGTERM)
        outputs = [sender.communicate(timeout=30)[0] for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], outputs
    # Every line a sender wrote is a JSON log line; the last says it stopped.
    lines = [[json.loads(line) for line in output.splitlines()] for output in outputs]
    assert [sender_lines[-1]["message"] for sender_lines in lines] == ["Stopped sending reminders."] * 2, outputs
    for email in emails:
        assert len(smtp_server.take(email)) == 1, (email, outputs)
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == len(emails)


class RefusedForGood(Exception):
    """What a channel raises when trying again cannot work (as app.services.push.PushNotSent can)."""

    retryable = False


def test_each_channel_is_its_own_delivery_and_an_error_that_cannot_be_retried_gives_up_at_once(
    sending_app, smtp_server, db, monkeypatch, make_patient, make_session
):
    # A second channel in the mapping, as the lead adds push: refused for good by its service.
    def refuse(user, message):
        raise RefusedForGood

    monkeypatch.setitem(reminders.SENDERS, "push", refuse)
    ada = make_patient(email="ada@example.com")
    no_device = make_patient(email="nodevice@example.com")
    for patient in (ada, no_device):
        make_session(patient, hours_ago=26)
    monkeypatch.setitem(reminders.AVAILABLE, "push", lambda user: user.email != "nodevice@example.com")

    assert send_reminders(sending_app) == "2 sent, 0 failed, 1 given up, 0 skipped"
    assert len(smtp_server.take("ada@example.com")) == 1
    states = {(d.channel, d.state, d.attempts, d.error) for d in deliveries(db, ada.id)}
    assert states == {("email", "sent", 1, ""), ("push", "gave_up", 1, "RefusedForGood")}
    assert [d.channel for d in deliveries(db, no_device.id)] == ["email"]
