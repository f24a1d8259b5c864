"""Password reset by email: a link that works once, for PASSWORD_RESET_LIFETIME.

The link carries the user's id and a fingerprint of their current password hash.
Setting a new password changes the hash, so the link (and any other sent before
it) stops working: it is single-use without storing anything. Every request gets
an email, also for an address with no account (saying so), so the page answers
the same whatever the address.
"""

import hashlib

from flask import current_app, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import User
from app.services import accounts, email_links, mail
from app.services.email_links import LinkInvalid, LinkUsed

PURPOSE = "password-reset"


def _fingerprint(user):
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def send_link(email):
    """Email a link to choose a new password, or say the address has no account. mail.SENT or mail.SAVED;
    raises mail.MailNotSent."""
    user = accounts.user_with_email(email)
    if user is None:
        return mail.send(
            email, _("Your Afterglow password"), "reset_unknown", signup_link=url_for("auth.signup", _external=True)
        )
    token = link_token(user)
    minutes = int(current_app.config["PASSWORD_RESET_LIFETIME"].total_seconds() // 60)
    return mail.send(
        email,
        _("Choose a new Afterglow password"),
        "reset_link",
        minutes=minutes,
        link=url_for("auth.reset_password", token=token, _external=True),
    )


def link_token(user):
    """The token of a reset link for this user, good until their password changes."""
    return email_links.make(PURPOSE, [user.id, _fingerprint(user)])


def user_for_link(token):
    """The user the link was sent to. Raises LinkInvalid, LinkExpired, or LinkUsed (the password changed since)."""
    payload = email_links.read(PURPOSE, token, current_app.config["PASSWORD_RESET_LIFETIME"])
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise LinkInvalid
    user = db.session.get(User, payload[0])
    if user is None:
        raise LinkInvalid  # the account was deleted since
    if payload[1] != _fingerprint(user):
        raise LinkUsed
    return user
