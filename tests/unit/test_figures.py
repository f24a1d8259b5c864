"""The charts' plain-dict figures give the JSON plotly's graph_objects gives for the same calls."""

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from app.core.figures import Figure, bar, scatter


def build(figure, trace, bar_trace, rows):
    """The calls app.core.charts makes, on either kind of figure."""
    for row in range(1, rows + 1):
        figure.add_trace(
            trace(x=[0.0, 20.5], y=[1, 3], mode="lines", line=dict(width=1), meta=dict(role="band")), row=row, col=1
        )
        figure.update_yaxes(range=[-0.5, 4.5], tickvals=[0, 1, 2], fixedrange=True, row=row, col=1)
    figure.add_trace(bar_trace(y=["Redness"], x=[2.0], base=[0.5], orientation="h", showlegend=False), row=1, col=1)
    figure.add_shape(type="line", x0=20, x1=20, y0=0, y1=1, xref="x", yref="paper", line=dict(color="#000", dash="dot"))
    figure.add_annotation(x=20, y=1, xref="x", yref="paper", showarrow=False, text="24 h", font=dict(size=11))
    figure.update_xaxes(range=[0, 100], tickfont=dict(size=11), fixedrange=True)
    figure.update_xaxes(title_text="Days since the session", row=rows, col=1)
    figure.update_yaxes(gridcolor="#eee2e7", zeroline=False)
    figure.update_layout(height=620, margin=dict(l=36, r=22), legend=dict(orientation="h", y=-0.06, x=0))
    figure.update_layout(legend=dict(y=-0.09), bargap=0.3)
    return figure.to_plotly_json()


@pytest.mark.parametrize(
    ("rows", "spacing", "heights"), [(3, 0.08, ()), (2, 0.16, (0.55, 0.45)), (1, 0.12, ()), (4, 0.12, ())]
)
def test_a_grid_of_rows_is_the_json_of_make_subplots(rows, spacing, heights):
    ours = build(Figure.subplots(rows=rows, vertical_spacing=spacing, row_heights=heights), scatter, bar, rows)
    plotly = make_subplots(
        rows=rows, cols=1, shared_xaxes=True, vertical_spacing=spacing, row_heights=list(heights) or None
    )
    assert ours == build(plotly, go.Scatter, go.Bar, rows)


def test_a_figure_without_rows_is_the_json_of_an_empty_figure():
    def calls(figure, trace):
        figure.add_trace(trace(x=[1.0], y=[2.0], name="Median redness"))
        figure.update_xaxes(range=[0, 100])
        figure.update_yaxes(title_text="Median redness", fixedrange=True)
        figure.update_layout(height=380, legend=dict(y=-0.2))
        return figure.to_plotly_json()

    assert calls(Figure(), scatter) == calls(go.Figure(), go.Scatter)


def test_figures_do_not_share_their_layouts():
    first, second = Figure.subplots(rows=3, vertical_spacing=0.08), Figure.subplots(rows=3, vertical_spacing=0.08)
    first.update_layout(height=100, legend=dict(y=-1))
    first.update_yaxes(range=[0, 1], row=2)
    assert "height" not in second.layout and "legend" not in second.layout
    assert "range" not in second.layout["yaxis2"]
