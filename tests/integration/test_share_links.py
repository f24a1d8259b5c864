"""Share links for a doctor without an account: made and turned off by the patient on the Sharing page,
opened read-only by anyone holding the link, showing only what was chosen, until expiry or revocation."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.extensions import limiter
from app.factory import create_app
from app.models import ShareLink, ShareLinkView, TreatmentSession
from tests.conftest import NOW, PASSWORD, FreshContextClient, log_in, make_config

SHARE_URL = re.compile(r"http://localhost/shared/([A-Za-z0-9_-]{43})")
SESSION_HEADING = re.compile(r'<h2 id="session-\d+-heading">')
LATEST, OLDER = "Derma pen (motorised)", "Derma roller"  # the two sessions' devices, as the page words them


@pytest.fixture
def sessions(patient, make_session, make_log):
    """The patient's session of 30 hours ago (a derma pen) and one of 20 days ago (a roller), with logs."""
    latest = make_session(patient, hours_ago=30, device="derma_pen")
    older = make_session(patient, hours_ago=20 * 24, device="derma_roller")
    make_log(latest, hours_after=2)
    make_log(older, hours_after=2)
    return latest, older


@pytest.fixture
def doctor(app):
    """A fresh browser: nobody logged in, no cookies."""
    return app.test_client()


