"""One write path: after every kind of change to a session, a log or a photo, whoever made it,
the session's stored status is the model's status on its stored logs, and the clinic's open
alerts are exactly the model's red flags.

Every change goes through the app as its users make it (the patient's and the clinic's forms,
the offline queue's resend, the CLI), so these tests hold whatever the write path looks like inside.
"""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.core import recovery
from app.gallery.forms import PhotoForm
from app.models import Alert, AlertFlag, AuditEvent, CareLink, Photo, SymptomLog, TreatmentSession, utcnow
from app.services import logbook, photos
from tests.conftest import NOW, log_in
from tests.sample_images import jpeg

CLIENT_ID = "33333333-3333-4333-8333-333333333333"


def local(moment):
    """A datetime-local field's value for a UTC user (the test patients' zone)."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def session_form(performed_at, depth="0.5", **overrides):
    return {
        "performed_at": local(performed_at),
        "needle_depth_mm": depth,
        "device": "derma_pen",
        "areas": "face",
        **overrides,
    }


def log_form(logged_at=NOW, redness="2", swelling="0", peeling="0", **overrides):
    return {"logged_at": local(logged_at), "redness": redness, "swelling": swelling, "peeling": peeling, **overrides}


def fresh_assessment(treatment):
    """The recovery model's verdict on the session's stored logs, as of now, built here from the rows."""
    entries = [
        recovery.LogEntry(
            logged_at=log.logged_at,
            redness=log.redness,
            swelling=log.swelling,
            peeling=log.peeling,
            pain=log.pain,
            itch=log.itch,
            bruising=log.bruising,
            warning_signs=log.warning_signs,
            improvement=log.improvement,
        )
        for log in treatment.logs
    ]
    facts = recovery.SessionFacts(treatment.performed_at, treatment.needle_depth_mm)
    return recovery.assess(facts, entries, utcnow(), include_points=False)


# The severities that make a clinic alert (issue 14: "today" and "soon", never "watch").
ALERTING = ("today", "soon")


def red_flags(treatment):
    return {flag.key for flag in fresh_assessment(treatment).flags if flag.severity in ALERTING}


def held_flags(db, session_id):
    """(clinic, flag key) of the flags the session's current (not ended) alert episodes still hold."""
    db.session.rollback()  # read what the requests committed, nothing cached
    episodes = db.session.scalars(sa.select(Alert).where(Alert.session_id == session_id, Alert.ended_at.is_(None)))
    return {(alert.clinic_id, flag.flag_key) for alert in episodes for flag in alert.flags if flag.cleared_at is None}


def open_alerts(db, session_id):
    db.session.rollback()
    return db.session.scalars(
        sa.select(Alert).where(Alert.session_id == session_id, Alert.acknowledged_at.is_(None))
    ).all()


def assert_episodes_are_whole(db, session_id):
    """One open episode at most per clinic; an open one holds a flag; an ended one is closed and holds none."""
    alerts = db.session.scalars(sa.select(Alert).where(Alert.session_id == session_id)).all()
    open_clinics = [alert.clinic_id for alert in alerts if alert.is_open]
    assert len(open_clinics) == len(set(open_clinics)), f"session {session_id}"
    for alert in alerts:
        raised = [flag for flag in alert.flags if flag.cleared_at is None]
        if alert.ended_at is None:
            assert raised, f"alert {alert.id}"
        else:
            assert not alert.is_open and not raised, f"alert {alert.id}"


def assert_every_record_agrees_with_the_model(db):
    """For every session: stored status == a fresh assessment's; its alerts hold its red flags at each clinic."""
    db.session.rollback()  # read what the requests committed, nothing cached
    sessions = db.session.scalars(sa.select(TreatmentSession).order_by(TreatmentSession.id)).all()
    assert sessions
    for treatment in sessions:
        assert treatment.status == fresh_assessment(treatment).status, f"session {treatment.id}"
        sharing = db.session.scalars(
            sa.select(CareLink.clinic_id).where(
                CareLink.patient_id == treatment.patient_id, CareLink.withdrawn_at.is_(None)
            )
        ).all()
        expected = {(clinic_id, key) for clinic_id in sharing for key in red_flags(treatment)}
        assert held_flags(db, treatment.id) == expected, f"session {treatment.id}"
        assert_episodes_are_whole(db, treatment.id)


