"""Web Push: each device's subscription, and sending a message to every device of a user.

Messages are signed with the app's VAPID key (``make run`` generates it once into
instance/, like the secret key) and encrypted for each device (aes128gcm) by
pywebpush. Without the key the app runs and push is simply not set up:
``available()`` is False and the sender leaves push out.

A message carries a title, a line and a link, never health details: it shows
on a locked screen.
"""

import base64
import binascii
import ipaddress
import json
import socket
from dataclasses import asdict, dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from flask import current_app
from flask_babel import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import PushSubscription, User

VAPID_KEY_FILE = "vapid_private_key.pem"
MAX_ENDPOINT_LENGTH = 1000  # PushSubscription.endpoint's column
MAX_SUBSCRIPTIONS_PER_USER = 10  # the oldest beyond this is dropped: sending stays bounded
GONE = {404, 410}  # the push service forgot the subscription: it never comes back


class InvalidSubscription(ValueError):
    """What a browser sent is not a usable push subscription; the message says why."""


class PushUnavailable(RuntimeError):
    """Push is not set up on this server (no VAPID key)."""


class PushNotSent(RuntimeError):
    """The user has devices but none of them could be reached; ``retryable`` when trying later may work."""

    def __init__(self, message, retryable=True):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class PushMessage:
    """What a notification shows: a title, one line, and the page a tap opens (a path of this site)."""

    title: str
    body: str
    url: str


def subscribe(user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Store this device's subscription for ``user``; the same endpoint again updates it (and moves it to them)."""
    problem = endpoint_problem(endpoint) or key_problem(p256dh, 65) or key_problem(auth, 16)
    if problem:
        raise InvalidSubscription(problem)
    user_id = user.id  # read before the new row is pending: loading an expired user would flush it half-filled
    for attempt in range(2):
        subscription = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
        if subscription is None:
            subscription = PushSubscription(endpoint=endpoint)
            db.session.add(subscription)
        # A shared phone: whoever turned push on last gets its notifications, never both.
        subscription.user_id, subscription.p256dh, subscription.auth = user_id, p256dh, auth
        try:
            db.session.flush()
        except IntegrityError:
            # The same browser subscribed in another request a moment ago: update its row instead.
            db.session.rollback()
            if attempt:
                raise
            continue
        _drop_oldest_beyond_limit(user)
        db.session.commit()
        return subscription
    raise AssertionError("unreachable")


def unsubscribe(user: User, endpoint: str) -> bool:
    """Remove the user's own subscription of this endpoint; False when they have none (or it is someone else's)."""
    removed = db.session.execute(
        sa.delete(PushSubscription).where(PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id)
    ).rowcount
    db.session.commit()
    return bool(removed)


def unsubscribe_all(user: User) -> int:
    """Remove every device's subscription of the user (log out everywhere); returns how many there were."""
    removed = db.session.execute(sa.delete(PushSubscription).where(PushSubscription.user_id == user.id)).rowcount
    db.session.commit()
    return removed


def endpoints_of(user: User) -> list[str]:
    """The endpoints of the user's subscribed devices, so a page can tell whether this device is one."""
    query = sa.select(PushSubscription.endpoint).where(PushSubscription.user_id == user.id)
    return list(db.session.scalars(query.order_by(PushSubscription.id)))


def available() -> bool:
    """Whether push is set up here (the VAPID key exists); the sender leaves push out when not."""
    return _key_file().is_file()


def public_key() -> str | None:
    """The applicationServerKey browsers subscribe with (base64url, no padding); None when push is not set up."""
    vapid = _vapid()
    if vapid is None:
        return None
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url(raw)


def send_to_user(user: User, message: PushMessage) -> int:
    """Send ``message`` to each of the user's devices and return how many accepted it.

    A device the push service no longer knows (404, 410) is removed. When the
    user has devices and none accepted it, PushNotSent is raised (``retryable``
    unless every failure was the push service refusing this message for good).
    No devices at all returns 0. Raises PushUnavailable when push is not set up.
    """
    vapid = _vapid()
    if vapid is None:
        raise PushUnavailable("Web Push is not set up: there is no VAPID key.")
    subscriptions = list(db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user.id)))
    payload = json.dumps(asdict(message), separators=(",", ":"))
    delivered, failures, gone = 0, [], []
    with _no_redirects() as session:
        for subscription in subscriptions:
            outcome = _send_one(subscription, payload, vapid, session)
            if outcome == "sent":
                delivered += 1
            elif outcome == "gone":
                gone.append(subscription)
            else:
                failures.append(outcome)
    for subscription in gone:
        db.session.delete(subscription)
    if gone:
        db.session.commit()
    if not delivered and failures:
        retryable = any(kind == "retry" for kind in failures)
        raise PushNotSent(f"none of {len(failures)} device(s) could be reached", retryable=retryable)
    return delivered


