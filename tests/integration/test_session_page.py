"""The session page: status in words, both charts with summaries, aftercare; the improvement rating."""

import json
import re

import pytest
import sqlalchemy as sa

from app.models import SymptomLog

STATUS_WORDS = ("On track", "Slower than typical", "Contact your clinic")


def status_on(page):
    found = re.search(r'<span class="status-words">([^<]+)</span>', page)
    return found.group(1) if found else None


def chart_figures(page):
    return {
        key: json.loads(body)
        for key, body in re.findall(r'<script type="application/json" id="([\w-]+)-data">(.*?)</script>', page, re.S)
    }


@pytest.fixture
def treatment(patient, make_session):
    return make_session(patient, hours_ago=30, needle_depth_mm=0.5)


def test_a_typical_course_reads_on_track_with_both_charts_and_aftercare(patient_client, treatment, make_log):
    make_log(treatment, hours_after=2, redness=3, swelling=2)
    make_log(treatment, hours_after=28, redness=1, swelling=0)
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert status_on(page) == "On track"
    assert "Your skin is healing the way it typically does" in page
    assert "Redness 1 at 28 hours: within the typical range" in page
    assert "You are on day 1 after the session: first 48 hours." in page
    assert set(chart_figures(page)) == {"first-week", "thirty-days"}
    assert "What to do now" in page and "sunscreen" in page.lower()
    assert 'data-plotly-src="/static/vendor/plotly/plotly-afterglow.min.js' in page


def test_a_slow_course_reads_slower_than_typical(patient_client, patient, make_session, make_log):
    treatment = make_session(patient, hours_ago=98)
    make_log(treatment, hours_after=96, redness=2, swelling=1, peeling=2)
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert status_on(page) == "Slower than typical"
    assert "Redness is still above the typical range" in page


@pytest.mark.parametrize("sign", ["pus", "fever", "blisters", "rash", "worse_again"])
def test_any_warning_sign_reads_contact_your_clinic_with_what_to_do(patient_client, treatment, make_log, sign):
    make_log(treatment, hours_after=28, redness=1, swelling=0, **{sign: True})
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert status_on(page) == "Contact your clinic"
    assert "today" in page.split('class="flags"')[1].split("</ul>")[0]


@pytest.mark.parametrize(
    "hours_ago, depth, logs",
    [
        (30, 0.5, []),  # no logs
        (30, 0.5, [(5, 2)]),  # a single log
        (30, 0.0, [(20, 1), (2, 3)]),  # depth 0, logs entered out of order
        (30, 3.0, [(5, 2)]),  # the deepest needles
        (30, None, [(5, 2)]),  # depth unknown
        (24 * 200, 1.0, [(3, 3), (24 * 190, 0)]),  # a session 200 days ago
    ],
)
def test_edge_cases_render(patient_client, patient, make_session, make_log, hours_ago, depth, logs):
    treatment = make_session(patient, hours_ago=hours_ago, needle_depth_mm=depth)
    for hours_after, redness in logs:
        make_log(treatment, hours_after=hours_after, redness=redness, swelling=0, pain=None)
    response = patient_client.get(f"/sessions/{treatment.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert status_on(page) in STATUS_WORDS
    assert len(chart_figures(page)) == 2


def test_charts_are_json_that_cannot_break_out_of_the_script_tag(patient_client, treatment, make_log):
    make_log(treatment, note="</script><script>alert(1)</script>")
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page


def test_plotly_is_served_by_the_app_and_only_loaded_where_there_is_a_chart(patient_client, treatment):
    response = patient_client.get("/static/vendor/plotly/plotly-afterglow.min.js")
    assert response.status_code == 200
    assert "javascript" in response.content_type
    response.close()
    assert patient_client.get("/static/vendor/plotly/plotly-basic.min.js").status_code == 404  # the old prebuilt
    for url in ("/", f"/sessions/{treatment.id}/logs/new", "/sessions/new"):
        assert "plotly" not in patient_client.get(url).get_data(as_text=True)
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    head = page.split("</head>")[0]
    # Downloaded from the start (a preload in the head), never a script that blocks the words;
    # charts.js runs the same URL (fingerprint and all), so the file is fetched once.
    preload = re.search(
        r'<link rel="preload" as="script" href="(/static/vendor/plotly/plotly-afterglow.min.js\?v=\w+)">', head
    )
    assert preload
    assert re.search(r'<script src="/static/js/charts.js\?v=\w+" defer>', head)
    assert not re.search(r"<script[^>]+plotly", page)
    assert set(re.findall(r'data-plotly-src="([^"]+)"', page)) == {preload.group(1)}
    assert "cdn" not in page.lower()


def test_improvement_is_asked_only_from_day_7(patient_client, patient, make_session):
    early = make_session(patient, hours_ago=24 * 6)
    later = make_session(patient, hours_ago=24 * 8)
    assert 'name="improvement"' not in patient_client.get(f"/sessions/{early.id}/logs/new").get_data(as_text=True)
    page = patient_client.get(f"/sessions/{later.id}/logs/new").get_data(as_text=True)
    for words in ("Very much improved", "Much improved", "Improved", "No change", "Worse"):
        assert words in page


def test_an_improvement_rating_is_saved_and_charted(patient_client, patient, make_session, db):
    treatment = make_session(patient, hours_ago=24 * 14)
    data = {"redness": "0", "swelling": "0", "peeling": "0", "improvement": "much_improved"}
    assert patient_client.post(f"/sessions/{treatment.id}/logs/new", data=data).status_code == 302
    assert db.session.scalar(sa.select(SymptomLog.improvement)) == "much_improved"
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "Your ratings: day 14: much improved." in page
    assert "Compared with before: Much improved" in page


def test_skipping_the_rating_stores_none_and_a_made_up_one_is_refused(patient_client, patient, make_session, db):
    treatment = make_session(patient, hours_ago=24 * 14)
    data = {"redness": "0", "swelling": "0", "peeling": "0"}
    response = patient_client.post(f"/sessions/{treatment.id}/logs/new", data=data | {"improvement": "amazing"})
    assert response.status_code == 422
    assert "Choose one of the answers listed, or Skip." in response.get_data(as_text=True)
    assert patient_client.post(f"/sessions/{treatment.id}/logs/new", data=data | {"improvement": ""}).status_code == 302
    assert db.session.scalar(sa.select(SymptomLog.improvement)) is None


def test_a_rating_posted_before_day_7_is_ignored(patient_client, treatment, db):
    data = {"redness": "1", "swelling": "0", "peeling": "0", "improvement": "worse"}
    assert patient_client.post(f"/sessions/{treatment.id}/logs/new", data=data).status_code == 302
    assert db.session.scalar(sa.select(SymptomLog.improvement)) is None
