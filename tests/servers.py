"""Real servers for the tests that run the app as production does: gunicorn, redis-server, free ports.

Used by tests/load (one server, many workers) and tests/system (two servers, one system).
"""

import contextlib
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

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 30
CSRF_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, what, timeout=READY_TIMEOUT, log_path=None):
    """Poll ``check`` until it is true, or fail saying what did not happen (with the end of a server's log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    log = f":\n{log_path.read_text(errors='replace')[-3000:]}" if log_path and log_path.exists() else ""
    pytest.fail(f"{what} within {timeout} s{log}")


def stop_process_group(process):
    """SIGTERM to a server started with start_new_session (master and workers), SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def csrf_token_in(html):
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token input in the page"
    return match.group(1)


def required(what, install_hint):
    """Skip (or fail in CI, where .ci/run installs everything) when a server binary or service is missing."""
    message = f"{what} is missing: {install_hint}"
    if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER") or os.environ.get("REQUIRE_SYSTEM") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def redis_server(folder):
    """A redis-server of our own on a free port, keeping nothing on disk; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        required("redis-server", ".ci/run installs it (apt-get install redis-server)")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


class Gunicorn:
    """gunicorn serving wsgi:app on a free loopback port, in its own process group (so all of it can be stopped)."""

    def __init__(self, env, log_path, workers=4, threads=1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.worker_count = workers
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}"]
        # No control socket: it is one path per machine by default, and tests run several servers at once.
        command += ["--workers", str(workers), "--threads", str(threads), "--no-control-socket", "wsgi:app"]
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
                return len(self.workers()) == self.worker_count and requests.get(f"{self.url}/healthz", timeout=2).ok
            except requests.RequestException:
                return False

        wait_until(ready, "gunicorn did not answer")

    def reload(self):
        """SIGHUP: gunicorn starts new workers and stops the old ones, as a deploy does."""
        old = self.workers()
        os.kill(self.process.pid, signal.SIGHUP)
        wait_until(
            lambda: not (self.workers() & old) and len(self.workers()) == self.worker_count,
            "the workers were not replaced",
        )
        self.wait_ready()

    def stop(self):
        stop_process_group(self.process)

    def log_tail(self, lines=40):
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class FromAddress(HTTPAdapter):
    """Connections made from this loopback address (any 127.0.0.x works on Linux without set-up)."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs, source_address=(self.address, 0))
