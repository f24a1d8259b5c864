"""flask CLI commands: ``flask --app wsgi seed-demo`` and friends."""

import logging
import signal
import sqlite3
import threading
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.models import ROLE_PATIENT, ROLE_PRACTITIONER, CareLink, Clinic, User, utcnow
from app.services import clinic_notifications, logbook, personal_data, reminders
from app.web.forms import password_problem

DEMO_PASSWORD = "peony-lantern-harbour"
DEMO_PATIENTS = {
    "typical": "demo.patient@afterglow.example",
    "slow": "demo.slow@afterglow.example",
    "red_flag": "demo.flag@afterglow.example",
    "missed": "demo.missed@afterglow.example",
}
DEMO_PRACTITIONER_EMAIL = "demo.practitioner@afterglow.example"
DEMO_CLINIC = "Afterglow Demo Clinic"
# How the demo's patients reach the clinic (a drama-range number: 020 7946 0xxx is reserved for fiction).
DEMO_CLINIC_PROFILE = dict(
    phone="+44 20 7946 0123",
    email="desk@afterglow.example",
    timezone="Europe/London",
    **{f"hours_{day}": "09:00-18:00" for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
    hours_saturday="10:00-14:00",
    hours_sunday="",
    after_hours_advice="Call NHS 111 for advice, or leave a message: we call back the next morning.",
    emergency_advice="If your face swells fast or you find it hard to breathe, call 999.",
)
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
# A little pink and puffy on day 4 after 0.5 mm needles: slower than typical, not alarming.
SLOW_COURSE = [
    (2, dict(redness=3, swelling=3, pain=4)),
    (24, dict(redness=3, swelling=2, pain=2)),
    (50, dict(redness=2, swelling=2, peeling=1, pain=1)),
    (96, dict(redness=1, swelling=1, peeling=2, note="Still a little pink, especially around the nose.")),
]
# Logged once, the evening of the session, then nothing: a missed check-in.
MISSED_COURSE = [(3, dict(redness=3, swelling=2, pain=3))]
# Better, then worse again on day 3 with yellow crust: contact the clinic.
RED_FLAG_COURSE = [
    (2, dict(redness=3, swelling=2, pain=3)),
    (26, dict(redness=1, swelling=1, pain=1)),
    (
        70,
        dict(
            redness=3,
            swelling=2,
            pain=5,
            pus=True,
            worse_again=True,
            note="Redder again today with some yellow crust on the chin.",
        ),
    ),
]


def register(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_practitioner)
    app.cli.add_command(refresh_statuses)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(send_reminders)


def _replace_user(email, role=ROLE_PATIENT, **fields):
    existing = db.session.scalar(sa.select(User).where(User.email == email))
    if existing and existing.is_patient:
        personal_data.delete_patient(existing)  # their photos' files too
    elif existing:
        db.session.delete(existing)
        db.session.flush()
    user = User(email=email, role=role, **fields)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user


def _add_session(patient, hours_ago, course, **fields):
    """Record a session of ``hours_ago`` with the logs of its course taken so far, through the logbook."""
    performed_at = utcnow() - timedelta(hours=hours_ago)

    def fill(treatment):
        treatment.performed_at = performed_at
        for name, value in fields.items():
            setattr(treatment, name, value)

    logs = [
        dict(redness=0, swelling=0, peeling=0) | values | dict(logged_at=performed_at + timedelta(hours=hours))
        for hours, values in course
        if hours <= hours_ago
    ]
    return logbook.record_session(patient, fill, logs=logs)


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Fill the database with a demo clinic, its practitioner and patients in every status.

    Running it again replaces the earlier demo data.
    """
    clinic = db.session.scalar(sa.select(Clinic).where(Clinic.name == DEMO_CLINIC)) or Clinic(name=DEMO_CLINIC)
    for field, value in DEMO_CLINIC_PROFILE.items():
        setattr(clinic, field, value)
    _replace_user(DEMO_PRACTITIONER_EMAIL, role=ROLE_PRACTITIONER, clinic=clinic, name="Dr Demo Practitioner")
    face = dict(device="derma_pen", needle_depth_mm=0.5, areas=["face"])
    patients = {
        "typical": _replace_user(DEMO_PATIENTS["typical"], name="Tess Typical", timezone="Europe/London"),
        "slow": _replace_user(DEMO_PATIENTS["slow"], name="Sam Slower", timezone="America/New_York"),
        "red_flag": _replace_user(DEMO_PATIENTS["red_flag"], name="Rita Redflag", timezone="Australia/Sydney"),
        "missed": _replace_user(DEMO_PATIENTS["missed"], name="Milo Missed", timezone="Europe/Berlin"),
    }
    # The patients share with the clinic before their sessions are recorded, so the red flag is
    # raised as an alert there, as a real log would raise it.
    db.session.add_all(CareLink(clinic=clinic, patient=patient) for patient in patients.values())
    db.session.commit()
    _add_session(
        patients["typical"],
        hours_ago=24 * 42,
        course=TYPICAL_WHOLE_COURSE,
        concerns=["fine_lines"],
        series_number=1,
        notes="First session of the series.",
        **face,
    )
    _add_session(
        patients["typical"], hours_ago=32, course=TYPICAL_FIRST_DAYS, concerns=["fine_lines"], series_number=2, **face
    )
    _add_session(patients["slow"], hours_ago=98, course=SLOW_COURSE, concerns=["acne_scars"], series_number=1, **face)
    _add_session(
        patients["red_flag"], hours_ago=72, course=RED_FLAG_COURSE, concerns=["pores"], series_number=1, **face
    )
    _add_session(
        patients["missed"],
        hours_ago=30,
        course=MISSED_COURSE,
        concerns=["texture"],
        series_number=1,
        device="derma_roller",
        needle_depth_mm=1.0,
        areas=["face", "neck"],
    )
    click.echo("Demo data is ready. Log in at http://127.0.0.1:8000/auth/login as:")
    click.echo(f"  practitioner of {DEMO_CLINIC}:  {DEMO_PRACTITIONER_EMAIL}")
    for course, email in DEMO_PATIENTS.items():
        click.echo(f"  patient, {course.replace('_', ' ')} course:  {email}")
    click.echo(f"Password for every demo account: {DEMO_PASSWORD}")


@click.command("create-practitioner")
@click.option("--email", required=True, help="The practitioner's email; they log in with it.")
@click.option("--name", default="", help="The practitioner's name, as patients and colleagues see it.")
@click.option(
    "--clinic",
    "clinic_name",
    required=True,
    help="The clinic's name: an existing clinic of that name is joined, otherwise one is created.",
)
@click.password_option(help="At least 10 characters; asked for when not given.")
@with_appcontext
def create_practitioner(email, name, clinic_name, password):
    """Create a practitioner account in a clinic, from a shell."""
    email = email.strip().lower()
    problem = password_problem(password, email)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise click.BadParameter("an account with this email already exists", param_hint="--email")
    clinic = db.session.scalar(sa.select(Clinic).where(Clinic.name == clinic_name)) or Clinic(name=clinic_name)
    user = User(email=email, name=name, role=ROLE_PRACTITIONER, clinic=clinic)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Practitioner {email} can now log in to {clinic.name}.")


@click.command("refresh-statuses")
@with_appcontext
def refresh_statuses():
    """Re-assess every session: its stored status, and its alerts raised or closed (e.g. after an upgrade)."""
    click.echo(f"Statuses refreshed: {logbook.reassess_all_sessions()}.")


def _sqlite_path():
    if db.engine.dialect.name != "sqlite":
        raise click.ClickException("This database is PostgreSQL: use pg_dump and pg_restore (docs/deploy.md).")
    return db.engine.url.database


def _copy_sqlite(source, target):
    # SQLite's online backup copies a consistent snapshot page by page while
    # the app keeps reading and writing; a file copy could catch a write half-done.
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
        status = copy.execute("PRAGMA integrity_check").fetchone()[0]
    origin.close()
    copy.close()
    if status != "ok":
        raise click.ClickException(f"integrity check of {target} failed: {status}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup(path):
    """Write a consistent copy of the SQLite database to PATH, safely while the app runs."""
    _copy_sqlite(_sqlite_path(), path)
    click.echo(f"Backed up to {path} (integrity check: ok).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.confirmation_option(prompt="Replace ALL current data with the backup?")
@with_appcontext
def restore(path):
    """Replace the SQLite database with the backup at PATH (stop the app servers first)."""
    target = _sqlite_path()
    db.engine.dispose()
    _copy_sqlite(path, target)
    click.echo(f"Restored {target} from {path}.")


def send_pass():
    """One pass: the reminders due now, the failed ones due a retry, then the clinics' notifications."""
    app = current_app._get_current_object()
    now = utcnow()
    # No request to take the address from: links are built for PUBLIC_URL.
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        report = reminders.send_due(now) + reminders.retry_failed(now) + clinic_notifications.notify_clinics(now)
    db.session.rollback()  # ends the last read: no transaction held open until the next pass
    return report


@click.command("send-reminders")
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Keep going, a pass every SECONDS, until SIGTERM or Ctrl-C (the pass under way is finished first).",
)
@with_appcontext
def send_reminders(every):
    """Send the reminders and clinic notifications due now, and retry failed ones: each message at most once."""
    if every is None:
        click.echo(send_pass())
        return
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    # Beside gunicorn this is a long-running process: its lines are JSON log lines (app.web.request_log).
    log = logging.getLogger("afterglow.reminders")
    log.info("Sending reminders every %s seconds; Ctrl-C or SIGTERM stops.", every)
    try:
        while not stop.is_set():
            try:
                report = send_pass()
            except Exception:
                # The database or the mail server away for a moment: logged, and tried again next pass.
                current_app.logger.exception("A sending pass failed")
                db.session.rollback()
            else:
                if report.sent or report.failed or report.gave_up or report.skipped:
                    log.info("Sending pass: %s", report)
            stop.wait(every)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("Stopped sending reminders.")
