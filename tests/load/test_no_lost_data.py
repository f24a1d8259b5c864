"""No acknowledged log is ever lost: the real server (gunicorn) under load, and killed mid-load.

What these tests prove, on the suite's database (a SQLite file, or PostgreSQL
when TEST_DATABASE_URL is set):

* 50 patients logging at once through gunicorn (2 workers x 4 threads), 1,000
  logs in all, as the phone does (log-in, CSRF token, form POST with the id the
  phone made for that log), with log-in limits on (each patient from their own
  loopback address, as phones are): no answer is a 5xx, every log is
  acknowledged (302 to its session page), every acknowledged log is stored
  exactly once, and nothing else is stored. Every fifth log's answer is
  dropped (the client stops waiting) and the log sent again with the same id
  and answers, as the offline outbox does: still stored once.
* The same load with the whole server killed by SIGKILL part-way: every log
  acknowledged before the kill is stored exactly once after a restart, no log
  is stored twice or appears that was never sent, the SQLite file passes
  ``PRAGMA integrity_check``; the restarted server saves new logs, and every
  log left unanswered by the kill, sent again, is acknowledged and stored once.

A SIGKILL ends processes, not the machine: what the operating system had
accepted still reaches the disk, so this does not test power loss.
"""

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.factory import create_app
from app.models import ROLE_PATIENT, SymptomLog, TreatmentSession, User, utcnow
from tests.conftest import PASSWORD, make_config
from tests.servers import FromAddress, free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]

CLIENTS = 50
LOGS_PER_CLIENT = 20  # 1,000 logs in the load test
LOGS_PER_CLIENT_BEFORE_KILL = 40  # more than can be sent before the kill
KILL_AFTER_ACKNOWLEDGED = 300
CLIENTS_AFTER_RESTART, LOGS_PER_CLIENT_AFTER_RESTART = 5, 4
REQUEST_TIMEOUT = (5, 30)  # seconds: connect, read
DROPPED_ANSWER_TIMEOUT = (5, 0.001)  # the client stops waiting before the answer arrives
DROP_EVERY = 5  # every fifth log's first answer is dropped, then the log is sent again
SERVER_READY_TIMEOUT = 20
LOAD_TIMEOUT = 45
SECRET_KEY = os.urandom(16).hex()  # shared by a server and its restart, so cookies stay valid

ACKNOWLEDGED = "acknowledged"
NO_ANSWER = "no answer"
CSRF_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*>')
INPUT_VALUE = re.compile(r'\bvalue="([^"]+)"')


# --- The server ----------------------------------------------------------------------------------


