"""One alert per episode: a log with several warning signs makes one clinic alert listing them all,
acknowledged once; the same signs raise nothing new after that, a new sign or signs that come back
after the episode ended start a new one, and a clinic can acknowledge all of a patient's open alerts
in one step. Everything goes through the app as the patient and the practitioner use it.
"""

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Alert, AlertFlag, AuditEvent
from tests.conftest import NOW, PASSWORD, log_in

THREE_SIGNS = {"sign_pus", "sign_fever", "sign_blisters"}
CLOSED_BY_CORRECTION = (
    "Closed automatically after the patient corrected a log: "
    "the recovery model no longer raises any of its flags for the session."
)


def log_form(hours_ago=1, redness="1", **signs):
    logged_at = (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")
    return {"logged_at": logged_at, "redness": redness, "swelling": "0", "peeling": "0", **signs}


def page_of(response):
    return response.get_data(as_text=True)


def alerts_section(page):
    """The patient page's Alerts section (the status above it may repeat a flag's words)."""
    return page[page.index('<section id="alerts"') : page.index("</section>", page.index('<section id="alerts"'))]


def hidden_value(page, name):
    """The value of a hidden field of the page (what the browser would send back)."""
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)


def alerts(db, *where):
    db.session.expire_all()
    return db.session.scalars(sa.select(Alert).where(*where).order_by(Alert.id)).all()


def flag_keys(alert):
    return {flag.flag_key for flag in alert.flags}


def raised_keys(alert):
    return {flag.flag_key for flag in alert.flags if flag.cleared_at is None}


@pytest.fixture
def practitioner(make_practitioner, clinic):
    return make_practitioner(clinic, name="Dr Glow")


@pytest.fixture
def ada(make_patient, clinic, share):
    patient = make_patient(name="Ada Lovelace", email="ada@example.com")
    share(patient, clinic)
    return patient


def log(browser, treatment, **fields):
    response = browser.post(f"/sessions/{treatment.id}/logs/new", data=log_form(**fields))
    assert response.status_code == 302, page_of(response)


def correct(browser, log_id, **fields):
    response = browser.post(f"/logs/{log_id}/edit", data=log_form(**fields))
    assert response.status_code == 302, page_of(response)


def newest_log_id(db, treatment):
    db.session.refresh(treatment)
    return max(entry.id for entry in treatment.logs)


def acknowledge(clinic_browser, patient, alert_id, note="Called the patient."):
    """Acknowledge the alert from the patient page, as the practitioner's browser sends the form."""
    page = page_of(clinic_browser.get(f"/clinic/patients/{patient.id}"))
    prefix = f"alert-{alert_id}"
    return clinic_browser.post(
        f"/clinic/alerts/{alert_id}/acknowledge",
        data={f"{prefix}-note": note, f"{prefix}-seen": hidden_value(page, f"{prefix}-seen")},
    )


