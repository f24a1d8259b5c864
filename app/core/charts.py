"""Plotly figures of recovery: data in, figure JSON (plus the sentences that say the same) out.

No Flask here: the services pass an assessment (or a patient's sessions, or a clinic's groups) in
and hand the result to the template, which embeds the figure as JSON for static/js/charts.js to
draw. Every figure is built from the same numbers as its sentences (app/core/recovery.py), so a
chart never shows what its words deny: the shading is exactly the band the sentences call
typical, and a point is drawn inside it exactly when its sentence says "within".

Each chart speaks to an audience: "patient" (the patient's own pages: "your first week") or
"clinic" (the practitioner's pages: "first week", "the patient's logs").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from app.core import comparison, recovery
from app.core.cohort import TIME_BUCKETS, CohortGroup
from app.core.figures import Figure, bar, scatter
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.core.recovery import DAY, WEEK
from app.core.vocabulary import IMPROVEMENT_CHOICES, SHORT_IMPROVEMENT_LABELS, SYMPTOM_LABELS, SYMPTOMS

Audience = Literal["patient", "clinic"]
PATIENT: Audience = "patient"
CLINIC: Audience = "clinic"

FIRST_WEEK_HOURS = WEEK
TIMELINE_DAYS = 42  # to the end of the 4-6 week next-session window

INK = "#1f1a1d"
BRAND = "#7a2e4d"
# Points above the band: another shape and another hue, 4.9:1 against white.
ABOVE = "#b35900"
LOG_LINE = "rgba(122, 46, 77, 0.45)"
BAND_FILL = "rgba(30, 107, 58, 0.18)"
BAND_EDGE = "rgba(30, 107, 58, 0.55)"
MARK = "#5c5358"
FONT = dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13, color=INK)
# One colour and one marker shape per session or group, so neither colour alone tells them apart.
PALETTE = ("#7a2e4d", "#1a5fb4", "#26734d", "#b35900", "#3d3846", "#a1162b")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x")
# Worst first, so the scale reads upwards from "Worse" on the y axis. The chart has the short
# words; the text summary beside it has the full ones.
IMPROVEMENT_ORDER = list(reversed(IMPROVEMENT_CHOICES))

# --- The first-week axis ------------------------------------------------------------------
# A piecewise-linear x axis: hours 0-48 (the stretch the advice talks about) take the first 40% of
# the width, hours 48-168 the other 60%. On a 7-day linear axis the first two days would get 29%,
# about 80 px of a phone. Axis units run from 0 to 100; tick labels and hover texts give real hours.
SPLIT_HOURS = 2 * DAY
SPLIT_AT = 40.0
AXIS_END = 100.0
WEEK_TICK_HOURS = (0, 12, 24, 48, 96, 168)


def week_tick_text() -> list[str]:
    """The first-week axis' tick labels, in the current language (0, 12 h, 24 h, 48 h, day 4, day 7)."""
    return ["0", _("%(hours)d h", hours=12), _("%(hours)d h", hours=24), _("%(hours)d h", hours=48)] + [
        _("day %(day)d", day=day) for day in (4, 7)
    ]


MARKED_HOURS = (24, 48)  # the dotted, labelled lines: the seeds' "settles within 24-48 hours"

# The shading reaches this far above the highest typical level and down to the axis floor, so a
# point at the band's top level (or at 0) sits clearly inside it, and a point one level above sits
# 0.7 of a level outside it.
BAND_MARGIN = 0.3
Y_FLOOR = -0.5
Y_TOP = 4.5


def week_x(hours: float) -> float:
    """Where an hour since the session sits on the first-week axis (0 to 100).

    Hours 0-48 map linearly onto 0-40 and hours 48-168 onto 40-100 (so 24 h is 20, 48 h is 40,
    72 h is 52, 168 h is 100); hours outside the week are held at its ends.
    """
    hours = min(max(hours, 0.0), FIRST_WEEK_HOURS)
    if hours <= SPLIT_HOURS:
        return hours * SPLIT_AT / SPLIT_HOURS
    return SPLIT_AT + (hours - SPLIT_HOURS) * (AXIS_END - SPLIT_AT) / (FIRST_WEEK_HOURS - SPLIT_HOURS)


