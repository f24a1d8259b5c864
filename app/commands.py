"""flask CLI commands: ``flask --app wsgi seed-demo`` and friends."""

from datetime import timedelta

import click
from flask.cli import with_appcontext
import sqlalchemy as sa

from app.extensions import db
from app.models import ROLE_PATIENT, SymptomLog, TreatmentSession, User, utcnow

DEMO_PASSWORD = "peony-lantern-harbour"
DEMO_PATIENTS = {
    "typical": "demo.patient@afterglow.example",
    "slow": "demo.slow@afterglow.example",
    "red_flag": "demo.flag@afterglow.example",
}
DEMO_PATIENT_EMAIL = DEMO_PATIENTS["typical"]

# (hours after the session, {field: value}) — scores not given are 0.
TYPICAL_FIRST_DAYS = [
    (1, dict(redness=3, swelling=2, pain=3, note="Warm and tight, like a sunburn.")),
    (6, dict(redness=2, swelling=2, pain=2, itch=1)),
    (20, dict(redness=1, swelling=1, pain=1, itch=1, note="Much calmer this morning.")),
    (30, dict(redness=1, itch=1)),
]
TYPICAL_WHOLE_COURSE = TYPICAL_FIRST_DAYS + [
    (52, dict(peeling=1, itch=2, note="A little flaking on the cheeks.")),
    (80, dict(peeling=2, itch=1)),
    (120, dict(peeling=1)),
    (170, dict(improvement="improved", note="Skin feels smoother.")),
    (24 * 14, dict(improvement="improved")),
    (24 * 30, dict(improvement="much_improved", note="Fine lines look softer.")),
]
# Still pink and puffy on day 4 after 0.5 mm needles: slower than typical, not alarming.
SLOW_COURSE = [
    (2, dict(redness=3, swelling=3, pain=4)),
    (24, dict(redness=3, swelling=2, pain=2)),
    (50, dict(redness=2, swelling=2, peeling=1, pain=1)),
    (96, dict(redness=2, swelling=1, peeling=2, note="Still pink, especially around the nose.")),
]
# Better, then worse again on day 3 with yellow crust: contact the clinic.
RED_FLAG_COURSE = [
    (2, dict(redness=3, swelling=2, pain=3)),
    (26, dict(redness=1, swelling=1, pain=1)),
    (70, dict(redness=3, swelling=2, pain=5, pus=True, worse_again=True,
              note="Redder again today with some yellow crust on the chin.")),
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
    for hours, values in course:
        if hours <= hours_ago:
            scores = dict(redness=0, swelling=0, peeling=0) | values
            treatment.logs.append(SymptomLog(logged_at=performed_at + timedelta(hours=hours), **scores))
    db.session.add(treatment)
    return treatment


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Fill the database with demo patients in each status (replaces earlier demo data)."""
    face = dict(device="derma_pen", needle_depth_mm=0.5, areas=["face"])
    typical = _replace_user(DEMO_PATIENTS["typical"], role=ROLE_PATIENT, timezone="Europe/London")
    _add_session(typical, hours_ago=24 * 42, course=TYPICAL_WHOLE_COURSE, concerns=["fine_lines"],
                 series_number=1, notes="First session of the series.", **face)
    _add_session(typical, hours_ago=32, course=TYPICAL_FIRST_DAYS, concerns=["fine_lines"],
                 series_number=2, **face)
    slow = _replace_user(DEMO_PATIENTS["slow"], role=ROLE_PATIENT, timezone="America/New_York")
    _add_session(slow, hours_ago=98, course=SLOW_COURSE, concerns=["acne_scars"], series_number=1, **face)
    flagged = _replace_user(DEMO_PATIENTS["red_flag"], role=ROLE_PATIENT, timezone="Australia/Sydney")
    _add_session(flagged, hours_ago=72, course=RED_FLAG_COURSE, concerns=["pores"], series_number=1, **face)
    db.session.commit()
    click.echo("Demo data is ready. Log in at http://127.0.0.1:8000/auth/login as any of:")
    for course, email in DEMO_PATIENTS.items():
        click.echo(f"  {course.replace('_', ' '):>9} course:  {email}")
    click.echo(f"Password for every demo account: {DEMO_PASSWORD}")