def test_one_log_with_three_warning_signs_makes_one_alert_acknowledged_once(
    db, ada, ada_session, ada_browser, clinic_browser, practitioner
):
    log(ada_browser, ada_session, pus="y", fever="y", blisters="y")

    (alert,) = alerts(db)
    assert flag_keys(alert) == THREE_SIGNS and raised_keys(alert) == THREE_SIGNS
    assert alert.is_open and alert.ended_at is None and alert.created_at == NOW
    assert alert.severity == "today"
    assert db.session.scalar(sa.select(sa.func.count(AlertFlag.id))) == 3

    page = alerts_section(page_of(clinic_browser.get(f"/clinic/patients/{ada.id}")))
    assert "1 open alert." in page and "3 warning signs" in page and "Contact today" in page
    for reason in (
        "Pus or yellow crust is not part of normal healing.",
        "A fever after a skin treatment needs checking.",
        "Blisters or cold sores are not part of normal healing and may need treatment.",
    ):
        assert page.count(reason) == 1
    assert page.count("The patient was told:") == 3
    assert page.count('value="Acknowledge alert"') == 1  # one form for the three signs
    assert "Acknowledge all open alerts" not in page  # one alert: its own form is enough
    seen = hidden_value(page, f"alert-{alert.id}-seen")
    assert sorted(seen.split()) == sorted(str(flag.id) for flag in alert.flags)

    response = acknowledge(clinic_browser, ada, alert.id, note="Called Ada; she comes in at 3 pm.")
    assert response.status_code == 302 and response.location.endswith(f"/clinic/patients/{ada.id}#alerts")
    (alert,) = alerts(db)
    assert alert.acknowledged_at == NOW and alert.acknowledged_by_id == practitioner.id
    assert alert.acknowledgement_note == "Called Ada; she comes in at 3 pm." and not alert.closed_automatically
    assert alert.ended_at is None  # its signs are still there: acknowledged, not over
    audit = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.patient_id == ada.id)).all()
    assert audit.count("acknowledge_alert") == 1

    page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}", follow_redirects=True))
    assert "0 open alerts." in page and "Dr Glow," in page and "Called Ada; she comes in at 3 pm." in page
    assert 'value="Acknowledge alert"' not in page and "still raised" in page

    # A second press of the button (or a colleague's) changes nothing.
    again = clinic_browser.post(
        f"/clinic/alerts/{alert.id}/acknowledge",
        data={f"alert-{alert.id}-note": "Second try.", f"alert-{alert.id}-seen": seen},
        follow_redirects=True,
    )
    assert again.status_code == 200 and "This alert was already acknowledged." in page_of(again)
    (alert,) = alerts(db)
    assert alert.acknowledgement_note == "Called Ada; she comes in at 3 pm."
    audit = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.patient_id == ada.id)).all()
    assert audit.count("acknowledge_alert") == 1


def test_the_note_is_optional(db, ada, ada_session, ada_browser, clinic_browser, practitioner):
    log(ada_browser, ada_session, pus="y")
    (alert,) = alerts(db)
    assert acknowledge(clinic_browser, ada, alert.id, note="").status_code == 302
    (alert,) = alerts(db)
    assert alert.acknowledged_by_id == practitioner.id and alert.acknowledgement_note == ""
    page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))
    assert "Dr Glow," in page and "A former practitioner" not in page


def test_a_note_too_long_is_refused_beside_the_field(db, ada, ada_session, ada_browser, clinic_browser):
    log(ada_browser, ada_session, pus="y")
    (alert,) = alerts(db)
    response = acknowledge(clinic_browser, ada, alert.id, note="x" * 2001)
    assert response.status_code == 422 and "Field cannot be longer than 2000 characters." in page_of(response)
    assert alerts(db)[0].is_open


def test_after_acknowledging_the_same_signs_raise_nothing_new_and_a_new_sign_starts_a_new_alert(
    db, ada, ada_session, ada_browser, clinic_browser
):
    log(ada_browser, ada_session, hours_ago=3, pus="y", fever="y")
    (first,) = alerts(db)
    assert acknowledge(clinic_browser, ada, first.id).status_code == 302

    # Logged again with the same signs, and a later log without them (the week's memory keeps them).
    log(ada_browser, ada_session, hours_ago=2, pus="y", fever="y")
    log(ada_browser, ada_session, hours_ago=1)
    (first,) = alerts(db)
    assert not first.is_open and first.ended_at is None and raised_keys(first) == {"sign_pus", "sign_fever"}
    assert "No open alerts." in page_of(clinic_browser.get("/clinic/"))

    # A sign the acknowledged alert does not list: a new alert, listing only it.
    log(ada_browser, ada_session, hours_ago=0, blisters="y")
    first, second = alerts(db)
    assert not first.is_open and raised_keys(first) == {"sign_pus", "sign_fever"}
    assert second.is_open and flag_keys(second) == {"sign_blisters"}
    dashboard = page_of(clinic_browser.get("/clinic/"))
    assert "1 open alert</strong> for\n      1 patient." in dashboard


