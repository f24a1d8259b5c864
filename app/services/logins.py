"""Per-device log-ins: start one, find the user behind a cookie's token, end one or all.

The session and the remember cookie carry a random token (``User.get_id()``); the
database keeps only its SHA-256, an expiry and a short device label. Logging out
revokes the row, so a copied cookie stops working at once; an expired row is
refused the same way.
"""

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from ua_parser import parse as parse_user_agent

from app.extensions import db
from app.models import User, UserLogin, utcnow

# A browser sends a few hundred characters; anything longer is not worth parsing.
_USER_AGENT_READ = 512


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def device_label(user_agent):
    """A short name a person recognises, such as "Chrome Mobile on Android"; "Unknown device" otherwise."""
    parsed = parse_user_agent((user_agent or "")[:_USER_AGENT_READ])
    browser = parsed.user_agent.family if parsed.user_agent and parsed.user_agent.family != "Other" else None
    system = parsed.os.family if parsed.os and parsed.os.family != "Other" else None
    label = " on ".join(part for part in (browser, system) if part)
    return label[:100] or "Unknown device"


def start(user, remember, user_agent, browser_language=None):
    """A new log-in for this device, set as the user's current one (commit included).

    ``browser_language``: what the browser asked for, kept for the messages sent outside a request.

    It lasts REMEMBER_COOKIE_DURATION with "Keep me logged in", else PERMANENT_SESSION_LIFETIME.
    The user's expired and revoked log-ins are cleared away at the same time.
    """
    config = current_app.config
    now = utcnow()
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["PERMANENT_SESSION_LIFETIME"]
    token = secrets.token_urlsafe(32)
    db.session.execute(
        sa.delete(UserLogin).where(
            UserLogin.user_id == user.id, sa.or_(UserLogin.expires_at <= now, UserLogin.revoked_at.is_not(None))
        )
    )
    login = UserLogin(
        user_id=user.id,
        token_hash=_token_hash(token),
        device=device_label(user_agent),
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(login)
    if browser_language:
        user.browser_language = browser_language
    db.session.commit()
    login.token = token
    user.current_login = login
    return login


def user_for_token(token):
    """The user whose live log-in carries this token (one query), or None: unknown, revoked or expired."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    found = db.session.execute(
        sa.select(UserLogin, User)
        .join(UserLogin.user)
        .where(
            UserLogin.token_hash == _token_hash(token), UserLogin.revoked_at.is_(None), UserLogin.expires_at > utcnow()
        )
    ).first()
    if found is None:
        return None
    login, user = found
    login.token = token
    user.current_login = login
    return user


def live_logins(user):
    """The user's log-ins that still work, newest first."""
    return db.session.scalars(
        sa.select(UserLogin)
        .where(UserLogin.user_id == user.id, UserLogin.revoked_at.is_(None), UserLogin.expires_at > utcnow())
        .order_by(UserLogin.created_at.desc(), UserLogin.id.desc())
    ).all()


def end(login):
    """Revoke one log-in (this device's, at log-out)."""
    if login is not None:
        db.session.execute(
            sa.update(UserLogin)
            .where(UserLogin.id == login.id, UserLogin.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        db.session.commit()


def end_all(user, keep=None, commit=True):
    """Revoke every log-in of the user but ``keep`` (this device's, when it stays logged in)."""
    query = sa.update(UserLogin).where(UserLogin.user_id == user.id, UserLogin.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserLogin.id != keep.id)
    db.session.execute(query.values(revoked_at=utcnow()))
    if commit:
        db.session.commit()
