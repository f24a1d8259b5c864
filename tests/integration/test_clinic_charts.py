"""The clinic's pages speak to the clinic: the patient page's status and charts, and the cohort by depth and device."""

import json
import re

import pytest

from tests.conftest import log_in


def chart_figures(page):
    return {
        key: json.loads(body)
        for key, body in re.findall(r'<script type="application/json" id="([\w-]+)-data">(.*?)</script>', page, re.S)
    }


def summary_items(page, key):
    block = re.search(rf'<ul class="chart-summary" id="{key}-summary">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r"<li>(.*?)</li>", block)


@pytest.fixture
def clinic(make_clinic):
    return make_clinic()


@pytest.fixture
def practitioner_client(app, clinic, make_practitioner):
    client = app.test_client()
    log_in(client, make_practitioner(clinic))
    return client


def test_the_patient_page_tells_the_clinic_what_the_patient_was_told(
    practitioner_client, patient, clinic, share, make_session, make_log
):
    share(patient, clinic)
    treatment = make_session(patient, hours_ago=30, needle_depth_mm=0.5)
    make_log(treatment, hours_after=28, redness=1, swelling=0, pus=True)
    page = practitioner_client.get(f"/clinic/patients/{patient.id}").get_data(as_text=True)
    status = page.split('id="status-heading"')[1].split("</section>")[0]
    assert "The patient sees: </span>" in status and '<span class="status-words">Contact your clinic</span>' in status
    assert (
        "<p>The patient was told to contact the clinic today. The app names no cause; the reasons the patient saw "
        "are listed below.</p>" in status
    )
    assert "The patient was told: Contact your clinic today.</li>" in status
    assert "This app cannot tell" not in page  # the patient's paragraph
    assert '<h2 id="first-week-heading">First week against the typical range</h2>' in page
    assert '<h2 id="thirty-days-heading">30-day timeline</h2>' in page
    assert summary_items(page, "thirty-days")[0] == "Day 1 after the session: first 48 hours."
    figures = chart_figures(page)
    texts = [annotation["text"] for annotation in figures["thirty-days"]["layout"]["annotations"]]
    assert "Day 1 (today)" in texts
    for words in ("Your first week", "You are here", "Your 30-day", "Your logs", "Your rating", "your first log"):
        assert words not in page, words


def test_a_session_without_logs_reads_in_the_clinics_words(practitioner_client, patient, clinic, share, make_session):
    share(patient, clinic)
    make_session(patient, hours_ago=3)
    page = practitioner_client.get(f"/clinic/patients/{patient.id}").get_data(as_text=True)
    assert '<span class="status-words">No logs yet</span>' in page
    assert "Nothing is logged yet for this session, so there is nothing to compare with the typical course." in page
    assert summary_items(page, "first-week")[0] == "Nothing logged yet for this session."


def test_the_clinic_compares_the_patients_sessions(practitioner_client, patient, clinic, share, make_session, make_log):
    share(patient, clinic)
    first = make_session(patient, hours_ago=24 * 40, needle_depth_mm=0.5)
    make_log(first, hours_after=30, redness=1, swelling=1)
    latest = make_session(patient, hours_ago=24 * 3, needle_depth_mm=1.0)
    make_log(latest, hours_after=60, redness=1, swelling=1)
    page = practitioner_client.get(f"/clinic/patients/{patient.id}").get_data(as_text=True)
    assert '<h2 id="compare-heading">The patient&#39;s sessions compared</h2>' in page
    assert summary_items(page, "compare")[:3] == [
        "Session 2 settled about 30 hours later than session 1. The needle depths differ (medium against shallow); "
        "deeper needles typically take longer to settle.",
        "Session 1 (6 May): settled at 30 hours.",
        "Session 2 (12 Jun): settled on day 2.",
    ]


def test_the_cohort_draws_each_depth_against_its_own_band_and_breaks_down_by_device(
    practitioner_client, clinic, make_patient, share, make_session, make_log
):
    for depth, device in [(0.5, "derma_pen"), (1.0, "derma_roller"), (1.0, "derma_roller")]:
        patient = make_patient()
        share(patient, clinic)
        treatment = make_session(patient, hours_ago=100, needle_depth_mm=depth, device=device)
        make_log(treatment, hours_after=2, redness=3)
        make_log(treatment, hours_after=50, redness=1)
    page = practitioner_client.get("/clinic/cohort").get_data(as_text=True)
    assert "each depth against its own typical range" in page and "for shallow needles" not in page
    figures = chart_figures(page)
    assert set(figures) == {"by-depth", "by-area", "by-device"}
    bands = [trace for trace in figures["by-depth"]["data"] if trace["meta"]["role"] == "band"]
    # Shallow redness steps at 12, 24, 48 h (axis 10, 20, 40); medium at 24, 48, 96 h (axis 20, 40, 64).
    assert bands[0]["x"] == [0, 0, 10, 10, 20, 20, 40, 40, 100, 100]
    assert bands[1]["x"] == [0, 0, 20, 20, 40, 40, 64, 64, 100, 100]
    assert summary_items(page, "by-depth") == [
        "Shallow (up to 0.5 mm): 1 session; redness at 1 or below after a median of 50 hours (1 of 1). "
        "Typical: redness and swelling fade (24 to 48 hours).",
        "Medium (over 0.5 mm, up to 1.5 mm): 2 sessions; redness at 1 or below after a median of 50 hours "
        "(2 of 2). Typical: redness and swelling fade (48 to 96 hours).",
    ]
    assert [trace["name"] for trace in figures["by-device"]["data"]] == [
        "Derma pen (motorised) (1)",
        "Derma roller (2)",
    ]
    assert summary_items(page, "by-device")[:2] == [
        "Derma pen (motorised): 1 session; redness at 1 or below after a median of 50 hours (1 of 1).",
        "Derma roller: 2 sessions; redness at 1 or below after a median of 50 hours (2 of 2).",
    ]