def band_outline(
    steps: Sequence[recovery.BandStep], until_hours: float = FIRST_WEEK_HOURS
) -> tuple[list[float], list[float]]:
    """The shading of a band as a closed outline, in real hours and levels.

    From the floor at hour 0, along the top of every step (its highest typical level plus
    BAND_MARGIN), with a vertical edge at each step boundary, and back down to the floor: exactly the
    levels `recovery.expected_band` calls typical. A step starts at its boundary hour, as in
    `expected_band`.
    """
    hours: list[float] = [0.0]
    levels: list[float] = [Y_FLOOR]
    for step in steps:
        if step.from_hours >= until_hours:
            break
        end = until_hours if step.to_hours is None else min(step.to_hours, until_hours)
        top = round(step.band.high + BAND_MARGIN, 2)
        hours += [float(step.from_hours), float(end)]
        levels += [top, top]
    hours.append(float(until_hours))
    levels.append(Y_FLOOR)
    return hours, levels


def _band_trace(steps: Sequence[recovery.BandStep], name: str, show_legend: bool, symptom: str) -> dict:
    hours, levels = band_outline(steps)
    return scatter(
        x=[week_x(hour) for hour in hours],
        y=levels,
        mode="lines",
        fill="toself",
        fillcolor=BAND_FILL,
        line=dict(width=1, color=BAND_EDGE),
        name=name,
        legendgroup="band",
        showlegend=show_legend,
        hoverinfo="skip",
        meta=dict(role="band", symptom=symptom),
    )


def _week_axis(figure: Figure) -> None:
    figure.update_xaxes(
        range=[0, AXIS_END],
        tickvals=[week_x(hour) for hour in WEEK_TICK_HOURS],
        ticktext=week_tick_text(),
        tickfont=dict(size=11),
        fixedrange=True,
    )


def _vertical_line(figure: Figure, x: float, label: str, color: str, dash: str, row: int, width: int = 1) -> None:
    """A line through every subplot with its label above the chart (row 0 just above, row 1 above that)."""
    figure.add_shape(
        type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper", line=dict(color=color, width=width, dash=dash)
    )
    figure.add_annotation(
        x=x,
        y=1,
        xref="x",
        yref="paper",
        yanchor="bottom",
        yshift=4 + 18 * row,
        showarrow=False,
        text=label,
        font=dict(size=11, color=color),
    )


def _week_frame(figure: Figure, height: int, top: int, now_hours: float | None = None) -> None:
    """What the first-week and the sessions-compared charts share: 24 h and 48 h lines, an optional "Now",
    a title per symptom row, the hours axis, the style and the legend under the chart."""
    for hours in MARKED_HOURS:
        _vertical_line(figure, week_x(hours), _("%(hours)d h", hours=hours), MARK, "dot", row=0)
    if now_hours is not None:
        _vertical_line(figure, week_x(now_hours), _("Now"), BRAND, "solid", row=1, width=2)
    _row_titles(figure, [str(SYMPTOM_LABELS[s]) for s in SYMPTOMS])
    _week_axis(figure)
    _style(figure, height=height, top=top, bottom=96)
    figure.update_layout(legend=dict(y=-0.09))


def _row_titles(figure: Figure, titles: Sequence[str], side: str = "right") -> None:
    """Each subplot's title at its top: on the right where the typical band is low and no line
    label sits (the first-week charts), or on the left above the rows' own labels (the timeline)."""
    for row, title in enumerate(titles, start=1):
        axis = figure.layout["yaxis" if row == 1 else f"yaxis{row}"]
        figure.add_annotation(
            x=1 if side == "right" else 0,
            y=axis["domain"][1],
            xref="paper",
            yref="paper",
            xanchor=side,
            yanchor="bottom",
            yshift=0 if side == "right" else 2,
            showarrow=False,
            text=f"<b>{title}</b>",  # a title is a str in the current language, never lazy
            font=dict(size=12, color=INK),
        )


@dataclass(frozen=True)
class Chart:
    """A figure ready for plotly.js and the sentences that say the same in words."""

    key: str
    title: str
    figure: dict
    summary: list[str]
    # Optional longer text equivalent, shown folded under the summary (e.g. every point's sentence).
    details_title: str = ""
    details: list[str] = field(default_factory=list)


