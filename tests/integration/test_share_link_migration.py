"""Migration 5e1f0c1d2a0a (share links and their views) on a database holding data, both ways."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.migrations import app_at_revision

BEFORE, AFTER = "5e1f0c1d2a09", "5e1f0c1d2a0a"
WHEN = datetime(2026, 6, 1, 9, 0)
HASH = "a" * 64


@pytest.fixture
def old_database(tmp_path):
    """An app on its own database at BEFORE, with a patient and two sessions."""
    with app_at_revision(tmp_path, BEFORE, "share-links.db") as app:
        with app.app_context():
            for sql in (
                'INSERT INTO "user" (id, email, name, password_hash, role, timezone, created_at) VALUES '
                "(1, 'a@example.com', '', 'x', 'patient', 'UTC', :when)",
                "INSERT INTO treatment_session (id, patient_id, performed_at, device, areas, concerns, notes, status, "
                "created_at) VALUES (1, 1, :when, 'derma_pen', '[]', '[]', '', 'on_track', :when), "
                "(2, 1, :when, 'derma_pen', '[]', '[]', '', 'on_track', :when)",
            ):
                db.session.execute(sa.text(sql), {"when": WHEN})
            db.session.commit()
            db.session.remove()
        yield app


def test_links_are_stored_by_hash_go_with_their_session_and_the_downgrade_keeps_the_rest(old_database):
    runner = old_database.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", AFTER])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        insert = (
            "INSERT INTO share_link (id, patient_id, session_id, token_hash, label, include_photos, created_at, "
            "expires_at) VALUES (:id, 1, :session, :hash, '', false, :when, :when)"
        )
        db.session.execute(sa.text(insert), {"id": 1, "session": 1, "hash": HASH, "when": WHEN})
        db.session.execute(sa.text(insert), {"id": 2, "session": None, "hash": "b" * 64, "when": WHEN})
        db.session.execute(
            sa.text("INSERT INTO share_link_view (share_link_id, viewed_at) VALUES (1, :when)"), {"when": WHEN}
        )
        db.session.commit()
        with pytest.raises(sa.exc.IntegrityError):  # one hash, one link
            db.session.execute(sa.text(insert), {"id": 3, "session": 2, "hash": HASH, "when": WHEN})
        db.session.rollback()
        db.session.execute(sa.text("DELETE FROM treatment_session WHERE id = 1"))
        db.session.commit()
        assert db.session.execute(sa.text("SELECT id FROM share_link")).scalars().all() == [2]
        assert db.session.execute(sa.text("SELECT count(*) FROM share_link_view")).scalar() == 0
        db.session.remove()

    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with old_database.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        assert "share_link" not in tables and "share_link_view" not in tables
        assert db.session.execute(sa.text("SELECT id FROM treatment_session")).scalars().all() == [2]
        db.session.remove()
