"""Plotly figures of a session's recovery: data in, figure JSON (plus a text summary) out.

No Flask here: views pass an assessment in and hand the result to the
template, which embeds the figure as JSON for static/js/charts.js to draw
with the plotly.js bundle served from static/vendor/.
"""

from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.core import recovery
from app.core.cohort import TIME_BUCKETS
from app.core.recovery import DAY, WEEK
from app.core.vocabulary import IMPROVEMENT_CHOICES, SHORT_IMPROVEMENT_LABELS, SYMPTOM_LABELS, SYMPTOMS

BAND_STEP_HOURS = 3
FIRST_WEEK_HOURS = WEEK
TIMELINE_DAYS = 42  # to the end of the 4-6 week next-session window

INK = "#1f1a1d"
BRAND = "#7a2e4d"
BAND_FILL = "rgba(30, 107, 58, 0.18)"
BAND_EDGE = "rgba(30, 107, 58, 0.45)"
MARK = "#5c5358"
FONT = dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13, color=INK)
# Worst first, so the scale reads upwards from "Worse" on the y axis. The chart has the short
# words; the text summary beside it has the full ones.
IMPROVEMENT_ORDER = list(reversed(IMPROVEMENT_CHOICES))


@dataclass(frozen=True)
class Chart:
    """A figure ready for plotly.js and the sentences that say the same in words."""

    key: str
    title: str
    figure: dict
    summary: list[str]


