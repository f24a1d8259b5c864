"""`make run`'s scripts/serve: gunicorn and the reminder sender start together, and stop together."""

import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
import requests
from flask_migrate import upgrade

from app.extensions import db
from app.factory import create_app
from app.services import accounts, logbook
from tests import servers
from tests.conftest import make_config
from tests.servers import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "serve-script-test-key"


def database_with_a_reminder_due(tmp_path):
    """A migrated SQLite database with one patient whose session was 26 hours ago: a check-in is due now."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade()
        patient = accounts.create_patient("serve@example.com", "cobalt-heron-pinwheel", timezone="UTC")
        # No quiet hours: the check-in is due whatever the time of day the test runs at.
        patient.quiet_hours_start = patient.quiet_hours_end = "00:00"

        def fill(treatment):
            treatment.performed_at = datetime.now(UTC) - timedelta(hours=26)
            treatment.device = "derma_pen"
            treatment.areas = ["face"]

        logbook.record_session(patient, fill)
        db.session.remove()
        db.engine.dispose()
    return url


@pytest.fixture
def serve(tmp_path):
    """scripts/serve started as `make run` starts it, in its own process group; stopped by the test."""
    port = free_port()
    outbox = tmp_path / "outbox"
    env = {
        **os.environ,
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_with_a_reminder_due(tmp_path),
        "FLASK_MAIL_OUTBOX": str(outbox),
        "FLASK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SEND_EVERY": "1",
        "VENV": str(Path(os.sys.executable).parent.parent),
    }
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen(
        ["scripts/serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.url, process.outbox, process.log_path = f"http://127.0.0.1:{port}", outbox, tmp_path / "serve.log"
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    log.close()


def wait_until(condition, timeout, what, process):
    servers.wait_until(condition, what, timeout, log_path=process.log_path)


def answers(url):
    try:
        return requests.get(f"{url}/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def children(process):
    return psutil.Process(process.pid).children(recursive=True)


def test_the_server_and_the_sender_run_together_and_sigterm_stops_both(serve):
    wait_until(lambda: answers(serve.url), 30, "gunicorn did not answer", serve)
    # The sender beside it sends the due check-in on its own: one email, in the outbox (no MAIL_SERVER).
    wait_until(lambda: len(list(serve.outbox.glob("*.eml"))) == 1, 30, "no reminder was sent", serve)
    processes = children(serve)
    assert any("send-reminders" in " ".join(p.cmdline()) for p in processes)
    assert any("gunicorn" in " ".join(p.cmdline()) for p in processes)

    serve.send_signal(signal.SIGTERM)

    serve.wait(timeout=30)
    gone, alive = psutil.wait_procs(processes, timeout=10)
    assert alive == []
    assert not answers(serve.url)
    time.sleep(1.5)  # more than one pass: still exactly one email
    assert len(list(serve.outbox.glob("*.eml"))) == 1


def test_if_the_server_stops_the_sender_stops_too(serve):
    wait_until(lambda: answers(serve.url), 30, "gunicorn did not answer", serve)
    processes = children(serve)
    [master] = [p for p in processes if "gunicorn" in " ".join(p.cmdline()) and p.ppid() == serve.pid]

    master.terminate()  # gunicorn stopping on its own (an operator's signal, a failed boot)

    serve.wait(timeout=30)
    gone, alive = psutil.wait_procs(processes, timeout=10)
    assert alive == []