class GunicornServer:
    """gunicorn serving wsgi:app on loopback, in its own process group so that all of it can be killed."""

    def __init__(self, database_url, log_path, port=None):
        self.database_url = database_url
        self.log_path = log_path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": self.database_url,
            "FLASK_RATELIMIT_ENABLED": "true",  # as in production; each patient logs in from their own address
            "FLASK_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "wsgi:app",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout=SERVER_READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/auth/login", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def kill(self):
        """SIGKILL to the master and every worker at once: a crash, nothing gets to clean up."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal_group(self, signum):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)  # start_new_session: the group id is the master's pid

    def log_tail(self, lines=40):
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


# --- The database --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patient:
    email: str
    session_id: int
    address: str  # the loopback address this patient's phone connects from


@dataclass
class LoadDatabase:
    url: str
    patients: list[Patient]

    def stored_note_counts(self):
        """How many times each note is stored in symptom_log, read fresh (no session cache)."""
        with db.engine.connect() as connection:
            rows = connection.execute(sa.select(SymptomLog.note, sa.func.count()).group_by(SymptomLog.note))
            return Counter(dict(rows.all()))

    @property
    def sqlite_path(self):
        url = sa.make_url(self.url)
        return url.database if url.get_backend_name() == "sqlite" else None


def add_patients(count):
    """``count`` patients, each with one treatment session 30 hours ago."""
    treatments = []
    for n in range(count):
        patient = User(email=f"load{n}@example.com", role=ROLE_PATIENT)
        patient.set_password(PASSWORD)
        treatments.append(
            TreatmentSession(
                patient=patient,
                performed_at=utcnow() - timedelta(hours=30),
                device="derma_pen",
                areas=["face"],
                needle_depth_mm=0.5,
            )
        )
    db.session.add_all(treatments)
    db.session.commit()
    # 127.0.0.2 onwards: every address in 127.0.0.0/8 reaches a server on 127.0.0.1.
    return [
        Patient(treatment.patient.email, treatment.id, f"127.0.{2 + n // 250}.{2 + n % 250}")
        for n, treatment in enumerate(treatments)
    ]


@pytest.fixture
def database(tmp_path):
    """Fresh tables on the suite's database, with CLIENTS patients; dropped afterwards.

    Real time, not the suite's frozen clock: the server stamps logs with its own clock.
    """
    app = create_app(make_config(tmp_path))
    with app.app_context():
        db.create_all()
        try:
            yield LoadDatabase(url=app.config["SQLALCHEMY_DATABASE_URI"], patients=add_patients(CLIENTS))
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def start_server(database, tmp_path):
    """Start gunicorn on the test database and wait until it answers; every one is stopped at the end."""
    servers = []

    def start(port=None):
        server = GunicornServer(database.url, tmp_path / f"gunicorn-{len(servers)}.log", port=port)
        servers.append(server)
        return server.start().wait_ready()

    yield start
    for server in servers:
        server.stop()


def integrity_check(sqlite_path):
    connection = sqlite3.connect(sqlite_path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


# --- The clients ---------------------------------------------------------------------------------


class PatientClient:
    """One patient's phone: its own address and cookies, logged in, holding the log form's CSRF token."""

    def __init__(self, base_url, patient):
        self.base_url = base_url
        self.patient = patient
        self.session_path = f"/sessions/{patient.session_id}"
        self.http = requests.Session()
        self.http.mount("http://", FromAddress(patient.address))
        self.csrf_token = None
        self.sent = {}  # note -> the form sent, so a resend is exactly the same log

    def close(self):
        self.http.close()

    def log_in(self):
        form = {"email": self.patient.email, "password": PASSWORD, "csrf_token": self._csrf_token_from("/auth/login")}
        response = self.http.post(
            f"{self.base_url}/auth/login", data=form, allow_redirects=False, timeout=REQUEST_TIMEOUT
        )
        assert response.status_code == 302, f"log-in of {self.patient.email}: HTTP {response.status_code}"
        self.csrf_token = self._csrf_token_from(f"{self.session_path}/logs/new")

    def send_log(self, note, timeout=REQUEST_TIMEOUT):
        """Post a log "now" with the id the phone made for it (the same form again if it was sent before)."""
        form = self.sent.setdefault(
            note,
            {
                "redness": "2",
                "swelling": "1",
                "peeling": "0",
                "note": note,
                "client_id": str(uuid.uuid4()),
                "csrf_token": self.csrf_token,
            },
        )
        try:
            response = self.http.post(
                f"{self.base_url}{self.session_path}/logs/new", data=form, allow_redirects=False, timeout=timeout
            )
        except requests.RequestException as error:
            return f"{NO_ANSWER} ({type(error).__name__})"
        location = urlsplit(response.headers.get("Location", "")).path
        if response.status_code == 302 and location == self.session_path:
            return ACKNOWLEDGED
        return f"HTTP {response.status_code}" + (f" to {location}" if location else "")

    def _csrf_token_from(self, path):
        response = self.http.get(f"{self.base_url}{path}", timeout=REQUEST_TIMEOUT)
        assert response.status_code == 200, f"GET {path}: HTTP {response.status_code}"
        tag = CSRF_INPUT.search(response.text)
        assert tag, f"no csrf_token input on {path}"
        return INPUT_VALUE.search(tag.group()).group(1)


class LoadTally:
    """What became of every log sent, recorded by all client threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.outcomes = {}  # note -> ACKNOWLEDGED, "HTTP 422", "no answer (ConnectionError)", ...

    def record(self, note, outcome):
        with self._lock:
            self.outcomes[note] = outcome

    def _notes(self, matches):
        with self._lock:
            return [note for note, outcome in self.outcomes.items() if matches(outcome)]

    def acknowledged(self):
        return self._notes(lambda outcome: outcome == ACKNOWLEDGED)

    def server_errors(self):
        return self._notes(lambda outcome: outcome.startswith("HTTP 5"))

    def unanswered(self):
        return self._notes(lambda outcome: outcome.startswith(NO_ANSWER))

    def summary(self):
        with self._lock:
            return dict(Counter(self.outcomes.values()))


def send_logs(client, count, tally, prefix, drop_answers=False):
    """Send up to ``count`` logs; stop at the first without an answer, like a phone showing an error.

    With ``drop_answers``, every fifth log is first sent without waiting for its answer (a
    connection lost on the way back), then sent again as the outbox does.
    """
    for n in range(count):
        note = f"{prefix}-{client.patient.session_id}-{n}"
        if drop_answers and n % DROP_EVERY == 0:
            client.send_log(note, timeout=DROPPED_ANSWER_TIMEOUT)
        outcome = client.send_log(note)
        tally.record(note, outcome)
        if outcome.startswith(NO_ANSWER):
            return


def resend_unanswered(clients, tally):
    """Each phone sends again, with the same id and answers, every log the kill left unanswered."""
    by_patient = {client.patient.session_id: client for client in clients}
    for note in tally.unanswered():
        client = by_patient[int(note.split("-")[-2])]
        tally.record(note, client.send_log(note))


