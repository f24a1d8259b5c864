"""Server load: the real server (gunicorn) on loopback under 50 concurrent clients.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 10] [--rounds 5] [--references]
    (make bench-load)

Three kinds of request against the same server, taken in turn over several
rounds: a bare Flask endpoint (GET /healthz), saving logs (POST
/sessions/<id>/logs/new, CSRF and all, as the browser does), and opening the
clinic dashboard (GET /clinic/). Reports throughput and p50/p95/p99 latency;
the figure that matters is log saving's throughput as a share of the bare
endpoint's (target: at least half). Beside each rate, the CPU time one
request cost the server and the client, which says where the ratio comes from.

--references serves bench/reference_app.py instead of wsgi.py and adds its
two reference posts (logged in and CSRF-checked; and that plus one ORM insert),
to show how much of a save's cost the stack itself fixes.
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import THREADS, WORKERS, csrf_token, flask, gunicorn, logged_in_session, server_environment  # noqa: E402

PASSWORD = "bench-patient-passphrase"


def seed(database_url, clients):
    """One patient per client, each with a session from 30 hours ago, all sharing with the demo clinic."""
    from app.cli import DEMO_CLINIC
    from app.extensions import db
    from app.factory import create_app
    from app.models import CareLink, Clinic, TreatmentSession, User, utcnow

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        clinic = db.session.scalar(sa.select(Clinic).where(Clinic.name == DEMO_CLINIC))
        patients = []
        for n in range(clients):
            patient = User(email=f"load{n}@example.com", name=f"Load {n}")
            patient.set_password(PASSWORD)
            treatment = TreatmentSession(
                patient=patient,
                performed_at=utcnow() - timedelta(hours=30),
                device="derma_pen",
                areas=["face"],
                needle_depth_mm=0.5,
            )
            db.session.add_all([patient, treatment, CareLink(clinic=clinic, patient=patient)])
            patients.append((patient, treatment))
        db.session.commit()
        result = [(patient.email, treatment.id) for patient, treatment in patients]
        db.engine.dispose()
    return result


@dataclass
class Result:
    """Requests of one kind: how many, over how long, and the CPU they cost.

    server_cpu is what the server's processes used meanwhile; client_cpu what
    this process (every client thread) used, so a request's cost shows beside its rate.
    """

    requests: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    errors: int = 0
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    def __iadd__(self, other):
        self.requests += other.requests
        self.seconds += other.seconds
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.server_cpu += other.server_cpu
        self.client_cpu += other.client_cpu
        return self

    @property
    def rate(self):
        return self.requests / self.seconds

    @property
    def server_ms(self):
        """Server CPU per request, in milliseconds."""
        return 1000 * self.server_cpu / self.requests

    @property
    def client_ms(self):
        """Client CPU per request, in milliseconds."""
        return 1000 * self.client_cpu / self.requests


def run(clients, seconds, request, server):
    """Each client repeats request(client_index) for `seconds`; returns a Result."""
    latencies, errors = [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(index):
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            ok = request(index)
            mine.append((time.perf_counter() - started) * 1000)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(
        len(latencies),
        time.monotonic() - started,
        latencies,
        sum(errors),
        server.cpu_seconds() - server_cpu,
        time.process_time() - client_cpu,
    )


def run_interleaved(clients, seconds, rounds, requests, server):
    """Every kind of request for seconds/rounds in turn, `rounds` times over.

    A shared machine speeds up and slows down over a run; taking the kinds in
    turn, again and again, lets that drift touch each of them alike, so the
    ratio compares like with like. Returns {name: Result}, latencies sorted.
    """
    results = {name: Result() for name in requests}
    for _ in range(rounds):
        for name, request in requests.items():
            results[name] += run(clients, seconds / rounds, request, server)
    for result in results.values():
        result.latencies.sort()
    return results


def percentile(values, share):
    return values[min(len(values) - 1, int(len(values) * share))]


def main():
    from app.cli import DEMO_PASSWORD, DEMO_PRACTITIONER_EMAIL

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10, help="per kind of request, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--references", action="store_true", help="add the reference posts of bench/reference_app.py")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/load.db"
        env = server_environment(database_url)
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
        patients = seed(database_url, args.clients)
        with gunicorn(env, app="bench.reference_app:app" if args.references else "wsgi:app") as server:
            url = server.url
            browsers = [logged_in_session(url, email, PASSWORD) for email, _ in patients]
            tokens = [
                csrf_token(b.get(f"{url}/sessions/{sid}/logs/new", timeout=10).text)
                for b, (_, sid) in zip(browsers, patients, strict=True)
            ]
            doctors = [logged_in_session(url, DEMO_PRACTITIONER_EMAIL, DEMO_PASSWORD) for _ in range(args.clients)]
            # Copies of the cookies themselves (domain and path too), so putting one back replaces the
            # cookie the server set rather than adding a second one of the same name beside it.
            logged_in_cookies = [b.cookies.copy() for b in browsers]

            def bare(i):
                return browsers[i].get(url + "/healthz", timeout=30).status_code == 200

            def form_post(path):
                """Post the log form as a browser sends it; <id> in path is the client's session."""
                urls = [f"{url}{path}".replace("<id>", str(session_id)) for _, session_id in patients]

                def post(i):
                    response = browsers[i].post(
                        urls[i],
                        allow_redirects=False,
                        timeout=30,
                        data={
                            "csrf_token": tokens[i],
                            "client_id": str(uuid.uuid4()),
                            "redness": "1",
                            "swelling": "0",
                            "peeling": "0",
                        },
                    )
                    # A browser follows the redirect, whose page shows (and so removes) the "Log saved"
                    # message; without that, every message would pile up in the session cookie.
                    browsers[i].cookies.update(logged_in_cookies[i])
                    return response.status_code == 302

                return post

            def dashboard(i):
                return doctors[i].get(url + "/clinic/", timeout=30).status_code == 200

            kinds = {"bare endpoint": bare, "save a log": form_post("/sessions/<id>/logs/new"), "dashboard": dashboard}
            if args.references:
                kinds |= {
                    "ref: auth post": form_post("/bench/auth/<id>"),
                    "ref: + insert": form_post("/bench/insert/<id>"),
                }
            results = run_interleaved(args.clients, args.seconds, args.rounds, kinds, server)
            for session in browsers + doctors:
                session.close()
    bare = results["bare endpoint"]
    print(
        f"{args.clients} concurrent clients, {args.seconds:g} s of each kind in {args.rounds} interleaved rounds, "
        f"gunicorn {WORKERS} workers x {THREADS} thread{'s' if THREADS > 1 else ''}, SQLite"
    )
    print(
        f"{'request':<15} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs bare':>8} "
        f"{'server CPU ms/req':>18} {'client CPU ms/req':>18}"
    )
    for name, result in results.items():
        latencies = result.latencies
        print(
            f"{name:<15} {result.rate:>8.1f} {statistics.median(latencies):>8.1f} {percentile(latencies, 0.95):>8.1f} "
            f"{percentile(latencies, 0.99):>8.1f} {result.errors:>7} {result.rate / bare.rate:>8.2f} "
            f"{result.server_ms:>18.2f} {result.client_ms:>18.2f}"
        )
    ratio = results["save a log"].rate / bare.rate
    print(f"log saving / bare endpoint throughput: {ratio:.2f} (target >= 0.50): {'pass' if ratio >= 0.5 else 'FAIL'}")
    sys.exit(0 if ratio >= 0.5 else 1)


if __name__ == "__main__":
    main()
