"""Mail for integration tests: the outbox folder, and a real SMTP server (aiosmtpd) on a free port."""

import threading

import pytest

from app.cli import send_pass
from tests.conftest import log_in
from tests.mailbox import SMTP_PASSWORD, SMTP_USER, Outbox, receiving_smtp_server


@pytest.fixture
def outbox(app):
    return Outbox(app.config["MAIL_OUTBOX"])


@pytest.fixture
def smtp_server():
    """An SMTP server in a thread that keeps what it receives; AUTH without TLS, as on a test network."""
    with receiving_smtp_server() as received:
        yield received


@pytest.fixture
def mailing_app(app, smtp_server):
    """The app sending through smtp_server, logging in, without STARTTLS (the test server has no certificate)."""
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME=SMTP_USER,
        MAIL_PASSWORD=SMTP_PASSWORD,
    )
    return app


# A clinic, a practitioner's and a patient's logged-in clients: for the tests of alerts and of the
# clinic's contact. Each file says who its `practitioner` and its patient `ada` (who shares with `clinic`) are.
@pytest.fixture
def clinic(make_clinic):
    return make_clinic("Glow Clinic")


@pytest.fixture
def clinic_browser(app, practitioner):
    browser = app.test_client()
    log_in(browser, practitioner)
    return browser


@pytest.fixture
def ada_session(make_session, ada):
    return make_session(ada, hours_ago=30)


@pytest.fixture
def ada_browser(app, ada):
    browser = app.test_client()
    log_in(browser, ada)
    return browser


def two_senders_at_once(app):
    """Run a sending pass (``flask send-reminders``' own) in two threads that start together; their reports."""
    start = threading.Barrier(2)
    reports, errors = [], []

    def sender():
        try:
            with app.app_context():
                start.wait(timeout=10)
                reports.append(send_pass())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return reports
