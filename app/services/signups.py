"""Sign-up in two steps that never tells a visitor who has an account.

Step 1 asks for the email (and the clinic's or the person's name where the form
needs them) and always answers "Check your email". A new address gets a signed
link, valid SIGNUP_LINK_LIFETIME, carrying the address and what step 1 asked
(never a password); the link opens step 2, where the person chooses a password
and the account is made. An address that already has an account gets an email
saying someone tried to sign up, with links to log in and to reset the password.
"""

from flask import current_app, url_for
from flask_babel import gettext as _

from app.services import accounts, email_links, mail
from app.services.email_links import LinkInvalid, LinkUsed

PATIENT, CLINIC, INVITE, TEAM = "patient", "clinic", "invite", "team"


def begin(kind, email, finish_endpoint, url_values=None, login_next=None, **details):
    """Email the link to step 2 (``finish_endpoint`` with ``url_values`` and the token), or, when the
    address has an account, an email saying so. Returns mail.SENT or mail.SAVED; raises mail.MailNotSent.

    ``details`` (names, an invite's id) travel in the link; ``login_next`` is where logging in from
    the second email leads (back to an invite).
    """
    if accounts.email_taken(email):
        return mail.send(
            email,
            _("You already have an Afterglow account"),
            "signup_existing",
            kind=kind,
            login_link=url_for("auth.login", next=login_next, _external=True),
            reset_link=url_for("auth.reset_request", _external=True),
        )
    token = link_token(kind, email, **details)
    hours = int(current_app.config["SIGNUP_LINK_LIFETIME"].total_seconds() // 3600)
    return mail.send(
        email,
        _("Finish creating your Afterglow account"),
        "signup_link",
        kind=kind,
        hours=hours,
        link=url_for(finish_endpoint, token=token, **(url_values or {}), _external=True),
    )


def link_token(kind, email, **details):
    """The token of a link to step 2: the address and ``details``, signed for this kind of sign-up."""
    return email_links.make(f"signup-{kind}", {"email": email, **details})


def read_link(kind, token):
    """What step 1 collected (a dict with at least "email").

    Raises LinkInvalid (not ours, or made for another kind of sign-up), LinkExpired, or LinkUsed
    (an account with the address exists: the link was used, or the person signed up another way).
    """
    details = email_links.read(f"signup-{kind}", token, current_app.config["SIGNUP_LINK_LIFETIME"])
    if not isinstance(details, dict) or not isinstance(details.get("email"), str):
        raise LinkInvalid
    if accounts.email_taken(details["email"]):
        raise LinkUsed
    return details
