"""Who may reach which page or action: every route against five actors, and consent withdrawal."""

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.models import (
    Alert,
    AlertFlag,
    AuditEvent,
    CareLink,
    Clinic,
    Invite,
    Photo,
    PractitionerNote,
    ShareLink,
    ShareLinkView,
    SymptomLog,
    TreatmentSession,
    User,
)
from app.services import calendar_feed, share_links
from tests.conftest import NOW, log_in

ANONYMOUS, PATIENT_A, PATIENT_B = "anonymous", "patient_a", "patient_b"
OWN_CLINIC, OTHER_CLINIC = "practitioner_of_a", "practitioner_elsewhere"
ACTORS = (ANONYMOUS, PATIENT_A, PATIENT_B, OWN_CLINIC, OTHER_CLINIC)

# What only patient A and A's clinic may ever see.
A_EMAIL, A_NAME = "ada.alpha@example.com", "Ada Alpha"
A_SESSION_NOTE, A_LOG_NOTE = "Ada's private session note", "Ada's private log note"
B_EMAIL = "ben.beta@example.com"

# An expected answer is a status code, or a path the request redirects (302) to.
LOGIN = "/auth/login"
S = "/sessions/{session}"
P = "/clinic/patients/{patient}"
R = "/reminders"
N = "/clinic/notifications"
# A calendar link of the right shape that was never made.
UNKNOWN_FEED = "/calendar/Zq3vX8kLm2Np7Rt4Wy9Ab6Cd1Ef5Gh0Jk3Mn8Pq2Rs4.ics"
# A's share link (her session, with photos): whoever holds it sees that session, A's name among it.
SHARED = "/shared/{share_token}"
UNKNOWN_SHARE = "/shared/Zq3vX8kLm2Np7Rt4Wy9Ab6Cd1Ef5Gh0Jk3Mn8Pq2Rs4"

