"""Log-in limits hold across gunicorn's workers and survive a reload: the real server, as `make run` starts it.

gunicorn with 4 sync workers serves wsgi:app on a free loopback port, on the
suite's database (a fresh SQLite file, or PostgreSQL when TEST_DATABASE_URL is
set), once counting in the database and once in Redis (a redis-server the
test starts). Clients connect from their own loopback addresses (127.0.0.x),
so "many addresses" is real, with no trusted proxy header.

* 20 wrong passwords for one account from one address: refused from the 11th.
* 20 wrong passwords for another account, each from a different address:
  refused from the 11th (the per-account limit; per address each is a first try).
* The master is sent SIGHUP (a reload: every worker replaced): both accounts
  and the first address are still refused.

In one process's memory (the old `memory://`) each worker counted alone, so
the same server let 40 tries through, and a reload forgot them all.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests
from requests.adapters import HTTPAdapter

from app.extensions import db
from app.factory import create_app
from app.models import ROLE_PATIENT, User
from tests.conftest import PASSWORD, make_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4  # as `make run`
READY_TIMEOUT = 30
CSRF_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')
ACCOUNTS = ("one-address@example.com", "many-addresses@example.com", "after-reload@example.com")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, what, timeout=READY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {timeout} s")


# --- Redis ---------------------------------------------------------------------------------------


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of our own on a free port, keeping nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("redis-server is missing: .ci/run installs it (apt-get install redis-server)")
        pytest.skip("redis-server is not installed (make test installs it when run as root)")
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def answers():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    return connection.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_until(answers, "redis-server did not answer")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- The server ----------------------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path):
    """Fresh tables on the suite's database with the three accounts; dropped afterwards."""
    app = create_app(make_config(tmp_path))
    with app.app_context():
        db.create_all()
        try:
            for email in ACCOUNTS:
                user = User(email=email, role=ROLE_PATIENT)
                user.set_password(PASSWORD)
                db.session.add(user)
            db.session.commit()
            yield app.config["SQLALCHEMY_DATABASE_URI"]
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


class Gunicorn:
    def __init__(self, env, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "wsgi:app",
        ]
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.master = psutil.Process(self.process.pid)
        self.wait_ready()

    def workers(self):
        return {child.pid for child in self.master.children()}

    def wait_ready(self):
        def ready():
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                return len(self.workers()) == WORKERS and requests.get(f"{self.url}/healthz", timeout=2).ok
            except requests.RequestException:
                return False

        wait_until(ready, "gunicorn did not answer")

    def reload(self):
        """SIGHUP: gunicorn starts new workers and stops the old ones, as a deploy does."""
        old = self.workers()
        os.kill(self.process.pid, signal.SIGHUP)
        wait_until(
            lambda: not (self.workers() & old) and len(self.workers()) == WORKERS, "the workers were not replaced"
        )
        self.wait_ready()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log_tail(self, lines=40):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def start_server(database_url, tmp_path):
    servers = []

    def start(**environment):
        env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
        env.update(
            SECRET_KEY=os.urandom(16).hex(),
            DATABASE_URL=database_url,
            FLASK_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
            FLASK_RATELIMIT_ENABLED="true",
            **environment,
        )
        servers.append(Gunicorn(env, tmp_path / "gunicorn.log"))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


# --- Clients -------------------------------------------------------------------------------------


class FromAddress(HTTPAdapter):
    """Connections made from this loopback address (any 127.0.0.x works on Linux without set-up)."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs, source_address=(self.address, 0))


class Browser:
    """A browser at one address: its cookie and CSRF token, as a person logging in has."""

    def __init__(self, server, address):
        self.server = server
        self.http = requests.Session()
        self.http.mount("http://", FromAddress(address))
        page = self.http.get(f"{server.url}/auth/login", timeout=10)
        assert page.status_code == 200, page.status_code
        self.csrf_token = CSRF_INPUT.search(page.text).group(1)

    def log_in(self, email, password):
        response = self.http.post(
            f"{self.server.url}/auth/login",
            allow_redirects=False,
            timeout=10,
            data={"csrf_token": self.csrf_token, "email": email, "password": password},
        )
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) > 0
        return response.status_code

    def close(self):
        self.http.close()


def wrong_passwords(server, email, addresses):
    statuses = []
    for address in addresses:
        browser = Browser(server, address)
        statuses.append(browser.log_in(email, "not-the-password"))
        browser.close()
    return statuses


def check_limits_across_workers_and_a_reload(server):
    one_address = Browser(server, "127.0.0.2")
    statuses = [one_address.log_in(ACCOUNTS[0], "not-the-password") for _ in range(20)]
    assert statuses == [422] * 10 + [429] * 10, "one account, one address"

    many = [f"127.0.0.{n}" for n in range(10, 30)]
    assert wrong_passwords(server, ACCOUNTS[1], many) == [422] * 10 + [429] * 10, "one account, many addresses"

    server.reload()
    assert wrong_passwords(server, ACCOUNTS[0], ["127.0.0.40"]) == [429], "the account limit survives"
    assert wrong_passwords(server, ACCOUNTS[1], ["127.0.0.41"]) == [429], "the account limit survives"
    assert one_address.log_in(ACCOUNTS[2], "not-the-password") == 429, "the address limit survives"
    assert wrong_passwords(server, ACCOUNTS[2], ["127.0.0.42"]) == [422], "another account from elsewhere"
    one_address.close()


def test_limits_counted_in_the_database_hold_across_workers_and_a_reload(start_server):
    check_limits_across_workers_and_a_reload(start_server())


def test_limits_counted_in_redis_hold_across_workers_and_a_reload(start_server, redis_url):
    check_limits_across_workers_and_a_reload(start_server(REDIS_URL=redis_url))
