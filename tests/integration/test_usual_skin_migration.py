"""Migration 5e1f0c1d2a06 (usual skin; "no_logs" status) on a database holding sessions, both ways."""

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from tests.migrations import app_at_revision

BEFORE, AFTER = "5e1f0c1d2a05", "5e1f0c1d2a06"
WHEN = datetime(2026, 6, 1, 9, 0)


@pytest.fixture
def old_database(tmp_path):
    """An app on its own database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set) at BEFORE, with data."""
    with app_at_revision(tmp_path, BEFORE, "usual-skin.db") as app:
        with app.app_context():
            for sql in (
                'INSERT INTO "user" (id, email, name, password_hash, role, timezone, created_at) VALUES '
                "(1, 'a@example.com', '', 'x', 'patient', 'UTC', :when)",
                # Session 1 has a log; session 2 has none but was stored as on track, as before this revision.
                "INSERT INTO treatment_session (id, patient_id, performed_at, device, areas, concerns, notes, status, "
                "created_at) VALUES (1, 1, :when, 'derma_pen', '[]', '[]', '', 'slower', :when), "
                "(2, 1, :when, 'derma_pen', '[]', '[]', '', 'on_track', :when)",
                "INSERT INTO symptom_log (id, session_id, logged_at, redness, swelling, peeling, bruising, pus, fever, "
                "blisters, rash, worse_again, note, client_id, created_at) VALUES "
                "(1, 1, :when, 2, 1, 0, false, false, false, false, false, false, 'a', 'id-1', :when)",
            ):
                db.session.execute(sa.text(sql), {"when": WHEN})
            db.session.commit()
            db.session.remove()
        yield app


def statuses():
    return db.session.execute(sa.text("SELECT id, status FROM treatment_session ORDER BY id")).all()


def test_sessions_without_logs_say_no_logs_and_the_usual_skin_is_all_or_nothing(old_database):
    runner = old_database.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", AFTER])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        assert statuses() == [(1, "slower"), (2, "no_logs")]
        assert db.session.scalar(sa.text("SELECT count(*) FROM symptom_log")) == 1  # nothing cascaded
        db.session.execute(
            sa.text(
                "UPDATE treatment_session SET usual_redness = 1, usual_swelling = 0, usual_peeling = 0, "
                "usual_skin_logged_at = :when WHERE id = 1"
            ),
            {"when": WHEN},
        )
        db.session.commit()
        with pytest.raises(IntegrityError):  # levels without the moment they were logged
            db.session.execute(sa.text("UPDATE treatment_session SET usual_redness = 2 WHERE id = 2"))
            db.session.commit()
        db.session.rollback()
        with pytest.raises(IntegrityError):  # a level off the 0-4 scale
            db.session.execute(sa.text("UPDATE treatment_session SET usual_redness = 5 WHERE id = 1"))
            db.session.commit()
        db.session.rollback()
        # A new session gets the new default.
        db.session.execute(
            sa.text(
                "INSERT INTO treatment_session (id, patient_id, performed_at, device, areas, concerns, notes, "
                "created_at) VALUES (3, 1, :when, 'derma_pen', '[]', '[]', '', :when)"
            ),
            {"when": WHEN},
        )
        db.session.commit()
        assert statuses()[-1] == (3, "no_logs")
        db.session.remove()

    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        assert statuses() == [(1, "slower"), (2, "on_track"), (3, "on_track")]
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("treatment_session")}
        assert "usual_redness" not in columns
        assert db.session.scalar(sa.text("SELECT count(*) FROM symptom_log")) == 1
        db.session.remove()
