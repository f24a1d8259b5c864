"""Migration 5e1f0c1d2a05 (one alert per episode) on a database holding alerts, up and back down."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.conftest import PASSWORD
from tests.migrations import app_at_revision

BEFORE, AFTER = "5e1f0c1d2a04", "5e1f0c1d2a05"
T1, T2, T3, T4 = (datetime(2026, 6, 1, hour, 0) for hour in (9, 10, 11, 12))
CLOSED = "Closed automatically after the patient corrected a log: the recovery model no longer raises this flag"

# The old alerts: one row per flag. (id, clinic, session, flag, created, acknowledged at, by, note)
OLD_ALERTS = [
    # Session 1 at clinic 1: two open flags, and fever acknowledged before and raised again since.
    (1, 1, 1, "sign_pus", T1, None, None, ""),
    (2, 1, 1, "sign_fever", T1, T2, 1, "Called; no fever now."),
    (3, 1, 1, "sign_fever", T3, None, None, ""),
    (4, 1, 1, "sign_rash", T3, None, None, ""),
    # The same session at clinic 2: one open flag.
    (5, 2, 1, "sign_pus", T1, None, None, ""),
    # Session 2 at clinic 1: two flags a correction closed at once, and one a practitioner acknowledged
    # that is still the newest alert of its flag.
    (6, 1, 2, "sign_blisters", T1, T2, None, CLOSED),
    (7, 1, 2, "sign_worse_again", T1, T2, None, CLOSED),
    (8, 1, 2, "persistent_redness", T3, T4, 1, "Seen in clinic."),
]


@pytest.fixture
def old_database(tmp_path):
    """An app on its own database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set) at BEFORE, with alerts."""
    with app_at_revision(tmp_path, BEFORE, "episodes.db") as app:
        with app.app_context():
            fill_old_schema()
            db.session.remove()
        yield app


def fill_old_schema():
    """Two clinics, a practitioner, a patient sharing with both, two sessions, and OLD_ALERTS."""
    from werkzeug.security import generate_password_hash

    when = {"when": T1}
    db.session.execute(
        sa.text("INSERT INTO clinic (id, name, created_at) VALUES (1, 'Glow', :when), (2, 'Other', :when)"), when
    )
    db.session.execute(
        sa.text(
            'INSERT INTO "user" (id, email, name, password_hash, role, clinic_id, timezone, created_at) VALUES '
            "(1, 'doc@example.com', 'Dr Glow', :hash, 'practitioner', 1, 'UTC', :when), "
            "(2, 'pat@example.com', 'Pat', :hash, 'patient', NULL, 'UTC', :when)"
        ),
        when | {"hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")},
    )
    db.session.execute(
        sa.text(
            "INSERT INTO treatment_session (id, patient_id, performed_at, needle_depth_mm, device, areas, concerns, "
            "notes, status, created_at) VALUES "
            "(1, 2, :when, 0.5, 'derma_pen', '[\"face\"]', '[]', '', 'contact', :when), "
            "(2, 2, :when, 0.5, 'derma_pen', '[\"face\"]', '[]', '', 'on_track', :when)"
        ),
        when,
    )
    db.session.execute(
        sa.text(
            "INSERT INTO care_link (id, clinic_id, patient_id, consented_at) VALUES (1, 1, 2, :when), (2, 2, 2, :when)"
        ),
        when,
    )
    for alert_id, clinic_id, session_id, key, created, acknowledged, by, note in OLD_ALERTS:
        db.session.execute(
            sa.text(
                "INSERT INTO alert (id, clinic_id, patient_id, session_id, flag_key, severity, reason, action, "
                "created_at, acknowledged_at, acknowledged_by_id, acknowledgement_note) VALUES "
                "(:id, :clinic, 2, :session, :key, 'contact', :reason, :action, :created, :acknowledged, :by, :note)"
            ),
            {
                "id": alert_id,
                "clinic": clinic_id,
                "session": session_id,
                "key": key,
                "reason": f"Reason {key}.",
                "action": f"Action {key}.",
                "created": created,
                "acknowledged": acknowledged,
                "by": by,
                "note": note,
            },
        )
    db.session.commit()


def fetch(sql):
    return [tuple(row) for row in db.session.execute(sa.text(sql))]


def old_rows():
    """The old alerts as (clinic, session, flag, severity, reason, action, created, acknowledged, by, note), sorted."""
    rows = db.session.execute(
        sa.select(
            sa.column("clinic_id"),
            sa.column("session_id"),
            sa.column("flag_key"),
            sa.column("severity"),
            sa.column("reason"),
            sa.column("action"),
            sa.column("created_at", sa.DateTime),
            sa.column("acknowledged_at", sa.DateTime),
            sa.column("acknowledged_by_id"),
            sa.column("acknowledgement_note"),
        ).select_from(sa.table("alert"))
    ).all()
    return sorted((tuple(row) for row in rows), key=repr)


def test_the_upgrade_groups_alerts_into_episodes_and_the_downgrade_splits_them_again(old_database):
    runner = old_database.test_cli_runner()
    with old_database.app_context():
        before = old_rows()
        assert len(before) == 8
        db.session.remove()

    result = runner.invoke(args=["db", "upgrade", AFTER])
    assert result.exit_code == 0, result.output
    # Read through today's models, which need the later revisions' columns too (none touches these rows).
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output

    with old_database.app_context():
        from app.models import Alert

        episodes = db.session.scalars(sa.select(Alert).order_by(Alert.id)).all()
        summary = [
            (
                e.id,
                e.clinic_id,
                e.session_id,
                e.created_at.replace(tzinfo=None),
                e.ended_at and e.ended_at.replace(tzinfo=None),
                e.acknowledged_at and e.acknowledged_at.replace(tzinfo=None),
                e.acknowledged_by_id,
                e.acknowledgement_note,
                [
                    (
                        f.flag_key,
                        f.severity,
                        f.reason,
                        f.action,
                        f.raised_at.replace(tzinfo=None),
                        f.cleared_at and f.cleared_at.replace(tzinfo=None),
                    )
                    for f in e.flags
                ],
            )
            for e in episodes
        ]
        assert summary == [
            # The open alerts of session 1 at clinic 1: one open episode, with all their flags.
            (
                1,
                1,
                1,
                T1,
                None,
                None,
                None,
                "",
                [
                    ("sign_pus", "today", "Reason sign_pus.", "Action sign_pus.", T1, None),
                    ("sign_fever", "today", "Reason sign_fever.", "Action sign_fever.", T3, None),
                    ("sign_rash", "today", "Reason sign_rash.", "Action sign_rash.", T3, None),
                ],
            ),
            # Fever acknowledged at T2, raised again since: that acknowledgement is kept, and over.
            (
                2,
                1,
                1,
                T1,
                T2,
                T2,
                1,
                "Called; no fever now.",
                [("sign_fever", "today", "Reason sign_fever.", "Action sign_fever.", T1, T2)],
            ),
            (
                5,
                2,
                1,
                T1,
                None,
                None,
                None,
                "",
                [("sign_pus", "today", "Reason sign_pus.", "Action sign_pus.", T1, None)],
            ),
            # Closed together by one correction: one ended episode.
            (
                6,
                1,
                2,
                T1,
                T2,
                T2,
                None,
                CLOSED,
                [
                    ("sign_blisters", "today", "Reason sign_blisters.", "Action sign_blisters.", T1, T2),
                    ("sign_worse_again", "today", "Reason sign_worse_again.", "Action sign_worse_again.", T1, T2),
                ],
            ),
            # Acknowledged and still the newest of its flag: current, so the same flag raises nothing new.
            (
                8,
                1,
                2,
                T3,
                None,
                T4,
                1,
                "Seen in clinic.",
                [("persistent_redness", "today", "Reason persistent_redness.", "Action persistent_redness.", T3, None)],
            ),
        ]
        assert [e.closed_automatically for e in episodes] == [False, False, False, True, False]
        db.session.remove()

    # The clinic's pages read the new rows: one open alert for session 1 at this clinic, listing three flags.
    client = old_database.test_client()
    assert client.post("/auth/login", data={"email": "doc@example.com", "password": PASSWORD}).status_code == 302
    dashboard = client.get("/clinic/").get_data(as_text=True)
    assert "1 open alert</strong> for\n      1 patient." in dashboard
    page = client.get("/clinic/patients/2").get_data(as_text=True)
    assert "1 open alert." in page and "3 warning signs" in page

    # A second open episode for one clinic and session is refused by the database.
    with old_database.app_context():
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(
                sa.text(
                    "INSERT INTO alert (clinic_id, patient_id, session_id, created_at, acknowledgement_note) "
                    "VALUES (1, 2, 1, :when, '')"
                ),
                {"when": T4},
            )
            db.session.flush()
        db.session.rollback()
        db.session.remove()

    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        assert old_rows() == before  # each flag an alert again, with its acknowledgement
        assert "alert_flag" not in sa.inspect(db.engine).get_table_names()
        ids = [row[0] for row in fetch("SELECT id FROM alert ORDER BY id")]
        assert len(set(ids)) == 8
        # New alerts still get fresh ids (PostgreSQL's sequence is past every id the downgrade wrote).
        db.session.execute(
            sa.text(
                "INSERT INTO alert (clinic_id, patient_id, session_id, flag_key, severity, reason, action, created_at, "
                "acknowledgement_note) VALUES (1, 2, 2, 'sign_fever', 'contact', 'r', 'a', :when, '')"
            ),
            {"when": T4},
        )
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()


def test_an_open_episode_with_a_flag_cleared_goes_down_as_the_previous_code_kept_it(old_database):
    """A flag the model stopped raising while its episode was open was closed automatically before."""
    runner = old_database.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", AFTER]).exit_code == 0
    with old_database.app_context():
        db.session.execute(
            sa.text("UPDATE alert_flag SET cleared_at = :when WHERE alert_id = 1 AND flag_key = 'sign_rash'"),
            {"when": T4},
        )
        db.session.commit()
        db.session.remove()
    assert runner.invoke(args=["db", "downgrade", BEFORE]).exit_code == 0
    with old_database.app_context():
        rash = [row for row in old_rows() if row[2] == "sign_rash"]
        assert rash == [
            (
                1,
                1,
                "sign_rash",
                "contact",
                "Reason sign_rash.",
                "Action sign_rash.",
                T3,
                T4,
                None,
                "Closed automatically: the recovery model no longer raises this flag for the session.",
            )
        ]
        db.session.remove()
