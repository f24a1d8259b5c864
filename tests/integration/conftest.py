"""Mail for integration tests: the outbox folder, and a real SMTP server (aiosmtpd) on a free port."""

import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.cli import send_pass
from tests.conftest import log_in
from tests.mailbox import Outbox, parse

SMTP_USER, SMTP_PASSWORD = "afterglow", "smtp-secret-for-tests"


@pytest.fixture
def outbox(app):
    return Outbox(app.config["MAIL_OUTBOX"])


@dataclass
class ReceivingServer:
    """What the SMTP server received: each message, and the name it logged in with."""

    port: int = 0
    messages: list = field(default_factory=list)
    logins: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(parse(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 on a wrong password

    def take(self, to):
        taken = [message for message in self.messages if message["To"] == to]
        self.messages = [message for message in self.messages if message["To"] != to]
        return taken


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """An SMTP server in a thread that keeps what it receives; AUTH without TLS, as on a test network."""
    received = ReceivingServer(port=free_port())
    controller = Controller(
        received, hostname="127.0.0.1", port=received.port, authenticator=received.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield received
    finally:
        controller.stop()


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
