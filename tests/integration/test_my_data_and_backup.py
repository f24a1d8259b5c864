"""A patient's data to take away or erase; database backups and restores."""

import csv
import io
import json
import sqlite3

import sqlalchemy as sa

from app.extensions import db as _db
from app.factory import create_app
from app.models import Alert, AlertFlag, AuditEvent, CareLink, PractitionerNote, SymptomLog, TreatmentSession, User
from tests.conftest import PASSWORD, make_config


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_patient_downloads_everything_as_json_and_csv(
    patient_client, patient, make_session, make_log, make_clinic, share, make_photo
):
    treatment = make_session(patient, hours_ago=30, notes="My first session")
    make_log(treatment, hours_after=2, redness=3, note="Hot", fever=True)
    photo = make_photo(treatment, hours_after=3)
    share(patient, make_clinic("Glow Clinic"))
    response = patient_client.get("/my-data/afterglow.json")
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == patient.email
    assert data["sessions"][0]["notes"] == "My first session"
    log = data["sessions"][0]["logs"][0]
    assert (log["redness"], log["note"], log["warning_signs"]) == (3, "Hot", ["fever"])
    assert data["clinics"][0]["clinic"] == "Glow Clinic"
    assert data["sessions"][0]["photos"] == [
        {"taken_at": photo.taken_at.isoformat(), "path": f"/photos/{photo.id}/screen.jpg"}
    ]
    assert patient_client.get(data["sessions"][0]["photos"][0]["path"]).status_code == 200
    rows = list(csv.DictReader(io.StringIO(patient_client.get("/my-data/afterglow-logs.csv").get_data(as_text=True))))
    assert [(r["redness"], r["note"]) for r in rows] == [("3", "Hot")]


def test_downloads_hold_only_the_patients_own_data(patient_client, make_patient, make_session, make_log):
    other = make_patient(email="someone.else@example.com")
    make_log(make_session(other), note="not yours")
    assert "not yours" not in patient_client.get("/my-data/afterglow.json").get_data(as_text=True)
    assert "someone.else" not in patient_client.get("/my-data/afterglow-logs.csv").get_data(as_text=True)


def test_deleting_the_account_needs_the_password_then_erases_everything(
    patient_client, patient, make_session, make_log, make_clinic, make_practitioner, share, db
):
    clinic = make_clinic()
    doctor = make_practitioner(clinic)
    treatment = make_session(patient)
    make_log(treatment)
    share(patient, clinic)
    alert = Alert(clinic_id=clinic.id, patient_id=patient.id, session_id=treatment.id)
    alert.flags.append(AlertFlag(flag_key="sign_fever", severity="today", reason="r", action="a"))
    db.session.add_all(
        [
            alert,
            PractitionerNote(clinic_id=clinic.id, patient_id=patient.id, author_id=doctor.id, body="private"),
            AuditEvent(clinic_id=clinic.id, actor_id=doctor.id, patient_id=patient.id, action="view_patient"),
        ]
    )
    db.session.commit()
    patient_id = patient.id

    wrong = patient_client.post("/my-data/delete", data={"password": "not-my-password"})
    assert wrong.status_code == 422 and "Nothing was deleted" in wrong.get_data(as_text=True)
    assert count(db, User) == 2

    response = patient_client.post("/my-data/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, patient_id) is None
    for model in (TreatmentSession, SymptomLog, CareLink, Alert, AlertFlag, PractitionerNote, AuditEvent):
        assert count(db, model) == 0, model.__name__
    assert count(db, User) == 1  # the practitioner stays
    assert patient_client.get("/sessions/new").status_code == 302  # logged out


def test_backup_and_restore_round_trip(tmp_path):
    """On SQLite (also during the PostgreSQL run of the suite: backup is a SQLite feature)."""
    live = tmp_path / "live.db"
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{live}"))
    runner = app.test_cli_runner()
    with app.app_context():
        _db.create_all()
        _db.session.add(User(email="kept@example.com", password_hash="x"))
        _db.session.commit()
        # A second connection holds the database open while the backup runs, as the app would.
        with sqlite3.connect(live) as busy:
            busy.execute("SELECT count(*) FROM user").fetchone()
            result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
        busy.close()
        assert result.exit_code == 0, result.output
        assert "integrity check: ok" in result.output

        _db.session.execute(sa.delete(User))
        _db.session.commit()
        assert _db.session.scalar(sa.select(sa.func.count(User.id))) == 0
        _db.session.remove()

        result = runner.invoke(args=["restore", str(tmp_path / "copy.db"), "--yes"])
        assert result.exit_code == 0, result.output
        assert _db.session.scalar(sa.select(User.email)) == "kept@example.com"
        _db.session.remove()
        _db.engine.dispose()


def test_restore_asks_before_replacing_data(tmp_path):
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}"))
    (tmp_path / "copy.db").write_bytes(b"")
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "copy.db")], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
