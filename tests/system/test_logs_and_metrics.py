"""Logs and metrics under real gunicorn (gunicorn.conf.py, 2 workers): a JSON access line per request
with the id its response carried, and /metrics adding up what both workers counted."""

import importlib.util
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.servers import Gunicorn, required, wait_until

pytestmark = pytest.mark.system

TOKEN = "system-test-scrape-token-0123456789"
MAX_REQUESTS = 1000


@pytest.fixture
def server(tmp_path):
    if importlib.util.find_spec("gunicorn") is None:
        required("gunicorn", "pip install -r requirements.txt")
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {
        **os.environ,
        "SECRET_KEY": "system-test-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "FLASK_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    server = Gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    try:
        yield server
    finally:
        server.stop()


def healthz_count(server):
    response = requests.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert response.status_code == 200
    prefix = 'afterglow_http_requests_total{endpoint="site.healthz",method="GET",status="200"} '
    return next((float(line[len(prefix) :]) for line in response.text.splitlines() if line.startswith(prefix)), 0.0)


def json_lines(server):
    text = server.log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line is JSON, or this fails
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    return lines


def test_access_lines_carry_the_ids_of_the_responses_and_metrics_add_up_both_workers(server):
    before = healthz_count(server)
    answered = {}  # request id -> status

    def one(_):
        # A new connection each time, so either worker may take it.
        response = requests.get(f"{server.url}/healthz", headers={"Connection": "close"}, timeout=5)
        return response.headers["X-Request-ID"], response.status_code

    kept = uuid.uuid4().hex
    response = requests.get(f"{server.url}/healthz", headers={"X-Request-ID": kept}, timeout=5)
    answered[response.headers["X-Request-ID"]] = response.status_code
    workers = server.workers()
    with ThreadPoolExecutor(max_workers=4) as pool:
        while len(answered) < MAX_REQUESTS:
            answered.update(pool.map(one, range(20)))
            served_by = {
                line["pid"]
                for line in json_lines(server)
                if line["logger"] == "gunicorn.access" and line["request_id"] in answered
            }
            if served_by == workers:
                break

    assert kept in answered
    assert set(answered.values()) == {200}

    def access_lines():
        return {
            line["request_id"]: line
            for line in json_lines(server)
            if line["logger"] == "gunicorn.access" and line["request_id"] in answered
        }

    # gunicorn writes the access line just after sending the response: the last ones may be a moment late.
    wait_until(lambda: len(access_lines()) == len(answered), "an access line for every response", timeout=10)
    access = access_lines()
    assert set(access) == set(answered)  # one access line per response, with the id it carried
    assert {line["pid"] for line in access.values()} == workers  # both workers answered some
    line = access[kept]
    assert (line["method"], line["path"], line["status"], line["remote_addr"]) == ("GET", "/healthz", 200, "127.0.0.1")
    assert line["level"] == "INFO" and line["duration_ms"] >= 0
    assert healthz_count(server) - before == len(answered)


def test_metrics_refuse_a_scrape_without_the_token(server):
    assert requests.get(f"{server.url}/metrics", timeout=5).status_code == 404
    wrong = requests.get(f"{server.url}/metrics", headers={"Authorization": "Bearer nope"}, timeout=5)
    assert wrong.status_code == 404