def make_link(client, scope, photos=False, days="7", label=""):
    """Fill in "Share with a doctor"; the link shown once on the next page."""
    data = {"scope": str(scope), "expires_in": days, "label": label}
    if photos:
        data["include_photos"] = "y"
    response = client.post("/sharing/links/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert response.headers["Location"] == "/sharing/links/created"
    page = client.get("/sharing/links/created").get_data(as_text=True)
    return SHARE_URL.search(page).group(1)


def everything_stored(db):
    """Every value of every row of every table, as text."""
    text = []
    for table in db.metadata.sorted_tables:
        text += [repr(tuple(row)) for row in db.session.execute(sa.select(table))]
    db.session.rollback()
    return "\n".join(text)


def test_a_link_to_one_session_shows_that_session_only_to_a_fresh_browser(
    patient_client, doctor, sessions, patient, db
):
    latest, older = sessions
    token = make_link(patient_client, latest.id, label="Dr Rivera")

    response = doctor.get(f"/shared/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert LATEST in page and OLDER not in page
    assert len(SESSION_HEADING.findall(page)) == 1
    assert "Photos" not in page  # not chosen
    assert "Dr Rivera" not in page  # the label is the patient's own
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "<form" not in page.split("<main", 1)[1]  # read-only: nothing to send
    # Written about the patient for the doctor, not to the patient.
    assert "First week against the typical range" in page
    assert "Your first week" not in page


def test_a_link_to_the_series_shows_every_session(patient_client, doctor, sessions):
    token = make_link(patient_client, "series")
    page = doctor.get(f"/shared/{token}").get_data(as_text=True)
    assert LATEST in page and OLDER in page
    assert len(SESSION_HEADING.findall(page)) == 2


def test_only_the_hash_of_the_secret_is_stored_and_the_token_is_nowhere_in_the_database(
    patient_client, doctor, sessions, db
):
    token = make_link(patient_client, sessions[0].id)
    assert doctor.get(f"/shared/{token}").status_code == 200
    link = db.session.scalar(sa.select(ShareLink))
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in everything_stored(db)


def test_the_link_is_shown_once(patient_client, sessions):
    make_link(patient_client, sessions[0].id)
    again = patient_client.get("/sharing/links/created")
    assert again.status_code == 302 and again.headers["Location"] == "/sharing"
    assert "shown only once" in patient_client.get("/sharing").get_data(as_text=True)


def test_photos_are_shown_only_when_chosen_and_only_through_the_link(
    patient_client, doctor, sessions, make_photo, make_patient, make_session
):
    latest, older = sessions
    photo, older_photo = make_photo(latest, hours_after=3), make_photo(older, hours_after=3)
    stranger_photo = make_photo(make_session(make_patient()), hours_after=3)
    without, with_photos = make_link(patient_client, latest.id), make_link(patient_client, latest.id, photos=True)

    page = doctor.get(f"/shared/{with_photos}").get_data(as_text=True)
    assert f"/shared/{with_photos}/photos/{photo.id}/screen.jpg" in page
    assert f"/photos/{older_photo.id}/" not in page
    response = doctor.get(f"/shared/{with_photos}/photos/{photo.id}/screen.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.get_data()[:2] == b"\xff\xd8"
    assert response.headers["Cache-Control"] == "private, no-store"
    # Another session's photo, a stranger's, or any photo through a link without photos: 404.
    assert doctor.get(f"/shared/{with_photos}/photos/{older_photo.id}/screen.jpg").status_code == 404
    assert doctor.get(f"/shared/{with_photos}/photos/{stranger_photo.id}/thumb.jpg").status_code == 404
    assert doctor.get(f"/shared/{without}/photos/{photo.id}/thumb.jpg").status_code == 404
    assert "/photos/" not in doctor.get(f"/shared/{without}").get_data(as_text=True)
    # The app's own photo address needs a log-in that may see it.
    assert doctor.get(f"/photos/{photo.id}/screen.jpg").status_code == 302


def test_expired_revoked_unknown_and_malformed_links_answer_the_same_404(
    patient_client, doctor, sessions, frozen_time, db
):
    expiring = make_link(patient_client, sessions[0].id, days="1")
    revoked = make_link(patient_client, sessions[0].id, days="30")
    revoked_id = db.session.scalar(sa.select(ShareLink.id).order_by(ShareLink.id.desc()))
    assert patient_client.post(f"/sharing/links/{revoked_id}/revoke").status_code == 302
    unknown = "Zq3vX8kLm2Np7Rt4Wy9Ab6Cd1Ef5Gh0Jk3Mn8Pq2Rs4"

    assert doctor.get(f"/shared/{expiring}").status_code == 200  # a day less a minute later: still working
    frozen_time.move_to(NOW + timedelta(days=1) - timedelta(minutes=1))
    assert doctor.get(f"/shared/{expiring}").status_code == 200
    frozen_time.move_to(NOW + timedelta(days=1))

    pages = []
    for token in (expiring, revoked, unknown, "short", unknown + "x", "%00"):
        response = doctor.get(f"/shared/{token}")
        assert response.status_code == 404, token
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        pages.append(response.get_data(as_text=True))
    assert "Page not found" in pages[0]
    assert len(set(pages)) == 1
    assert doctor.get(f"/shared/{revoked}/photos/1/thumb.jpg").status_code == 404


def test_each_view_is_counted_and_listed_on_the_patients_sharing_page(patient_client, doctor, sessions, app):
    token = make_link(patient_client, sessions[0].id, label="Dr Rivera")
    patient_client.get(f"/shared/{token}")  # the patient looking at their own link is not a view
    sharing = patient_client.get("/sharing").get_data(as_text=True)
    assert "Opened 0 times." in sharing and "Nobody has opened your share links yet." in sharing

    doctor.get(f"/shared/{token}")
    app.test_client().get(f"/shared/{token}")
    sharing = patient_client.get("/sharing").get_data(as_text=True)
    assert "Opened 2 times." in sharing
    assert sharing.count("Someone with your share link (Dr Rivera) viewed it on") == 2
    assert "Turn off this link" in sharing and "Works until" in sharing


def test_revoking_is_a_csrf_protected_post_by_the_owner_only(
    patient_client, csrf_app, sessions, make_patient, db, doctor
):
    token = make_link(patient_client, sessions[0].id)
    link_id = db.session.scalar(sa.select(ShareLink.id))

    assert patient_client.get(f"/sharing/links/{link_id}/revoke").status_code == 405
    protected = csrf_app.test_client()
    protected.set_cookie("session", patient_client.get_cookie("session").value)
    assert protected.post(f"/sharing/links/{link_id}/revoke").status_code == 400
    other = doctor
    log_in(other, make_patient())
    assert other.post(f"/sharing/links/{link_id}/revoke").status_code == 404
    db.session.rollback()
    assert db.session.get(ShareLink, link_id).revoked_at is None
    assert other.get(f"/shared/{token}").status_code == 200

    assert patient_client.post(f"/sharing/links/{link_id}/revoke").status_code == 302
    db.session.rollback()
    assert db.session.get(ShareLink, link_id).revoked_at == NOW
    sharing = patient_client.get("/sharing").get_data(as_text=True)
    assert "Turned off" in sharing and "Turn off this link" not in sharing


def test_a_link_goes_with_its_session_and_with_the_account(patient_client, doctor, sessions, patient, db):
    latest, older = sessions
    one = make_link(patient_client, latest.id)
    series = make_link(patient_client, "series")
    doctor.get(f"/shared/{one}")
    assert patient_client.post(f"/sessions/{latest.id}/delete").status_code == 302
    assert doctor.get(f"/shared/{one}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareLink)) == 1  # the series link stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareLinkView)) == 0
    page = doctor.get(f"/shared/{series}").get_data(as_text=True)
    assert OLDER in page and LATEST not in page

    assert patient_client.post("/my-data/delete", data={"password": PASSWORD}).status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareLink)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareLinkView)) == 0
    assert doctor.get(f"/shared/{series}").status_code == 404


def test_the_export_lists_the_links_without_their_secret(patient_client, doctor, sessions, db):
    token = make_link(patient_client, sessions[0].id, photos=True, label="Dr Rivera")
    doctor.get(f"/shared/{token}")
    link = db.session.scalar(sa.select(ShareLink))
    export = patient_client.get("/my-data/afterglow.json").get_data(as_text=True)
    assert token not in export and link.token_hash not in export
    assert json.loads(export)["share_links"] == [
        {
            "label": "Dr Rivera",
            "session_performed_at": "2026-06-14T06:00:00+00:00",
            "whole_series": False,
            "include_photos": True,
            "created_at": "2026-06-15T12:00:00+00:00",
            "expires_at": "2026-06-22T12:00:00+00:00",
            "revoked_at": None,
            "opened": ["2026-06-15T12:00:00+00:00"],
        }
    ]


def test_the_form_refuses_another_patients_session_and_odd_choices_with_messages(
    patient_client, sessions, make_patient, make_session, db
):
    strangers = make_session(make_patient())
    for data, field in (
        ({"scope": str(strangers.id), "expires_in": "7"}, "scope"),
        ({"scope": "", "expires_in": "7"}, "scope"),
        ({"scope": "series", "expires_in": "365"}, "expires_in"),
        ({"scope": "series", "expires_in": "7", "label": "x" * 81}, "label"),
    ):
        response = patient_client.post("/sharing/links/new", data=data)
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShareLink)) == 0


