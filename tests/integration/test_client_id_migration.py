"""Migration 5e1f0c1d2a01 (client_id unique per session) on a database that holds logs, both ways."""

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from tests.migrations import app_at_revision

BEFORE, AFTER = "14db22b25893", "5e1f0c1d2a01"
WHEN = datetime(2026, 6, 1, 9, 0)


@pytest.fixture
def old_database(tmp_path):
    """An app on its own database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set) at BEFORE, with data."""
    with app_at_revision(tmp_path, BEFORE, "client-id.db") as app:
        with app.app_context():
            for sql in (
                'INSERT INTO "user" (id, email, name, password_hash, role, timezone, login_token, created_at) VALUES '
                "(1, 'a@example.com', '', 'x', 'patient', 'UTC', 't1', :when), "
                "(2, 'b@example.com', '', 'x', 'patient', 'UTC', 't2', :when)",
                "INSERT INTO treatment_session (id, patient_id, performed_at, device, areas, concerns, notes, status, "
                "created_at) VALUES (1, 1, :when, 'derma_pen', '[]', '[]', '', 'On track', :when), "
                "(2, 2, :when, 'derma_pen', '[]', '[]', '', 'On track', :when)",
                "INSERT INTO symptom_log (id, session_id, logged_at, redness, swelling, peeling, bruising, pus, fever, "
                "blisters, rash, worse_again, note, client_id, created_at) VALUES "
                "(1, 1, :when, 2, 1, 0, false, false, false, false, false, false, 'a', 'id-1', :when), "
                "(2, 2, :when, 1, 0, 0, false, false, false, false, false, false, 'b', 'id-2', :when)",
            ):
                db.session.execute(sa.text(sql), {"when": WHEN})
            db.session.commit()
            db.session.remove()
        yield app


def add_log(log_id, session_id, client_id):
    db.session.execute(
        sa.text(
            "INSERT INTO symptom_log (id, session_id, logged_at, redness, swelling, peeling, bruising, pus, fever, "
            "blisters, rash, worse_again, note, client_id, created_at) VALUES "
            "(:id, :session_id, :when, 0, 0, 0, false, false, false, false, false, false, '', :client_id, :when)"
        ),
        {"id": log_id, "session_id": session_id, "client_id": client_id, "when": WHEN},
    )
    db.session.commit()


def stored_logs():
    return db.session.execute(sa.text("SELECT id, session_id, note, client_id FROM symptom_log ORDER BY id")).all()


def test_the_upgrade_keeps_every_log_and_scopes_the_id_to_its_session(old_database):
    runner = old_database.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", AFTER])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        assert stored_logs() == [(1, 1, "a", "id-1"), (2, 2, "b", "id-2")]
        add_log(3, 2, "id-1")  # another session may use the same id
        with pytest.raises(IntegrityError):
            add_log(4, 1, "id-1")  # the same session may not
        db.session.rollback()
        db.session.remove()

    # Back down: the global constraint returns, keeping the first log of an id that two sessions used.
    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        assert stored_logs() == [(1, 1, "a", "id-1"), (2, 2, "b", "id-2"), (3, 2, "", None)]
        db.session.remove()