# One row per page or action; one column per actor, in the order of ACTORS.
#  method  url                                   anonymous  patient A   patient B  A's clinic    other clinic
MATRIX = [
    ("GET", "/", 200, 200, 200, "/clinic/", "/clinic/"),
    ("GET", "/sessions/new", LOGIN, 200, 200, 404, 404),
    ("GET", S, LOGIN, 200, 404, 404, 404),
    ("GET", S + "/edit", LOGIN, 200, 404, 404, 404),
    ("GET", S + "/summary", LOGIN, 200, 404, 404, 404),
    ("GET", S + "/summary?photos=1", LOGIN, 200, 404, 404, 404),
    ("GET", "/summary", LOGIN, 200, 200, 404, 404),
    ("GET", "/summary?photos=1", LOGIN, 200, 200, 404, 404),
    ("POST", S + "/edit", LOGIN, S, 404, 404, 404),
    ("GET", S + "/delete", LOGIN, 200, 404, 404, 404),
    ("POST", S + "/delete", LOGIN, "/", 404, 404, 404),
    ("GET", S + "/logs/new", LOGIN, 200, 404, 404, 404),
    ("POST", S + "/logs/new", LOGIN, S, 404, 404, 404),
    ("GET", "/logs/{log}/edit", LOGIN, 200, 404, 404, 404),
    ("POST", "/logs/{log}/edit", LOGIN, S, 404, 404, 404),
    ("GET", "/logs/{log}/delete", LOGIN, 200, 404, 404, 404),
    ("POST", "/logs/{log}/delete", LOGIN, S, 404, 404, 404),
    ("GET", "/sharing", LOGIN, 200, 200, 404, 404),
    ("GET", "/my-data/afterglow-fhir.json", LOGIN, 200, 200, 404, 404),
    ("GET", "/sharing/{link}/withdraw", LOGIN, 200, 404, 404, 404),
    ("POST", "/sharing/{link}/withdraw", LOGIN, "/sharing", 404, 404, 404),
    ("GET", "/clinic/", LOGIN, 404, 404, 200, 200),
    ("GET", P, LOGIN, 404, 404, 200, 404),
    ("GET", P + "/summary", LOGIN, 404, 404, 200, 404),
    ("GET", P + "/summary?session={session}&photos=1", LOGIN, 404, 404, 200, 404),
    ("GET", P + "/fhir.json", LOGIN, 404, 404, 200, 404),
    ("POST", P + "/notes", LOGIN, 404, 404, P, 404),
    ("POST", "/clinic/alerts/{alert}/acknowledge", LOGIN, 404, 404, P, 404),
    ("POST", P + "/alerts/acknowledge", LOGIN, 404, 404, P, 404),
    ("GET", P + "/sessions/new", LOGIN, 404, 404, 200, 404),
    ("POST", P + "/sessions/new", LOGIN, 404, 404, P, 404),
    ("GET", P + "/logs.csv", LOGIN, 404, 404, 200, 404),
    ("GET", "/clinic/logs.csv", LOGIN, 404, 404, 200, 200),
    ("GET", "/clinic/cohort", LOGIN, 404, 404, 200, 200),
    ("GET", "/clinic/audit", LOGIN, 404, 404, 200, 200),
    ("GET", "/clinic/invites", LOGIN, 404, 404, 200, 200),
    ("POST", "/clinic/invites", LOGIN, 404, 404, 200, 200),
    ("GET", "/clinic/profile", LOGIN, 404, 404, 200, 200),
    ("POST", "/clinic/profile", LOGIN, 404, 404, "/clinic/profile", "/clinic/profile"),  # each its own clinic's
    ("GET", S + "/photos/new", LOGIN, 200, 404, 404, 404),
    ("GET", "/photos", LOGIN, 200, 200, 404, 404),
    ("GET", "/photos?after={photo}", LOGIN, 200, 404, 404, 404),
    ("GET", "/photos/{photo}/screen.jpg", LOGIN, 200, 404, 200, 404),
    ("GET", "/photos/{photo}/thumb.jpg", LOGIN, 200, 404, 200, 404),
    ("GET", "/photos/{photo}/delete", LOGIN, 200, 404, 404, 404),
    ("POST", "/photos/{photo}/delete", LOGIN, "/photos", 404, 404, 404),
    ("GET", P + "/photos", LOGIN, 404, 404, 200, 404),
    ("GET", P + "/photos?before={photo}", LOGIN, 404, 404, 200, 404),
    ("GET", "/auth/account", LOGIN, 200, 200, 200, 200),
    ("GET", "/auth/password", LOGIN, 200, 200, 200, 200),
    ("POST", "/auth/account/language", LOGIN, *["/auth/account"] * 4),  # each their own language
    ("GET", R, LOGIN, 200, 200, 404, 404),
    ("POST", R, LOGIN, R, R, 404, 404),  # each their own choices
    ("POST", R + "/calendar", LOGIN, R, R, 404, 404),  # each a new link to their own calendar
    ("POST", R + "/calendar/off", LOGIN, R, R, 404, 404),
    ("GET", UNKNOWN_FEED, 404, 404, 404, 404, 404),
    ("GET", "/series", LOGIN, 200, 200, 404, 404),
    ("POST", "/series", LOGIN, "/", "/", 404, 404),  # each their own plan
    ("POST", P + "/series", LOGIN, 404, 404, P + "#series", 404),
    ("GET", N, LOGIN, 404, 404, 200, 200),
    ("POST", N, LOGIN, 404, 404, N, N),  # each their own choices
    ("GET", "/sharing/links/new", LOGIN, 200, 200, 404, 404),
    ("POST", "/sharing/links/new", LOGIN, *["/sharing/links/created"] * 2, 404, 404),  # each a link to their own
    ("GET", "/sharing/links/created", LOGIN, "/sharing", "/sharing", 404, 404),  # shown once, right after
    ("POST", "/sharing/links/{share_link}/revoke", LOGIN, "/sharing#share-links", 404, 404, 404),
    ("GET", SHARED, 200, 200, 200, 200, 200),
    ("GET", SHARED + "/photos/{photo}/screen.jpg", 200, 200, 200, 200, 200),
    ("GET", SHARED + "/photos/{photo}/thumb.jpg", 200, 200, 200, 200, 200),
    ("GET", UNKNOWN_SHARE, 404, 404, 404, 404, 404),
    ("GET", UNKNOWN_SHARE + "/photos/{photo}/thumb.jpg", 404, 404, 404, 404, 404),
    ("GET", "/metrics", 404, 404, 404, 404, 404),  # only a scrape with METRICS_TOKEN reads it (test_metrics.py)
]
CASES = [
    pytest.param(actor, method, url, expected, id=f"{actor} {method} {url}")
    for method, url, *answers in MATRIX
    for actor, expected in zip(ACTORS, answers, strict=True)
]


