"""Reading the emails the app wrote to its outbox folder, or sent to the tests' SMTP server."""

import email
import re
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

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
