"""The session page at phone size: status in words, both charts drawn, summaries and aftercare."""

import pytest
from playwright.sync_api import expect

from app.cli import DEMO_PASSWORD, DEMO_PATIENTS
from tests.browser.test_patient_flow import assert_fits_a_phone


def log_in_as(page, server, email):
    page.goto(server.url + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize(
    "course, status", [("typical", "On track"), ("slow", "Slower than typical"), ("red_flag", "Contact your clinic")]
)
def test_status_charts_and_aftercare_at_360px(page, seeded_server, course, status):
    log_in_as(page, seeded_server, DEMO_PATIENTS[course])
    page.locator(".cards .card h2 a").first.click()

    expect(page.locator(".status-words")).to_have_text(status)
    expect(page.get_by_role("heading", name="What to do now")).to_be_visible()
    for key in ("first-week", "thirty-days"):
        chart = page.locator(f".chart-{key}")
        chart.scroll_into_view_if_needed()  # plotly.js is fetched when a chart nears the screen
        expect(chart.locator("svg.main-svg").first).to_be_visible()  # plotly.js drew it
        expect(page.locator(f"#{key}-summary li").first).to_be_visible()
    # The patient's own points are drawn on the first-week chart.
    expect(page.locator(".chart-first-week .scatterlayer .point").first).to_be_attached()
    assert_fits_a_phone(page)
