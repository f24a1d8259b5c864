"""Chromium's print to PDF of a demo patient's session summary: one clean document, charts drawn."""

import io
import re
import unicodedata

from playwright.sync_api import expect
from pypdf import PdfReader

from app.cli import DEMO_PATIENTS
from tests.browser.test_session_page import log_in_as


def test_summary_prints_on_at_most_two_a4_pages_with_status_date_and_charts(page, seeded_server):
    log_in_as(page, seeded_server, DEMO_PATIENTS["typical"])
    page.locator(".cards .card h2 a").first.click()
    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    # The summary draws every chart at once, without scrolling to it.
    for key in ("first-week", "thirty-days"):
        expect(page.locator(f".chart-{key} svg.main-svg").first).to_be_attached()
    heading = page.locator("#session-heading").inner_text()

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))

    assert 1 <= len(pdf.pages) <= 2
    # NFKC undoes the ligatures Chromium prints ("ﬁ" in "first").
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pdf.pages)))
    assert "On track" in text
    assert heading.startswith("Session of ") and heading in text
    assert "Your first week against the typical range" in text
    assert "Your 30-day timeline" in text
    assert "Print or save as PDF" not in text  # no buttons on paper
    assert "Log out" not in text  # no navigation
