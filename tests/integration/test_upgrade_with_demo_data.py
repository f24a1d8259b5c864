"""A database the previous release filled with its demo data, upgraded by this code: nothing is lost.

The previous release (the commit before issue 13) is checked out of git into a temporary folder,
builds a fresh database (SQLite, or a PostgreSQL database of its own when TEST_DATABASE_URL is set)
with its own migrations and `flask seed-demo`; this code's `flask db upgrade` then runs on it.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.factory import create_app
from app.models import TreatmentSession
from app.services.session_reports import assess_session
from tests.conftest import make_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PREVIOUS_RELEASE = "f4252ff"  # the last commit before issue 13's work
PREVIOUS_HEAD = "5e1f0c1d2a03"  # its newest migration
# What the previous release's seed-demo creates (app/cli.py at that commit).
DEMO_PASSWORD = "peony-lantern-harbour"
DEMO_PRACTITIONER = "demo.practitioner@afterglow.example"
TYPICAL, SLOW, RED_FLAG, MISSED = (
    "demo.patient@afterglow.example",
    "demo.slow@afterglow.example",
    "demo.flag@afterglow.example",
    "demo.missed@afterglow.example",
)
# Each demo patient's session statuses, oldest session first: as the previous release stored them, and as keys.
WORDS_BEFORE = {
    TYPICAL: ["On track", "On track"],
    SLOW: ["Slower than typical"],
    RED_FLAG: ["Contact your clinic"],
    MISSED: ["On track"],
}
KEYS_AFTER = {TYPICAL: ["on_track", "on_track"], SLOW: ["slower"], RED_FLAG: ["contact"], MISSED: ["on_track"]}
NO_USUAL_SKIN = {"usual_redness": None, "usual_swelling": None, "usual_peeling": None, "usual_skin_logged_at": None}
# 5e1f0c1d2a07: a clinic's profile starts empty, and no alert has a message to the patient yet.
EMPTY_PROFILE = {
    "phone": "",
    "email": "",
    "timezone": "UTC",
    **{f"hours_{day}": "" for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")},
    "after_hours_advice": "",
    "emergency_advice": "",
}
# 5e1f0c1d2a08: reminders by email and push with the default quiet hours, no calendar feed, no planned series,
# no clinic notifications; nothing delivered yet.
REMINDER_DEFAULTS = {
    "remind_by_email": True,
    "remind_by_push": True,
    "quiet_hours_start": "21:00",
    "quiet_hours_end": "08:00",
    "calendar_token_hash": None,
    "planned_sessions": None,
    "planned_interval_weeks": None,
    "notify_alerts_by_email": False,
    "notify_alerts_by_push": False,
    "alerts_notified_at": None,
}
# 5e1f0c1d2a09: no language chosen (the browser's is followed), none recorded until the next log-in.
LANGUAGE_DEFAULTS = {"language": None, "browser_language": None}
KEY_OF_WORDS = {"On track": "on_track", "Slower than typical": "slower", "Contact your clinic": "contact"}


def git(*args, **kwargs):
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, check=False, **kwargs)


@pytest.fixture
def previous_release(tmp_path):
    """The previous release's files, from git."""
    try:
        shallow = git("rev-parse", "--is-shallow-repository", text=True)
    except FileNotFoundError:
        pytest.skip("git is not installed, so the previous release cannot be checked out")
    if shallow.returncode != 0:
        pytest.skip("not a git checkout, so the previous release cannot be checked out")
    if shallow.stdout.strip() == "true":
        pytest.skip(f"a shallow clone lacks {PREVIOUS_RELEASE}, the previous release; clone the whole history")
    archive = git("archive", "--format=tar", PREVIOUS_RELEASE)
    assert archive.returncode == 0, archive.stderr.decode()
    folder = tmp_path / "previous_release"
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


@pytest.fixture
def database_url(tmp_path):
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'upgraded.db'}"
        return
    # A database of its own, so the previous release's tables never meet another test's.
    name = f"afterglow_upgrade_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def run_previous_release(folder, database_url, *command):
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_") and key != "PYTHONPATH"}
    env.update(DATABASE_URL=database_url, SECRET_KEY="previous-release-tests-only")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *command],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def snapshot(engine):
    """Every row of every table, by table, in primary-key order."""
    inspector = sa.inspect(engine)
    tables = {}
    with engine.connect() as connection:
        for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
            key = inspector.get_pk_constraint(table)["constrained_columns"]
            order = ", ".join(f'"{column}"' for column in key)
            tables[table] = [
                dict(row) for row in connection.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY {order}')).mappings()
            ]
    return tables


def one_episode(old_alerts):
    """The previous release's open alerts of one session, as 5e1f0c1d2a05 turns them into one episode."""
    assert len(old_alerts) == 5 and all(alert["acknowledged_at"] is None for alert in old_alerts)
    assert len({(alert["clinic_id"], alert["session_id"]) for alert in old_alerts}) == 1
    flag_columns = ("flag_key", "severity", "reason", "action")
    first = old_alerts[0]
    episode = {key: value for key, value in first.items() if key not in flag_columns}
    episode |= {"created_at": min(alert["created_at"] for alert in old_alerts), "ended_at": None}
    flags = [
        {
            "id": number,
            "alert_id": first["id"],
            "flag_key": alert["flag_key"],
            "severity": "today",  # the previous release's "contact"
            "reason": alert["reason"],
            "action": alert["action"],
            "raised_at": alert["created_at"],
            "cleared_at": None,
        }
        for number, alert in enumerate(old_alerts, start=1)
    ]
    assert {alert["severity"] for alert in old_alerts} == {"contact"}
    return [episode], flags