def first_week_chart(assessment: recovery.Assessment) -> Chart:
    """Hours 0-168: the typical band and the patient's logs for each symptom, with 24 h and 48 h marks."""
    hours = [float(h) for h in range(0, int(FIRST_WEEK_HOURS) + 1, BAND_STEP_HOURS)]
    figure = make_subplots(
        rows=len(SYMPTOMS),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.07,
        subplot_titles=[SYMPTOM_LABELS[s] for s in SYMPTOMS],
    )
    for row, symptom in enumerate(SYMPTOMS, start=1):
        bands = [recovery.expected_band(symptom, hour, assessment.depth, assessment.baseline) for hour in hours]
        figure.add_trace(
            go.Scatter(
                x=hours,
                y=[b.high for b in bands],
                mode="lines",
                fill="tozeroy",
                fillcolor=BAND_FILL,
                line=dict(width=1, color=BAND_EDGE),
                name="Typical range",
                showlegend=row == 1,
                hoverinfo="skip",
            ),
            row=row,
            col=1,
        )
        points = [p for p in assessment.points_for(symptom) if p.hours_since <= FIRST_WEEK_HOURS]
        figure.add_trace(
            go.Scatter(
                x=[round(p.hours_since, 1) for p in points],
                y=[p.value for p in points],
                mode="lines+markers",
                name="Your logs",
                showlegend=row == 1,
                line=dict(color=BRAND, width=2),
                marker=dict(size=9, color=BRAND),
                hovertemplate="%{x:.0f} h: level %{y}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        figure.update_yaxes(range=[-0.2, 4.2], tickvals=[0, 1, 2, 3, 4], fixedrange=True, row=row, col=1)
    for mark in (24, 48):
        figure.add_vline(x=mark, line=dict(color=MARK, width=1, dash="dot"))
    figure.update_xaxes(
        range=[0, FIRST_WEEK_HOURS],
        tickvals=[0, 24, 48, 72, 120, 168],
        ticktext=["0", "24 h", "48 h", "day 3", "day 5", "day 7"],
        fixedrange=True,
    )
    _style(figure, height=560)
    return Chart(
        "first-week",
        "Your first week against the typical range",
        figure.to_plotly_json(),
        first_week_summary(assessment),
    )


def first_week_summary(assessment: recovery.Assessment) -> list[str]:
    """The latest log of each symptom in words, then what is typical for this needle depth."""
    latest_points = [points[-1] for s in SYMPTOMS if (points := assessment.points_for(s))]
    sentences = [recovery.summarise_point(point) for point in latest_points]
    if not sentences:
        sentences.append("Nothing logged yet: your first log will appear here against the typical range.")
    fade_hours = int(assessment.depth.fade_hours)
    sentences.append(
        f"Typical for {assessment.depth.label.lower()} needles: redness and swelling fade "
        f"by about {fade_hours} hours; flaking, if any, from day 2 and gone by day 7."
    )
    return sentences


PHOTO_ROW = "Photos"


def thirty_day_chart(
    assessment: recovery.Assessment, ratings: list[tuple[float, str]], photo_hours: list[float] = ()
) -> Chart:
    """Days 0-42: the typical milestones as bars, photo markers, the improvement ratings, and "you are here"."""
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1,
        row_heights=[0.5, 0.5],
        subplot_titles=["What typically happens", "How you rated your skin"],
    )
    for milestone in recovery.milestones(assessment.depth):
        start, end = milestone.from_hours / DAY, milestone.to_hours / DAY
        long_bar = end - start >= 10
        figure.add_trace(
            go.Bar(
                y=[milestone.label],
                x=[max(end - start, 0.6)],
                base=[start],
                orientation="h",
                marker=dict(color=BAND_FILL, line=dict(color=BAND_EDGE, width=1)),
                text=[milestone.short_label],
                textposition="inside" if long_bar else "outside",
                insidetextanchor="start",
                cliponaxis=False,
                textfont=dict(size=11, color=INK),
                hovertemplate=f"{milestone.label}: {_day_range(milestone)}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
    if photo_hours:
        figure.add_trace(
            go.Scatter(
                x=[round(hours / DAY, 1) for hours in photo_hours],
                y=[PHOTO_ROW] * len(photo_hours),
                mode="markers+text",
                text=["Photo"] + [""] * (len(photo_hours) - 1),
                textposition="middle left",
                marker=dict(symbol="square", size=11, color=BRAND),
                textfont=dict(size=11, color=INK),
                hovertemplate="Photo: day %{x:.0f}<extra></extra>",
                showlegend=False,
                cliponaxis=False,
            ),
            row=1,
            col=1,
        )
    figure.update_yaxes(autorange="reversed", showticklabels=False, fixedrange=True, row=1, col=1)
    figure.add_trace(
        go.Scatter(
            x=[round(hours / DAY, 1) for hours, _ in ratings],
            y=[SHORT_IMPROVEMENT_LABELS[key] for _, key in ratings],
            mode="lines+markers",
            name="Your rating",
            line=dict(color=BRAND, width=2),
            marker=dict(size=10, color=BRAND),
            hovertemplate="day %{x:.0f}: %{y}<extra></extra>",
            showlegend=False,
        ),
        row=2,
        col=1,
    )
    figure.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=[SHORT_IMPROVEMENT_LABELS[key] for key in IMPROVEMENT_ORDER],
        range=[-0.5, len(IMPROVEMENT_ORDER) - 0.5],
        fixedrange=True,
        row=2,
        col=1,
    )
    today = assessment.hours_since / DAY
    here = min(today, TIMELINE_DAYS)
    figure.add_vline(x=here, line=dict(color=BRAND, width=3))
    figure.add_annotation(
        x=here,
        y=1.0,
        yref="paper",
        yanchor="bottom",
        yshift=22,
        showarrow=False,
        xanchor="right" if here > TIMELINE_DAYS / 2 else "left",
        text=f"You are here: day {int(today)}",
        font=dict(color=BRAND, size=12),
    )
    figure.update_xaxes(range=[0, TIMELINE_DAYS], tickvals=[0, 7, 14, 21, 28, 35, 42], fixedrange=True)
    figure.update_xaxes(title_text="Days since the session", row=2, col=1)
    _style(figure, height=430, top=70, bottom=50)
    figure.update_layout(bargap=0.35)
    return Chart(
        "thirty-days",
        "Your 30-day timeline",
        figure.to_plotly_json(),
        thirty_day_summary(assessment, ratings, photo_hours),
    )


def thirty_day_summary(
    assessment: recovery.Assessment, ratings: list[tuple[float, str]], photo_hours: list[float] = ()
) -> list[str]:
    """Where the patient is on the timeline, what comes next, their ratings and photos so far."""
    day = int(assessment.hours_since // DAY)
    sentences = [f"You are on day {day} after the session: {assessment.phase.label.lower()}."]
    upcoming = [m for m in recovery.milestones(assessment.depth) if m.to_hours > assessment.hours_since]
    if upcoming:
        sentences.append("Still to come: " + "; ".join(f"{m.label.lower()} ({_day_range(m)})" for m in upcoming) + ".")
    if ratings:
        sentences.append(
            "Your ratings: "
            + "; ".join(f"day {int(hours // DAY)}: {IMPROVEMENT_CHOICES[key].lower()}" for hours, key in ratings)
            + "."
        )
    else:
        sentences.append("From day 7 the log form asks how your skin looks compared with before the session.")
    if photo_hours:
        sentences.append("Photos taken on " + ", ".join(f"day {int(hours // DAY)}" for hours in photo_hours) + ".")
    return sentences


def _day_range(milestone: recovery.Milestone) -> str:
    start, end = milestone.from_hours / DAY, milestone.to_hours / DAY
    if start == end:
        return f"around day {start:g}"
    if end <= 2:
        return f"{start * 24:g} to {end * 24:g} hours"
    return f"days {start:g} to {end:g}"


def _style(figure: go.Figure, height: int, top: int = 40, bottom: int = 40) -> None:
    figure.update_layout(
        height=height,
        margin=dict(l=36, r=22, t=top, b=bottom),
        font=FONT,
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        hovermode="closest",
        dragmode=False,
        legend=dict(orientation="h", yanchor="top", y=-0.06, x=0),
    )
    figure.update_xaxes(gridcolor="#eee2e7", zeroline=False)
    figure.update_yaxes(gridcolor="#eee2e7", zeroline=False)


def cohort_chart(groups, title, key) -> Chart:
    """Median redness of the clinic's sessions per group over the first week, against the typical band."""
    midpoints = [(start + end) / 2 for start, end in TIME_BUCKETS]
    hours = [float(h) for h in range(0, int(FIRST_WEEK_HOURS) + 1, BAND_STEP_HOURS)]
    bands = [recovery.expected_band("redness", hour, recovery.SHALLOW) for hour in hours]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=hours,
            y=[b.high for b in bands],
            mode="lines",
            fill="tozeroy",
            fillcolor=BAND_FILL,
            line=dict(width=1, color=BAND_EDGE),
            name="Typical (shallow)",
            hoverinfo="skip",
        )
    )
    palette = [BRAND, "#1a5fb4", "#7a4b00", "#3d3846", "#26a269", "#c01c28"]
    for index, group in enumerate(groups):
        figure.add_trace(
            go.Scatter(
                x=[m for m, v in zip(midpoints, group.median_redness, strict=True) if v is not None],
                y=[v for v in group.median_redness if v is not None],
                mode="lines+markers",
                name=f"{group.label} ({group.sessions})",
                line=dict(color=palette[index % len(palette)], width=2),
                hovertemplate="%{x:.0f} h: median %{y}<extra></extra>",
            )
        )
    figure.update_xaxes(
        range=[0, FIRST_WEEK_HOURS],
        tickvals=[0, 24, 48, 72, 120, 168],
        ticktext=["0", "24 h", "48 h", "day 3", "day 5", "day 7"],
        fixedrange=True,
    )
    figure.update_yaxes(range=[-0.2, 4.2], tickvals=[0, 1, 2, 3, 4], title_text="Median redness", fixedrange=True)
    _style(figure, height=380, bottom=110)
    figure.update_layout(legend=dict(y=-0.2))
    summary = [cohort_sentence(group) for group in groups] or ["No sessions with logs yet."]
    return Chart(key, title, figure.to_plotly_json(), summary)


def cohort_sentence(group) -> str:
    """'Shallow (up to 0.5 mm): 12 sessions; redness at 1 or below after a median of 20 hours (10 of 12).'"""
    sessions = f"{group.sessions} session{'s' if group.sessions != 1 else ''}"
    if group.median_hours_to_settle is None:
        return f"{group.label}: {sessions}; none has logged redness at 1 or below yet."
    return (
        f"{group.label}: {sessions}; redness at 1 or below after a median of "
        f"{group.median_hours_to_settle:.0f} hours ({group.settled} of {group.sessions})."
    )