def assert_done(response):
    """The change was made: the page redirects on, not to the log-in page."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert not response.headers["Location"].startswith("/auth/login")


def post_photo(client, url, fields=None):
    values = MultiDict(fields or {})
    values.add("photo", FileStorage(io.BytesIO(jpeg()), filename="photo.jpg"))
    boundary, payload = encode_multipart(values)
    return client.post(url, data=payload, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def clinic(make_clinic):
    return make_clinic("Glow Clinic")


@pytest.fixture
def sharing_patient(make_patient, clinic, share):
    patient = make_patient(name="Sharing Sam")
    share(patient, clinic)
    return patient


@pytest.fixture
def patient_browser(app, sharing_patient):
    browser = app.test_client()
    log_in(browser, sharing_patient)
    return browser


@pytest.fixture
def clinic_browser(app, clinic, make_practitioner):
    browser = app.test_client()
    log_in(browser, make_practitioner(clinic))
    return browser


def the_only(db, model, *where):
    db.session.rollback()
    return db.session.scalars(sa.select(model).where(*where)).one()


def newest(db, model):
    db.session.rollback()
    return db.session.scalars(sa.select(model).order_by(model.id.desc()).limit(1)).one()


def test_every_kind_of_change_by_the_patient_keeps_status_and_alerts_true(
    app, db, frozen_time, clinic, sharing_patient, patient_browser
):
    patient = patient_browser

    # Record a session: 0.5 mm, 30 hours ago.
    assert_done(patient.post("/sessions/new", data=session_form(NOW - timedelta(hours=30))))
    treatment = the_only(db, TreatmentSession)
    assert_every_record_agrees_with_the_model(db)

    # A log: redness 2, as expected a day after 0.5 mm.
    assert_done(patient.post(f"/sessions/{treatment.id}/logs/new", data=log_form()))
    assert_every_record_agrees_with_the_model(db)
    assert red_flags(the_only(db, TreatmentSession)) == set()

    # The correction: it was 9 days ago, with 2.0 mm. Redness after a week is a red flag.
    response = patient.post(f"/sessions/{treatment.id}/edit", data=session_form(NOW - timedelta(days=9), depth="2.0"))
    assert_done(response)
    assert red_flags(the_only(db, TreatmentSession)) == {"persistent_redness"}
    assert_every_record_agrees_with_the_model(db)

    # Correcting the log (redness was 0 after all) takes the flag away: the alert closes itself.
    log = the_only(db, SymptomLog)
    response = patient.post(f"/logs/{log.id}/edit", data=log_form(redness="0", swelling="0"))
    assert_done(response)
    assert red_flags(the_only(db, TreatmentSession)) == set()
    assert_every_record_agrees_with_the_model(db)
    closed = the_only(db, Alert)
    assert closed.closed_automatically and "the patient corrected a log" in closed.acknowledgement_note

    # A new log with pus: a red flag again, a new alert.
    assert_done(patient.post(f"/sessions/{treatment.id}/logs/new", data=log_form(NOW - timedelta(hours=1), pus="y")))
    assert red_flags(the_only(db, TreatmentSession)) == {"sign_pus"}
    assert_every_record_agrees_with_the_model(db)

    # Deleting that log (a mistake) closes its alert.
    pus_log = the_only(db, SymptomLog, SymptomLog.pus.is_(True))
    assert_done(patient.post(f"/logs/{pus_log.id}/delete"))
    assert red_flags(the_only(db, TreatmentSession)) == set()
    assert_every_record_agrees_with_the_model(db)

    # The offline queue sends a log with pus, then again after a lost answer: stored once, one alert.
    offline_log = log_form(NOW - timedelta(hours=2), pus="y", client_id=CLIENT_ID)
    for _ in range(2):
        assert_done(patient.post(f"/sessions/{treatment.id}/logs/new", data=offline_log))
        assert_every_record_agrees_with_the_model(db)
    assert len(open_alerts(db, treatment.id)) == 1 and len(held_flags(db, treatment.id)) == 1
    # The same id with other answers stores nothing, and changes nothing.
    conflict = patient.post(f"/sessions/{treatment.id}/logs/new", data=offline_log | {"fever": "y"})
    assert conflict.status_code == 409
    assert red_flags(the_only(db, TreatmentSession)) == {"sign_pus"}
    assert_every_record_agrees_with_the_model(db)

    # Photos: eight days on the pus log is older than the model remembers a red flag, once a newer log
    # is there. Adding a photo is a change to the session like any other: the flag is gone, and so is the alert.
    assert_done(patient.post(f"/sessions/{treatment.id}/logs/new", data=log_form(NOW, redness="0", swelling="0")))
    frozen_time.move_to(NOW + timedelta(days=8))
    log_in(patient, sharing_patient)  # the day-long session cookie has expired
    assert_done(post_photo(patient, f"/sessions/{treatment.id}/photos/new"))
    assert red_flags(the_only(db, TreatmentSession)) == set()
    assert_every_record_agrees_with_the_model(db)
    assert "the patient added a photo" in newest(db, Alert).acknowledgement_note

    # Deleting the photo.
    photo = the_only(db, Photo)
    assert_done(patient.post(f"/photos/{photo.id}/delete"))
    assert_every_record_agrees_with_the_model(db)

    # A photo sent with a log.
    response = post_photo(patient, f"/sessions/{treatment.id}/logs/new", log_form(NOW + timedelta(days=8)))
    assert_done(response)
    assert_every_record_agrees_with_the_model(db)

    # Deleting the session takes its logs, photos and alerts with it.
    assert_done(patient.post(f"/sessions/{treatment.id}/delete"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == 0


def test_a_session_the_clinic_records_and_the_patient_corrects_keeps_status_and_alerts_true(
    app, db, clinic, sharing_patient, patient_browser, clinic_browser
):
    response = clinic_browser.post(
        f"/clinic/patients/{sharing_patient.id}/sessions/new", data=session_form(NOW - timedelta(hours=30), depth="1.5")
    )
    assert_done(response)
    treatment = the_only(db, TreatmentSession)
    assert treatment.recorded_by_clinic_id == clinic.id
    assert the_only(db, AuditEvent).action == "record_session"  # in the same transaction as the session
    assert_every_record_agrees_with_the_model(db)

    assert_done(patient_browser.post(f"/sessions/{treatment.id}/logs/new", data=log_form(redness="2")))
    assert_every_record_agrees_with_the_model(db)

    # The patient corrects the date of the clinic's record (device, depth and areas are the clinic's).
    response = patient_browser.post(
        f"/sessions/{treatment.id}/edit", data={"performed_at": local(NOW - timedelta(days=9))}
    )
    assert_done(response)
    assert red_flags(the_only(db, TreatmentSession)) == {"persistent_redness"}
    assert_every_record_agrees_with_the_model(db)
    assert the_only(db, TreatmentSession).needle_depth_mm == 1.5


def test_the_demo_seeder_and_refresh_statuses_keep_status_and_alerts_true(app, db, frozen_time):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert_every_record_agrees_with_the_model(db)
    assert any(open_alerts(db, treatment.id) for treatment in db.session.scalars(sa.select(TreatmentSession)))

    # Seeding again replaces the demo data, and it still agrees.
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert_every_record_agrees_with_the_model(db)

    # Rows changed behind the model's back (a fix by hand, or a change to the model after an upgrade):
    # a session moved a week back, whose logs now mean something else, and an alert for a flag no log
    # gives on the same patient's first session. refresh-statuses puts both right.
    treatment = db.session.scalars(sa.select(TreatmentSession).where(TreatmentSession.series_number == 2)).one()
    treatment.performed_at -= timedelta(days=8)
    first = db.session.scalars(
        sa.select(TreatmentSession).where(
            TreatmentSession.patient_id == treatment.patient_id, TreatmentSession.series_number == 1
        )
    ).one()
    assert red_flags(first) == set()
    assert treatment.status != fresh_assessment(treatment).status  # the stored status is out of date
    clinic_id = db.session.scalar(sa.select(CareLink.clinic_id).where(CareLink.patient_id == treatment.patient_id))
    stale = Alert(clinic_id=clinic_id, patient_id=treatment.patient_id, session_id=first.id)
    stale.flags.append(AlertFlag(flag_key="sign_fever", severity="today", reason="Fever.", action="Call."))
    db.session.add(stale)
    db.session.commit()
    result = runner.invoke(args=["refresh-statuses"])
    assert result.exit_code == 0 and "Statuses refreshed: 5." in result.output
    assert_every_record_agrees_with_the_model(db)
    stale = the_only(db, Alert, Alert.flags.any(AlertFlag.flag_key == "sign_fever"))
    assert stale.closed_automatically and "the statuses were refreshed" in stale.acknowledgement_note


# --- Alerts a correction takes away ---------------------------------------------------------------
# An open alert whose flag the model no longer raises is closed by the logbook, with no practitioner
# and a note saying which change closed it; it stays in the clinic's list of alerts.


@pytest.fixture
def logged_session(db, make_session, sharing_patient):
    """The sharing patient's session of 30 hours ago (0.5 mm)."""
    return make_session(sharing_patient, hours_ago=30)


