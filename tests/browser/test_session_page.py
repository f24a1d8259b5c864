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
    plotly_requests = []
    page.on("request", lambda request: "/vendor/plotly/" in request.url and plotly_requests.append(request.url))
    # plotly.js is fetched once the words are painted, before the patient scrolls; run only near a chart.
    with page.expect_request(lambda request: "/vendor/plotly/" in request.url):
        page.locator(".cards .card h2 a").first.click()
    assert page.evaluate("typeof window.Plotly") == "undefined"

    expect(page.locator(".status-words")).to_have_text(status)
    expect(page.get_by_role("heading", name="What to do now")).to_be_visible()
    for key in ("first-week", "thirty-days"):
        chart = page.locator(f".chart-{key}")
        chart.scroll_into_view_if_needed()  # plotly.js (preloaded) is run when a chart nears the screen
        expect(chart.locator("svg.main-svg").first).to_be_visible()  # plotly.js drew it
        expect(page.locator(f"#{key}-summary li").first).to_be_visible()
    # Fetched early and run later: one download. The app's bundle holds the trace types its figures use.
    assert len(plotly_requests) == 1 and "plotly-afterglow.min.js" in plotly_requests[0]
    registered = sorted(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
    assert registered == ["bar", "scatter"]
    drawn = page.evaluate("""[...document.querySelectorAll("[data-chart]")].flatMap((box) =>
        JSON.parse(document.getElementById(box.dataset.chart).textContent).data.map((t) => t.type || "scatter"))""")
    assert drawn and set(drawn) <= set(registered)
    # The patient's own points are drawn on the first-week chart.
    expect(page.locator(".chart-first-week .scatterlayer .point").first).to_be_attached()
    assert_fits_a_phone(page)
