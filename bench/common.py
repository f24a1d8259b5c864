"""What the benchmarks share: a seeded database and the real server (gunicorn) on loopback."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# The server's shape, as the Makefile's WORKERS and THREADS start it for `make run`.
WORKERS, THREADS = 4, 1


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url):
    return {
        **os.environ,
        "SECRET_KEY": secrets.token_hex(16),
        "DATABASE_URL": database_url,
        "FLASK_RATELIMIT_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
    }


def flask(env, *args):
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


class Server:
    """A running server: its base URL, and the CPU its processes have used so far."""

    def __init__(self, url, pid):
        self.url = url
        self.process = psutil.Process(pid)

    def cpu_seconds(self):
        """User and system CPU of the master and its workers (which live as long as the run)."""
        total = 0.0
        for process in [self.process, *self.process.children(recursive=True)]:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:  # a worker gone between the listing and the reading
                continue
            total += times.user + times.system
        return total


@contextmanager
def gunicorn(env, workers=WORKERS, threads=THREADS, app="wsgi:app", venv_bin=VENV_BIN, ready_path="/auth/login"):
    """gunicorn as `make run` starts it, on a free loopback port; yields a Server once ready_path answers."""
    port = free_port()
    command = [str(venv_bin / "gunicorn"), "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), app]
    with running(command, env, port, ready_path) as server:
        yield server


@contextmanager
def running(command, env, port, ready_path="/auth/login", timeout=30):
    """A server process (its own process group) serving on ``port``; yields a Server once ready_path answers."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(url + ready_path, timeout=2).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting
                time.sleep(0.2)
        else:
            sys.exit("the server did not start")
        yield Server(url, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=2 * timeout)


def csrf_token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def logged_in_session(url, email, password, user_agent=None):
    """A requests.Session logged in through the real form, CSRF token and all."""
    session = requests.Session()
    if user_agent:
        session.headers["User-Agent"] = user_agent
    token = csrf_token(session.get(url + "/auth/login", timeout=10).text)
    response = session.post(
        url + "/auth/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.status_code
    return session