@pytest.fixture
def world(make_clinic, make_practitioner, make_patient, make_session, make_log, make_photo, share, db):
    """Patient A shares with clinic 1 and has an open alert there.

    Patient B shares with clinic 2 (not with no clinic), so that clinic 2's dashboard
    and CSV have a row of their own: A missing from them is then a real absence.
    """
    clinic1, clinic2 = make_clinic("Clinic One"), make_clinic("Clinic Two")
    patient_a = make_patient(email=A_EMAIL, name=A_NAME)
    patient_b = make_patient(email=B_EMAIL, name="Ben Beta")
    a_session = make_session(patient_a, hours_ago=30, notes=A_SESSION_NOTE)
    a_log = make_log(a_session, hours_after=2, note=A_LOG_NOTE)
    a_photo = make_photo(a_session, hours_after=3)
    make_log(make_session(patient_b, hours_ago=20), hours_after=2)
    a_link = share(patient_a, clinic1)
    share(patient_b, clinic2)
    for patient in (patient_a, patient_b):  # turning a calendar off then changes something
        calendar_feed.create_link(patient)
    share_link, share_token = share_links.create(patient_a, a_session, include_photos=True, days=7)
    alert = Alert(clinic_id=clinic1.id, patient_id=patient_a.id, session_id=a_session.id)
    alert.flags.append(
        AlertFlag(flag_key="sign_worse_again", severity="today", reason="Redder again on day 3.", action="Call today.")
    )
    db.session.add(alert)
    db.session.commit()
    return SimpleNamespace(
        users={
            PATIENT_A: patient_a,
            PATIENT_B: patient_b,
            OWN_CLINIC: make_practitioner(clinic1, name="Dr One"),
            OTHER_CLINIC: make_practitioner(clinic2, name="Dr Two"),
        },
        ids=dict(
            session=a_session.id,
            log=a_log.id,
            link=a_link.id,
            patient=patient_a.id,
            alert=alert.id,
            alert_flag=alert.flags[0].id,
            photo=a_photo.id,
            share_link=share_link.id,
            share_token=share_token,
        ),
    )


@pytest.fixture
def client_as(app, world):
    """A new client, logged in as the actor (or not at all for the anonymous one)."""

    def make(actor):
        client = app.test_client()
        if actor != ANONYMOUS:
            log_in(client, world.users[actor])
        return client

    return make


def form_data(ids):
    """One valid submission for every form in the matrix: a permitted POST succeeds and changes something."""
    return {
        "performed_at": "2026-06-14T05:00",
        "device": "other",
        "areas": ["body"],  # sessions
        "logged_at": "2026-06-15T11:00",
        "redness": "4",
        "swelling": "4",
        "peeling": "4",  # logs
        "body": "Called Ada, all fine.",  # private note
        f"alert-{ids['alert']}-note": "Called Ada, advised a cool compress.",  # acknowledgement
        f"alert-{ids['alert']}-seen": str(ids["alert_flag"]),
        "all-alerts-note": "Called Ada about everything.",  # acknowledging all
        "all-alerts-seen": str(ids["alert_flag"]),
        "patient-name": "New Patient",
        "patient-submit": "Create invite",  # patient invite
        "name": "Glow Clinic",
        "phone": "020 7946 0000",
        "timezone": "Europe/London",  # clinic profile
        "remind_by_email": "y",
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "07:30",  # reminder choices (push left unticked)
        "planned_sessions": "4",
        "interval_weeks": "5",  # series plan
        "notify_alerts_by_email": "y",  # a practitioner's clinic notifications
        "language": "es",  # the account's language
        "scope": "series",
        "expires_in": "7",  # a share link
    }


