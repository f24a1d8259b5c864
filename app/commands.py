"""flask CLI commands: ``flask --app wsgi seed-demo`` and friends."""

from datetime import timedelta

import click
import sqlalchemy as sa

from app.extensions import db
from app.models import ROLE_PATIENT, SymptomLog, TreatmentSession, User, utcnow

DEMO_PASSWORD = "peony-lantern-harbour"
DEMO_PATIENT_EMAIL = "demo.patient@afterglow.example"

# (hours after the session, redness, swelling, peeling, pain, itch, note)
TYPICAL_FIRST_DAYS = [
    (1, 3, 2, 0, 3, 0, "Warm and tight, like a sunburn."),
    (6, 2, 2, 0, 2, 1, ""),
    (20, 1, 1, 0, 1, 1, "Much calmer this morning."),
    (30, 1, 0, 0, 0, 1, ""),
]
TYPICAL_WHOLE_COURSE = TYPICAL_FIRST_DAYS + [
    (52, 0, 0, 1, 0, 2, "A little flaking on the cheeks."),
    (80, 0, 0, 2, 0, 1, ""),
    (120, 0, 0, 1, 0, 0, ""),
    (170, 0, 0, 0, 0, 0, "Skin feels smoother."),
]


def register(app):
    app.cli.add_command(seed_demo)


def _replace_user(email, **fields):
    existing = db.session.scalar(sa.select(User).where(User.email == email))
    if existing:
        db.session.delete(existing)
        db.session.flush()
    user = User(email=email, **fields)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user


def _add_session(patient, hours_ago, course, **fields):
    performed_at = utcnow() - timedelta(hours=hours_ago)
    treatment = TreatmentSession(patient=patient, performed_at=performed_at, **fields)
    for hours, redness, swelling, peeling, pain, itch, note in course:
        if hours <= hours_ago:
            treatment.logs.append(SymptomLog(
                logged_at=performed_at + timedelta(hours=hours), redness=redness,
                swelling=swelling, peeling=peeling, pain=pain, itch=itch, note=note,
            ))
    db.session.add(treatment)
    return treatment


@click.command("seed-demo")
def seed_demo():
    """Fill the database with a demo patient and their sessions (replaces earlier demo data)."""
    patient = _replace_user(DEMO_PATIENT_EMAIL, role=ROLE_PATIENT, timezone="Europe/London")
    _add_session(patient, hours_ago=24 * 42, course=TYPICAL_WHOLE_COURSE, needle_depth_mm=0.5,
                 device="derma_pen", areas=["face"], concerns=["fine_lines", "texture"],
                 series_number=1, notes="First session of the series.")
    _add_session(patient, hours_ago=32, course=TYPICAL_FIRST_DAYS, needle_depth_mm=0.5,
                 device="derma_pen", areas=["face", "neck"], concerns=["fine_lines", "texture"],
                 series_number=2)
    db.session.commit()
    click.echo("Demo data is ready. Log in at http://127.0.0.1:8000/auth/login with:")
    click.echo(f"  patient:  {DEMO_PATIENT_EMAIL}  /  {DEMO_PASSWORD}")