# --- First week ---------------------------------------------------------------------------


def first_week_chart(assessment: recovery.Assessment, audience: Audience = PATIENT) -> Chart:
    """Hours 0-168: each symptom's typical band as exact steps, the logs within and above it, 24 h, 48 h and now."""
    clinic = audience == CLINIC
    figure = Figure.subplots(rows=len(SYMPTOMS), vertical_spacing=0.08)
    shown: set[str] = set()  # legend entries already given, so each appears once

    def first(role: str, has_points: bool) -> bool:
        if not has_points or role in shown:
            return False
        shown.add(role)
        return True

    for row, symptom in enumerate(SYMPTOMS, start=1):
        steps = recovery.band_steps(symptom, assessment.depth, assessment.baseline)
        figure.add_trace(_band_trace(steps, _("Typical range"), first("band", True), symptom), row=row, col=1)
        points = [p for p in assessment.points_for(symptom) if p.hours_since <= FIRST_WEEK_HOURS]
        figure.add_trace(
            scatter(
                x=[week_x(p.hours_since) for p in points],
                y=[p.value for p in points],
                mode="lines",
                line=dict(color=LOG_LINE, width=1.5),
                name=_("The patient's logs") if clinic else _("Your logs"),
                showlegend=first("line", bool(points)),
                hoverinfo="skip",
                meta=dict(role="line", symptom=symptom),
            ),
            row=row,
            col=1,
        )
        for position, name, symbol, color in (
            ("within", _("Within the typical range"), "circle", BRAND),
            ("above", _("Above the typical range"), "triangle-up", ABOVE),
        ):
            chosen = [p for p in points if p.position == position]
            figure.add_trace(
                scatter(
                    x=[week_x(p.hours_since) for p in chosen],
                    y=[p.value for p in chosen],
                    customdata=[recovery.summarise_point(p) for p in chosen],
                    mode="markers",
                    name=name,
                    legendgroup=position,
                    showlegend=first(position, bool(chosen)),
                    marker=dict(
                        size=10 if position == "within" else 13,
                        symbol=symbol,
                        color=color,
                        line=dict(color="#ffffff", width=1),
                    ),
                    hovertemplate="%{customdata}<extra></extra>",
                    meta=dict(role=position, symptom=symptom),
                ),
                row=row,
                col=1,
            )
        figure.update_yaxes(range=[Y_FLOOR, Y_TOP], tickvals=[0, 1, 2, 3, 4], fixedrange=True, row=row, col=1)
    now = assessment.hours_since if assessment.hours_since < FIRST_WEEK_HOURS else None
    _week_frame(figure, height=620, top=56, now_hours=now)
    return Chart(
        "first-week",
        _("First week against the typical range") if clinic else _("Your first week against the typical range"),
        figure.to_plotly_json(),
        first_week_summary(assessment, audience),
        details_title=_("Every log against the typical range"),
        details=[recovery.summarise_point(point) for point in assessment.points],
    )


def depth_sentence(depth: recovery.DepthBand) -> str:
    """What is typical for a needle depth, from the same milestones as the 30-day timeline."""
    fades, peeling = (m for m in recovery.milestones(depth) if m.key in ("redness_fades", "peeling"))
    return _(
        "Typical for %(depth)s needles: %(fades)s (%(fades_when)s); %(peeling)s, if any (%(peeling_when)s).",
        depth=depth.label.lower(),
        fades=fades.label.lower(),
        fades_when=recovery.describe_hours_range(fades.from_hours, fades.to_hours),
        peeling=peeling.label.lower(),
        peeling_when=recovery.describe_hours_range(peeling.from_hours, peeling.to_hours),
    )


def baseline_sentence(baseline: recovery.Baseline, audience: Audience = PATIENT) -> str | None:
    """ "Judged against your usual skin: redness 1." when the patient logged their usual skin."""
    usual = [
        _("%(symptom)s %(level)d", symptom=SYMPTOM_LABELS[s].lower(), level=getattr(baseline, s))
        for s in SYMPTOMS
        if getattr(baseline, s)
    ]
    if not usual:
        return None
    if audience == CLINIC:
        return _("Judged against the patient's usual skin: %(levels)s.", levels=", ".join(usual))
    return _("Judged against your usual skin: %(levels)s.", levels=", ".join(usual))