def test_the_new_link_page_offers_each_session_and_the_series(patient_client, sessions):
    page = patient_client.get("/sharing/links/new").get_data(as_text=True)
    latest, older = sessions
    assert f'value="{latest.id}"' in page and f'value="{older.id}"' in page and 'value="series"' in page
    assert "All my sessions (the whole series)" in page
    assert "1 day" in page and "7 days" in page and "30 days" in page


@pytest.fixture
def limited_app(tmp_path, app):
    """The app with its limits on, counting in the test database (as without Redis in production)."""
    limited = create_app(make_config(tmp_path, RATELIMIT_ENABLED=True, INVITE_VIEW_RATE_LIMIT="3 per minute"))
    limited.test_client_class = FreshContextClient
    yield limited
    limiter.storage.engine.dispose()
    with limited.app_context():
        _db.engine.dispose()


def test_opening_share_links_is_limited_per_address_and_the_counter_holds_no_token(
    limited_app, patient, make_session, db
):
    treatment = make_session(patient)
    with limited_app.test_request_context():
        from app.services import share_links

        _link, token = share_links.create(patient, treatment, False, 7)
    client = limited_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.9.1"
    statuses = [client.get(f"/shared/{token}").status_code for _ in range(3)]
    statuses += [client.get("/shared/Zq3vX8kLm2Np7Rt4Wy9Ab6Cd1Ef5Gh0Jk3Mn8Pq2Rs4").status_code]
    assert statuses == [200, 200, 200, 429]
    assert "share links" in client.get(f"/shared/{token}").get_data(as_text=True)
    other = limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.9.2"
    assert other.get(f"/shared/{token}").status_code == 200
    assert token not in everything_stored(db)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TreatmentSession)) == 1


def test_templates_rendered_outside_a_request_are_left_alone(app):
    """Emails from `flask send-reminders` are rendered with no request: the Sharing page's lists stay out."""
    from flask import render_template_string

    assert render_template_string("{{ share_links is defined }}") == "False"
