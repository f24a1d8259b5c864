"""Signed, expiring tokens for the links we email (finishing a sign-up, choosing a new password).

itsdangerous signs each token with the app's secret key and a salt per purpose, so
one kind of link can never be used as another. A token is signed, not encrypted:
it carries nothing secret (never a password), only what its link needs.
"""

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

# A real token is a few hundred characters; anything far longer is not worth checking.
MAX_TOKEN_LENGTH = 2000


class LinkInvalid(Exception):
    """Not a link we made (mistyped, cut short or tampered with): answered like a missing page."""


class LinkExpired(Exception):
    """One of our links, but older than its lifetime."""


class LinkUsed(Exception):
    """One of our links that has done its job already (the account exists, the password was changed)."""


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"afterglow-{purpose}")


def make(purpose, payload):
    """A URL-safe token carrying ``payload`` (JSON), signed for ``purpose``."""
    return _serializer(purpose).dumps(payload)


def read(purpose, token, lifetime):
    """The payload of a token made for ``purpose`` within ``lifetime`` (a timedelta).

    Raises LinkExpired for an authentic token that is too old, LinkInvalid for anything else.
    """
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise LinkInvalid
    try:
        return _serializer(purpose).loads(token, max_age=lifetime.total_seconds())
    except SignatureExpired:  # raised only once the signature has been found good
        raise LinkExpired from None
    except BadData:
        raise LinkInvalid from None
