"""The session page: status in words, both charts with summaries, aftercare; the improvement rating."""

import json
import re

import pytest
import sqlalchemy as sa

from app.models import SymptomLog

STATUS_WORDS = ("No logs yet", "On track", "Slower than typical", "Contact your clinic")


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
    treatment = make_session(patient, hours_ago=98)  # 0.5 mm: redness typically gone by 48 h, downtime 72 h
    make_log(treatment, hours_after=96, redness=1, swelling=0, peeling=2)
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert status_on(page) == "Slower than typical"
    assert "A little redness is still there on day 4." in page


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
    # static/js/charts.js fetches it once the words are painted, and runs it when a chart nears the
    # screen: plotly.js never blocks or slows the first paint, and no page loads it as a script of its own.
    assert re.search(r'<script src="/static/js/charts.js\?v=\w+" defer>', page.split("</head>")[0])
    assert not re.search(r"<(script|link)[^>]+plotly", page)
    assert re.search(r'data-plotly-src="/static/vendor/plotly/plotly-afterglow.min.js\?v=\w+"', page)
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


# --- Issue 14: charts that never contradict the text, one timeline, other sessions --------------


def summary_items(page, key):
    block = re.search(rf'<ul class="chart-summary" id="{key}-summary">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r"<li>(.*?)</li>", block)


def details_items(page, key):
    block = re.search(rf'<ul id="{key}-details">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r"<li>(.*?)</li>", block)


def test_every_point_of_the_first_week_has_its_sentence_and_its_trace(patient_client, patient, make_session, make_log):
    treatment = make_session(patient, hours_ago=40, needle_depth_mm=0.5)
    make_log(treatment, hours_after=22, redness=2, swelling=1, peeling=0)
    make_log(treatment, hours_after=30, redness=2, swelling=1, peeling=0)
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "Every log against the typical range" in page
    assert details_items(page, "first-week") == [
        "Redness 2 at 22 hours: within the typical range (up to 2)",
        "Swelling 1 at 22 hours: within the typical range (up to 2)",
        "Peeling 0 at 22 hours: within the typical range (up to 0)",
        "Redness 2 at 30 hours: above the typical range (up to 1)",
        "Swelling 1 at 30 hours: within the typical range (up to 1)",
        "Peeling 0 at 30 hours: within the typical range (up to 1)",
    ]
    figure = chart_figures(page)["first-week"]
    by_role = {(t["meta"]["role"], t["meta"]["symptom"]): t for t in figure["data"] if t["meta"]["role"] != "line"}
    assert by_role[("within", "redness")]["customdata"] == ["Redness 2 at 22 hours: within the typical range (up to 2)"]
    assert by_role[("above", "redness")]["customdata"] == ["Redness 2 at 30 hours: above the typical range (up to 1)"]
    assert by_role[("above", "redness")]["name"] == "Above the typical range"


def test_a_1_mm_session_page_states_one_fade_time(patient_client, patient, make_session, make_log):
    treatment = make_session(patient, hours_ago=30, needle_depth_mm=1.0)
    make_log(treatment, hours_after=28, redness=2, swelling=1)
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert (
        "Typical for medium (over 0.5 mm, up to 1.5 mm) needles: redness and swelling fade (48 to 96 hours); "
        "peeling and flaking, if any (days 2 to 7)." in page
    )
    assert "Still to come: redness and swelling fade (48 to 96 hours);" in page
    assert "24 to 48" not in page and "by about" not in page


def test_a_photo_dated_before_the_session_is_on_the_timeline_at_day_0(patient_client, treatment, make_photo):
    make_photo(treatment, hours_after=-20)
    make_photo(treatment, hours_after=3)
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "Photos: before the session, day 0." in summary_items(page, "thirty-days")
    photos = next(t for t in chart_figures(page)["thirty-days"]["data"] if t["meta"]["role"] == "photos")
    assert photos["x"] == [0, 0.12] and photos["customdata"] == ["before the session", "day 0"]


def test_a_patient_with_two_sessions_with_logs_compares_them_on_each_session_page(
    patient_client, patient, make_session, make_log
):
    first = make_session(patient, hours_ago=24 * 40, needle_depth_mm=0.5)
    make_log(first, hours_after=3, redness=3, swelling=2)
    make_log(first, hours_after=40, redness=1, swelling=1)
    empty = make_session(patient, hours_ago=24 * 20, needle_depth_mm=0.5)
    latest = make_session(patient, hours_ago=50, needle_depth_mm=0.5)
    make_log(latest, hours_after=3, redness=3, swelling=2)
    make_log(latest, hours_after=28, redness=1, swelling=1)
    for shown in (first, empty, latest):
        page = patient_client.get(f"/sessions/{shown.id}").get_data(as_text=True)
        assert "Compare with your other sessions" in page
        assert summary_items(page, "compare") == [
            "Session 3 settled about 12 hours sooner than session 1.",
            "Session 1 (6 May): settled at 40 hours.",
            "Session 2 (26 May): no logs yet.",
            "Session 3 (13 Jun): settled at 28 hours.",
            "Settled means redness and swelling at 1 or below and within the typical range, in one log and every "
            "log after it.",
        ]
        names = [t["name"] for t in chart_figures(page)["compare"]["data"] if t["meta"]["symptom"] == "redness"]
        assert names == ["Session 1 (6 May)", "Session 3 (13 Jun)"]


def test_one_session_with_logs_has_nothing_to_compare(patient_client, patient, treatment, make_session, make_log):
    make_log(treatment, hours_after=3)
    make_session(patient, hours_ago=24 * 20)  # a second session, without logs
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "Compare with your other sessions" not in page
    assert set(chart_figures(page)) == {"first-week", "thirty-days"}


def test_the_comparison_holds_only_the_patients_own_sessions(
    patient_client, patient, make_patient, make_session, make_log
):
    other = make_patient()
    own, *theirs = [make_session(owner, hours_ago=60) for owner in (patient, other, other)]
    for treatment in (own, *theirs):
        make_log(treatment, hours_after=30, redness=1, swelling=1)
    assert patient_client.get(f"/sessions/{theirs[0].id}").status_code == 404
    # The other patient's two sessions with logs are never compared with the patient's one.
    assert "Compare with your other sessions" not in patient_client.get(f"/sessions/{own.id}").get_data(as_text=True)
