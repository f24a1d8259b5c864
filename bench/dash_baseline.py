"""The Dash baseline beside Afterglow's pages: a default Plotly Dash page, audited the same way.

    .venv/bin/python bench/dash_baseline.py          (make bench-dash)

The issue quotes a default Dash page at 0.37 in Lighthouse's mobile audit,
shipping about 6 MB. This measures one on this machine: bench/dash_baseline_app.py
(one chart, Dash's defaults), served by gunicorn from its own virtualenv
(.venv-dash, so Dash's dependencies never touch the app's), audited exactly as
bench/lighthouse.py audits Afterglow's session page with charts.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, gunicorn  # noqa: E402
from bench.lighthouse import audit  # noqa: E402

DASH_VENV_BIN = ROOT / ".venv-dash" / "bin"
QUOTED = {"performance": 0.37, "kb": 6 * 1024}  # the figures for a default Dash page


def main():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with gunicorn(env, app="bench.dash_baseline_app:server", venv_bin=DASH_VENV_BIN, ready_path="/") as server:
        figures = audit(server.url + "/")
    print(f"{'page':<26} {'figure':<15} {'value':>9} {'quoted':>8}")
    for key, value in figures.items():
        quoted = f"{QUOTED[key]:>8g}" if key in QUOTED else f"{'':>8}"
        print(f"{'default Dash page, 1 chart':<26} {key:<15} {value:>9.2f} {quoted}")


if __name__ == "__main__":
    main()
