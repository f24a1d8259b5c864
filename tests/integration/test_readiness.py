"""Liveness and readiness: /readyz tells the truth about writing, and the pool recovers without a restart.

The database is made read-only for real, so the connections opened meanwhile
are read-only ones, as in issue 12: a SQLite file the server's user cannot
write (chmod; as root, which ignores file modes, the immutable attribute with
chattr), or a PostgreSQL database whose new sessions are read-only (as a
standby after a fail-over would be).
"""

import os
import subprocess
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.models import SymptomLog


@contextmanager
def read_only_sqlite_file(path):
    """The file cannot be opened for writing, so SQLite silently opens it read-only."""
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", path], capture_output=True, text=True)
        if done.returncode != 0:
            if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
                pytest.fail(f"chattr +i failed here: {done.stderr}")
            pytest.skip(f"this file system has no immutable attribute: {done.stderr.strip()}")
        undo = ["chattr", "-i", path]
    else:
        os.chmod(path, 0o444)
        undo = None
    try:
        yield
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            os.chmod(path, 0o644)


@contextmanager
def read_only_postgres_database(url):
    """New sessions of the test database are read-only; those already open are not."""
    name = sa.make_url(url).database
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        yield
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        admin.dispose()


@pytest.fixture
def read_only(app):
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return lambda: read_only_sqlite_file(url.database)
    return lambda: read_only_postgres_database(app.config["SQLALCHEMY_DATABASE_URI"])


def save_log(client, session_id):
    return client.post(
        f"/sessions/{session_id}/logs/new",
        data={"redness": "1", "swelling": "1", "peeling": "0", "client_id": str(uuid.uuid4())},
    )


def test_healthz_is_a_bare_liveness_answer(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_writes_to_the_database_and_says_ready(client, db):
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ready")
    assert response.headers["Cache-Control"] == "no-store"
    first = db.session.scalar(sa.text("SELECT beat_at FROM heartbeat WHERE id = 1"))
    db.session.rollback()
    client.get("/readyz")
    assert db.session.scalar(sa.text("SELECT count(*) FROM heartbeat")) == 1  # rewritten, not added to
    assert first is not None


def test_a_read_only_database_is_not_ready_and_recovers_without_a_restart(
    app, db, patient_client, treatment, read_only
):
    session_id = treatment.id
    assert patient_client.get("/readyz").status_code == 200
    db.session.remove()
    db.engine.dispose()  # the connections opened from now on meet the read-only database

    with read_only():
        response = patient_client.get("/readyz")
        assert response.status_code == 503
        reason = response.get_data(as_text=True)
        assert reason.startswith("not ready: the database cannot be written")
        assert "read" in reason and "only" in reason  # SQLite: readonly; PostgreSQL: read-only
        assert patient_client.get(f"/sessions/{session_id}").status_code == 200  # reading still works
        with pytest.raises(sa.exc.DBAPIError) as failed:
            save_log(patient_client, session_id)  # TESTING propagates it; a server answers 500
        assert failed.value.connection_invalidated  # that connection is dropped, not pooled

    # Writable again: the very next save works, and the server is ready, with no restart.
    assert save_log(patient_client, session_id).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SymptomLog)) == 1
    assert patient_client.get("/readyz").status_code == 200


def test_a_connection_opened_read_only_is_used_once_then_dropped(app, read_only):
    """What the pool does about a connection that cannot write, seen from the pool."""
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite opens a read-only file read-only without saying so; PostgreSQL refuses the write")
    _db.engine.dispose()
    with read_only():
        with _db.engine.connect() as connection:
            record = connection.connection._connection_record
            assert record.info["read_only"] is True
            raw = connection.connection.dbapi_connection
        assert record.dbapi_connection is None or record.dbapi_connection is not raw  # not back in the pool
    with _db.engine.connect() as connection:
        assert connection.connection._connection_record.info["read_only"] is False


def test_a_read_only_error_drops_the_connection_even_when_not_seen_at_connect(tmp_path):
    """SQLite's own read-only mode (mode=ro) as the stand-in for a file that turned read-only later."""
    path = tmp_path / "ro.db"
    writable = sa.create_engine(f"sqlite:///{path}")
    with writable.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    writable.dispose()
    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with engine.connect() as connection:
            connection.connection._connection_record.info["read_only"] = False  # as if the probe missed it
            with pytest.raises(sa.exc.OperationalError) as failed:
                connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert failed.value.connection_invalidated
    finally:
        engine.dispose()
