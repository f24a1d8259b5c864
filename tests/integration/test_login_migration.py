"""Migration 5e1f0c1d2a02 (per-device log-ins) on a database that holds data: nothing is lost either way."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.conftest import PASSWORD
from tests.migrations import app_at_revision

BEFORE, AFTER = "5e1f0c1d2a01", "5e1f0c1d2a02"
WHEN = datetime(2026, 6, 1, 9, 0)


@pytest.fixture
def migrated_app(tmp_path):
    """An app on its own database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), at BEFORE."""
    with app_at_revision(tmp_path, BEFORE, "upgraded.db") as app:
        yield app


def rows(table):
    return db.session.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY id')).mappings().all()


def counts():
    return {
        table: db.session.scalar(sa.text(f'SELECT count(*) FROM "{table}"'))
        for table in ("clinic", "user", "treatment_session", "symptom_log", "photo", "care_link", "alert")
    }


def fill_old_schema():
    """A clinic, a practitioner and a patient who shares, with a session, a log, a photo and an alert."""
    from werkzeug.security import generate_password_hash

    statements = [
        ("INSERT INTO clinic (id, name, created_at) VALUES (1, 'Glow', :when)", {}),
        (
            'INSERT INTO "user" (id, email, name, password_hash, role, clinic_id, timezone, login_token, created_at) '
            "VALUES (1, 'doc@example.com', 'Dr', :hash, 'practitioner', 1, 'UTC', 'token-one', :when), "
            "(2, 'pat@example.com', 'Pat', :hash, 'patient', NULL, 'Europe/Paris', 'token-two', :when)",
            {"hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")},
        ),
        (
            "INSERT INTO treatment_session (id, patient_id, performed_at, needle_depth_mm, device, areas, concerns, "
            "notes, status, created_at) VALUES "
            "(1, 2, :when, 0.5, 'derma_pen', '[\"face\"]', '[]', '', 'On track', :when)",
            {},
        ),
        (
            "INSERT INTO symptom_log (id, session_id, logged_at, redness, swelling, peeling, bruising, pus, fever, "
            "blisters, rash, worse_again, note, client_id, created_at) VALUES "
            "(1, 1, :when, 2, 1, 0, false, false, false, false, false, true, 'tight', 'c-1', :when)",
            {},
        ),
        (
            "INSERT INTO photo (id, session_id, taken_at, file_key, width, height, created_at) "
            "VALUES (1, 1, :when, 'key-1', 4, 3, :when)",
            {},
        ),
        ("INSERT INTO care_link (id, clinic_id, patient_id, consented_at) VALUES (1, 1, 2, :when)", {}),
        (
            "INSERT INTO alert (id, clinic_id, patient_id, session_id, flag_key, severity, reason, action, created_at, "
            "acknowledgement_note) VALUES (1, 1, 2, 1, 'worse_again', 'contact', 'r', 'a', :when, '')",
            {},
        ),
    ]
    for sql, params in statements:
        db.session.execute(sa.text(sql), {"when": WHEN, **params})
    db.session.commit()


def test_the_upgrade_keeps_every_row_drops_the_token_and_people_can_log_in(migrated_app):
    runner = migrated_app.test_cli_runner()
    with migrated_app.app_context():
        fill_old_schema()
        before = counts()
        users_before = [{k: v for k, v in row.items() if k != "login_token"} for row in rows("user")]
        db.session.remove()

    result = runner.invoke(args=["db", "upgrade", AFTER])
    assert result.exit_code == 0, result.output

    with migrated_app.app_context():
        assert counts() == before  # no cascade emptied a table while "user" was rebuilt
        assert [dict(row) for row in rows("user")] == users_before
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("user")}
        assert "login_token" not in columns
        assert db.session.scalar(sa.text("SELECT count(*) FROM user_login")) == 0
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()

    # The pages run today's models: they need the later revisions too.
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    client = migrated_app.test_client()
    response = client.post("/auth/login", data={"email": "pat@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/sessions/1").status_code == 200
    with migrated_app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM user_login WHERE user_id = 2")) == 1
        db.session.remove()

    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with migrated_app.app_context():
        assert counts() == before
        tokens = [row["login_token"] for row in rows("user")]
        assert all(tokens) and len(set(tokens)) == len(tokens)  # each user a token of their own again
        assert "user_login" not in sa.inspect(db.engine).get_table_names()
        db.session.remove()
