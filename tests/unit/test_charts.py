from datetime import UTC, datetime, timedelta

import pytest

from app.core import charts, recovery

PERFORMED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def assess(logs, hours_now=30, depth=0.5):
    entries = [
        recovery.LogEntry(PERFORMED + timedelta(hours=h), redness=r, swelling=s, peeling=p) for h, r, s, p in logs
    ]
    return recovery.assess(recovery.SessionFacts(PERFORMED, depth), entries, PERFORMED + timedelta(hours=hours_now))


def traces_named(figure, name):
    return [trace for trace in figure["data"] if trace.get("name") == name]


def test_first_week_has_a_band_and_the_patients_logs_for_each_symptom():
    chart = charts.first_week_chart(assess([(2, 3, 2, 0), (26, 1, 1, 0)]))
    figure = chart.figure
    assert len(figure["data"]) == 9  # band low, band high, logs: for three symptoms
    bands = [trace for trace in figure["data"] if trace.get("fill") == "tonexty"]
    assert len(bands) == 3
    for band in bands:
        assert all(0 <= y <= 4 for y in band["y"])
        assert band["x"][0] == 0 and band["x"][-1] == 168
    redness, swelling, peeling = traces_named(figure, "Your logs")
    assert redness["x"] == [2.0, 26.0] and redness["y"] == [3, 1]
    assert swelling["y"] == [2, 1] and peeling["y"] == [0, 0]
    marks = sorted({shape["x0"] for shape in figure["layout"]["shapes"]})
    assert marks == [24, 48]
    assert figure["layout"]["yaxis"]["range"] == [-0.2, 4.2]


def test_first_week_summary_says_where_the_latest_log_sits():
    chart = charts.first_week_chart(assess([(2, 3, 2, 0), (30, 1, 0, 0)]))
    assert chart.summary[0] == "Redness 1 at 30 hours: within the typical range"
    assert "Swelling 0 at 30 hours" in chart.summary[1]
    assert "48 hours" in chart.summary[-1]


def test_first_week_leaves_out_logs_after_the_first_week():
    chart = charts.first_week_chart(assess([(2, 3, 2, 0), (24 * 10, 0, 0, 0)], hours_now=24 * 12))
    assert traces_named(chart.figure, "Your logs")[0]["x"] == [2.0]


def test_with_no_logs_the_charts_still_draw_and_say_so():
    assessment = assess([])
    chart = charts.first_week_chart(assessment)
    assert all(trace["x"] == [] for trace in traces_named(chart.figure, "Your logs"))
    assert chart.summary[0].startswith("No logs yet")
    timeline = charts.thirty_day_chart(assessment, [])
    assert any("From day 7" in sentence for sentence in timeline.summary)


def test_thirty_days_shows_milestones_you_are_here_and_ratings():
    chart = charts.thirty_day_chart(assess([], hours_now=24 * 10), [(24 * 8, "improved"), (24 * 30, "much_improved")])
    figure = chart.figure
    bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
    assert [bar["y"][0] for bar in bars] == [m.label for m in recovery.MILESTONES]
    ratings = next(trace for trace in figure["data"] if trace["type"] == "scatter")
    assert ratings["x"] == [8.0, 30.0] and ratings["y"] == ["Better", "Much better"]
    here = [a for a in figure["layout"]["annotations"] if a["text"].startswith("You are here")]
    assert here[0]["text"] == "You are here: day 10" and here[0]["x"] == pytest.approx(10)
    assert chart.summary[0] == "You are on day 10 after the session: rebuilding."
    assert "Your ratings: day 8: improved; day 30: much improved." in chart.summary


def test_a_session_long_ago_keeps_you_are_here_on_the_chart():
    chart = charts.thirty_day_chart(assess([], hours_now=24 * 200), [])
    here = next(a for a in chart.figure["layout"]["annotations"] if a["text"].startswith("You are here"))
    assert here["x"] == charts.TIMELINE_DAYS and here["text"] == "You are here: day 200"
    assert not any(s.startswith("Still to come") for s in chart.summary)


@pytest.mark.parametrize("depth", [0.0, 3.0, None])
def test_charts_work_at_any_needle_depth(depth):
    chart = charts.first_week_chart(assess([(5, 2, 2, 0)], depth=depth))
    assert chart.figure["data"]
