"""Clinic accounts, invites and consent, alerts, the dashboard's order, CSV export, audit trail, cohort."""

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Alert, AlertFlag, AuditEvent, CareLink, Clinic, Invite, PractitionerNote, TreatmentSession, User
from app.services import clinics
from tests.conftest import NOW, log_in

STRONG = "violet-tugboat-marmalade"


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def clinic(make_clinic):
    return make_clinic("Glow Clinic")


@pytest.fixture
def practitioner(make_practitioner, clinic):
    return make_practitioner(clinic, email="doc@glow.example", name="Dr Glow")


@pytest.fixture
def practitioner_client(client, practitioner):
    log_in(client, practitioner)
    return client


# --- Clinic accounts -------------------------------------------------------------------------


def test_a_practitioner_signs_up_by_creating_a_clinic(client, db, outbox):
    response = client.post(
        "/auth/clinic-signup", data={"clinic_name": "Radiance Skin", "name": "Dr Ray", "email": "ray@radiance.example"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/auth/check-email"
    assert count(db, Clinic) == 0  # made only once the address is confirmed
    link = outbox.link("ray@radiance.example")
    assert "Radiance Skin" in client.get(link).get_data(as_text=True)
    response = client.post(link, data={"password": STRONG, "confirm": STRONG, "timezone": "Europe/Dublin"})
    assert response.status_code == 302 and response.headers["Location"] == "/clinic/invites"
    user = db.session.scalar(sa.select(User))
    assert user.role == "practitioner" and user.clinic.name == "Radiance Skin" and user.name == "Dr Ray"
    assert user.timezone == "Europe/Dublin"
    assert client.get("/").headers["Location"] == "/clinic/"  # a practitioner's home is the dashboard


def test_clinic_signup_needs_a_clinic_name(client, db, outbox):
    response = client.post(
        "/auth/clinic-signup", data={"clinic_name": "", "name": "Dr Ray", "email": "ray@radiance.example"}
    )
    assert response.status_code == 422
    assert "Enter the clinic&#39;s name." in response.get_data(as_text=True)
    assert count(db, Clinic) == 0 and count(db, User) == 0
    assert outbox.files() == []  # nothing emailed either


def test_create_practitioner_command_joins_or_creates_a_clinic(app, db, clinic):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-practitioner",
            "--email",
            "New@Glow.example",
            "--clinic",
            "Glow Clinic",
            "--name",
            "Dr New",
            "--password",
            STRONG,
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "new@glow.example"))
    assert user.clinic_id == clinic.id and user.role == "practitioner"
    result = runner.invoke(
        args=["create-practitioner", "--email", "solo@else.example", "--clinic", "Elsewhere", "--password", STRONG]
    )
    assert result.exit_code == 0 and count(db, Clinic) == 2
    result = runner.invoke(
        args=["create-practitioner", "--email", "weak@else.example", "--clinic", "Elsewhere", "--password", "password1"]
    )
    assert result.exit_code != 0 and "at least 10 characters" in result.output


# --- Invites and consent ---------------------------------------------------------------------


