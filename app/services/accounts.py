"""Account operations shared by views and CLI commands."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models import ROLE_PATIENT, User
from app.services import logins

# Checked against when the email is unknown, so a wrong email takes as long
# as a wrong password and timing does not reveal who has an account.
_UNUSED_HASH = "scrypt:32768:8:1$0QsYhZ2q4wH3xK8P$" + "0" * 128


def create_patient(email, password, timezone=None, name=""):
    """The new patient, or None if the email was taken meanwhile (two sign-ups at once)."""
    user = User(email=email, name=name or "", role=ROLE_PATIENT, timezone=timezone or "UTC")
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return user


def email_taken(email):
    return db.session.scalar(sa.select(User.id).where(User.email == email)) is not None


def user_with_email(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def authenticate(email, password):
    """The user with this email and password, or None."""
    user = user_with_email(email)
    if user is None:
        check_password_hash(_UNUSED_HASH, password)
        return None
    return user if user.check_password(password) else None


def update_timezone(user, timezone):
    if timezone and timezone != user.timezone:
        user.timezone = timezone
        db.session.commit()


def update_language(user, language):
    """The language chosen on the account page; None follows the browser's."""
    user.language = language or None
    db.session.commit()


def change_password(user, new_password):
    """Set a new password and log out every other device (this one stays logged in)."""
    user.set_password(new_password)
    logins.end_all(user, keep=user.current_login, commit=False)
    db.session.commit()


def reset_password(user, new_password):
    """Set a new password from an emailed link and log out every device."""
    user.set_password(new_password)
    logins.end_all(user, commit=False)
    db.session.commit()