def save_log(db, browser, treatment, **signs):
    assert_done(
        browser.post(
            f"/sessions/{treatment.id}/logs/new", data=log_form(NOW - timedelta(hours=1), redness="1", **signs)
        )
    )
    return newest(db, SymptomLog)


def test_an_alert_a_correction_takes_away_is_closed_with_a_note_the_clinic_reads(
    db, logged_session, sharing_patient, patient_browser, clinic_browser
):
    log = save_log(db, patient_browser, logged_session, pus="y")
    assert "1 open alert" in clinic_browser.get("/clinic/").get_data(as_text=True)

    # Pus was ticked by mistake.
    assert_done(patient_browser.post(f"/logs/{log.id}/edit", data=log_form(NOW - timedelta(hours=1), redness="1")))
    alert = the_only(db, Alert)
    assert not alert.is_open and alert.closed_automatically and alert.acknowledged_by_id is None
    assert alert.acknowledgement_note == (
        "Closed automatically after the patient corrected a log: "
        "the recovery model no longer raises any of its flags for the session."
    )
    assert_every_record_agrees_with_the_model(db)

    page = clinic_browser.get(f"/clinic/patients/{sharing_patient.id}").get_data(as_text=True)
    assert "<strong>Closed automatically</strong>" in page and "<strong>Pus or yellow crust" in page
    assert "after the patient corrected a log" in page
    assert "Acknowledge alert" not in page and "A former practitioner" not in page
    dashboard = clinic_browser.get("/clinic/").get_data(as_text=True)
    assert "Open alerts: <strong>0</strong>" in dashboard and "1 open alert" not in dashboard
    assert "patient-row need-alert" not in dashboard


