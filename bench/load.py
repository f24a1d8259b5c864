"""Capacity: the most concurrent phone users `make run`'s server sustains at p95 <= 300 ms, no errors.

    .venv/bin/python bench/load.py [--patients 300] [--start 16] [--seconds 60] [--ramp 10]
    (make bench-load; Locust lives in .venv-locust, its profile in bench/locustfile.py)

Seeds a PostgreSQL database (DATABASE_URL, default the local afterglow_bench) with clinics,
practitioners and patients with a finished and a recent session, their logs and some photos;
starts the server as `make run` does (scripts/serve: gunicorn with the Makefile's WORKERS and
THREADS, and the reminder sender); then runs Locust headless in steps of concurrent users,
doubling until a step fails, then halving the gap, each step a fresh Locust run whose figures
are taken after every user has logged in. --users N runs one step of N users instead. Prints the most users that passed,
users per core, the CPU a request cost (server and PostgreSQL), the busiest requests by total
time and the database's bytes per patient, session and log, and a stored photo's bytes.

Locust runs on the same machine, sharing its cores with the server and PostgreSQL; each step
prints the share of a core each of them used (Locust's is small at a phone's pace). --pin puts
the server on core 0 and Locust on core 1 (taskset), and "per core" then means the server's
one core; on a machine shared with other work that core is shared too, so it is not the default.
"""

import argparse
import csv
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psutil
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, VENV_BIN, free_port, logged_in_session, running, server_environment  # noqa: E402

DEFAULT_DATABASE = "postgresql://afterglow:afterglow@127.0.0.1/afterglow_bench"
LOCUST = ROOT / ".venv-locust" / "bin" / "locust"
PASSWORD = "bench-patient-passphrase"
P95_LIMIT_MS = 300
SETTLE = 5  # seconds after the ramp before measuring: the last users' log-ins are done
MIN_REQUESTS = 100  # fewer, and a p95 is one or two requests: such a step fails, asking for longer steps
# A user's requests per second in the locustfile's mix (measured: 0.07-0.08; static files and log-ins aside).
REQUESTS_PER_USER_SECOND = 0.07
CPU_TARGET = 0.5  # busy share of the cores the CPU ceiling plans for, leaving room for queueing and peaks
PATIENTS_PER_CLINIC = 100
PRACTITIONERS_PER_CLINIC = 2
TABLES = (
    "user",
    "care_link",
    "treatment_session",
    "symptom_log",
    "photo",
    "alert",
    "alert_flag",
    "user_login",
    "audit_event",
    "delivery",
)


def makefile_default(name):
    """The Makefile's `NAME ?= n`, or the environment's NAME as make would take it."""
    if os.environ.get(name):
        return int(os.environ[name])
    return int(re.search(rf"^{name} \?= (\d+)$", (ROOT / "Makefile").read_text(), re.M).group(1))


def photo_jpeg():
    """A 1600x1200 JPEG with a skin tone and fine texture (noise), so it compresses like a photo, not a flat block."""
    from PIL import Image, ImageFilter

    size = (1600, 1200)
    noise = Image.effect_noise(size, 40).filter(ImageFilter.GaussianBlur(1.2))
    shade = Image.blend(Image.linear_gradient("L").resize(size), noise, 0.5)
    image = Image.merge(
        "RGB",
        [
            shade.point(lambda v: 150 + v * 0.35),
            shade.point(lambda v: 110 + v * 0.3),
            noise.point(lambda v: 95 + v * 0.25),
        ],
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def engine(database_url):
    from app.config import normalise_database_url

    return sa.create_engine(normalise_database_url(database_url))


def reset_database(database_url):
    """An empty database: created when missing (the role may create databases), its tables dropped otherwise."""
    from app.config import normalise_database_url

    url = sa.make_url(normalise_database_url(database_url))
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database})
        if exists.scalar() is None:
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()
    database = engine(database_url)
    with database.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    database.dispose()


