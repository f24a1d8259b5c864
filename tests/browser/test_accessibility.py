"""axe-core (served from the tests' own copy) finds no accessibility violation on any page, at 360 px."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from app.cli import DEMO_PASSWORD, DEMO_PATIENTS, DEMO_PRACTITIONER_EMAIL
from app.extensions import db
from app.models import INVITE_PATIENT, INVITE_PRACTITIONER, Alert, TreatmentSession, User
from app.services import clinics, password_resets, signups
from tests.browser.conftest import PHONE
from tests.conftest import store_photo

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
ANONYMOUS_PAGES = [
    "/",
    "/auth/login",
    "/auth/signup",
    "/auth/clinic-signup",
    "/auth/reset-password",
    "/join",
    "/offline",
    "/no-such-page",
]
# Pages opened from an emailed link (step 2 of each sign-up, a password reset) and those an invite opens.
EMAILED_PAGES = [
    "/auth/signup/{patient}",
    "/auth/clinic-signup/{clinic}",
    "/auth/reset-password/{reset}",
    "/join/{invite_key}",
    "/join/{invite_key}/{invite}",
    "/team/{team_key}",
    "/team/{team_key}/{team}",
    "/auth/signup/{expired}",
]
PATIENT_PAGES = [
    "/",
    "/sessions/new",
    "/sessions/{session}",
    "/sessions/{session}/logs/new",
    "/sessions/{session}/edit",
    "/sessions/{session}/delete",
    "/sharing",
    "/my-data",
    "/auth/account",
    "/auth/password",
    "/photos",
    "/sessions/{session}/photos/new",
    "/photos/{photo}/delete",
]
PRACTITIONER_PAGES = [
    "/clinic/",
    "/clinic/patients/{patient}",
    "/clinic/patients/{patient}/sessions/new",
    "/clinic/patients/{patient}/photos",
    "/clinic/invites",
    "/clinic/cohort",
    "/clinic/audit",
]


@pytest.fixture
def seeded(seeded_server):
    live_server = seeded_server
    with live_server.flask_app.app_context():
        flagged = db.session.scalar(sa.select(User).where(User.email == DEMO_PATIENTS["red_flag"]))
        patient_id = flagged.id
        session_id = db.session.scalar(sa.select(TreatmentSession.id).where(TreatmentSession.patient_id == patient_id))
        assert db.session.scalar(sa.select(sa.func.count(Alert.id)))  # the detail page shows open alerts
        # Two photos, so the photo pages show the comparison, the slider and the thumbnails.
        treatment = db.session.get(TreatmentSession, session_id)
        photo_ids = [
            store_photo(treatment, hours, colour, size=(400, 300)).id
            for hours, colour in ((1, (190, 110, 100)), (60, (210, 160, 140)))
        ]
    return live_server, {"patient": patient_id, "session": session_id, "photo": photo_ids[0]}


def violations(page):
    page.evaluate(AXE)
    return page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
    }""")


def audit_pages(browser, server, paths, email=None, ids=None):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    try:
        if email:
            page.goto(server.url + "/auth/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
        found = {}
        for path in paths:
            page.goto(server.url + path.format(**(ids or {})))
            page.wait_for_load_state("networkidle")
            problems = violations(page)
            if problems:
                found[path] = problems
        return found
    finally:
        context.close()


def test_anonymous_pages_have_no_violations(browser, live_server):
    assert audit_pages(browser, live_server, ANONYMOUS_PAGES) == {}


def test_pages_of_emailed_links_and_invites_have_no_violations(browser, seeded_server, emailed_links):
    assert audit_pages(browser, seeded_server, EMAILED_PAGES, ids=emailed_links) == {}


@pytest.fixture
def emailed_links(seeded_server):
    """Tokens for a link of each kind (one of them too old), and the demo clinic's invite keys."""
    app = seeded_server.flask_app
    with app.test_request_context():
        practitioner = db.session.scalar(sa.select(User).where(User.email == DEMO_PRACTITIONER_EMAIL))
        patient = db.session.scalar(sa.select(User).where(User.email == DEMO_PATIENTS["red_flag"]))
        invite, invite_key = clinics.create_invite(practitioner.clinic_id, practitioner, INVITE_PATIENT)
        team_invite, team_key = clinics.create_invite(practitioner.clinic_id, practitioner, INVITE_PRACTITIONER)
        with time_machine.travel(datetime.now(UTC) - timedelta(days=2), tick=False):
            expired = signups.link_token(signups.PATIENT, "late@example.com")
        return {
            "patient": signups.link_token(signups.PATIENT, "new@example.com"),
            "clinic": signups.link_token(signups.CLINIC, "new@example.com", clinic="Glow", name="Dr New"),
            "reset": password_resets.link_token(patient),
            "invite_key": invite_key,
            "team_key": team_key,
            "invite": signups.link_token(signups.INVITE, "new@example.com", name="New", invite=invite.id),
            "team": signups.link_token(signups.TEAM, "new@example.com", name="Dr New", invite=team_invite.id),
            "expired": expired,
        }


def test_the_check_your_email_page_has_no_violations(browser, live_server):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/auth/signup")
        page.get_by_label("Email").fill("a11y@example.com")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/auth/check-email")
        assert violations(page) == []
    finally:
        context.close()


def test_patient_pages_have_no_violations(browser, seeded):
    server, ids = seeded
    assert audit_pages(browser, server, PATIENT_PAGES, DEMO_PATIENTS["red_flag"], ids) == {}


def test_practitioner_pages_have_no_violations(browser, seeded):
    server, ids = seeded
    assert audit_pages(browser, server, PRACTITIONER_PAGES, DEMO_PRACTITIONER_EMAIL, ids) == {}


def test_the_check_finds_a_violation_when_there_is_one(browser):
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><title>t</title><main><input type="text"></main></html>')
        assert any(problem.startswith("label") for problem in violations(page))
    finally:
        page.close()
