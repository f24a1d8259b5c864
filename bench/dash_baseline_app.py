"""The baseline the issue compares with: a default Plotly Dash page drawing one chart.

Served only by bench/dash_baseline.py, from its own virtualenv (.venv-dash);
never part of the product. Dash's defaults throughout: its own bundles served
from this server, no compression, the chart drawn by dcc.Graph.
"""

import plotly.graph_objects as go
from dash import Dash, dcc, html

# A typical course of redness (0-4) over the first three days, as on Afterglow's session page.
HOURS = [0, 6, 12, 24, 36, 48, 60, 72]
REDNESS = [3, 3, 2, 2, 1, 1, 0, 0]

figure = go.Figure(go.Scatter(x=HOURS, y=REDNESS, mode="lines+markers", name="Redness"))
figure.update_layout(xaxis_title="Hours since the session", yaxis_title="Redness (0-4)")

app = Dash(__name__, title="Redness after microneedling")
app.layout = html.Div([html.H1("Redness after microneedling"), dcc.Graph(figure=figure)])
server = app.server