def seed(database_url, upload_folder, patients, photo):
    """Clinics of 100 patients and 2 practitioners; each patient a finished course (42-70 days ago) and a
    recent session (1-6 days ago) with the logs taken so far; every third patient a photo of it.

    Goes through app.services.logbook like the app. Accounts share one password, hashed once with a
    cheap method: logging in is not what is measured (its figures are reset once all users are in).
    """
    from werkzeug.datastructures import FileStorage
    from werkzeug.security import generate_password_hash

    from app.cli import RED_FLAG_COURSE, SLOW_COURSE, TYPICAL_FIRST_DAYS, TYPICAL_WHOLE_COURSE
    from app.extensions import db
    from app.factory import create_app
    from app.models import ROLE_PRACTITIONER, CareLink, Clinic, User
    from app.services import logbook

    recent_courses = [TYPICAL_FIRST_DAYS + TYPICAL_WHOLE_COURSE[4:7]] * 6 + [SLOW_COURSE, RED_FLAG_COURSE]
    rng = random.Random(17)
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_FOLDER": upload_folder})
    clinics = -(-patients // PATIENTS_PER_CLINIC)
    with app.app_context():
        clinic_rows = [Clinic(name=f"Bench Clinic {n}", timezone="Europe/London") for n in range(clinics)]
        for n in range(clinics * PRACTITIONERS_PER_CLINIC):
            doctor = User(
                email=f"doctor{n}@example.com",
                name=f"Dr Bench {n}",
                role=ROLE_PRACTITIONER,
                clinic=clinic_rows[n % clinics],
                password_hash=password_hash,
            )
            db.session.add(doctor)
        people = []
        for n in range(patients):
            patient = User(
                email=f"load{n}@example.com", name=f"Load {n}", timezone="Europe/London", password_hash=password_hash
            )
            db.session.add_all([patient, CareLink(clinic=clinic_rows[n % clinics], patient=patient)])
            people.append(patient)
        db.session.commit()

        def add_session(patient, hours_ago, course, series_number):
            performed_at = logbook.utcnow() - timedelta(hours=hours_ago)

            def fill(treatment):
                treatment.performed_at = performed_at
                treatment.device, treatment.needle_depth_mm = "derma_pen", 0.5
                treatment.areas, treatment.concerns, treatment.series_number = ["face"], ["fine_lines"], series_number

            logs = [
                dict(redness=0, swelling=0, peeling=0) | values | dict(logged_at=performed_at + timedelta(hours=hours))
                for hours, values in course
                if hours <= hours_ago
            ]
            return logbook.record_session(patient, fill, logs=logs)

        for n, patient in enumerate(people):
            add_session(patient, rng.randint(42, 70) * 24, TYPICAL_WHOLE_COURSE, 1)
            recent = add_session(patient, rng.randint(24, 144), rng.choice(recent_courses), 2)
            if n % 3 == 0:
                logbook.add_photo(recent, FileStorage(io.BytesIO(photo), "photo.jpg", content_type="image/jpeg"))
        db.engine.dispose()
    return clinics * PRACTITIONERS_PER_CLINIC


def database_figures(database_url):
    """Rows and bytes (pg_total_relation_size: table, indexes, TOAST) of the tables that grow with patients."""
    database = engine(database_url)
    with database.connect() as connection:
        figures = {
            table: connection.execute(
                sa.text(f'SELECT count(*), pg_total_relation_size(\'"{table}"\') FROM "{table}"')  # noqa: S608
            ).one()
            for table in TABLES
        }
        size = connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
        figures["database"] = (None, size)
    database.dispose()
    return figures


backends = []  # how many connections the server held open, at each reading


def postgres_cpu_seconds(database_url):
    """CPU used so far by the PostgreSQL backends serving this database (the server's pool keeps them open)."""
    database = engine(database_url)
    with database.connect() as connection:
        pids = list(
            connection.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
        )
        backends.append(len(pids))
        total = 0.0
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.Error:  # gone, or not ours to read
                continue
            total += times.user + times.system
    database.dispose()
    return total


def pinned(core, pin):
    return ["taskset", "-c", str(core)] if pin else []


@contextmanager
def serve(env, workers, threads, pin):
    """scripts/serve as `make run` starts it (gunicorn and the reminder sender), pinned to core 0 when asked."""
    port = free_port()
    command = [*pinned(0, pin), str(ROOT / "scripts" / "serve"), "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--access-logfile", "-", "wsgi:app"]
    env = {**env, "VENV": str(VENV_BIN.parent), "FLASK_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with running(command, env, port, timeout=60) as server:
        yield server


def warm_up(url, workers):
    """Every kind of page a few times per worker: a running server has its templates compiled and modules loaded."""
    patient = logged_in_session(url, "load0@example.com", PASSWORD)
    doctor = logged_in_session(url, "doctor0@example.com", PASSWORD)
    session_id = max(re.findall(r'href="/sessions/(\d+)"', patient.get(url + "/", timeout=30).text), key=int)
    patient_id = re.findall(r'href="/clinic/patients/(\d+)', doctor.get(url + "/clinic/", timeout=30).text)[0]
    pages = [
        (patient, f"/sessions/{session_id}"),
        (patient, f"/sessions/{session_id}/logs/new"),
        (patient, "/photos"),
        (patient, "/summary"),
        (doctor, "/clinic/?page=2"),
        (doctor, f"/clinic/patients/{patient_id}"),
        (doctor, f"/clinic/patients/{patient_id}/photos"),
    ]
    for _ in range(3 * workers):
        for browser, path in pages:
            browser.get(url + path, timeout=60)
    patient.close()
    doctor.close()


def read_stats(path):
    """Locust's _stats.csv: {name: row}, the 'Aggregated' row included."""
    with open(path, newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def practitioner_users(users):
    """1 user in 20 is a practitioner (rounded: none below 10 users)."""
    return int(users / 20 + 0.5)


def step_seconds(users, seconds):
    """At least `seconds`, and long enough for about 1.5 x MIN_REQUESTS requests at the mix's pace (max 10 min)."""
    return min(600.0, max(seconds, 1.5 * MIN_REQUESTS / (REQUESTS_PER_USER_SECOND * users)))


def run_step(users, args, url, env, server, folder, pin):
    """One Locust run of `users`; returns its stats, the server's and PostgreSQL's CPU, and Locust's own."""
    prefix = Path(folder) / f"step{users}"
    measured = step_seconds(users, args.seconds)
    practitioners = practitioner_users(users)
    command = [
        *pinned(1, pin),
        str(LOCUST),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        f"{users / args.ramp:.2f}",
        "--run-time",
        f"{args.ramp + SETTLE + measured:.0f}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "ERROR",
        "--stop-timeout",
        "5",
        *([] if practitioners else ["Patient"]),  # no class named: every class of the file
    ]
    env = env | {"BENCH_PRACTITIONER_USERS": str(practitioners), "BENCH_RESET_AFTER": str(args.ramp + SETTLE)}
    locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    handle = psutil.Process(locust.pid)
    time.sleep(args.ramp + SETTLE)  # the figures that count start here, as the locustfile resets Locust's
    server_cpu, database_cpu = server.cpu_seconds(), postgres_cpu_seconds(env["DATABASE_URL"])
    locust_cpu = sum(handle.cpu_times()[:2])
    started = time.monotonic()
    time.sleep(max(0.0, measured - 1))
    seconds = time.monotonic() - started
    try:
        locust_cpu = sum(handle.cpu_times()[:2]) - locust_cpu
    except psutil.NoSuchProcess:
        locust_cpu = float("nan")
    server_cpu = server.cpu_seconds() - server_cpu
    database_cpu = postgres_cpu_seconds(env["DATABASE_URL"]) - database_cpu
    _, errors = locust.communicate(timeout=120)
    stats = read_stats(f"{prefix}_stats.csv")
    if "Aggregated" not in stats:
        sys.exit(f"Locust gave no figures for {users} users:\n{errors[-2000:]}")
    return stats, server_cpu / seconds, database_cpu / seconds, locust_cpu / seconds


def passed(stats):
    total = stats["Aggregated"]
    return (
        int(total["Failure Count"]) == 0
        and float(total["95%"]) <= P95_LIMIT_MS
        and int(total["Request Count"]) >= MIN_REQUESTS
    )


def describe(users, stats, server_share, database_share, locust_share):
    total = stats["Aggregated"]
    rate = float(total["Requests/s"])
    verdict = "pass" if passed(stats) else "FAIL"
    if int(total["Request Count"]) < MIN_REQUESTS:
        verdict += f" (under {MIN_REQUESTS} requests: too few for a p95, lengthen --seconds)"
    measured = [row for name, row in stats.items() if name != "Aggregated" and row["95%"] != "N/A"]
    worst = max(measured, key=lambda row: float(row["95%"]))
    return (
        f"{users:>6} users: {rate:7.1f} req/s, median {float(total['Median Response Time']):5.0f} ms, "
        f"p95 {float(total['95%']):5.0f} ms, {int(total['Failure Count'])} errors; CPU: server "
        f"{100 * server_share:4.0f} %, PostgreSQL {100 * database_share:3.0f} %, Locust {100 * locust_share:3.0f} % "
        f"of a core: {verdict}; slowest p95: {worst['Name']} {float(worst['95%']):.0f} ms"
    )


def search(args, url, env, server, folder, pin):
    """Doubling from --start until a step fails, then halving the gap to within --precision; returns the steps."""
    steps = {}

    def step(users):
        steps[users] = run_step(users, args, url, env, server, folder, pin)
        print(describe(users, *steps[users]), flush=True)
        return passed(steps[users][0])

    good, bad = 0, None
    users = args.start
    while users <= args.max_users and len(steps) < args.max_steps:
        if not step(users):
            bad = users
            break
        good, users = users, users * 2
    while bad is not None and bad - good > max(args.precision * good, 2) and len(steps) < args.max_steps:
        middle = (good + bad) // 2
        if middle < args.min_users:  # fewer users take ever longer steps to give 100 requests
            break
        if step(middle):
            good = middle
        else:
            bad = middle
    return good, steps


def by_total_time(stats):
    """Every kind of request that was made, the busiest (count x mean time) first."""
    rows = [row for name, row in stats.items() if name != "Aggregated" and int(row["Request Count"])]
    rows.sort(key=lambda row: int(row["Request Count"]) * float(row["Average Response Time"]), reverse=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--patients", type=int, default=300, help="seeded; more users than this share accounts")
    parser.add_argument("--start", type=int, default=16, help="users of the first step")
    parser.add_argument("--users", type=int, help="one step of this many users, no search")
    parser.add_argument("--max-users", type=int, default=6400)
    parser.add_argument("--min-users", type=int, default=4, help="no step of fewer users (their steps are long)")
    parser.add_argument("--max-steps", type=int, default=7)
    parser.add_argument("--precision", type=float, default=0.1, help="stop when the gap is this share of the pass")
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds of a step, at least")
    parser.add_argument("--ramp", type=float, default=10, help="seconds to start every user (they log in then)")
    parser.add_argument("--pin", action="store_true", help="the server on core 0, Locust on core 1 (taskset)")
    args = parser.parse_args()
    if not LOCUST.exists():
        sys.exit("Locust is missing: make .venv-locust/.installed")
    cores = os.cpu_count() or 1
    pin = args.pin and cores >= 2 and shutil.which("taskset") is not None
    workers, threads = makefile_default("WORKERS"), makefile_default("THREADS")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        uploads = Path(folder) / "uploads"
        photo = photo_jpeg()
        photo_path = Path(folder) / "photo.jpg"
        photo_path.write_bytes(photo)
        env = server_environment(args.database_url) | {
            "FLASK_UPLOAD_FOLDER": str(uploads),
            "FLASK_MAIL_OUTBOX": str(Path(folder) / "outbox"),
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_PATIENTS": str(args.patients),
            "BENCH_PHOTO": str(photo_path),
        }
        reset_database(args.database_url)
        subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        env["BENCH_PRACTITIONERS"] = str(seed(args.database_url, str(uploads), args.patients, photo))
        seeded = database_figures(args.database_url)
        print(f"seeded {args.patients} patients in {time.monotonic() - started:.0f} s", flush=True)
        with serve(env, workers, threads, pin) as server:
            warm_up(server.url, workers)
            if args.users:
                args.start = args.max_users = args.users
                args.max_steps = 1
            good, steps = search(args, server.url, env, server, folder, pin)
        after = database_figures(args.database_url)
        stored = [path.stat().st_size for path in uploads.iterdir()]
        photos = after["photo"][0]

    server_cores = 1 if pin else cores
    print()
    print(
        f"gunicorn {workers} workers x {threads} thread{'s' if threads > 1 else ''} (scripts/serve, as make run), "
        f"PostgreSQL, {cores} cores: "
        + (
            "server pinned to core 0, Locust to core 1, PostgreSQL unpinned"
            if pin
            else "server, Locust and PostgreSQL share every core"
        )
    )
    print(
        f"steps of {args.ramp:g} s ramp (log-ins) + {SETTLE} s + at least {args.seconds:g} s measured "
        f"(longer for few users: {MIN_REQUESTS} requests at least); "
        f"pass: p95 <= {P95_LIMIT_MS} ms over every request, no errors"
    )
    if good:
        print(
            f"most concurrent users sustained: {good} = {good / server_cores:.1f} users per core "
            + (f"(gunicorn's 1 core; {good / cores:.1f} per core of the machine's {cores})" if pin else "")
            + ("" if pin else f"(the machine's {cores} cores, shared by the server, PostgreSQL and Locust)")
        )
    else:
        print(f"no step passed (the first had {args.start} users); figures below are of the largest step")
    shown = good or max(steps)
    stats, server_share, database_share, _ = steps[shown]
    seconds = step_seconds(shown, args.seconds)
    total = stats["Aggregated"]
    rate = float(total["Requests/s"])
    print(
        f"at {shown} users: {rate:.2f} req/s ({rate / shown:.3f} per user); CPU per request: server "
        f"{1000 * server_share / rate:.1f} ms, PostgreSQL {1000 * database_share / rate:.1f} ms"
    )
    # Where the CPU, not the latency limit, would stop it: users per core with the cores half busy
    # (CPU time moves less than latency with other work on the machine).
    per_user = (server_share + database_share) / shown
    print(
        f"CPU ceiling: one user costs {100 * server_share / shown:.2f} % of a core in the server and "
        f"{100 * database_share / shown:.2f} % in PostgreSQL: {CPU_TARGET / per_user:.0f} users per core "
        f"at {100 * CPU_TARGET:.0f} % busy cores (a throughput bound, not the p95 limit)"
    )
    visits = int(stats.get("/ (home)", {}).get("Request Count", 0))
    if visits:
        # Every patient visit opens the home page once; a practitioner's visit opens the dashboard instead.
        patient_users = shown - practitioner_users(shown)
        print(
            f"patient visits: {visits} in {seconds:.0f} s, one per {patient_users * seconds / visits:.0f} s "
            f"per patient user; per visit (all users' requests and CPU included): "
            f"{int(total['Request Count']) / visits:.1f} requests, server CPU "
            f"{1000 * server_share * seconds / visits:.0f} ms, PostgreSQL CPU "
            f"{1000 * database_share * seconds / visits:.0f} ms"
        )
    print(f"requests at {shown} users, busiest (count x mean time) first:")
    print(f"  {'request':<42} {'count':>7} {'median ms':>10} {'p95 ms':>8} {'total s':>8}")
    for row in by_total_time(stats):
        total_s = int(row["Request Count"]) * float(row["Average Response Time"]) / 1000
        print(
            f"  {row['Name']:<42} {row['Request Count']:>7} {float(row['Median Response Time']):>10.0f} "
            f"{float(row['95%']):>8.0f} {total_s:>8.1f}"
        )
    patients = args.patients
    sessions, logs = after["treatment_session"][0], after["symptom_log"][0]
    print("database after the run (pg_total_relation_size: rows, indexes, TOAST):")
    for table in TABLES:
        count, size = after[table]
        per_row = f" {size / count:>6.0f} B/row" if count else ""
        print(f"  {table:<18} {count:>8} rows {size / 1e6:>8.2f} MB{per_row}")
    print(
        f"  whole database {after['database'][1] / 1e6:.1f} MB (seeded {seeded['database'][1] / 1e6:.1f} MB): "
        f"{after['database'][1] / patients / 1e3:.1f} KB per patient with {sessions / patients:.1f} sessions "
        f"and {logs / patients:.1f} logs each"
    )
    if photos:
        print(
            f"photos: {photos} stored, {sum(stored) / photos / 1e3:.0f} KB each on disk (screen + thumb), "
            f"from a {len(photo) / 1e3:.0f} KB 1600x1200 upload"
        )
    print(f"PostgreSQL connections the server held open: at most {max(backends)} ({workers} workers and the sender)")
    print(f"whole run {time.monotonic() - started:.0f} s")
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
