"""Lighthouse (mobile preset) against the real server: scores, bytes transferred, LCP and TBT per budget.

    .venv/bin/python bench/lighthouse.py          (make bench-lighthouse)

Needs Debian's Chromium (CHROME_PATH=/usr/bin/chromium) and `npm ci --prefix bench`.
Seeds a throw-away SQLite database with the demo and 200 more patients in the
demo clinic, pre-compresses static/ as `make run` does, starts gunicorn, logs
in through the real form, and audits each page with that session's cookie.
"""

import json
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, VENV_BIN, flask, gunicorn, logged_in_session, server_environment  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
# Flask-Login's strong session protection ties a session to the browser's user agent,
# so the log-in and Lighthouse's browser must present the same one.
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"
)
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
# (page, who, path, budgets): a score is a minimum, bytes/ms a maximum.
PAGES = [
    (
        "log page",
        "patient",
        "/sessions/{session}/logs/new",
        {"performance": 1.0, "accessibility": 1.0, "best-practices": 1.0, "kb": 30},
    ),
    (
        "session page with charts",
        "patient",
        "/sessions/{session}",
        {"performance": 0.95, "accessibility": 1.0, "kb": 450, "lcp_ms": 2000, "tbt_ms": 150},
    ),
    ("dashboard, 200+ patients", "practitioner", "/clinic/", {"performance": 0.95}),
]


def add_patients(database_url, count):
    """More patients in the demo clinic, each with a session and a few logs."""
    from app.cli import DEMO_CLINIC
    from app.extensions import db
    from app.factory import create_app
    from app.models import CareLink, Clinic, SymptomLog, TreatmentSession, User, utcnow

    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    )
    with app.app_context():
        clinic = db.session.scalar(sa.select(Clinic).where(Clinic.name == DEMO_CLINIC))
        now = utcnow()
        for n in range(count):
            patient = User(email=f"bench{n}@example.com", name=f"Bench Patient {n:03d}", password_hash="x")
            treatment = TreatmentSession(
                patient=patient,
                performed_at=now - timedelta(hours=6 + n),
                device="derma_pen",
                areas=["face"],
                needle_depth_mm=0.5,
            )
            for hours in (1, 4):
                treatment.logs.append(
                    SymptomLog(
                        logged_at=treatment.performed_at + timedelta(hours=hours), redness=2, swelling=1, peeling=0
                    )
                )
            db.session.add_all([patient, treatment, CareLink(clinic=clinic, patient=patient)])
        db.session.commit()
        db.engine.dispose()


def audit(url, cookie=None, tries=3):
    """One Lighthouse run; tried again when Chrome's trace comes back broken (NO_NAVSTART happens)."""
    for attempt in range(1, tries + 1):
        try:
            return _audit_once(url, cookie)
        except subprocess.CalledProcessError:
            if attempt == tries:
                raise
            print(f"(Lighthouse failed on {url}; trying again)")


def _audit_once(url, cookie):
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report.name}",
                "--only-categories=performance,accessibility,best-practices",
                f"--chrome-flags={CHROME_FLAGS}",
                f"--emulated-user-agent={USER_AGENT}",
                *(["--extra-headers", json.dumps({"Cookie": cookie})] if cookie else []),
            ],
            check=True,
            env={"CHROME_PATH": "/usr/bin/chromium", "PATH": "/usr/bin:/bin"},
        )
        result = json.loads(Path(report.name).read_text())
    final_url = result.get("finalDisplayedUrl") or result.get("finalUrl", "")
    if "/auth/login" in final_url:
        sys.exit(f"Lighthouse was sent to the log-in page instead of {url}: the session cookie was not accepted")
    audits = result["audits"]
    return {
        **{key: category["score"] for key, category in result["categories"].items()},
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
    }


def verdict(key, budget, value):
    ok = value <= budget if key in ("kb", "lcp_ms", "tbt_ms") else value >= budget
    return "pass" if ok else "FAIL"


def main():
    from app.cli import DEMO_PASSWORD, DEMO_PATIENTS, DEMO_PRACTITIONER_EMAIL

    subprocess.run([str(VENV_BIN / "python"), "-m", "whitenoise.compress", "-q", "static"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.db"
        env = server_environment(database_url)
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
        add_patients(database_url, 200)
        with gunicorn(env) as server:
            url = server.url
            sessions = {
                "patient": logged_in_session(url, DEMO_PATIENTS["typical"], DEMO_PASSWORD, USER_AGENT),
                "practitioner": logged_in_session(url, DEMO_PRACTITIONER_EMAIL, DEMO_PASSWORD, USER_AGENT),
            }
            session_id = 2  # the demo patient's current session (day 1)
            failures = 0
            print(f"{'page':<26} {'figure':<15} {'value':>9} {'budget':>8}  verdict")
            for name, who, path, budgets in PAGES:
                cookie = "; ".join(f"{k}={v}" for k, v in sessions[who].cookies.items())
                figures = audit(url + path.format(session=session_id), cookie)
                for key, budget in budgets.items():
                    outcome = verdict(key, budget, figures[key])
                    failures += outcome != "pass"
                    print(f"{name:<26} {key:<15} {figures[key]:>9.2f} {budget:>8}  {outcome}")
                print(f"{'':<26} (all figures: {', '.join(f'{k} {v:.2f}' for k, v in figures.items())})")
            for session in sessions.values():
                session.close()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