def statuses_by_patient(engine):
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                'SELECT "user".email, treatment_session.status FROM treatment_session '
                'JOIN "user" ON "user".id = treatment_session.patient_id '
                "ORDER BY treatment_session.performed_at"
            )
        )
        statuses = {}
        for email, status in rows:
            statuses.setdefault(email, []).append(status)
    return statuses


def session_schema(engine):
    """What a rebuild of treatment_session (SQLite batch mode) could lose: constraints and indexes."""
    inspector = sa.inspect(engine)
    return (
        {check["name"] for check in inspector.get_check_constraints("treatment_session")},
        {key["name"] for key in inspector.get_foreign_keys("treatment_session")},
        {index["name"] for index in inspector.get_indexes("treatment_session")},
    )


def status_default(engine):
    column = next(c for c in sa.inspect(engine).get_columns("treatment_session") if c["name"] == "status")
    return column["default"]


def test_the_previous_releases_demo_data_survives_the_upgrade(previous_release, database_url, tmp_path):
    run_previous_release(previous_release, database_url, "db", "upgrade")
    seeded = run_previous_release(previous_release, database_url, "seed-demo")
    assert DEMO_PASSWORD in seeded

    engine = sa.create_engine(database_url)
    try:
        before = snapshot(engine)
        assert statuses_by_patient(engine) == WORDS_BEFORE
        schema_before = session_schema(engine)
        assert "On track" in status_default(engine)
    finally:
        engine.dispose()
    assert len(before["symptom_log"]) == 22 and len(before["alert"]) == 5  # the demo really filled the tables

    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=database_url))
    runner = app.test_cli_runner()
    try:
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output

        with app.app_context():
            after = snapshot(db.engine)
            # Nothing lost or changed, but each status now a key, and the red-flag session's five
            # open alerts one alert listing its five flags (5e1f0c1d2a05).
            expected = dict(before)
            expected["treatment_session"] = [
                row | {"status": KEY_OF_WORDS[row["status"]]} | NO_USUAL_SKIN for row in before["treatment_session"]
            ]
            expected["alert"], expected["alert_flag"] = one_episode(before["alert"])
            expected["alert"] = [row | {"message_to_patient": ""} for row in expected["alert"]]
            expected["clinic"] = [row | EMPTY_PROFILE for row in before["clinic"]]
            expected["user"] = [row | REMINDER_DEFAULTS | LANGUAGE_DEFAULTS for row in before["user"]]
            expected["delivery"] = expected["push_subscription"] = []
            expected["share_link"] = expected["share_link_view"] = []  # 5e1f0c1d2a0a: no share link yet
            assert {table: len(rows) for table, rows in after.items()} == {
                table: len(rows) for table, rows in expected.items()
            }
            assert after == expected
            assert statuses_by_patient(db.engine) == KEYS_AFTER
            checks, foreign_keys, indexes = schema_before
            assert session_schema(db.engine) == (checks | {"ck_treatment_session_usual_skin"}, foreign_keys, indexes)
            assert "no_logs" in status_default(db.engine)  # 5e1f0c1d2a06: a new session has no logs yet
            # Under this release's rules the slow demo course (redness 2 on day 4 after 0.5 mm) is past
            # the depth's downtime: `make migrate` runs refresh-statuses after the upgrade to store that.
            model = {}
            for treatment in db.session.scalars(sa.select(TreatmentSession).order_by(TreatmentSession.performed_at)):
                model.setdefault(treatment.patient.email, []).append(assess_session(treatment).status)
            assert model == KEYS_AFTER | {SLOW: ["contact"]}
            db.session.remove()

        patient = app.test_client()
        response = patient.post("/auth/login", data={"email": TYPICAL, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        home = patient.get("/").get_data(as_text=True)
        assert home.count('class="badge badge-ok">On track<') == 2  # both of Tess's sessions
        session_ids = re.findall(r'href="/sessions/(\d+)"', home)
        assert len(session_ids) == 2
        for session_id in session_ids:
            assert patient.get(f"/sessions/{session_id}").status_code == 200

        practitioner = app.test_client()
        response = practitioner.post("/auth/login", data={"email": DEMO_PRACTITIONER, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        dashboard = practitioner.get("/clinic/").get_data(as_text=True)
        # The stored keys, read back as words, one patient of each status.
        for words in ("Contact your clinic · day 3", "Slower than typical · day 4", "On track · day 1"):
            assert words in dashboard

        result = runner.invoke(args=["db", "downgrade", PREVIOUS_HEAD])
        assert result.exit_code == 0, result.output
        with app.app_context():
            assert snapshot(db.engine)["treatment_session"] == before["treatment_session"]
            assert snapshot(db.engine)["alert"] == before["alert"]  # one alert per flag again
            assert "On track" in status_default(db.engine)
            db.session.remove()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
