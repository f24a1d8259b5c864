"""Migration 5e1f0c1d2a07 (clinic profile; message to the patient on an alert) on a database holding data, both ways."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.migrations import app_at_revision

BEFORE, AFTER = "5e1f0c1d2a06", "5e1f0c1d2a07"
WHEN = datetime(2026, 6, 1, 9, 0)


@pytest.fixture
def old_database(tmp_path):
    """An app on its own database at BEFORE, with a clinic, a patient's session and an acknowledged alert."""
    with app_at_revision(tmp_path, BEFORE, "clinic-profile.db") as app:
        with app.app_context():
            for sql in (
                "INSERT INTO clinic (id, name, created_at) VALUES (1, 'Glow Clinic', :when)",
                'INSERT INTO "user" (id, email, name, password_hash, role, timezone, created_at) VALUES '
                "(1, 'a@example.com', '', 'x', 'patient', 'UTC', :when)",
                "INSERT INTO treatment_session (id, patient_id, performed_at, device, areas, concerns, notes, status, "
                "created_at) VALUES (1, 1, :when, 'derma_pen', '[]', '[]', '', 'contact', :when)",
                "INSERT INTO alert (id, clinic_id, patient_id, session_id, created_at, acknowledged_at, "
                "acknowledgement_note) VALUES (1, 1, 1, 1, :when, :when, 'Called her.')",
            ):
                db.session.execute(sa.text(sql), {"when": WHEN})
            db.session.commit()
            db.session.remove()
        yield app


def test_the_profile_starts_empty_and_the_note_stays_the_clinics(old_database):
    runner = old_database.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", AFTER])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        clinic = db.session.execute(
            sa.text(
                "SELECT name, phone, email, timezone, hours_monday, hours_sunday, after_hours_advice, "
                "emergency_advice FROM clinic"
            )
        ).one()
        assert tuple(clinic) == ("Glow Clinic", "", "", "UTC", "", "", "", "")
        alert = db.session.execute(sa.text("SELECT acknowledgement_note, message_to_patient FROM alert")).one()
        assert tuple(alert) == ("Called her.", "")  # the private note is never copied to the patient
        db.session.execute(
            sa.text(
                "UPDATE clinic SET phone = '+44 20 7946 0000', hours_monday = '09:00-17:30', "
                "after_hours_advice = 'Call 111.' WHERE id = 1"
            )
        )
        db.session.execute(sa.text("UPDATE alert SET message_to_patient = 'Come in at 4.' WHERE id = 1"))
        db.session.commit()
        db.session.remove()

    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        assert db.session.execute(sa.text("SELECT id, name FROM clinic")).all() == [(1, "Glow Clinic")]
        assert db.session.execute(sa.text("SELECT id, acknowledgement_note FROM alert")).all() == [(1, "Called her.")]
        columns = {column["name"] for column in sa.inspect(db.engine).get_columns("clinic")}
        assert "phone" not in columns and "hours_monday" not in columns
        assert "message_to_patient" not in {column["name"] for column in sa.inspect(db.engine).get_columns("alert")}
        db.session.remove()
