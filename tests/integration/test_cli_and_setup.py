import sqlalchemy as sa

from app.cli import DEMO_PASSWORD, DEMO_PATIENT_EMAIL, DEMO_PATIENTS
from app.factory import create_app
from app.models import TreatmentSession, User
from app.services.session_reports import assess_session
from tests.conftest import make_config


def test_seed_demo_creates_a_patient_who_can_log_in_and_can_run_twice(app, client, db):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    assert DEMO_PATIENT_EMAIL in result.output and DEMO_PASSWORD in result.output
    patient = db.session.scalar(sa.select(User).where(User.email == DEMO_PATIENT_EMAIL))
    sessions = db.session.scalars(sa.select(TreatmentSession).where(TreatmentSession.patient_id == patient.id)).all()
    assert len(sessions) == 2
    assert all(s.logs for s in sessions)
    assert any(log.improvement for s in sessions for log in s.logs)
    response = client.post("/auth/login", data={"email": DEMO_PATIENT_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_migrations_build_the_same_schema_as_the_models(tmp_path):
    """From an empty database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set) to the models, and back."""
    app = create_app(
        make_config(
            tmp_path,
            SQLALCHEMY_DATABASE_URI=make_config(tmp_path)["SQLALCHEMY_DATABASE_URI"].replace("test.db", "migrated.db"),
        )
    )
    runner = app.test_cli_runner()
    try:
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["db", "check"])
        assert result.exit_code == 0, result.output  # no model change lacks a migration
        with app.app_context():
            from app.extensions import db

            if db.engine.dialect.name == "sqlite":
                assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
                assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
            db.session.remove()
    finally:
        result = runner.invoke(args=["db", "downgrade", "base"])
        with app.app_context():
            from app.extensions import db

            db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    assert result.exit_code == 0, result.output  # every migration can be undone too


def test_seed_demo_shows_each_of_the_three_statuses(app, db):
    app.test_cli_runner().invoke(args=["seed-demo"])
    statuses = {}
    for course, email in DEMO_PATIENTS.items():
        latest = db.session.scalar(
            sa.select(TreatmentSession)
            .join(User)
            .where(User.email == email)
            .order_by(TreatmentSession.performed_at.desc())
            .limit(1)
        )
        statuses[course] = assess_session(latest).status
    assert statuses == {"typical": "on_track", "slow": "slower", "red_flag": "contact", "missed": "on_track"}


def test_seed_demo_gives_the_practitioner_a_patient_in_every_need(app, db):
    from app.cli import DEMO_PRACTITIONER_EMAIL
    from app.models import utcnow
    from app.services.dashboard import clinic_dashboard

    app.test_cli_runner().invoke(args=["seed-demo"])
    practitioner = db.session.scalar(sa.select(User).where(User.email == DEMO_PRACTITIONER_EMAIL))
    page = clinic_dashboard(practitioner.clinic_id, utcnow())
    assert [row.triage.need for row in page.rows] == ["alert", "slower", "missed", "on_track"]


def test_refresh_statuses_recomputes_stored_statuses(app, db, patient, make_session, make_log):
    treatment = make_session(patient, hours_ago=30)
    make_log(treatment, hours_after=28, redness=1, swelling=0, fever=True)
    assert treatment.status == "no_logs"  # stored before any refresh (make_log writes the row directly)
    result = app.test_cli_runner().invoke(args=["refresh-statuses"])
    assert result.exit_code == 0 and "Statuses refreshed: 1." in result.output
    db.session.refresh(treatment)
    assert treatment.status == "contact"