def first_week_summary(assessment: recovery.Assessment, audience: Audience = PATIENT) -> list[str]:
    """The latest log of each symptom in words, the patient's usual skin, then what is typical for the depth."""
    latest_points = [points[-1] for s in SYMPTOMS if (points := assessment.points_for(s))]
    sentences = [recovery.summarise_point(point) for point in latest_points]
    if not sentences:
        sentences.append(
            _("Nothing logged yet for this session.")
            if audience == CLINIC
            else _("Nothing logged yet: your first log will appear here against the typical range.")
        )
    if usual := baseline_sentence(assessment.baseline, audience):
        sentences.append(usual)
    sentences.append(depth_sentence(assessment.depth))
    return sentences


# --- The 30-day timeline ------------------------------------------------------------------

PHOTO_ROW = "Photos"  # the photos' category on the timeline's hidden y axis; the annotation shows it translated
# No bar narrower than this many days: at a 360 px phone (about 270 px of plot for 42 days) that is
# about 29 px. A shorter stretch, or a single day such as "around day 30", is drawn this wide,
# centred on its middle; its hover text and the summary give the real days.
MIN_BAR_DAYS = 4.5
INSIDE_LABEL_DAYS = 10  # bars at least this long carry their label inside


def bar_span(milestone: recovery.Milestone) -> tuple[float, float]:
    """The days a milestone's bar covers: its own, widened to MIN_BAR_DAYS around its middle, never before day 0."""
    start, end = milestone.from_hours / DAY, milestone.to_hours / DAY
    if end - start >= MIN_BAR_DAYS:
        return start, end
    middle = (start + end) / 2
    start = max(0.0, middle - MIN_BAR_DAYS / 2)
    return start, start + MIN_BAR_DAYS