def test_an_alert_a_practitioner_acknowledged_keeps_their_note_after_a_correction(
    db, logged_session, sharing_patient, patient_browser, clinic_browser
):
    log = save_log(db, patient_browser, logged_session, fever="y")
    alert = the_only(db, Alert)
    seen = " ".join(str(flag.id) for flag in alert.flags)
    assert_done(
        clinic_browser.post(
            f"/clinic/alerts/{alert.id}/acknowledge",
            data={f"alert-{alert.id}-note": "Called; no fever now.", f"alert-{alert.id}-seen": seen},
        )
    )
    assert_done(patient_browser.post(f"/logs/{log.id}/edit", data=log_form(NOW - timedelta(hours=1), redness="1")))
    alert = the_only(db, Alert)
    assert alert.acknowledged_by_id is not None and alert.acknowledgement_note == "Called; no fever now."
    assert not alert.closed_automatically


def test_a_correction_clears_only_the_flags_it_takes_away_and_a_flag_that_comes_back_joins_the_open_alert(
    db, logged_session, patient_browser
):
    log = save_log(db, patient_browser, logged_session, pus="y", fever="y")
    clinic_id = the_only(db, Alert).clinic_id
    assert held_flags(db, logged_session.id) == {(clinic_id, "sign_pus"), (clinic_id, "sign_fever")}

    assert_done(
        patient_browser.post(f"/logs/{log.id}/edit", data=log_form(NOW - timedelta(hours=1), redness="1", pus="y"))
    )
    assert held_flags(db, logged_session.id) == {(clinic_id, "sign_pus")}
    alert = the_only(db, Alert)  # one alert all along
    assert alert.is_open and {flag.flag_key for flag in alert.flags} == {"sign_pus", "sign_fever"}
    assert_every_record_agrees_with_the_model(db)

    assert_done(
        patient_browser.post(
            f"/logs/{log.id}/edit", data=log_form(NOW - timedelta(hours=1), redness="1", pus="y", fever="y")
        )
    )
    assert held_flags(db, logged_session.id) == {(clinic_id, "sign_pus"), (clinic_id, "sign_fever")}
    assert the_only(db, Alert).is_open
    assert_every_record_agrees_with_the_model(db)


# --- Photos are checked by the service, not by the form -------------------------------------------


def test_the_photo_field_only_carries_the_upload(app):
    with app.test_request_context("/", method="POST", data={"photo": (io.BytesIO(b"not a photo"), "notes.jpg")}):
        form = PhotoForm()
        assert form.validate()  # nothing decoded here: the service decides
        assert form.photo.data.filename == "notes.jpg"


def test_the_logbook_refuses_a_bad_photo_and_stores_nothing(app, db, logged_session):
    with pytest.raises(logbook.PhotoRejected, match="not a photo we can read"):
        logbook.add_photo(logged_session, FileStorage(io.BytesIO(b"not a photo"), filename="notes.jpg"))
    with pytest.raises(logbook.PhotoRejected, match="not a photo we can read"):
        logbook.save_new_log(
            logged_session,
            None,
            fill=lambda log: None,
            photo=FileStorage(io.BytesIO(b"not a photo"), filename="notes.jpg"),
        )
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Photo.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(SymptomLog.id))) == 0
    assert photos.stored_file_names() == []
