"""Sending email: through the SMTP server in MAIL_SERVER, or, with none set, into an outbox folder.

Messages are plain text rendered from ``templates/email/``. They carry links and
nothing about anyone's health. Without MAIL_SERVER each message is written to
MAIL_OUTBOX (``instance/outbox/`` when unset) as a ``.eml`` file, and ``send``
says so, so that a page never claims an email went out when it did not.
"""

import os
import smtplib
import ssl
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from secrets import token_hex

from flask import current_app, render_template

SENT = "sent"  # handed to the SMTP server
SAVED = "saved"  # written to the outbox folder: no mail server is set up

# Extra header fields (List-Unsubscribe) carry long URLs that must stay whole: folded at 78
# characters, a URL would become RFC 2047 encoded words, which mail clients do not read there.
# 998 is RFC 5322's limit for any line.
WHOLE_LINES = policy.default.clone(max_line_length=998)


class MailNotSent(Exception):
    """The SMTP server could not be reached, or refused the message."""


def send(to, subject, template, headers=None, **context):
    """Email ``templates/email/<template>.txt`` to one address; SENT or SAVED. Raises MailNotSent.

    ``headers``: more header fields, e.g. List-Unsubscribe on reminders.
    """
    config = current_app.config
    sender = config["MAIL_DEFAULT_SENDER"]
    message = EmailMessage(policy=WHOLE_LINES if headers else policy.default)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    # A domain of our own: without one, make_msgid asks DNS for this machine's name.
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "localhost")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(render_template(f"email/{template}.txt", **context))
    if not config["MAIL_SERVER"]:
        save_to_outbox(message)
        return SAVED
    try:
        _deliver(message, config)
    except (OSError, smtplib.SMTPException) as error:
        # The address stays out of the log: the error and the server are enough to act on.
        # Only the kind of error and the SMTP code: a refusal's text may quote the recipient's address.
        code = getattr(error, "smtp_code", "") or getattr(error, "errno", "") or ""
        current_app.logger.error("Email not sent through %s: %s %s", config["MAIL_SERVER"], type(error).__name__, code)
        raise MailNotSent from error
    return SENT


def _deliver(message, config):
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            # Never falls back to plain text: a server without STARTTLS is an error.
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def outbox_folder():
    return Path(current_app.config["MAIL_OUTBOX"] or Path(current_app.instance_path) / "outbox")


def save_to_outbox(message):
    """Write the message as a new .eml file, readable by this user only (its links log people in)."""
    folder = outbox_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{token_hex(4)}.eml"
    descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(message.as_bytes())
    return folder / name
