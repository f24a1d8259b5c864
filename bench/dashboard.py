"""Benchmark the clinic dashboard: server time and SQL statements per request, by clinic size.

    .venv/bin/python bench/dashboard.py [--patients 2000] [--logs 30] [--requests 30]

Fills a throw-away SQLite database with one clinic whose patients each have a
session with N logs (and a share of them red-flag alerts), then requests the
dashboard through the WSGI app in-process, as a logged-in practitioner.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.vocabulary import CONTACT, ON_TRACK, SLOWER  # noqa: E402
from app.extensions import db  # noqa: E402
from app.factory import create_app  # noqa: E402
from app.models import WARNING_SIGN_COLUMNS, Alert, CareLink, Clinic, SymptomLog, TreatmentSession, User, utcnow  # noqa: E402

PASSWORD = "bench-practitioner-passphrase"


def fill(patients, logs_per_patient):
    """Bulk-insert one clinic, its practitioner and patients with their logs."""
    rng = random.Random(42)
    now = utcnow()
    clinic = Clinic(name="Bench Clinic")
    practitioner = User(email="doc@bench.example", role="practitioner", clinic=clinic, name="Dr Bench")
    practitioner.set_password(PASSWORD)
    db.session.add_all([clinic, practitioner])
    db.session.commit()
    users = [
        dict(
            email=f"p{n}@bench.example",
            name=f"Patient {n}",
            role="patient",
            password_hash="x",
            timezone="UTC",
            created_at=now,
        )
        for n in range(patients)
    ]
    db.session.execute(sa.insert(User), users)
    ids = db.session.scalars(sa.select(User.id).where(User.role == "patient").order_by(User.id)).all()
    db.session.execute(sa.insert(CareLink), [dict(clinic_id=clinic.id, patient_id=i, consented_at=now) for i in ids])
    statuses = [ON_TRACK] * 8 + [SLOWER, CONTACT]
    sessions = [
        dict(
            patient_id=i,
            performed_at=now - timedelta(hours=rng.randint(2, 24 * 20)),
            needle_depth_mm=0.5,
            device="derma_pen",
            areas=["face"],
            concerns=[],
            notes="",
            status=rng.choice(statuses),
            created_at=now,
        )
        for i in ids
    ]
    db.session.execute(sa.insert(TreatmentSession), sessions)
    session_rows = db.session.execute(
        sa.select(
            TreatmentSession.id, TreatmentSession.patient_id, TreatmentSession.performed_at, TreatmentSession.status
        )
    ).all()
    logs, alerts = [], []
    for session_id, patient_id, performed_at, status in session_rows:
        span = max((now - performed_at).total_seconds() / 3600, 1)
        for k in range(logs_per_patient):
            logs.append(
                dict(
                    session_id=session_id,
                    logged_at=performed_at + timedelta(hours=span * k / logs_per_patient),
                    redness=rng.randint(0, 3),
                    swelling=rng.randint(0, 2),
                    peeling=rng.randint(0, 2),
                    bruising=False,
                    **dict.fromkeys(WARNING_SIGN_COLUMNS, False),
                    note="",
                    created_at=now,
                )
            )
        if status == CONTACT:
            alerts.append(
                dict(
                    clinic_id=clinic.id,
                    patient_id=patient_id,
                    session_id=session_id,
                    flag_key="sign_pus",
                    severity="contact",
                    reason="Pus.",
                    action="Call.",
                    created_at=now,
                    acknowledgement_note="",
                )
            )
    for start in range(0, len(logs), 20_000):
        db.session.execute(sa.insert(SymptomLog), logs[start : start + 20_000])
    if alerts:
        db.session.execute(sa.insert(Alert), alerts)
    db.session.commit()
    return practitioner.email


def measure(app, email, requests):
    """Median and p95 server time (ms) and statements per dashboard request."""
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    statements = []
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(requests):
        counter["n"] = 0
        started = time.perf_counter()
        response = client.get("/clinic/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        statements.append(counter["n"])
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], max(statements)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--logs", type=int, default=30)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    print(
        f"{'patients':>8} {'logs':>7} {'median ms':>10} {'p95 ms':>8} {'SQL statements':>15}"
        "  goal: <= 5 statements, < 100 ms"
    )
    for patients in args.patients:
        with tempfile.TemporaryDirectory() as folder:
            app = create_app(
                {
                    "SECRET_KEY": "bench",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                    "RATELIMIT_ENABLED": False,
                    "WTF_CSRF_ENABLED": False,
                    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                }
            )
            with app.app_context():
                db.create_all()
                email = fill(patients, args.logs)
            median, p95, statements = measure(app, email, args.requests)
            verdict = "PASS" if statements <= 5 and median < 100 else "FAIL"
            print(f"{patients:>8} {patients * args.logs:>7} {median:>10.1f} {p95:>8.1f} {statements:>15}  {verdict}")
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