def test_correcting_the_log_so_no_sign_remains_closes_the_open_alert_and_signs_coming_back_start_a_new_one(
    db, ada, ada_session, ada_browser, clinic_browser
):
    log(ada_browser, ada_session, pus="y", fever="y", blisters="y")
    log_id = newest_log_id(db, ada_session)

    correct(ada_browser, log_id)  # ticked by mistake
    (alert,) = alerts(db)
    assert alert.closed_automatically and alert.acknowledged_by_id is None and alert.acknowledged_at == NOW
    assert alert.acknowledgement_note == CLOSED_BY_CORRECTION
    assert alert.ended_at == NOW and raised_keys(alert) == set() and flag_keys(alert) == THREE_SIGNS
    page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))
    assert "<strong>Closed automatically</strong>" in page and "after the patient corrected a log" in page
    assert "0 open alerts." in page and 'value="Acknowledge alert"' not in page
    assert "No open alerts." in page_of(clinic_browser.get("/clinic/"))

    # The sign comes back after the episode ended: a new episode.
    correct(ada_browser, log_id, pus="y")
    closed, reopened = alerts(db)
    assert closed.closed_automatically and reopened.is_open and flag_keys(reopened) == {"sign_pus"}


def test_while_open_a_sign_corrected_away_stays_listed_and_a_sign_coming_back_joins_again(
    db, ada, ada_session, ada_browser, clinic_browser
):
    log(ada_browser, ada_session, pus="y", fever="y")
    log_id = newest_log_id(db, ada_session)

    correct(ada_browser, log_id, pus="y")
    (alert,) = alerts(db)
    assert alert.is_open and flag_keys(alert) == {"sign_pus", "sign_fever"} and raised_keys(alert) == {"sign_pus"}
    fever = next(flag for flag in alert.flags if flag.flag_key == "sign_fever")
    assert fever.cleared_at == NOW
    page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))
    assert page.count("(no longer raised since") == 1

    correct(ada_browser, log_id, pus="y", fever="y")
    (alert,) = alerts(db)
    assert alert.is_open and raised_keys(alert) == {"sign_pus", "sign_fever"}
    assert db.session.scalar(sa.select(sa.func.count(AlertFlag.id))) == 2


def test_an_acknowledged_alert_ends_when_its_signs_go_and_signs_coming_back_start_a_new_one(
    db, ada, ada_session, ada_browser, clinic_browser, practitioner
):
    log(ada_browser, ada_session, pus="y")
    log_id = newest_log_id(db, ada_session)
    (alert,) = alerts(db)
    assert acknowledge(clinic_browser, ada, alert.id, note="Saw her.").status_code == 302

    correct(ada_browser, log_id)
    (alert,) = alerts(db)
    assert alert.ended_at == NOW and alert.acknowledged_by_id == practitioner.id
    assert alert.acknowledgement_note == "Saw her." and not alert.closed_automatically

    correct(ada_browser, log_id, pus="y")
    ended, new = alerts(db)
    assert ended.acknowledgement_note == "Saw her." and new.is_open and flag_keys(new) == {"sign_pus"}


def test_a_sign_that_joins_after_the_page_was_shown_is_not_acknowledged_unread(
    db, ada, ada_session, ada_browser, clinic_browser
):
    log(ada_browser, ada_session, hours_ago=2, pus="y")
    (alert,) = alerts(db)
    page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))
    seen = hidden_value(page, f"alert-{alert.id}-seen")

    log(ada_browser, ada_session, hours_ago=1, fever="y")  # meanwhile, the patient logs a fever
    (alert,) = alerts(db)
    assert flag_keys(alert) == {"sign_pus", "sign_fever"}
    data = {f"alert-{alert.id}-note": "Called about the pus.", f"alert-{alert.id}-seen": seen}
    refused = clinic_browser.post(f"/clinic/alerts/{alert.id}/acknowledge", data=data)
    assert refused.status_code == 422
    refused_page = page_of(refused)
    assert "A new warning sign was added since this page was opened." in refused_page
    assert "Called about the pus." in refused_page  # the note is kept
    assert "A fever after a skin treatment needs checking." in refused_page
    assert alerts(db)[0].is_open

    # Sent again from the page that showed the fever: acknowledged.
    data[f"alert-{alert.id}-seen"] = hidden_value(refused_page, f"alert-{alert.id}-seen")
    assert clinic_browser.post(f"/clinic/alerts/{alert.id}/acknowledge", data=data).status_code == 302
    assert alerts(db)[0].acknowledgement_note == "Called about the pus."


