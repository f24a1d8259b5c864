"""The figures and their words: shading exactly the typical band, points within and above it, one timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core import charts, comparison, recovery
from app.core.cohort import CohortSession, by_depth, by_device

PERFORMED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# At a 360 px phone: main's 16 px padding each side, the chart's 1 px border, the figure's 36 + 22 px margins.
PLOT_PX_AT_360 = 360 - 2 * 16 - 2 - 36 - 22


def assess(logs, hours_now=30, depth=0.5, baseline=recovery.NO_BASELINE):
    entries = [
        recovery.LogEntry(PERFORMED + timedelta(hours=h), redness=r, swelling=s, peeling=p) for h, r, s, p in logs
    ]
    facts = recovery.SessionFacts(PERFORMED, depth, baseline)
    return recovery.assess(facts, entries, PERFORMED + timedelta(hours=hours_now))


def traces(figure, role, symptom=None):
    return [
        trace
        for trace in figure["data"]
        if trace.get("meta", {}).get("role") == role and symptom in (None, trace["meta"].get("symptom"))
    ]


def one(figure, role, symptom=None):
    (trace,) = traces(figure, role, symptom)
    return trace


def annotation_texts(figure):
    return [annotation["text"] for annotation in figure["layout"]["annotations"]]


# --- The first-week axis --------------------------------------------------------------------


@pytest.mark.parametrize(
    "hours, x",
    [(-3, 0), (0, 0), (12, 10), (24, 20), (48, 40), (72, 52), (96, 64), (120, 76), (144, 88), (168, 100), (200, 100)],
)
def test_the_first_week_axis_gives_the_first_48_hours_40_percent(hours, x):
    assert charts.week_x(hours) == pytest.approx(x)


def test_the_first_48_hours_take_at_least_a_third_of_the_width_and_ticks_say_real_hours():
    figure = charts.first_week_chart(assess([(2, 3, 2, 0)])).figure
    axis = figure["layout"]["xaxis"]
    assert axis["range"] == [0, 100]
    assert charts.week_x(48) / axis["range"][1] >= 1 / 3
    assert axis["tickvals"] == [0, 10, 20, 40, 64, 100]
    assert axis["ticktext"] == ["0", "12 h", "24 h", "48 h", "day 4", "day 7"]


# --- Shading: exactly the band's steps ------------------------------------------------------


def test_the_shading_is_the_shallow_redness_steps_with_a_margin_above_each_level():
    band = one(charts.first_week_chart(assess([])).figure, "band", "redness")
    assert band["fill"] == "toself"
    # Shallow redness: up to 3 until 12 h, 2 until 24 h, 1 until 48 h, then 0; drawn 0.3 above each level.
    assert band["x"] == [0, 0, 10, 10, 20, 20, 40, 40, 100, 100]
    assert band["y"] == [-0.5, 3.3, 3.3, 2.3, 2.3, 1.3, 1.3, 0.3, 0.3, -0.5]


def test_the_shading_follows_the_needle_depth_for_each_symptom():
    figure = charts.first_week_chart(assess([], depth=1.0)).figure
    swelling = one(figure, "band", "swelling")  # medium: 3 until 16 h, 2 until 48 h, 1 until 96 h, then 0
    assert swelling["x"] == pytest.approx([0, 0, 40 / 3, 40 / 3, 40, 40, 64, 64, 100, 100])
    assert swelling["y"] == [-0.5, 3.3, 3.3, 2.3, 2.3, 1.3, 1.3, 0.3, 0.3, -0.5]
    peeling = one(figure, "band", "peeling")  # 0, then 1 from 24 h, 3 (medium peak) from 48 h, 1 from day 6
    assert peeling["x"] == [0, 0, 20, 20, 40, 40, 88, 88, 100, 100]
    assert peeling["y"] == [-0.5, 0.3, 0.3, 1.3, 1.3, 3.3, 3.3, 1.3, 1.3, -0.5]


def test_the_shading_is_lifted_to_the_patients_usual_skin():
    baseline = recovery.Baseline(redness=1)
    band = one(charts.first_week_chart(assess([], baseline=baseline)).figure, "band", "redness")
    assert band["y"] == [-0.5, 3.3, 3.3, 2.3, 2.3, 1.3, 1.3, 1.3, 1.3, -0.5]


def test_band_outline_of_band_steps():
    steps = (
        recovery.BandStep(0, 10, recovery.Band(2)),
        recovery.BandStep(10, 200, recovery.Band(1)),
        recovery.BandStep(200, None, recovery.Band(0)),
    )
    assert charts.band_outline(steps) == ([0, 0, 10, 10, 168, 168], [-0.5, 2.3, 2.3, 1.3, 1.3, -0.5])


@pytest.mark.parametrize("depth", [0.25, 1.0, 2.5])
@pytest.mark.parametrize("baseline", [recovery.NO_BASELINE, recovery.Baseline(redness=2, swelling=1, peeling=1)])
def test_at_every_half_hour_the_shading_top_is_the_band_the_words_use(depth, baseline):
    """A point at level v is inside the shading at hour h exactly when expected_band calls v within."""
    band_of = recovery.depth_band(depth)
    for symptom in ("redness", "swelling", "peeling"):
        hours, levels = charts.band_outline(recovery.band_steps(symptom, band_of, baseline))
        for half_hours in range(0, 2 * 168):
            hour = half_hours / 2
            # The top edge that covers this hour: steps start at their boundary hour.
            top = next(
                levels[i] for i in range(1, len(hours) - 2, 2) if hours[i] <= hour < hours[i + 1] or hours[i] == hour
            )
            for value in range(5):
                inside = value <= top
                words = recovery.expected_band(symptom, hour, band_of, baseline).position(value)
                assert inside == (words == "within"), (symptom, hour, value)


# --- Points: within and above, each with its sentence ---------------------------------------

LOGS = [(2, 3, 2, 0), (22, 2, 1, 0), (30, 1, 1, 0), (31, 2, 0, 0), (50, 0, 0, 2)]


def test_points_within_and_above_are_separate_traces_with_their_sentences():
    figure = charts.first_week_chart(assess(LOGS, hours_now=55)).figure
    within, above = one(figure, "within", "redness"), one(figure, "above", "redness")
    assert within["x"] == pytest.approx([5 / 3, 55 / 3, 25, 41]) and within["y"] == [3, 2, 1, 0]
    assert within["customdata"] == [
        "Redness 3 at 2 hours: within the typical range (up to 3)",
        "Redness 2 at 22 hours: within the typical range (up to 2)",
        "Redness 1 at 30 hours: within the typical range (up to 1)",
        "Redness 0 on day 2: within the typical range (up to 0)",
    ]
    assert above["x"] == pytest.approx([31 * 40 / 48]) and above["y"] == [2]
    assert above["customdata"] == ["Redness 2 at 31 hours: above the typical range (up to 1)"]
    assert within["hovertemplate"] == above["hovertemplate"] == "%{customdata}<extra></extra>"
    # Another shape and another colour, and a legend entry of its own.
    assert (within["marker"]["symbol"], within["marker"]["color"]) == ("circle", "#7a2e4d")
    assert (above["marker"]["symbol"], above["marker"]["color"]) == ("triangle-up", "#b35900")
    assert above["name"] == "Above the typical range" and above["showlegend"] is True
    # A line joins every log, above or not.
    line = one(figure, "line", "redness")
    assert line["y"] == [3, 2, 1, 2, 0] and line["mode"] == "lines"


def test_each_legend_entry_appears_once_even_when_only_a_later_symptom_is_above():
    # Only peeling is above the band (3 at 30 h, shallow band 1).
    figure = charts.first_week_chart(assess([(30, 1, 1, 3)])).figure
    legend = [(trace["name"], trace["meta"]["symptom"]) for trace in figure["data"] if trace.get("showlegend")]
    assert legend == [
        ("Typical range", "redness"),
        ("Your logs", "redness"),
        ("Within the typical range", "redness"),
        ("Above the typical range", "peeling"),
    ]


def test_every_point_has_its_sentence_in_the_details_list():
    chart = charts.first_week_chart(assess(LOGS[:2], hours_now=55))
    assert chart.details_title == "Every log against the typical range"
    assert chart.details == [
        "Redness 3 at 2 hours: within the typical range (up to 3)",
        "Swelling 2 at 2 hours: within the typical range (up to 3)",
        "Peeling 0 at 2 hours: within the typical range (up to 0)",
        "Redness 2 at 22 hours: within the typical range (up to 2)",
        "Swelling 1 at 22 hours: within the typical range (up to 2)",
        "Peeling 0 at 22 hours: within the typical range (up to 0)",
    ]


def test_the_first_week_leaves_out_logs_after_the_first_week_but_the_words_keep_them():
    chart = charts.first_week_chart(assess([(2, 3, 2, 0), (24 * 10, 0, 0, 0)], hours_now=24 * 12))
    assert one(chart.figure, "within", "redness")["x"] == pytest.approx([5 / 3])
    assert chart.summary[0] == "Redness 0 on day 10: within the typical range (up to 0)"
    assert len(chart.details) == 6


# --- Lines: 24 h, 48 h and now --------------------------------------------------------------


def test_24_and_48_hours_are_labelled_lines_and_now_is_marked_in_the_first_week():
    figure = charts.first_week_chart(assess(LOGS, hours_now=55)).figure
    assert [(shape["x0"], shape["line"]["dash"]) for shape in figure["layout"]["shapes"]] == [
        (20, "dot"),
        (40, "dot"),
        (43.5, "solid"),
    ]
    labels = {a["text"]: a["x"] for a in figure["layout"]["annotations"] if a["xref"] == "x"}
    assert labels == {"24 h": 20, "48 h": 40, "Now": 43.5}
    assert annotation_texts(figure)[3:] == ["<b>Redness</b>", "<b>Swelling</b>", "<b>Peeling</b>"]


def test_no_now_line_after_the_first_week():
    figure = charts.first_week_chart(assess([], hours_now=24 * 8)).figure
    assert "Now" not in annotation_texts(figure)
    assert [shape["x0"] for shape in figure["layout"]["shapes"]] == [20, 40]


# --- The words beside it: one timeline ------------------------------------------------------


def test_first_week_summary_says_where_the_latest_log_sits_then_the_depth():
    chart = charts.first_week_chart(assess([(2, 3, 2, 0), (30, 1, 0, 0)]))
    assert chart.summary == [
        "Redness 1 at 30 hours: within the typical range (up to 1)",
        "Swelling 0 at 30 hours: within the typical range (up to 1)",
        "Peeling 0 at 30 hours: within the typical range (up to 1)",
        "Typical for shallow (up to 0.5 mm) needles: redness and swelling fade (24 to 48 hours); "
        "peeling and flaking, if any (days 2 to 7).",
    ]


def test_a_medium_session_states_one_fade_time_on_both_charts():
    assessment = assess([(30, 2, 1, 0)], depth=1.0)
    week = charts.first_week_chart(assessment).summary
    timeline = charts.thirty_day_chart(assessment, []).summary
    assert week[-1] == (
        "Typical for medium (over 0.5 mm, up to 1.5 mm) needles: redness and swelling fade (48 to 96 hours); "
        "peeling and flaking, if any (days 2 to 7)."
    )
    assert timeline[1].startswith("Still to come: redness and swelling fade (48 to 96 hours); ")
    assert not any("24 to 48" in sentence for sentence in week + timeline)


def test_the_usual_skin_is_named_when_the_patient_logged_it():
    chart = charts.first_week_chart(assess([(30, 1, 0, 0)], baseline=recovery.Baseline(redness=1, peeling=2)))
    assert "Judged against your usual skin: redness 1, peeling 2." in chart.summary
    clinic = charts.first_week_chart(assess([], baseline=recovery.Baseline(swelling=1)), charts.CLINIC)
    assert "Judged against the patient's usual skin: swelling 1." in clinic.summary
    assert not any(s.startswith("Judged") for s in charts.first_week_chart(assess([(30, 1, 0, 0)])).summary)


def test_with_no_logs_the_charts_still_draw_and_say_so():
    assessment = assess([])
    chart = charts.first_week_chart(assessment)
    assert all(trace["x"] == [] for trace in traces(chart.figure, "within") + traces(chart.figure, "above"))
    assert chart.summary[0] == "Nothing logged yet: your first log will appear here against the typical range."
    assert chart.details == []
    timeline = charts.thirty_day_chart(assessment, [])
    assert "From day 7 the log form asks how your skin looks compared with before the session." in timeline.summary


def test_the_clinic_reads_the_clinics_words():
    assessment = assess([(30, 1, 0, 0)], hours_now=24 * 12 + 3)
    week = charts.first_week_chart(assessment, charts.CLINIC)
    timeline = charts.thirty_day_chart(assessment, [(24 * 8, "improved")], audience=charts.CLINIC)
    assert week.title == "First week against the typical range"
    assert timeline.title == "30-day timeline"
    assert timeline.summary[0] == "Day 12 after the session: rebuilding."
    assert "The patient's ratings: day 8: improved." in timeline.summary
    assert "Day 12 (today)" in annotation_texts(timeline.figure)
    assert "<b>How the patient rated their skin</b>" in annotation_texts(timeline.figure)
    assert "The patient's logs" in [trace["name"] for trace in week.figure["data"]]
    words = " ".join([week.title, timeline.title, *week.summary, *timeline.summary]) + str(timeline.figure)
    assert "You are here" not in words and "Your " not in words and "your " not in words


# --- The 30-day timeline --------------------------------------------------------------------


def test_thirty_days_shows_the_depths_milestones_you_are_here_and_ratings():
    chart = charts.thirty_day_chart(
        assess([], hours_now=24 * 10, depth=1.0), [(24 * 8, "improved"), (24 * 30, "much_improved")]
    )
    figure = chart.figure
    bars = [(bar["y"][0], bar["base"][0], bar["x"][0]) for bar in traces(figure, "milestone")]
    # Medium: fade 48-96 h (days 2-4), widened to 4.5 days about day 3; single days drawn 4.5 days wide.
    assert bars == [
        ("Redness and swelling fade", 0.75, 4.5),
        ("Peeling and flaking", 2, 5),
        ("Smoother texture", 4.75, 4.5),
        ("Next session, if in a series", 28, 14),
        ("Clearest results", 27.75, 4.5),
    ]
    ratings = one(figure, "ratings")
    assert ratings["x"] == [8.0, 30.0] and ratings["y"] == ["Better", "Much better"]
    here = [a for a in figure["layout"]["annotations"] if a["text"].startswith("You are here")]
    assert here[0]["text"] == "You are here: day 10" and here[0]["x"] == pytest.approx(10)
    assert chart.summary[0] == "You are on day 10 after the session: rebuilding."
    assert "Your ratings: day 8: improved; day 30: much improved." in chart.summary


@pytest.mark.parametrize("depth", [0.25, 1.0, 2.5])
def test_no_milestone_bar_is_under_24_px_on_a_360_px_phone(depth):
    figure = charts.thirty_day_chart(assess([], depth=depth), []).figure
    assert figure["layout"]["xaxis"]["range"] == [0, 42]
    assert figure["layout"]["margin"]["l"] == 36 and figure["layout"]["margin"]["r"] == 22
    for bar in traces(figure, "milestone"):
        assert bar["x"][0] * PLOT_PX_AT_360 / 42 >= 24, bar["y"]
        assert bar["base"][0] >= 0


def test_a_shallow_fade_starts_its_widened_bar_at_day_0():
    figure = charts.thirty_day_chart(assess([], depth=0.25), []).figure
    fade = traces(figure, "milestone")[0]
    assert (fade["base"][0], fade["x"][0]) == (0, 4.5)
    assert fade["hovertemplate"] == "Redness and swelling fade: 24 to 48 hours<extra></extra>"


def test_a_photo_before_the_session_is_drawn_at_day_0_labelled_before():
    chart = charts.thirty_day_chart(assess([], hours_now=24 * 5), [], photo_hours=[-30, 6, 24 * 3])
    photos = one(chart.figure, "photos")
    assert photos["x"] == [0, 0.25, 3]
    assert photos["marker"]["symbol"] == ["square-open", "square", "square"]
    assert photos["customdata"] == ["before the session", "day 0", "day 3"]
    assert "before" in annotation_texts(chart.figure) and "Photos" in annotation_texts(chart.figure)
    assert chart.summary[-1] == "Photos: before the session, day 0, day 3."
    later = charts.thirty_day_chart(assess([], hours_now=24 * 5), [], photo_hours=[6])
    assert "before" not in annotation_texts(later.figure)


def test_a_session_long_ago_keeps_you_are_here_on_the_chart():
    chart = charts.thirty_day_chart(assess([], hours_now=24 * 200), [])
    here = next(a for a in chart.figure["layout"]["annotations"] if a["text"].startswith("You are here"))
    assert here["x"] == charts.TIMELINE_DAYS and here["text"] == "You are here: day 200"
    assert here["xanchor"] == "right"
    assert not any(s.startswith("Still to come") for s in chart.summary)


@pytest.mark.parametrize("depth", [0.0, 3.0, None])
def test_charts_work_at_any_needle_depth(depth):
    assessment = assess([(5, 2, 2, 0)], depth=depth)
    assert one(charts.first_week_chart(assessment).figure, "within", "redness")["y"] == [2]
    assert len(traces(charts.thirty_day_chart(assessment, []).figure, "milestone")) == 5


# --- Compare sessions -----------------------------------------------------------------------


def course(number, day, depth, logs):
    performed = datetime(2026, 5, day, 9, 0, tzinfo=UTC)
    entries = tuple(
        recovery.LogEntry(performed + timedelta(hours=h), redness=r, swelling=s, peeling=p) for h, r, s, p in logs
    )
    return comparison.SessionCourse(number, date(2026, 5, day), recovery.SessionFacts(performed, depth), entries)


def test_compare_draws_every_session_with_logs_in_its_own_colour_and_says_which_settled_sooner():
    courses = [
        course(1, 3, 0.5, [(4, 3, 2, 0), (40, 1, 1, 0)]),
        course(2, 10, 0.5, []),
        course(3, 31, 0.5, [(4, 3, 2, 0), (28, 1, 1, 0), (200, 0, 0, 0)]),
    ]
    chart = charts.compare_chart(courses)
    redness = traces(chart.figure, "session", "redness")
    assert [trace["name"] for trace in redness] == ["Session 1 (3 May)", "Session 3 (31 May)"]
    assert redness[0]["x"] == pytest.approx([10 / 3, 100 / 3]) and redness[0]["y"] == [3, 1]
    assert redness[1]["x"] == pytest.approx([10 / 3, 70 / 3]) and redness[1]["y"] == [3, 1]  # day 8 is off the week
    assert redness[1]["customdata"][1] == "Session 3 (31 May): redness 1 at 28 hours"
    assert redness[0]["line"]["color"] != redness[1]["line"]["color"]
    assert redness[0]["marker"]["symbol"] != redness[1]["marker"]["symbol"]
    assert [trace["showlegend"] for trace in traces(chart.figure, "session")] == [True, False, False] * 2
    assert chart.title == "Compare with your other sessions"
    assert chart.summary == [
        "Session 3 settled about 12 hours sooner than session 1.",
        "Session 1 (3 May): settled at 40 hours.",
        "Session 2 (10 May): no logs yet.",
        "Session 3 (31 May): settled at 28 hours.",
        "Settled means redness and swelling at 1 or below and within the typical range, in one log and every log "
        "after it.",
    ]
    assert charts.compare_chart(courses, charts.CLINIC).title == "The patient's sessions compared"


# --- The clinic's cohort --------------------------------------------------------------------


def cohort_session(depth, logs, device="derma_pen"):
    return CohortSession(depth, ("face",), tuple(logs), device=device)


def test_each_depth_group_is_drawn_against_its_own_band():
    groups = by_depth([cohort_session(0.25, [(2, 3), (30, 1)]), cohort_session(2.0, [(2, 3), (60, 2)])])
    chart = charts.cohort_depth_chart(groups)
    bands = traces(chart.figure, "band")
    # Shallow redness: 3, 2 from 12 h, 1 from 24 h, 0 from 48 h; deep: 2 from 36 h, 1 from 72 h, 0 from 144 h.
    assert bands[0]["x"] == [0, 0, 10, 10, 20, 20, 40, 40, 100, 100]
    assert bands[1]["x"] == [0, 0, 30, 30, 52, 52, 88, 88, 100, 100]
    assert bands[0]["y"] == bands[1]["y"] == [-0.5, 3.3, 3.3, 2.3, 2.3, 1.3, 1.3, 0.3, 0.3, -0.5]
    assert [bands[0]["xaxis"], bands[1]["xaxis"]] == ["x", "x2"]
    medians = traces(chart.figure, "median")
    assert medians[0]["x"] == [5, 30] and medians[0]["y"] == [3, 1]  # buckets 0-12 h and 24-48 h
    assert chart.summary == [
        "Shallow (up to 0.5 mm): 1 session; redness at 1 or below after a median of 30 hours (1 of 1). "
        "Typical: redness and swelling fade (24 to 48 hours).",
        "Deep (over 1.5 mm): 1 session; none has logged redness at 1 or below yet. "
        "Typical: redness and swelling fade (days 3 to 6).",
    ]


def test_the_device_breakdown_has_a_line_per_device_and_says_why_there_is_no_band():
    sessions = [
        cohort_session(0.5, [(2, 3), (20, 1)], "derma_roller"),
        cohort_session(1.0, [(2, 2)], "derma_pen"),
        cohort_session(1.0, [(2, 4)], "derma_pen"),
    ]
    groups = by_device(sessions, {"derma_pen": "Derma pen (motorised)", "derma_roller": "Derma roller", "other": "X"})
    chart = charts.cohort_chart(groups, "Redness by device", "by-device")
    assert [trace["name"] for trace in chart.figure["data"]] == ["Derma pen (motorised) (2)", "Derma roller (1)"]
    assert chart.figure["data"][0]["y"] == [3]  # the median of 2 and 4 in hours 0-12
    assert not traces(chart.figure, "band")
    assert chart.summary == [
        "Derma pen (motorised): 2 sessions; none has logged redness at 1 or below yet.",
        "Derma roller: 1 session; redness at 1 or below after a median of 20 hours (1 of 1).",
        "These groups mix needle depths, so no single typical range is drawn; "
        "the chart by needle depth shows each depth against its own.",
    ]