def thirty_day_chart(
    assessment: recovery.Assessment,
    ratings: list[tuple[float, str]],
    photo_hours: Sequence[float] = (),
    audience: Audience = PATIENT,
) -> Chart:
    """Days 0-42: the depth's milestones as bars, photo markers (before the session at day 0), ratings and today."""
    clinic = audience == CLINIC
    figure = Figure.subplots(rows=2, vertical_spacing=0.16, row_heights=[0.55, 0.45])
    timeline = recovery.milestones(assessment.depth)
    photo_row = len(timeline)  # the photos' row comes after the milestones' (a category axis counts from 0)
    for milestone in timeline:
        start, end = bar_span(milestone)
        inside = end - start >= INSIDE_LABEL_DAYS
        figure.add_trace(
            bar(
                y=[str(milestone.label)],
                x=[end - start],
                base=[start],
                orientation="h",
                marker=dict(color=BAND_FILL, line=dict(color=BAND_EDGE, width=1)),
                text=[str(milestone.short_label)],
                textposition="inside" if inside else "outside",
                insidetextanchor="start",
                constraintext="none",
                cliponaxis=False,
                textfont=dict(size=11, color=INK),
                hovertemplate=_(
                    "%(milestone)s: %(when)s",
                    milestone=milestone.label,
                    when=recovery.describe_hours_range(milestone.from_hours, milestone.to_hours),
                )
                + "<extra></extra>",
                showlegend=False,
                meta=dict(role="milestone", key=milestone.key),
            ),
            row=1,
            col=1,
        )
    if photo_hours:
        before = [hours for hours in photo_hours if hours < 0]
        figure.add_trace(
            scatter(
                x=[round(max(hours, 0.0) / DAY, 2) for hours in photo_hours],
                y=[PHOTO_ROW] * len(photo_hours),
                mode="markers",
                marker=dict(
                    symbol=["square-open" if hours < 0 else "square" for hours in photo_hours], size=11, color=BRAND
                ),
                customdata=[_photo_words(hours) for hours in photo_hours],
                hovertemplate=_("Photo: %(when)s", when="%{customdata}") + "<extra></extra>",
                showlegend=False,
                cliponaxis=False,
                meta=dict(role="photos"),
            ),
            row=1,
            col=1,
        )
        # The row's name above its left end; "before" under the day-0 marker of photos taken before.
        figure.add_annotation(
            x=0,
            y=photo_row,
            xref="x",
            yref="y",
            xanchor="left",
            yanchor="bottom",
            yshift=7,
            showarrow=False,
            text=_("Photos"),
            font=dict(size=11, color=INK),
        )
        if before:
            figure.add_annotation(
                x=0,
                y=photo_row,
                xref="x",
                yref="y",
                xanchor="center",
                yanchor="top",
                yshift=-8,
                showarrow=False,
                text=_("before"),
                font=dict(size=11, color=INK),
            )
    figure.update_yaxes(autorange="reversed", showticklabels=False, fixedrange=True, row=1, col=1)
    figure.add_trace(
        scatter(
            x=[round(hours / DAY, 1) for hours, _ in ratings],
            y=[str(SHORT_IMPROVEMENT_LABELS[key]) for _hours, key in ratings],
            mode="lines+markers",
            name=_("The patient's rating") if clinic else _("Your rating"),
            line=dict(color=BRAND, width=2),
            marker=dict(size=10, color=BRAND),
            hovertemplate=_("day %(day)s: %(rating)s", day="%{x:.0f}", rating="%{y}") + "<extra></extra>",
            showlegend=False,
            meta=dict(role="ratings"),
        ),
        row=2,
        col=1,
    )
    figure.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=[str(SHORT_IMPROVEMENT_LABELS[key]) for key in IMPROVEMENT_ORDER],
        range=[-0.5, len(IMPROVEMENT_ORDER) - 0.2],
        showticklabels=False,
        fixedrange=True,
        row=2,
        col=1,
    )
    # Each answer's words inside the plot, above its line: beside it they would take a third of a phone.
    for index, key in enumerate(IMPROVEMENT_ORDER):
        figure.add_annotation(
            x=0,
            y=index,
            xref="paper",
            yref="y2",
            xanchor="left",
            yanchor="bottom",
            yshift=5,  # clear of a rating's marker on the line below
            showarrow=False,
            text=str(SHORT_IMPROVEMENT_LABELS[key]),
            font=dict(size=11, color=MARK),
            bgcolor="rgba(255, 255, 255, 0.85)",
        )
    today = assessment.hours_since / DAY
    here = min(today, TIMELINE_DAYS)
    figure.add_shape(type="line", x0=here, x1=here, y0=0, y1=1, xref="x", yref="paper", line=dict(color=BRAND, width=3))
    figure.add_annotation(
        x=here,
        y=1.0,
        xref="x",
        yref="paper",
        yanchor="bottom",
        yshift=24,
        showarrow=False,
        xanchor="right" if here > TIMELINE_DAYS / 2 else "left",
        text=_("Day %(day)d (today)", day=int(today)) if clinic else _("You are here: day %(day)d", day=int(today)),
        font=dict(color=BRAND, size=12),
        name="today",
    )
    _row_titles(
        figure,
        [
            _("What typically happens"),
            _("How the patient rated their skin") if clinic else _("How you rated your skin"),
        ],
        side="left",
    )
    figure.update_xaxes(range=[0, TIMELINE_DAYS], tickvals=[0, 7, 14, 21, 28, 35, 42], fixedrange=True)
    figure.update_xaxes(title_text=_("Days since the session"), row=2, col=1)
    _style(figure, height=480, top=64, bottom=50)
    figure.update_layout(bargap=0.3)
    return Chart(
        "thirty-days",
        _("30-day timeline") if clinic else _("Your 30-day timeline"),
        figure.to_plotly_json(),
        thirty_day_summary(assessment, ratings, photo_hours, audience),
    )


def _when(milestone: recovery.Milestone) -> str:
    return recovery.describe_hours_range(milestone.from_hours, milestone.to_hours)