def database_state(db, ids):
    """Everything a request in the matrix could change."""
    db.session.rollback()  # read what the requests committed, not what this session remembers

    def count(model, *where):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return {
        "sessions": count(TreatmentSession),
        "logs": count(SymptomLog),
        "notes": count(PractitionerNote),
        "acknowledged alerts": count(Alert, Alert.acknowledged_at.is_not(None)),
        "active links": count(CareLink, CareLink.withdrawn_at.is_(None)),
        "invites": count(Invite),
        "audit events": count(AuditEvent),
        "photos": count(Photo),
        "share links": count(ShareLink),
        "revoked share links": count(ShareLink, ShareLink.revoked_at.is_not(None)),
        "share link views": count(ShareLinkView),
        "clinic phones": tuple(db.session.scalars(sa.select(Clinic.phone).order_by(Clinic.id))),
        "each user's choices": tuple(
            db.session.execute(
                sa.select(
                    User.id,
                    User.remind_by_email,
                    User.remind_by_push,
                    User.quiet_hours_start,
                    User.quiet_hours_end,
                    User.calendar_token_hash,
                    User.language,
                    User.planned_sessions,
                    User.planned_interval_weeks,
                    User.notify_alerts_by_email,
                    User.notify_alerts_by_push,
                ).order_by(User.id)
            )
        ),
        "A's session": tuple(
            db.session.execute(
                sa.select(TreatmentSession.performed_at, TreatmentSession.device, TreatmentSession.areas).where(
                    TreatmentSession.id == ids["session"]
                )
            ).one_or_none()
            or ()
        ),
        "A's log": tuple(
            db.session.execute(
                sa.select(SymptomLog.logged_at, SymptomLog.redness, SymptomLog.swelling, SymptomLog.peeling).where(
                    SymptomLog.id == ids["log"]
                )
            ).one_or_none()
            or ()
        ),
    }


@pytest.mark.parametrize("actor, method, url, expected", CASES)
def test_access_matrix(db, world, client_as, actor, method, url, expected):
    client = client_as(actor)
    before = database_state(db, world.ids)

    data = form_data(world.ids) if method == "POST" else None
    response = client.open(url.format(**world.ids), method=method, data=data)

    if isinstance(expected, str):
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        location = urlsplit(response.headers["Location"])
        path, _, fragment = expected.format(**world.ids).partition("#")
        assert location.path == path
        if fragment:  # the part of the page to land on, where a row names one
            assert location.fragment == fragment
    else:
        assert response.status_code == expected
    if response.status_code == 200 and url.endswith(".csv"):
        assert response.mimetype == "text/csv"
    if response.status_code == 200 and url.endswith(".jpg"):
        assert response.mimetype == "image/jpeg"
        assert response.headers["Cache-Control"] == "private, no-store"

    body = response.get_data().decode(errors="replace")  # a photo is bytes
    if actor not in (PATIENT_A, OWN_CLINIC):
        # A's share link shows her name to whoever holds it, as she chose; nothing else private.
        shown = (A_NAME,) if url.startswith(SHARED) and response.status_code == 200 else ()
        for private in {A_EMAIL, A_NAME, A_SESSION_NOTE, A_LOG_NOTE} - set(shown):
            assert private not in body

    denied = expected in (404, LOGIN)
    after = database_state(db, world.ids)
    if denied:
        assert after == before, "a refused request changed the database"
    elif method == "POST":
        assert after != before, "a permitted action changed nothing"


def test_practitioner_of_a_stores_a_private_note(db, world, client_as):
    response = client_as(OWN_CLINIC).post(
        f"/clinic/patients/{world.ids['patient']}/notes", data={"body": "Called Ada, all fine."}
    )
    assert response.status_code == 302
    note = db.session.scalar(sa.select(PractitionerNote))
    assert (note.patient_id, note.author_id, note.body) == (
        world.ids["patient"],
        world.users[OWN_CLINIC].id,
        "Called Ada, all fine.",
    )
    assert note.clinic_id == world.users[OWN_CLINIC].clinic_id