def create_invite(practitioner_client, name=""):
    page = practitioner_client.post("/clinic/invites", data={"patient-name": name, "patient-submit": "y"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    link = re.search(r'id="invite-link" type="text" readonly value="http://localhost(/join/[^"]+)"', html).group(1)
    code = re.search(r'class="invite-code">([A-Z0-9-]+)<', html).group(1)
    return link, code


def test_a_new_patient_joins_by_link_after_consenting(app, practitioner_client, clinic, db, outbox):
    link, _ = create_invite(practitioner_client, name="Pat Newman")
    patient_browser = app.test_client()
    page = patient_browser.get(link).get_data(as_text=True)
    assert "Share your recovery with Glow Clinic" in page and 'value="Pat Newman"' in page
    assert patient_browser.post(link, data={"name": "Pat Newman", "email": "pat@example.com"}).status_code == 302
    account_link = outbox.link("pat@example.com")  # step 2: a password, and consent
    form = {"password": STRONG, "confirm": STRONG}
    refused = patient_browser.post(account_link, data=form)  # no consent ticked
    assert refused.status_code == 422 and "Tick the box to agree" in refused.get_data(as_text=True)
    assert count(db, User) == 1
    response = patient_browser.post(account_link, data=form | {"consent": "y"})
    assert response.status_code == 302
    patient = db.session.scalar(sa.select(User).where(User.email == "pat@example.com"))
    assert patient.name == "Pat Newman"
    assert clinics.active_link(clinic.id, patient.id) is not None
    assert "Pat Newman" in practitioner_client.get("/clinic/").get_data(as_text=True)


def test_an_existing_patient_joins_by_code(practitioner_client, app, clinic, make_patient, db):
    _, code = create_invite(practitioner_client)
    patient = make_patient()
    patient_browser = app.test_client()
    log_in(patient_browser, patient)
    response = patient_browser.post("/join", data={"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    key = response.headers["Location"]
    assert "I agree to share my sessions, logs and photos with Glow Clinic" in patient_browser.get(key).get_data(
        as_text=True
    )
    assert patient_browser.post(key, data={"consent": "y"}).status_code == 302
    assert clinics.active_link(clinic.id, patient.id) is not None


def test_an_unknown_code_gets_a_message(client, db):
    response = client.post("/join", data={"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 422
    assert "We do not know that code." in response.get_data(as_text=True)


def test_an_invite_works_once(app, practitioner_client, clinic, make_patient, db):
    link, _ = create_invite(practitioner_client)
    first, second = make_patient(), make_patient()
    for patient in (first, second):
        browser = app.test_client()
        log_in(browser, patient)
        response = browser.post(link, data={"consent": "y"})
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)
    assert clinics.active_link(clinic.id, second.id) is None
    assert count(db, CareLink) == 1


def test_an_expired_invite_is_refused(app, practitioner_client, make_patient, db):
    link, _ = create_invite(practitioner_client)
    patient = make_patient()
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        browser = app.test_client()
        log_in(browser, patient)
        response = browser.post(link, data={"consent": "y"})
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert count(db, CareLink) == 0


@pytest.mark.parametrize(
    "tamper", [lambda link: link[:-2] + "xx", lambda link: link + "a", lambda link: "/join/" + "A" * 200]
)
def test_a_tampered_link_answers_404(app, practitioner_client, make_patient, db, tamper):
    link, _ = create_invite(practitioner_client)
    browser = app.test_client()
    log_in(browser, make_patient())
    assert browser.get(tamper(link)).status_code == 404
    assert browser.post(tamper(link), data={"consent": "y"}).status_code == 404
    assert count(db, CareLink) == 0


def test_the_database_keeps_only_a_hash_of_the_link(practitioner_client, db):
    link, _ = create_invite(practitioner_client)
    token = link.rsplit("/", 1)[1]
    invite = db.session.scalar(sa.select(Invite))
    assert token not in (invite.token_hash, invite.code)


def test_a_colleague_joins_by_link(app, practitioner_client, clinic, db, outbox):
    html = practitioner_client.post("/clinic/invites", data={"colleague-submit": "y"}).get_data(as_text=True)
    link = re.search(r'value="http://localhost(/team/[^"]+)"', html).group(1)
    browser = app.test_client()
    assert browser.post(link, data={"name": "Dr Two", "email": "two@glow.example"}).status_code == 302
    response = browser.post(outbox.link("two@glow.example"), data={"password": STRONG, "confirm": STRONG})
    assert response.status_code == 302
    colleague = db.session.scalar(sa.select(User).where(User.email == "two@glow.example"))
    assert colleague.role == "practitioner" and colleague.clinic_id == clinic.id
    assert app.test_client().post(link, data={"name": "X", "email": "x@glow.example"}).status_code == 410


def test_a_patient_sees_who_can_see_their_data_and_can_withdraw(patient_client, patient, clinic, share, db):
    link = share(patient, clinic)
    page = patient_client.get("/sharing").get_data(as_text=True)
    assert "Glow Clinic" in page and "Stop sharing" in page
    assert "cannot be" not in page
    confirm = patient_client.get(f"/sharing/{link.id}/withdraw")
    assert confirm.status_code == 200 and "no longer see" in confirm.get_data(as_text=True)
    assert patient_client.post(f"/sharing/{link.id}/withdraw").status_code == 302
    db.session.refresh(link)
    assert link.withdrawn_at is not None
    assert "No clinic can see your data" in patient_client.get("/sharing").get_data(as_text=True)


# --- Alerts ----------------------------------------------------------------------------------


@pytest.fixture
def shared_patient(make_patient, clinic, share):
    patient = make_patient(name="Alex Shared", email="alex@example.com")
    share(patient, clinic)
    return patient


def test_a_red_flag_in_a_saved_log_becomes_an_alert_once(app, shared_patient, make_session, db):
    treatment = make_session(shared_patient, hours_ago=30)
    browser = app.test_client()
    log_in(browser, shared_patient)
    data = {"redness": "1", "swelling": "0", "peeling": "0", "pus": "y"}
    browser.post(f"/sessions/{treatment.id}/logs/new", data=data | {"logged_at": "2026-06-15T10:00"})
    browser.post(f"/sessions/{treatment.id}/logs/new", data=data)
    alert = db.session.scalar(sa.select(Alert))
    assert count(db, Alert) == 1 and count(db, AlertFlag) == 1  # the same open flag is not raised twice
    assert [flag.flag_key for flag in alert.flags] == ["sign_pus"]
    assert alert.patient_id == shared_patient.id and alert.is_open
    db.session.refresh(treatment)
    assert treatment.status == "contact"


def test_a_patient_who_shares_with_no_clinic_raises_no_alert(patient_client, patient, make_session, db):
    treatment = make_session(patient, hours_ago=30)
    patient_client.post(
        f"/sessions/{treatment.id}/logs/new", data={"redness": "1", "swelling": "0", "peeling": "0", "fever": "y"}
    )
    assert count(db, Alert) == 0


def test_acknowledging_an_alert_keeps_it_in_the_record(
    practitioner_client, practitioner, shared_patient, make_session, db
):
    treatment = make_session(shared_patient)
    alert = Alert(clinic_id=practitioner.clinic_id, patient_id=shared_patient.id, session_id=treatment.id)
    alert.flags.append(AlertFlag(flag_key="sign_fever", severity="today", reason="Fever.", action="Call."))
    db.session.add(alert)
    db.session.commit()
    too_long = practitioner_client.post(
        f"/clinic/alerts/{alert.id}/acknowledge", data={f"alert-{alert.id}-note": "x" * 2001}
    )
    assert too_long.status_code == 422 and "cannot be longer than 2000" in too_long.get_data(as_text=True)
    response = practitioner_client.post(
        f"/clinic/alerts/{alert.id}/acknowledge",
        data={f"alert-{alert.id}-note": "Called; advised GP visit.", f"alert-{alert.id}-seen": str(alert.flags[0].id)},
    )
    assert response.status_code == 302
    db.session.refresh(alert)
    assert alert.acknowledged_by_id == practitioner.id and alert.acknowledgement_note == "Called; advised GP visit."
    page = practitioner_client.get(f"/clinic/patients/{shared_patient.id}").get_data(as_text=True)
    assert "<strong>Acknowledged</strong>" in page and "Called; advised GP visit." in page and "Fever." in page


def test_private_notes(practitioner_client, shared_patient, db):
    assert practitioner_client.post(f"/clinic/patients/{shared_patient.id}/notes", data={"body": ""}).status_code == 422
    assert count(db, PractitionerNote) == 0
    practitioner_client.post(f"/clinic/patients/{shared_patient.id}/notes", data={"body": "Prefers calls after 5pm."})
    assert "Prefers calls after 5pm." in practitioner_client.get(f"/clinic/patients/{shared_patient.id}").get_data(
        as_text=True
    )


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_sorts_by_need(
    practitioner_client, practitioner, clinic, make_patient, share, make_session, make_log, db
):
    def patient_with(name, hours_ago, log_hours, status="on_track", alert=False):
        patient = make_patient(name=name)
        share(patient, clinic)
        treatment = make_session(patient, hours_ago=hours_ago, status=status)
        for hours in log_hours:
            make_log(treatment, hours_after=hours, redness=1, swelling=0)
        if alert:
            episode = Alert(clinic_id=clinic.id, patient_id=patient.id, session_id=treatment.id)
            episode.flags.append(AlertFlag(flag_key="sign_pus", severity="today", reason="r", action="a"))
            db.session.add(episode)
            db.session.commit()
        return patient

    patient_with("Olive OnTrack", 30, [25])
    patient_with("Mia Missed", 30, [2])  # nothing for 28 hours in the first two days
    patient_with("Max MissedMore", 40, [])  # nothing at all for 40 hours
    patient_with("Sid Slower", 100, [99], status="slower")
    patient_with("Ada Alert", 30, [29], alert=True)
    make_patient(name="Not Shared")
    page = practitioner_client.get("/clinic/").get_data(as_text=True)
    order = re.findall(r'<h2><a href="/clinic/patients/\d+">([^<]+)</a></h2>', page)
    assert order == ["Ada Alert", "Sid Slower", "Max MissedMore", "Mia Missed", "Olive OnTrack"]
    assert "check-in 16 hours overdue" in page  # Mia: last log at 2 h, due at 14 h, now 30 h
    filtered = practitioner_client.get("/clinic/?need=missed").get_data(as_text=True)
    assert re.findall(r'<h2><a href="/clinic/patients/\d+">([^<]+)</a></h2>', filtered) == [
        "Max MissedMore",
        "Mia Missed",
    ]
    searched = practitioner_client.get("/clinic/?q=olive").get_data(as_text=True)
    assert re.findall(r'<h2><a href="/clinic/patients/\d+">([^<]+)</a></h2>', searched) == ["Olive OnTrack"]


def test_dashboard_search_treats_wildcards_as_text(practitioner_client, clinic, make_patient, share):
    share(make_patient(name="Ann"), clinic)
    for query in ("%", "_", "\\"):
        page = practitioner_client.get("/clinic/", query_string={"q": query}).get_data(as_text=True)
        assert re.findall(r'<h2><a href="/clinic/patients/\d+">([^<]+)</a></h2>', page) == []
    page = practitioner_client.get("/clinic/", query_string={"q": "an"}).get_data(as_text=True)
    assert re.findall(r'<h2><a href="/clinic/patients/\d+">([^<]+)</a></h2>', page) == ["Ann"]


def test_dashboard_paginates(practitioner_client, clinic, make_patient, share):
    for n in range(30):
        share(make_patient(name=f"Patient {n:02d}"), clinic)
    first = practitioner_client.get("/clinic/").get_data(as_text=True)
    second = practitioner_client.get("/clinic/?page=2").get_data(as_text=True)
    assert "Page 1 of 2 (30 patients)" in first
    assert len(re.findall(r'class="card patient-row', first)) == 25
    assert len(re.findall(r'class="card patient-row', second)) == 5
    assert practitioner_client.get("/clinic/?page=99").status_code == 200
    assert practitioner_client.get("/clinic/?page=abc&need=<script>").status_code == 200


# --- Export and audit ------------------------------------------------------------------------


def test_csv_export_of_one_patient_and_of_the_clinic(
    practitioner_client, shared_patient, make_session, make_log, make_patient, clinic, share, db
):
    treatment = make_session(shared_patient, hours_ago=30)
    make_log(treatment, hours_after=2, redness=3, swelling=2, pain=4, note='=HYPERLINK("http://evil")')
    other = make_patient(email="other@example.com")
    share(other, clinic)
    make_log(make_session(other), hours_after=5, redness=1)
    stranger = make_patient(email="stranger@example.com")
    make_log(make_session(stranger), hours_after=5)

    response = practitioner_client.get(f"/clinic/patients/{shared_patient.id}/logs.csv")
    assert response.content_type.startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["patient_email"], row["redness"], row["swelling"], row["pain"], row["hours_since_session"]) == (
        "alex@example.com",
        "3",
        "2",
        "4",
        "2.0",
    )
    assert row["logged_at_utc"] == "2026-06-14T08:00:00+00:00"
    assert row["note"].startswith("'=")  # a spreadsheet will not run it as a formula

    clinic_rows = list(csv.DictReader(io.StringIO(practitioner_client.get("/clinic/logs.csv").get_data(as_text=True))))
    assert sorted(r["patient_email"] for r in clinic_rows) == ["alex@example.com", "other@example.com"]


def test_views_and_exports_are_audited_and_the_patient_can_see_them(
    app, practitioner_client, practitioner, shared_patient, db
):
    practitioner_client.get(f"/clinic/patients/{shared_patient.id}")
    practitioner_client.get(f"/clinic/patients/{shared_patient.id}/logs.csv")
    practitioner_client.get("/clinic/logs.csv")
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.patient_id) for e in events] == [
        ("view_patient", practitioner.id, shared_patient.id),
        ("export_patient", practitioner.id, shared_patient.id),
        ("export_clinic", practitioner.id, None),
    ]
    trail = practitioner_client.get("/clinic/audit").get_data(as_text=True)
    assert trail.count("Dr Glow") == 3 and "Exported all clinic logs (CSV)" in trail
    patient_browser = app.test_client()
    log_in(patient_browser, shared_patient)
    sharing = patient_browser.get("/sharing").get_data(as_text=True)
    assert "Dr Glow — viewed the record" in sharing and "Dr Glow — exported the logs (csv)" in sharing


# --- Sessions recorded by the clinic ---------------------------------------------------------


def test_a_session_recorded_by_the_clinic_is_its_record(practitioner_client, app, shared_patient, clinic, db):
    response = practitioner_client.post(
        f"/clinic/patients/{shared_patient.id}/sessions/new",
        data={
            "performed_at": "2026-06-15T09:00",
            "device": "derma_roller",
            "needle_depth_mm": "1.0",
            "areas": ["neck"],
        },
    )
    assert response.status_code == 302
    treatment = db.session.scalar(sa.select(TreatmentSession))
    assert treatment.recorded_by_clinic_id == clinic.id and treatment.patient_id == shared_patient.id
    patient_browser = app.test_client()
    log_in(patient_browser, shared_patient)
    page = patient_browser.get(f"/sessions/{treatment.id}/edit").get_data(as_text=True)
    assert "Recorded by your clinic" in page and 'name="device"' not in page
    patient_browser.post(
        f"/sessions/{treatment.id}/edit",
        data={
            "performed_at": "2026-06-15T09:00",
            "device": "other",
            "needle_depth_mm": "2.5",
            "areas": ["body"],
            "notes": "Felt fine.",
        },
    )
    db.session.refresh(treatment)
    assert (treatment.device, treatment.needle_depth_mm, treatment.areas, treatment.notes) == (
        "derma_roller",
        1.0,
        ["neck"],
        "Felt fine.",
    )


# --- Cohort ----------------------------------------------------------------------------------


def test_cohort_groups_by_depth_and_area(practitioner_client, clinic, make_patient, share, make_session, make_log):
    for depth, area, settle_hours in [(0.5, "face", 20), (0.5, "face", 30), (1.0, "neck", 60)]:
        patient = make_patient()
        share(patient, clinic)
        treatment = make_session(patient, hours_ago=100, needle_depth_mm=depth, areas=[area])
        make_log(treatment, hours_after=2, redness=3)
        make_log(treatment, hours_after=settle_hours, redness=1)
    page = practitioner_client.get("/clinic/cohort").get_data(as_text=True)
    assert "Shallow (up to 0.5 mm): 2 sessions; redness at 1 or below after a median of 25 hours (2 of 2)." in page
    assert "Neck: 1 session; redness at 1 or below after a median of 60 hours (1 of 1)." in page


def test_a_search_too_long_is_not_run_and_says_why(practitioner_client, clinic, make_patient, share):
    share(make_patient(name="Ann"), clinic)
    page = practitioner_client.get("/clinic/", query_string={"q": "%_" * 30_000}).get_data(as_text=True)
    assert "Field cannot be longer than 100 characters." in page
    assert re.findall(r'<h2><a href="/clinic/patients/\d+">([^<]+)</a></h2>', page) == ["Ann"]