def _photo_words(hours: float) -> str:
    return _("before the session") if hours < 0 else _("day %(day)d", day=int(hours // DAY))


def thirty_day_summary(
    assessment: recovery.Assessment,
    ratings: list[tuple[float, str]],
    photo_hours: Sequence[float] = (),
    audience: Audience = PATIENT,
) -> list[str]:
    """Where the session is on the timeline, what comes next, the ratings and photos so far."""
    clinic = audience == CLINIC
    day = int(assessment.hours_since // DAY)
    phase = assessment.phase.label.lower()
    if clinic:
        sentences = [_("Day %(day)d after the session: %(phase)s.", day=day, phase=phase)]
    else:
        sentences = [_("You are on day %(day)d after the session: %(phase)s.", day=day, phase=phase)]
    upcoming = [m for m in recovery.milestones(assessment.depth) if m.to_hours > assessment.hours_since]
    if upcoming:
        items = "; ".join(_("%(milestone)s (%(when)s)", milestone=m.label.lower(), when=_when(m)) for m in upcoming)
        sentences.append(_("Still to come: %(items)s.", items=items))
    if ratings:
        items = "; ".join(
            _("day %(day)d: %(rating)s", day=int(hours // DAY), rating=IMPROVEMENT_CHOICES[key].lower())
            for hours, key in ratings
        )
        if clinic:
            sentences.append(_("The patient's ratings: %(items)s.", items=items))
        else:
            sentences.append(_("Your ratings: %(items)s.", items=items))
    elif clinic:
        sentences.append(_("From day 7 the log form asks the patient how their skin looks compared with before."))
    else:
        sentences.append(_("From day 7 the log form asks how your skin looks compared with before the session."))
    if photo_hours:
        photos = ", ".join(_photo_words(hours) for hours in sorted(photo_hours))
        sentences.append(_("Photos: %(when)s.", when=photos))
    return sentences


# --- Compare sessions ---------------------------------------------------------------------


def compare_chart(courses: list[comparison.SessionCourse], audience: Audience = PATIENT) -> Chart:
    """Redness, swelling and peeling of every session with logs, by hours since each session, one colour each."""
    clinic = audience == CLINIC
    drawn = comparison.with_logs(courses)
    figure = Figure.subplots(rows=len(SYMPTOMS), vertical_spacing=0.08)
    for index, course in enumerate(drawn):
        timed = [(hours, log) for hours, log in course.timed_logs() if hours <= FIRST_WEEK_HOURS]
        color, symbol = PALETTE[index % len(PALETTE)], SYMBOLS[index % len(SYMBOLS)]
        for row, symptom in enumerate(SYMPTOMS, start=1):
            label = str(SYMPTOM_LABELS[symptom])
            figure.add_trace(
                scatter(
                    x=[week_x(hours) for hours, _ in timed],
                    y=[getattr(log, symptom) for _, log in timed],
                    customdata=[
                        _(
                            "%(session)s: %(symptom)s %(level)d %(when)s",
                            session=course.label,
                            symptom=label.lower(),
                            level=getattr(log, symptom),
                            when=recovery.describe_time(hours),
                        )
                        for hours, log in timed
                    ],
                    mode="lines+markers",
                    name=course.label,
                    legendgroup=course.label,
                    showlegend=row == 1,
                    line=dict(color=color, width=2),
                    marker=dict(color=color, symbol=symbol, size=9),
                    hovertemplate="%{customdata}<extra></extra>",
                    meta=dict(role="session", number=course.number, symptom=symptom),
                ),
                row=row,
                col=1,
            )
            figure.update_yaxes(range=[Y_FLOOR, Y_TOP], tickvals=[0, 1, 2, 3, 4], fixedrange=True, row=row, col=1)
    _week_frame(figure, height=600, top=40)
    return Chart(
        "compare",
        _("The patient's sessions compared") if clinic else _("Compare with your other sessions"),
        figure.to_plotly_json(),
        comparison.comparison_summary(courses),
    )


# --- The clinic's cohort ------------------------------------------------------------------


def _cohort_points(group: CohortGroup) -> tuple[list[float], list[float]]:
    midpoints = [(start + end) / 2 for start, end in TIME_BUCKETS]
    shown = [(hours, value) for hours, value in zip(midpoints, group.median_redness, strict=True) if value is not None]
    return [week_x(hours) for hours, _ in shown], [value for _, value in shown]


def cohort_depth_chart(groups: list[CohortGroup]) -> Chart:
    """Median redness of each needle-depth group over the first week, each against its own typical band."""
    figure = Figure.subplots(rows=max(1, len(groups)), vertical_spacing=0.12)
    for row, group in enumerate(groups, start=1):
        figure.add_trace(
            _band_trace(recovery.band_steps("redness", group.depth), _("Typical range"), row == 1, "redness"),
            row=row,
            col=1,
        )
        x, y = _cohort_points(group)
        figure.add_trace(
            scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name=_("Median redness"),
                showlegend=row == 1,
                line=dict(color=BRAND, width=2),
                marker=dict(color=BRAND, size=8),
                hovertemplate=_("median %(value)s", value="%{y}") + "<extra></extra>",
                meta=dict(role="median", group=group.key),
            ),
            row=row,
            col=1,
        )
        figure.update_yaxes(range=[Y_FLOOR, Y_TOP], tickvals=[0, 1, 2, 3, 4], fixedrange=True, row=row, col=1)
    _row_titles(
        figure,
        [_("%(group)s: %(sessions)s", group=group.label, sessions=_sessions(group.sessions)) for group in groups],
    )
    _week_axis(figure)
    _style(figure, height=140 + 170 * max(1, len(groups)), top=40, bottom=90)
    figure.update_layout(legend=dict(y=-0.06 if len(groups) > 1 else -0.2))
    summary = [cohort_sentence(group) for group in groups] or [_("No sessions with logs yet.")]
    title = _("Redness by needle depth, each against its own typical range")
    return Chart("by-depth", title, figure.to_plotly_json(), summary)


def cohort_chart(groups: list[CohortGroup], title: str, key: str) -> Chart:
    """Median redness of groups that mix needle depths (area, device): no single typical band applies."""
    figure = Figure()
    for index, group in enumerate(groups):
        x, y = _cohort_points(group)
        figure.add_trace(
            scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name=_("%(group)s (%(sessions)d)", group=group.label, sessions=group.sessions),
                line=dict(color=PALETTE[index % len(PALETTE)], width=2),
                marker=dict(color=PALETTE[index % len(PALETTE)], symbol=SYMBOLS[index % len(SYMBOLS)], size=8),
                hovertemplate=_("%(group)s: median %(value)s", group=group.label, value="%{y}") + "<extra></extra>",
                meta=dict(role="median", group=group.key),
            )
        )
    _week_axis(figure)
    figure.update_yaxes(
        range=[Y_FLOOR, Y_TOP], tickvals=[0, 1, 2, 3, 4], title_text=_("Median redness"), fixedrange=True
    )
    _style(figure, height=380, bottom=110)
    figure.update_layout(legend=dict(y=-0.2))
    summary = [cohort_sentence(group) for group in groups] or [_("No sessions with logs yet.")]
    if groups:
        summary.append(
            _(
                "These groups mix needle depths, so no single typical range is drawn; "
                "the chart by needle depth shows each depth against its own."
            )
        )
    return Chart(key, str(title), figure.to_plotly_json(), summary)


def _sessions(count: int) -> str:
    return ngettext("%(num)d session", "%(num)d sessions", count)


def cohort_sentence(group: CohortGroup) -> str:
    """'Shallow (up to 0.5 mm): 12 sessions; redness at 1 or below after a median of 20 hours (10 of 12).'"""
    sessions = _sessions(group.sessions)
    if group.median_hours_to_settle is None:
        sentence = _(
            "%(group)s: %(sessions)s; none has logged redness at 1 or below yet.", group=group.label, sessions=sessions
        )
    else:
        sentence = _(
            "%(group)s: %(sessions)s; redness at 1 or below after a median of "
            "%(hours)s hours (%(settled)d of %(total)d).",
            group=group.label,
            sessions=sessions,
            hours=f"{group.median_hours_to_settle:.0f}",
            settled=group.settled,
            total=group.sessions,
        )
    if group.depth is not None:
        fades = next(m for m in recovery.milestones(group.depth) if m.key == "redness_fades")
        typical = _(
            "Typical: %(fades)s (%(when)s).",
            fades=fades.label.lower(),
            when=recovery.describe_hours_range(fades.from_hours, fades.to_hours),
        )
        sentence = f"{sentence} {typical}"
    return sentence


# --- Shared style -------------------------------------------------------------------------


def _style(figure: Figure, height: int, top: int = 40, bottom: int = 40) -> None:
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