def test_practitioner_of_a_acknowledges_the_alert(db, world, client_as):
    alert_id = world.ids["alert"]
    response = client_as(OWN_CLINIC).post(
        f"/clinic/alerts/{alert_id}/acknowledge",
        data={
            f"alert-{alert_id}-note": "Called Ada; cool compress.",
            f"alert-{alert_id}-seen": world.ids["alert_flag"],
        },
    )
    assert response.status_code == 302
    alert = db.session.get(Alert, alert_id)
    db.session.refresh(alert)
    assert alert.acknowledged_at == NOW
    assert alert.acknowledged_by_id == world.users[OWN_CLINIC].id
    assert alert.acknowledgement_note == "Called Ada; cool compress."


def test_practitioner_of_a_sees_a_on_the_dashboard_and_in_both_csvs(world, client_as):
    client = client_as(OWN_CLINIC)
    assert A_NAME in client.get("/clinic/").get_data(as_text=True)
    for url in ("/clinic/logs.csv", f"/clinic/patients/{world.ids['patient']}/logs.csv"):
        csv_text = client.get(url).get_data(as_text=True)
        assert A_EMAIL in csv_text and A_LOG_NOTE in csv_text
        assert B_EMAIL not in csv_text


def test_other_clinic_sees_its_own_patient_but_never_a(world, client_as):
    client = client_as(OTHER_CLINIC)
    dashboard = client.get("/clinic/").get_data(as_text=True)
    clinic_csv = client.get("/clinic/logs.csv").get_data(as_text=True)
    assert "Ben Beta" in dashboard and B_EMAIL in clinic_csv
    assert A_EMAIL not in dashboard and A_NAME not in dashboard
    assert A_EMAIL not in clinic_csv


def withdraw_by_setting_the_date(db, world, client_as):
    link = db.session.get(CareLink, world.ids["link"])
    link.withdrawn_at = NOW
    db.session.commit()


def withdraw_as_patient_a_on_the_sharing_page(db, world, client_as):
    response = client_as(PATIENT_A).post(f"/sharing/{world.ids['link']}/withdraw")
    assert response.status_code == 302


@pytest.mark.parametrize("withdraw", [withdraw_by_setting_the_date, withdraw_as_patient_a_on_the_sharing_page])
def test_after_a_withdraws_consent_their_clinic_loses_access(db, world, client_as, withdraw):
    client = client_as(OWN_CLINIC)
    patient, alert = world.ids["patient"], world.ids["alert"]
    assert A_EMAIL in client.get("/clinic/logs.csv").get_data(as_text=True)
    assert A_NAME in client.get("/clinic/").get_data(as_text=True)
    assert "1 session " in client.get("/clinic/cohort").get_data(as_text=True)

    assert client.get(f"/photos/{world.ids['photo']}/screen.jpg").status_code == 200

    withdraw(db, world, client_as)
    before = database_state(db, world.ids)

    assert client.get(f"/clinic/patients/{patient}").status_code == 404
    assert client.get(f"/clinic/patients/{patient}/logs.csv").status_code == 404
    assert client.get(f"/clinic/patients/{patient}/sessions/new").status_code == 404
    assert (
        client.post(f"/clinic/alerts/{alert}/acknowledge", data={f"alert-{alert}-note": "Too late."}).status_code == 404
    )
    assert client.post(f"/clinic/patients/{patient}/alerts/acknowledge", data={}).status_code == 404
    assert client.post(f"/clinic/patients/{patient}/notes", data={"body": "Too late."}).status_code == 404
    assert client.get(f"/clinic/patients/{patient}/photos").status_code == 404
    for variant in ("screen", "thumb"):
        assert client.get(f"/photos/{world.ids['photo']}/{variant}.jpg").status_code == 404
    assert database_state(db, world.ids) == before

    dashboard = client.get("/clinic/").get_data(as_text=True)
    assert A_NAME not in dashboard and A_EMAIL not in dashboard
    assert A_EMAIL not in client.get("/clinic/logs.csv").get_data(as_text=True)
    assert "0 sessions " in client.get("/clinic/cohort").get_data(as_text=True)