class Load:
    """One logged-in client per patient, all sending logs at once in background threads."""

    def __init__(self, base_url, patients, logs_per_client, prefix="load", drop_answers=False):
        self.base_url, self.patients = base_url, patients
        self.logs_per_client, self.prefix, self.drop_answers = logs_per_client, prefix, drop_answers
        self.clients = []
        self.tally = LoadTally()
        self._stack = None
        self._futures = []

    def __enter__(self):
        with ExitStack() as stack:
            clients = self.clients = [PatientClient(self.base_url, patient) for patient in self.patients]
            for client in clients:
                stack.callback(client.close)  # closed after the pool's threads are joined
            pool = stack.enter_context(ThreadPoolExecutor(max_workers=len(clients)))
            for _ in pool.map(PatientClient.log_in, clients):  # everyone is in before the first log
                pass
            self._futures = [
                pool.submit(send_logs, client, self.logs_per_client, self.tally, self.prefix, self.drop_answers)
                for client in clients
            ]
            self._stack = stack.pop_all()  # kept open until __exit__
        return self

    def __exit__(self, *exc_info):
        return self._stack.__exit__(*exc_info)

    def done(self):
        return all(future.done() for future in self._futures)

    def wait(self, timeout=LOAD_TIMEOUT):
        deadline = time.monotonic() + timeout
        for future in self._futures:
            future.result(timeout=max(deadline - time.monotonic(), 0))
        return self.tally


def run_load(base_url, patients, logs_per_client, prefix="load", drop_answers=False):
    with Load(base_url, patients, logs_per_client, prefix, drop_answers) as load:
        return load.wait()


def assert_stored_exactly_once(notes, stored):
    missing = [note for note in notes if stored[note] == 0]
    duplicated = {note: stored[note] for note in notes if stored[note] > 1}
    assert not missing, f"{len(missing)} acknowledged logs are not in the database, e.g. {missing[:5]}"
    assert not duplicated, f"acknowledged logs stored more than once: {list(duplicated.items())[:5]}"


# --- The tests -----------------------------------------------------------------------------------


def test_every_acknowledged_log_is_stored_under_concurrent_load(database, start_server):
    server = start_server()

    started = time.monotonic()
    tally = run_load(server.url, database.patients, LOGS_PER_CLIENT, drop_answers=True)
    elapsed = time.monotonic() - started
    acknowledged = tally.acknowledged()
    print(
        f"{len(acknowledged)} logs acknowledged from {CLIENTS} clients in {elapsed:.1f} s "
        f"({len(acknowledged) / elapsed:.0f} logs/s) on {sa.make_url(database.url).get_backend_name()}"
    )

    assert not tally.server_errors(), f"{tally.summary()}\n{server.log_tail()}"
    assert len(acknowledged) == CLIENTS * LOGS_PER_CLIENT, f"{tally.summary()}\n{server.log_tail()}"
    stored = database.stored_note_counts()
    assert_stored_exactly_once(acknowledged, stored)
    assert stored.total() == len(acknowledged), "logs stored that the server never acknowledged"


def test_no_acknowledged_log_is_lost_when_the_server_is_killed(database, start_server):
    server = start_server()

    with Load(server.url, database.patients, LOGS_PER_CLIENT_BEFORE_KILL) as load:
        deadline = time.monotonic() + LOAD_TIMEOUT
        while (
            len(load.tally.acknowledged()) < KILL_AFTER_ACKNOWLEDGED and not load.done() and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        server.kill()
        tally = load.wait()
    acknowledged = tally.acknowledged()
    print(f"killed after {len(acknowledged)} acknowledged logs: {tally.summary()}")

    assert len(acknowledged) >= KILL_AFTER_ACKNOWLEDGED, tally.summary()
    # Progress is uneven (a kept-alive connection is served first), so a few clients may have
    # sent all their logs; most must have been cut off.
    assert tally.unanswered(), f"the kill did not land during the load: {tally.summary()}"
    assert not tally.server_errors(), f"{tally.summary()}\n{server.log_tail()}"
    if database.sqlite_path:
        assert integrity_check(database.sqlite_path) == [("ok",)]

    restarted = start_server(port=server.port)
    stored = database.stored_note_counts()
    assert_stored_exactly_once(acknowledged, stored)
    # Besides those, only a log in flight at the kill (sent, never answered) may have been saved.
    saved_unanswered = set(stored) - set(acknowledged)
    assert saved_unanswered <= set(tally.unanswered()), "a stored log was refused or never sent"
    assert max(stored.values()) == 1, "a log is stored twice"
    print(f"{len(saved_unanswered)} of {len(tally.unanswered())} logs in flight at the kill were saved")

    # The phones send again what the kill left unanswered: each is acknowledged, and stored once.
    resend_unanswered(load.clients, tally)
    assert not tally.unanswered() and not tally.server_errors(), f"{tally.summary()}\n{restarted.log_tail()}"
    assert len(tally.acknowledged()) == len(tally.outcomes)
    assert_stored_exactly_once(tally.acknowledged(), database.stored_note_counts())
    assert database.stored_note_counts().total() == len(tally.outcomes)

    after = run_load(
        restarted.url, database.patients[:CLIENTS_AFTER_RESTART], LOGS_PER_CLIENT_AFTER_RESTART, prefix="after-restart"
    )
    assert len(after.acknowledged()) == CLIENTS_AFTER_RESTART * LOGS_PER_CLIENT_AFTER_RESTART, (
        f"{after.summary()}\n{restarted.log_tail()}"
    )
    assert_stored_exactly_once(after.acknowledged(), database.stored_note_counts())
    if database.sqlite_path:
        assert integrity_check(database.sqlite_path) == [("ok",)]
