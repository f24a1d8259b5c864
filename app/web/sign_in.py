"""Signing in and out on this device, and the pages every sign-up and emailed link shares.

Used by the auth and invites blueprints alike, so it lives with the shared web helpers.
"""

from urllib.parse import urlsplit

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.services import logins, mail, push, signups
from app.services.email_links import LinkExpired, LinkInvalid, LinkUsed
from app.web.locale import browser_locale


def safe_next_url(target):
    """Only a path on this site: never an open redirect to someone else's page."""
    if not target:
        return None
    parts = urlsplit(target)
    # A control character is in no path of ours; a CR or LF would split the Location header.
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in target)
    ):
        return None
    return target


def start_session(user, remember=False):
    """Log the user in on this device: a fresh session, and a new log-in whose token the cookies carry."""
    session.clear()  # nothing from before carries over
    logins.start(user, remember, request.headers.get("User-Agent", ""), browser_language=browser_locale())
    login_user(user, remember=remember)


def end_session(push_endpoint=None):
    """Log this device out: its log-in revoked, the session emptied, the remember cookie deleted.

    ``push_endpoint``: this phone's push subscription, forgotten if it is the user's own.
    """
    if current_user.is_authenticated:
        if push_endpoint:
            push.unsubscribe(current_user, push_endpoint)
        logins.end(current_user.current_login)
    session.clear()
    logout_user()  # after the clear, which would otherwise wipe its note to delete the remember cookie


def check_your_email(email, delivery, purpose="signup"):
    """After a form that emails a link: the same answer whoever owns the address (post/redirect/get)."""
    session["emailed"] = {"to": email, "saved": delivery == mail.SAVED, "purpose": purpose}
    return redirect(url_for("auth.check_email"))


def mail_failed(template, form, **context):
    """The email could not be sent: say so and keep what was typed; nothing was stored."""
    return render_template(template, form=form, mail_failed=True, **context), 503


def link_unusable(problem, action, action_url):
    return render_template("auth/link_unusable.html", problem=problem, action=action, action_url=action_url), 410


def link_used_page():
    return link_unusable(
        _("This link has already been used: the account it created exists. Log in with its email and password."),
        _("Log in"),
        url_for("auth.login"),
    )


def read_signup_link(kind, token, restart_url):
    """What step 1 of a sign-up collected, or the page to show instead (404 if we never made the link)."""
    try:
        return signups.read_link(kind, token), None
    except LinkInvalid:
        abort(404)
    except LinkExpired:
        return None, link_unusable(
            _("This link has expired. Start again to get a new one by email."), _("Start again"), restart_url
        )
    except LinkUsed:
        return None, link_used_page()
