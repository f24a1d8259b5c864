"""The printable summary of one session: what it shows, and to whom."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Alert, AuditEvent
from app.services import alerts, logbook
from tests.conftest import NOW, log_in


def test_patient_summary_shows_the_session_status_and_charts(client, make_patient, make_session, make_log):
    patient = make_patient(email="ada@example.com", name="Ada Alpha")
    treatment = make_session(patient, hours_ago=30, device="derma_pen", areas=["face"], needle_depth_mm=0.5)
    make_log(treatment, hours_after=2, redness=2, swelling=1)
    log_in(client, patient)

    response = client.get(f"/sessions/{treatment.id}/summary")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ada Alpha" in page
    assert "Session of Sun 14 Jun 2026" in page
    assert "0.5 mm" in page
    assert "status-words" in page
    assert "Your first week against the typical range" in page
    assert "Your 30-day timeline" in page
    assert "use your browser&#39;s Print" in page or "use your browser's Print" in page


def test_session_page_links_to_its_summary(client, make_patient, make_session):
    patient = make_patient()
    treatment = make_session(patient)
    log_in(client, patient)

    page = client.get(f"/sessions/{treatment.id}").get_data(as_text=True)

    assert f'href="/sessions/{treatment.id}/summary"' in page


def test_another_patients_summary_is_404(client, make_patient, make_session):
    owner, other = make_patient(email="owner@example.com"), make_patient(email="other@example.com")
    treatment = make_session(owner)
    log_in(client, other)

    assert client.get(f"/sessions/{treatment.id}/summary").status_code == 404


def test_clinic_summary_of_the_chosen_session_is_audited(
    client, db, make_clinic, make_practitioner, make_patient, make_session, make_log, share
):
    clinic = make_clinic("Glow Clinic")
    practitioner = make_practitioner(clinic)
    patient = make_patient(email="ada@example.com", name="Ada Alpha")
    first = make_session(patient, hours_ago=24 * 40, needle_depth_mm=1.0)
    make_session(patient, hours_ago=30, needle_depth_mm=0.5)
    make_log(first, hours_after=2)
    share(patient, clinic)
    log_in(client, practitioner)

    response = client.get(f"/clinic/patients/{patient.id}/summary?session={first.id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ada Alpha" in page
    assert "Session of Wed 6 May 2026" in page
    assert "1 mm" in page
    assert "First week against the typical range" in page
    assert "30-day timeline" in page
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.patient_id == patient.id, AuditEvent.clinic_id == clinic.id)
    ).all()
    assert actions == ["view_patient"]


def test_another_clinics_summary_is_404_and_not_audited(
    client, db, make_clinic, make_practitioner, make_patient, make_session, share
):
    mine, other = make_clinic("Mine"), make_clinic("Other")
    patient = make_patient()
    make_session(patient)
    share(patient, mine)
    log_in(client, make_practitioner(other))

    assert client.get(f"/clinic/patients/{patient.id}/summary").status_code == 404
    assert db.session.scalars(sa.select(AuditEvent)).all() == []


# --- The series, alerts, ratings and photos ---------------------------------------------------

PRIVATE_NOTE = "Private: she mentioned antibiotics last spring."
MESSAGE = "Please come in at 4 pm today."


def record_with_logs(patient, hours_ago, logs):
    """A session of `hours_ago` recorded through the logbook with its logs ((hours after, values)), alerts raised."""
    performed_at = NOW - timedelta(hours=hours_ago)

    def fill(treatment):
        treatment.performed_at = performed_at
        treatment.device = "derma_pen"
        treatment.areas = ["face"]
        treatment.needle_depth_mm = 0.5

    return logbook.record_session(
        patient,
        fill,
        logs=[
            dict(redness=0, swelling=0, peeling=0) | values | dict(logged_at=performed_at + timedelta(hours=hours))
            for hours, values in logs
        ],
    )


@pytest.fixture
def flagged(db, make_clinic, make_practitioner, make_patient, share, frozen_time):
    """Ada, sharing with Glow Clinic, whose session of 72 hours ago showed pus (alerted at 12:00 UTC);
    Dr Rosa Glow saw it 25 minutes later, with a private note and a message."""
    clinic = make_clinic("Glow Clinic")
    rosa = make_practitioner(clinic, name="Dr Rosa Glow")
    ada = make_patient(email="ada@example.com", name="Ada Alpha")
    share(ada, clinic)
    treatment = record_with_logs(ada, 72, [(2, dict(redness=2, swelling=1)), (50, dict(redness=1, pus=True))])
    (alert,) = db.session.scalars(sa.select(Alert)).all()
    frozen_time.shift(timedelta(minutes=25))
    assert alerts.acknowledge(alert, rosa, PRIVATE_NOTE, alerts.raised_flag_ids([alert]), MESSAGE)
    return clinic, rosa, ada, treatment


def test_the_patients_series_summary_has_every_session_oldest_first_with_ids_of_its_own(
    client, make_patient, make_session, make_log
):
    ada = make_patient(email="ada@example.com", name="Ada Alpha", timezone="UTC")
    second = make_session(ada, hours_ago=30)
    first = make_session(ada, hours_ago=24 * 40)
    make_log(first, hours_after=2)
    make_log(second, hours_after=3)
    log_in(client, ada)

    response = client.get("/summary")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Recovery summary of the series" in page
    assert "2 sessions" in page
    assert page.index("Session of Wed 6 May 2026") < page.index("Session of Sun 14 Jun 2026")
    assert page.count(">Your first week against the typical range</h2>") == 2
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert f'data-chart="session-{first.id}-first-week-data"' in page
    assert f'id="session-{second.id}-thirty-days-data"' in page
    # Each session's own summary is a link away, and the one-session page links back to the series.
    assert f'href="/sessions/{first.id}/summary"' in page
    assert 'href="/summary"' in client.get(f"/sessions/{first.id}/summary").get_data(as_text=True)


def test_a_patient_with_no_session_gets_an_empty_summary(client, make_patient):
    ada = make_patient()
    log_in(client, ada)

    response = client.get("/summary")

    assert response.status_code == 200
    assert "No session is recorded yet." in response.get_data(as_text=True)


def test_the_status_over_time_lists_each_change_with_its_reasons(client, db, make_patient):
    ada = make_patient(email="ada@example.com", timezone="UTC")
    logs = [(2, dict(redness=2, swelling=1)), (6, dict(redness=2)), (50, dict(pus=True))]
    treatment = record_with_logs(ada, 72, logs)
    log_in(client, ada)

    page = client.get(f"/sessions/{treatment.id}/summary").get_data(as_text=True)

    history = page.split("Status over time", 1)[1].split("</ol>", 1)[0]
    # The second log changed nothing: two entries, on track from the first log, then contact with its reason.
    assert history.count("<li>") == 2
    assert "From the log of 12 Jun, 14:00:" in history and "<strong>On track</strong>" in history
    assert "From the log of 14 Jun, 14:00:" in history and "<strong>Contact your clinic</strong>" in history
    # The latest reasons are the status's own, printed once, above it.
    assert "<strong>Contact your clinic</strong> — for the reasons listed above." in history
    assert "Pus or yellow crust is not part of normal healing." in page.split("Status over time", 1)[0]


def test_the_patient_sees_the_alert_who_saw_it_when_and_the_message_never_the_private_note(client, flagged):
    clinic, rosa, ada, treatment = flagged
    log_in(client, ada)

    for url in (f"/sessions/{treatment.id}/summary", "/summary"):
        page = client.get(url).get_data(as_text=True)
        alerts_part = page.split("Red flags and what was done", 1)[1]
        assert "Glow Clinic was alerted on Mon 15 Jun 2026, 12:00." in alerts_part
        assert "The logs showed:" in alerts_part and "Pus" in alerts_part
        assert "Seen by Dr Rosa Glow on Mon 15 Jun 2026, 12:25." in alerts_part
        assert f"The clinic's message to the patient: <q>{MESSAGE}</q>" in alerts_part
        assert PRIVATE_NOTE not in page and "antibiotics" not in page


def test_the_clinic_summary_shows_the_alert_and_never_its_own_private_note(client, flagged):
    clinic, rosa, ada, treatment = flagged
    log_in(client, rosa)

    page = client.get(f"/clinic/patients/{ada.id}/summary").get_data(as_text=True)

    assert "Recovery summary" in page and "Glow Clinic" in page
    assert "The patient sees:" in page
    assert "Seen by Dr Rosa Glow on Mon 15 Jun 2026, 12:25." in page
    assert MESSAGE in page
    assert PRIVATE_NOTE not in page and "antibiotics" not in page


def test_an_alert_the_app_closed_is_not_shown_to_the_patient_but_is_to_the_clinic(app, client, db, flagged):
    clinic, rosa, ada, _ = flagged
    treatment = record_with_logs(ada, 30, [(2, dict(redness=2, fever=True))])
    # The patient corrects the log: the model no longer raises the flag, and the app closes the alert.
    (log,) = treatment.logs
    assert logbook.edit_log(log, fill=lambda stored: setattr(stored, "fever", False))
    log_in(client, ada)

    patient_page = client.get(f"/sessions/{treatment.id}/summary").get_data(as_text=True)
    assert "No clinic was alerted for this session." in patient_page
    assert "was alerted on" not in patient_page

    clinic_browser = app.test_client()
    log_in(clinic_browser, rosa)
    clinic_page = clinic_browser.get(f"/clinic/patients/{ada.id}/summary?session={treatment.id}").get_data(as_text=True)
    assert "Glow Clinic was alerted on" in clinic_page
    assert "Closed automatically on" in clinic_page


def test_improvement_ratings_are_listed_by_day(client, make_patient, make_session, make_log):
    ada = make_patient(timezone="UTC")
    treatment = make_session(ada, hours_ago=24 * 40)
    make_log(treatment, hours_after=2)
    make_log(treatment, hours_after=24 * 14 + 5, redness=0, swelling=0, improvement="improved")
    make_log(treatment, hours_after=24 * 30 + 5, redness=0, swelling=0, improvement="much_improved")
    log_in(client, ada)

    page = client.get(f"/sessions/{treatment.id}/summary").get_data(as_text=True)

    assert "Day 14 (20 May 2026): Improved" in page
    assert "Day 30 (5 Jun 2026): Much improved" in page


def test_a_session_without_ratings_says_so(client, make_patient, make_session):
    ada = make_patient()
    treatment = make_session(ada)
    log_in(client, ada)

    assert "No improvement rating yet." in client.get(f"/sessions/{treatment.id}/summary").get_data(as_text=True)


def test_photos_only_when_asked(client, make_patient, make_session, make_photo):
    ada = make_patient()
    treatment = make_session(ada)
    photo = make_photo(treatment, hours_after=2)
    log_in(client, ada)
    photo_src = f'src="/photos/{photo.id}/screen.jpg"'

    without = client.get(f"/sessions/{treatment.id}/summary").get_data(as_text=True)
    with_photos = client.get(f"/sessions/{treatment.id}/summary?photos=1").get_data(as_text=True)
    series = client.get("/summary?photos=1").get_data(as_text=True)
    anything_else = client.get(f"/sessions/{treatment.id}/summary?photos=yes%00").get_data(as_text=True)

    assert photo_src not in without and "Include the photos" in without
    assert photo_src in with_photos and "Day 0, " in with_photos
    assert photo_src in series
    assert photo_src not in anything_else
    # The photo's file answers the patient it belongs to.
    assert client.get(f"/photos/{photo.id}/screen.jpg").status_code == 200


def test_the_clinic_asks_for_photos_and_it_is_audited(
    client, db, make_clinic, make_practitioner, make_patient, make_session, make_photo, share
):
    clinic = make_clinic("Glow Clinic")
    practitioner = make_practitioner(clinic)
    ada = make_patient()
    treatment = make_session(ada)
    photo = make_photo(treatment)
    share(ada, clinic)
    log_in(client, practitioner)

    page = client.get(f"/clinic/patients/{ada.id}/summary?session={treatment.id}&photos=1").get_data(as_text=True)

    assert f'src="/photos/{photo.id}/screen.jpg"' in page
    # The photo choice keeps the session chosen.
    assert f'<input type="hidden" name="session" value="{treatment.id}">' in page
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["view_patient", "view_photos"]


def test_the_clinic_series_summary_and_a_session_of_another_patient(
    client, make_clinic, make_practitioner, make_patient, make_session, share
):
    clinic = make_clinic("Glow Clinic")
    practitioner = make_practitioner(clinic)
    ada, bea = make_patient(email="ada@example.com"), make_patient(email="bea@example.com")
    make_session(ada, hours_ago=24 * 40)
    make_session(ada, hours_ago=30)
    beas = make_session(bea)
    share(ada, clinic)
    share(bea, clinic)
    log_in(client, practitioner)

    series = client.get(f"/clinic/patients/{ada.id}/summary")
    assert series.status_code == 200
    assert "Recovery summary of the series" in series.get_data(as_text=True)
    # Bea's session is not Ada's: 404, as if it did not exist.
    assert client.get(f"/clinic/patients/{ada.id}/summary?session={beas.id}").status_code == 404
    assert client.get(f"/clinic/patients/{ada.id}/summary?session=999999").status_code == 404


def test_a_withdrawn_patients_summary_is_404_for_the_clinic(
    client, db, make_clinic, make_practitioner, make_patient, make_session, share
):
    clinic = make_clinic("Glow Clinic")
    practitioner = make_practitioner(clinic)
    ada = make_patient()
    make_session(ada)
    link = share(ada, clinic)
    link.withdrawn_at = NOW
    db.session.commit()
    log_in(client, practitioner)

    assert client.get(f"/clinic/patients/{ada.id}/summary").status_code == 404


def test_a_practitioner_cannot_open_the_patients_own_summary(client, make_clinic, make_practitioner):
    log_in(client, make_practitioner(make_clinic()))

    assert client.get("/summary").status_code == 404
