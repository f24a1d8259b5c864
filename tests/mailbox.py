"""Reading the emails the app wrote to its outbox folder, or sent to the tests' SMTP server."""

import contextlib
import email
import re
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.servers import free_port

SMTP_USER, SMTP_PASSWORD = "afterglow", "smtp-secret-for-tests"
_LINK = re.compile(r"https?://\S+")


def parse(raw):
    return email.message_from_bytes(raw, policy=policy.default)


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message):
    return _LINK.findall(text_of(message))


def path_of(url):
    """The part of an absolute link that a test client or a page at another address needs."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Outbox:
    """The .eml files of an app with no MAIL_SERVER. ``take`` removes what it returns, so each
    test step sees only the emails it caused."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def files(self):
        return sorted(self.folder.glob("*.eml")) if self.folder.is_dir() else []

    def take(self, to=None):
        taken = []
        for path in self.files():
            message = parse(path.read_bytes())
            if to is None or message["To"] == to:
                taken.append(message)
                path.unlink()
        return taken

    def only(self, to):
        """The one email to ``to`` (it fails if there are none or several)."""
        messages = self.take(to)
        assert len(messages) == 1, f"{len(messages)} emails to {to}"
        return messages[0]

    def link(self, to):
        """The path of the first link in the one email to ``to``."""
        return path_of(links_in(self.only(to))[0])


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


@contextlib.contextmanager
def receiving_smtp_server():
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