# --- Acknowledge all ------------------------------------------------------------------------------


@pytest.fixture
def busy_clinic(db, app, ada, clinic, make_clinic, make_patient, make_session, share, practitioner):
    """Ada has two sessions with an open alert each at Glow Clinic, and the same two at another
    clinic she also shares with; Bea, another patient of Glow Clinic, has one."""
    other_clinic = make_clinic("Other Clinic")
    share(ada, other_clinic)
    bea = make_patient(name="Bea Brown", email="bea@example.com")
    share(bea, clinic)
    sessions = {"ada_1": make_session(ada, hours_ago=50), "ada_2": make_session(ada, hours_ago=30)}
    sessions["bea"] = make_session(bea, hours_ago=30)
    browsers = {}
    for patient in (ada, bea):
        browsers[patient.id] = app.test_client()
        log_in(browsers[patient.id], patient)
    log(browsers[ada.id], sessions["ada_1"], pus="y", fever="y")
    log(browsers[ada.id], sessions["ada_2"], blisters="y", rash="y")
    log(browsers[bea.id], sessions["bea"], pus="y")
    return {"other_clinic": other_clinic, "bea": bea, "sessions": sessions}


def test_the_dashboard_counts_patients_and_alerts_never_flags(busy_clinic, clinic_browser):
    dashboard = page_of(clinic_browser.get("/clinic/"))
    assert "3 open alerts</strong> for\n      2 patients." in dashboard
    assert "Open alerts: <strong>2</strong> patients" in dashboard
    rows = re.findall(
        r'<h2><a href="/clinic/patients/\d+">([^<]+)</a></h2>\s*<p class="need-label">(.*?)</p>', dashboard
    )
    assert [(name, re.sub(r"\s+", " ", label)) for name, label in rows] == [
        ("Ada Lovelace", "<strong>Open alerts</strong> · 2 open alerts"),
        ("Bea Brown", "<strong>Open alerts</strong> · 1 open alert"),
    ]


def test_acknowledge_all_acknowledges_every_open_alert_of_that_patient_at_this_clinic_only(
    db, busy_clinic, ada, clinic, practitioner, clinic_browser
):
    page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))
    assert "2 open alerts." in page and page.count('value="Acknowledge alert"') == 2
    assert page.count('value="Acknowledge all open alerts"') == 1
    response = clinic_browser.post(
        f"/clinic/patients/{ada.id}/alerts/acknowledge",
        data={"all-alerts-note": "Called Ada about both.", "all-alerts-seen": hidden_value(page, "all-alerts-seen")},
    )
    assert response.status_code == 302 and response.location.endswith(f"/clinic/patients/{ada.id}#alerts")
    assert "2 open alerts acknowledged." in page_of(clinic_browser.get(response.location))

    ada_here = alerts(db, Alert.patient_id == ada.id, Alert.clinic_id == clinic.id)
    assert [(a.acknowledged_by_id, a.acknowledgement_note, a.acknowledged_at) for a in ada_here] == [
        (practitioner.id, "Called Ada about both.", NOW),
        (practitioner.id, "Called Ada about both.", NOW),
    ]
    ada_elsewhere = alerts(db, Alert.patient_id == ada.id, Alert.clinic_id == busy_clinic["other_clinic"].id)
    (bea_alert,) = alerts(db, Alert.patient_id == busy_clinic["bea"].id)
    assert [a.is_open for a in ada_elsewhere] == [True, True] and bea_alert.is_open
    audit = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.patient_id == ada.id)).all()
    assert audit.count("acknowledge_all_alerts") == 1 and "acknowledge_alert" not in audit

    # Pressed twice: nothing more changes, no error.
    again = clinic_browser.post(
        f"/clinic/patients/{ada.id}/alerts/acknowledge",
        data={"all-alerts-note": "Again.", "all-alerts-seen": hidden_value(page, "all-alerts-seen")},
        follow_redirects=True,
    )
    assert again.status_code == 200 and "There were no open alerts left to acknowledge." in page_of(again)
    assert {a.acknowledgement_note for a in alerts(db, Alert.patient_id == ada.id, Alert.clinic_id == clinic.id)} == {
        "Called Ada about both."
    }
    audit = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.patient_id == ada.id)).all()
    assert audit.count("acknowledge_all_alerts") == 1
    assert "Dr Glow — acknowledged all open alerts" in page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))


