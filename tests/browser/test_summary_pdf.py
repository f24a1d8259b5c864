"""Chromium's print to PDF of demo patients' summaries: a clean document, charts drawn, two pages a session."""

import io
import re
import unicodedata

import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from app.cli import DEMO_PATIENTS, DEMO_PRACTITIONER_EMAIL
from app.extensions import db
from app.models import Alert, User
from app.services import alerts
from tests.browser.test_session_page import log_in_as

CHART_TITLES = ("Your first week against the typical range", "Your 30-day timeline")


def printed(page, paper="A4"):
    """The page printed to A4 (or Letter) as Chromium does it: its number of pages and its text."""
    pdf = PdfReader(io.BytesIO(page.pdf(format=paper, print_background=True)))
    # NFKC undoes the ligatures Chromium prints ("ﬁ" in "first").
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pdf.pages)))
    return len(pdf.pages), text


def wait_for_charts(page, sessions):
    """The summary draws every chart at once, without scrolling to it."""
    for key in ("first-week", "thirty-days"):
        expect(page.locator(f".chart-{key} svg.main-svg")).not_to_have_count(0)
        expect(page.locator(f".chart-{key}[data-drawn]")).to_have_count(sessions)


def test_summary_prints_on_at_most_two_a4_pages_with_status_date_and_charts(page, seeded_server):
    log_in_as(page, seeded_server, DEMO_PATIENTS["typical"])
    page.locator(".cards .card h2 a").first.click()
    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    wait_for_charts(page, 1)
    heading = page.locator(".summary-session h2").first.inner_text()

    pages, text = printed(page)

    assert 1 <= pages <= 2
    assert "On track" in text
    assert heading.startswith("Session of ") and heading in text
    for title in CHART_TITLES:
        assert title in text
    assert "Print or save as PDF" not in text  # no buttons on paper
    assert "Include the photos" not in text  # nor the photo choice
    assert "Log out" not in text  # no navigation


def test_the_series_prints_each_session_on_at_most_two_pages(page, seeded_server):
    log_in_as(page, seeded_server, DEMO_PATIENTS["typical"])
    page.goto(seeded_server.url + "/summary")
    wait_for_charts(page, 2)
    headings = page.locator(".summary-session > h2").all_inner_texts()

    pages, text = printed(page)

    assert len(headings) == 2
    assert 2 <= pages <= 4  # each session starts a page
    assert text.count("On track") >= 2
    for heading in headings:
        assert heading in text
    for title in CHART_TITLES:
        assert text.count(title) == 2
    assert "Improved" in text and "Much improved" in text  # the first session's ratings
    assert "Log out" not in text


def test_a_red_flag_with_the_clinics_acknowledgement_prints_within_two_pages(page, seeded_server):
    message = "Please come in at 4 pm today."
    with seeded_server.flask_app.app_context():
        doctor = db.session.scalar(sa.select(User).where(User.email == DEMO_PRACTITIONER_EMAIL))
        rita = db.session.scalar(sa.select(User).where(User.email == DEMO_PATIENTS["red_flag"]))
        (alert,) = db.session.scalars(sa.select(Alert).where(Alert.patient_id == rita.id)).all()
        assert alerts.acknowledge(alert, doctor, "Private: call her back.", alerts.raised_flag_ids([alert]), message)
    log_in_as(page, seeded_server, DEMO_PATIENTS["red_flag"])
    page.goto(seeded_server.url + "/summary")
    wait_for_charts(page, 1)

    pages, text = printed(page)
    letter_pages, _ = printed(page, "Letter")  # shorter than A4: the red-flag course must fit it too

    assert 1 <= pages <= 2
    assert 1 <= letter_pages <= 2
    assert "Contact your clinic" in text
    assert "Afterglow Demo Clinic was alerted on" in text
    assert "Seen by Dr Demo Practitioner on" in text
    assert message in text
    assert "Private: call her back." not in text
    for title in CHART_TITLES:
        assert title in text