def endpoint_problem(endpoint: str) -> str | None:
    """Why this is not a push service's address (None when it is): public HTTPS only, so it cannot reach inside."""
    if not endpoint:
        return _("The subscription has no endpoint.")
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return _("The endpoint is too long.")
    if not endpoint.isascii() or not endpoint.isprintable() or " " in endpoint:
        return _("The endpoint is not a valid address.")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return _("The endpoint is not a valid address.")
    if parts.username or parts.password or not parts.hostname:
        return _("The endpoint is not a valid address.")
    if current_app.config["PUSH_ALLOW_LOCAL_HTTP"] and parts.scheme == "http" and parts.hostname == "127.0.0.1":
        return None  # tests' local push service only
    if parts.scheme != "https":
        return _("The endpoint must be an https:// address.")
    if port not in (None, 443):
        return _("The endpoint must use the standard HTTPS port.")
    if _is_ip_literal(parts.hostname) or "." not in parts.hostname or parts.hostname.endswith(".localhost"):
        return _("The endpoint must be a public push service.")
    return None


def key_problem(value: str, length: int) -> str | None:
    """Why ``value`` is not a base64url key of ``length`` bytes (None when it is)."""
    try:
        raw = _b64url_decode(value)
    except (binascii.Error, ValueError):
        return _("A key of the subscription is not valid base64url.")
    if len(raw) != length or (length == 65 and raw[0] != 4):
        return _("A key of the subscription has the wrong length.")
    return None


def _send_one(subscription, payload, vapid, session):
    """Send to one device: "sent", "gone", "retry" (try again later) or "refused" (it will never be accepted)."""
    host = urlsplit(subscription.endpoint).hostname
    if not _may_connect(subscription.endpoint):
        current_app.logger.warning("push to %s refused: the host is not public", host)
        return "refused"
    try:
        webpush(
            {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
            data=payload,
            vapid_private_key=vapid,
            vapid_claims={"sub": _subject()},  # a fresh dict: pywebpush adds aud and exp to it
            content_encoding="aes128gcm",
            timeout=current_app.config["PUSH_TIMEOUT"],
            ttl=current_app.config["PUSH_TTL"],
            requests_session=session,
        )
    except WebPushException as error:
        status = error.status_code
        if status in GONE:
            return "gone"
        current_app.logger.warning("push to %s failed: %s", host, status)
        return "retry" if status is None or status == 429 or status >= 500 else "refused"
    except requests.TooManyRedirects:
        current_app.logger.warning("push to %s refused: the service redirected", host)
        return "refused"
    except requests.RequestException as error:  # timeout, connection refused, DNS
        current_app.logger.warning("push to %s failed: %s", host, type(error).__name__)
        return "retry"
    return "sent"


def _may_connect(endpoint):
    """Whether every address the endpoint's host resolves to is public (a name may point inside the network)."""
    parts = urlsplit(endpoint)
    if current_app.config["PUSH_ALLOW_LOCAL_HTTP"] and parts.scheme == "http" and parts.hostname == "127.0.0.1":
        return True
    if endpoint_problem(endpoint):
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, 443, proto=socket.IPPROTO_TCP)}
    except OSError:
        return True  # unresolvable now: the request fails as a retryable connection error
    return all(ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses)


class _no_redirects:
    """A requests session that never follows a redirect (it could lead inside the network)."""

    def __enter__(self):
        self.session = requests.Session()
        self.session.max_redirects = 0
        return self.session

    def __exit__(self, *exc):
        self.session.close()


def _drop_oldest_beyond_limit(user):
    ids = list(
        db.session.scalars(
            sa.select(PushSubscription.id)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
            .offset(MAX_SUBSCRIPTIONS_PER_USER)
        )
    )
    if ids:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(ids)))


def _key_file() -> Path:
    configured = current_app.config["VAPID_PRIVATE_KEY_FILE"]
    return Path(configured) if configured else Path(current_app.instance_path) / VAPID_KEY_FILE


def _vapid():
    # Never Vapid.from_file on a missing file: it would silently generate a key there.
    key_file = _key_file()
    if not key_file.is_file():
        return None
    return Vapid.from_pem(key_file.read_bytes())


def _subject() -> str:
    configured = current_app.config["VAPID_SUBJECT"]
    if configured:
        return configured
    return "mailto:" + (parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1] or "no-reply@localhost")


def _is_ip_literal(host):
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64url_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.isascii():
        raise ValueError("not ASCII")
    value = value.rstrip("=")
    return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