def test_acknowledge_all_refuses_an_alert_the_page_did_not_show(
    db, busy_clinic, ada, clinic, clinic_browser, make_session, app
):
    page = page_of(clinic_browser.get(f"/clinic/patients/{ada.id}"))
    seen = hidden_value(page, "all-alerts-seen")
    third = make_session(ada, hours_ago=20)
    browser = app.test_client()
    log_in(browser, ada)
    log(browser, third, worse_again="y")
    response = clinic_browser.post(
        f"/clinic/patients/{ada.id}/alerts/acknowledge", data={"all-alerts-note": "Both.", "all-alerts-seen": seen}
    )
    assert response.status_code == 422 and "A new warning sign was added" in page_of(response)
    assert all(a.is_open for a in alerts(db, Alert.patient_id == ada.id, Alert.clinic_id == clinic.id))


def test_acknowledging_another_clinics_alert_or_patient_answers_404_and_changes_nothing(
    db, busy_clinic, ada, make_practitioner, make_patient, app
):
    other = app.test_client()
    log_in(other, make_practitioner(busy_clinic["other_clinic"], name="Dr Other"))
    (glow_alert, *_) = alerts(db, Alert.patient_id == ada.id, Alert.clinic_id != busy_clinic["other_clinic"].id)
    bea = busy_clinic["bea"]  # not a patient of the other clinic
    assert other.post(f"/clinic/alerts/{glow_alert.id}/acknowledge", data={}).status_code == 404
    assert other.post(f"/clinic/patients/{bea.id}/alerts/acknowledge", data={}).status_code == 404
    assert other.post("/clinic/alerts/999999/acknowledge", data={}).status_code == 404
    # Ada shares with both: the other clinic's acknowledge-all reaches only its own alerts (here
    # refused, as the page it was sent from showed none of them).
    assert other.post(f"/clinic/patients/{ada.id}/alerts/acknowledge", data={"all-alerts-seen": ""}).status_code == 422
    assert all(a.is_open for a in alerts(db))


def test_acknowledging_needs_the_csrf_token(db, busy_clinic, ada, practitioner, csrf_app):
    browser = csrf_app.test_client()
    login_page = page_of(browser.get("/auth/login"))
    token = hidden_value(login_page, "csrf_token")
    log_in_response = browser.post(
        "/auth/login",
        data={"email": practitioner.email, "password": PASSWORD, "csrf_token": token},
    )
    assert log_in_response.status_code == 302
    (alert, *_) = alerts(db, Alert.patient_id == ada.id)
    assert browser.post(f"/clinic/alerts/{alert.id}/acknowledge", data={}).status_code == 400
    assert browser.post(f"/clinic/patients/{ada.id}/alerts/acknowledge", data={}).status_code == 400
    assert all(a.is_open for a in alerts(db))


def test_the_patients_own_data_lists_each_alert_with_its_signs(db, ada, ada_session, ada_browser):
    log(ada_browser, ada_session, pus="y", fever="y", blisters="y")
    data = json.loads(ada_browser.get("/my-data/afterglow.json").get_data(as_text=True))
    (alert,) = data["alerts"]
    assert alert["raised_at"] == "2026-06-15T12:00:00+00:00" and alert["acknowledged_at"] is None
    assert alert["ended_at"] is None
    assert sorted(flag["reason"] for flag in alert["flags"]) == [
        "A fever after a skin treatment needs checking.",
        "Blisters or cold sores are not part of normal healing and may need treatment.",
        "Pus or yellow crust is not part of normal healing.",
    ]
