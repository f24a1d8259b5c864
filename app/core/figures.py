"""Plotly figures as the plain dicts plotly.js draws: what app.core.charts builds its charts with.

plotly's ``graph_objects`` checks every property as it is set, through a tree of objects: for the
three small figures of a session page that cost about 200 ms of CPU on every view, four fifths of
the page (docs/benchmarks.md). The charts only ever hand plotly.js the JSON, so they build it
directly here. The empty layouts (a grid of subplots, plotly's default template) are made once by
plotly itself and copied, so a figure's JSON is the one ``graph_objects`` gives for the same calls;
tests/unit/test_figures.py holds the two side by side.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

_AXIS = re.compile(r"^([xy])axis(\d*)$")


def scatter(**properties) -> dict:
    return {"type": "scatter", **properties}


def bar(**properties) -> dict:
    return {"type": "bar", **properties}


@functools.cache
def _empty_layout(rows: int, vertical_spacing: float | None, row_heights: tuple[float, ...] | None) -> dict:
    if rows == 0:
        return go.Figure().to_plotly_json()["layout"]
    grid = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=vertical_spacing,
        row_heights=list(row_heights) if row_heights else None,
    )
    return grid.to_plotly_json()["layout"]


def _merge(target: dict, changes: dict) -> None:
    """Plotly's update: nested dicts merge, anything else is replaced; ``title_text`` means title.text."""
    for key, value in changes.items():
        if key == "title_text":
            key, value = "title", {"text": value}
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value) if isinstance(value, dict) else value


class Figure:
    """A figure's data and layout, with the few graph_objects methods the charts use."""

    def __init__(self, rows: int = 0, vertical_spacing: float | None = None, row_heights: Sequence[float] = ()):
        self.rows = rows
        self.data: list[dict] = []
        self.layout: dict = copy.deepcopy(_empty_layout(rows, vertical_spacing, tuple(row_heights) or None))

    @classmethod
    def subplots(cls, rows: int, vertical_spacing: float, row_heights: Sequence[float] = ()) -> Figure:
        """Rows sharing one x axis, as ``make_subplots(rows, cols=1, shared_xaxes=True, ...)``."""
        return cls(rows, vertical_spacing, row_heights)

    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None) -> None:
        if row is not None:
            suffix = "" if row == 1 else str(row)
            trace = {**trace, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        self.data.append(trace)

    def update_layout(self, **changes) -> None:
        _merge(self.layout, changes)

    def update_xaxes(self, row: int | None = None, col: int | None = None, **changes) -> None:
        self._update_axes("x", row, changes)

    def update_yaxes(self, row: int | None = None, col: int | None = None, **changes) -> None:
        self._update_axes("y", row, changes)

    def _update_axes(self, letter: str, row: int | None, changes: dict) -> None:
        if row is not None:
            names = [f"{letter}axis" if row == 1 else f"{letter}axis{row}"]
        else:
            names = [key for key in self.layout if (match := _AXIS.match(key)) and match[1] == letter]
        for name in names or [f"{letter}axis"]:
            _merge(self.layout.setdefault(name, {}), changes)

    def add_shape(self, **shape) -> None:
        self.layout.setdefault("shapes", []).append(shape)

    def add_annotation(self, **annotation) -> None:
        self.layout.setdefault("annotations", []).append(annotation)

    def to_plotly_json(self) -> dict:
        return {"data": self.data, "layout": self.layout}
