"""nginx + TLS in front of gunicorn, as deploy/nginx/afterglow.conf sets them up, started by scripts/tls-proxy.

One set-up for the module (a self-signed certificate for localhost, free local ports, a throwaway SQLite
database), then: HTTP redirects to HTTPS; every HTTPS answer carries one HSTS; static files come from
nginx without reaching gunicorn; /metrics is refused at the proxy; a log-in through the proxy works with
Secure cookies; and the app counts log-in tries by the connection's real address, whatever
X-Forwarded-For the client sends. A TLS handshake naming another host is refused.
"""

import os
import socket
import ssl
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from app.extensions import db
from app.factory import create_app
from app.models import ROLE_PATIENT, User
from tests.conftest import PASSWORD, make_config
from tests.servers import FromAddress, csrf_token_in, free_port, stop_process_group
from tests.system.conftest import require_binary

pytestmark = pytest.mark.system

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HSTS = "max-age=63072000; includeSubDomains; preload"
EMAIL = "through-the-proxy@example.com"


class Proxy:
    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.https_port, self.http_port, self.app_port = free_port(), free_port(), free_port()
        self.https = f"https://localhost:{self.https_port}"
        self.database_url = f"sqlite:///{tmp_path / 'data' / 'app.db'}"
        env = dict(
            os.environ,
            TLS_DIR=str(tmp_path),
            HTTPS_PORT=str(self.https_port),
            HTTP_PORT=str(self.http_port),
            APP_PORT=str(self.app_port),
            DATABASE_URL=self.database_url,
            FLASK_UPLOAD_FOLDER=str(tmp_path / "data" / "uploads"),
            FLASK_MAIL_OUTBOX=str(tmp_path / "data" / "outbox"),
            FLASK_RATELIMIT_ENABLED="true",
            FLASK_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",  # fast: the tries here are about addresses
            NGINX=require_binary("nginx", "/usr/sbin/nginx"),
        )
        env.pop("REDIS_URL", None)
        self.log = open(tmp_path / "tls-proxy.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(PROJECT_ROOT / "scripts" / "tls-proxy")],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.cert = tmp_path / "cert.pem"
        self.wait_ready()

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"scripts/tls-proxy exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                if self.cert.exists() and self.session().get(f"{self.https}/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        pytest.fail(f"no answer through nginx within {timeout} s:\n{self.log_text()}")

    def log_text(self):
        return (self.dir / "tls-proxy.log").read_text(errors="replace")[-4000:]

    def gunicorn_requests(self):
        """The request lines gunicorn answered (its access log)."""
        return (self.dir / "gunicorn-access.log").read_text()

    def session(self, address="127.0.0.1"):
        http = requests.Session()
        http.trust_env = False  # neither a CA bundle nor a proxy from the environment
        http.verify = str(self.cert)
        http.mount("https://", FromAddress(address))
        http.mount("http://", FromAddress(address))
        return http

    def stop(self):
        stop_process_group(self.process)
        self.log.close()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    require_binary("openssl")
    require_binary("curl")
    tmp_path = tmp_path_factory.mktemp("tls")
    started = Proxy(tmp_path)
    try:
        # The script migrated the database; one patient to log in as.
        app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=started.database_url))
        with app.app_context():
            user = User(email=EMAIL, role=ROLE_PATIENT)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        yield started
    finally:
        started.stop()


def log_in(http, base, email, password, **headers):
    page = http.get(f"{base}/auth/login", timeout=10)
    assert page.status_code == 200, page.status_code
    token = csrf_token_in(page.text)
    return http.post(
        f"{base}/auth/login",
        data={"csrf_token": token, "email": email, "password": password},
        # Over HTTPS, Flask-WTF also wants a same-origin Referer, as a browser sends it.
        headers={"Referer": f"{base}/auth/login", **headers},
        allow_redirects=False,
        timeout=10,
    )


def test_http_is_redirected_permanently_to_the_same_path_over_https(proxy):
    http = proxy.session()
    response = http.get(f"http://localhost:{proxy.http_port}/auth/login?next=/x", allow_redirects=False, timeout=5)
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://localhost:{proxy.https_port}/auth/login?next=/x"


def test_every_https_answer_carries_one_hsts(proxy):
    http = proxy.session()
    page = http.get(f"{proxy.https}/auth/login", timeout=5)
    missing = http.get(f"{proxy.https}/no-such-page", timeout=5)
    static = http.get(f"{proxy.https}/static/manifest.webmanifest", timeout=5)
    # requests joins repeated headers with ", ": the app's own copy would show here.
    assert [page.status_code, missing.status_code, static.status_code] == [200, 404, 200]
    assert [r.headers["Strict-Transport-Security"] for r in (page, missing, static)] == [HSTS] * 3
    assert [r.headers["Cross-Origin-Resource-Policy"] for r in (page, missing, static)] == ["same-origin"] * 3


def test_static_files_are_served_by_nginx_with_the_apps_headers(proxy):
    http = proxy.session()
    versioned = http.get(f"{proxy.https}/static/css/app.css?v=0123456789ab", timeout=5)
    plain = http.get(f"{proxy.https}/static/manifest.webmanifest", timeout=5)
    assert versioned.status_code == 200
    assert versioned.content == (PROJECT_ROOT / "static" / "css" / "app.css").read_bytes()
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.headers["Cache-Control"] == "no-cache"
    assert plain.headers["Content-Type"] == "application/manifest+json; charset=utf-8"
    for response in (versioned, plain):
        assert response.headers["X-Served-By"] == "nginx-static"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "/static/" not in proxy.gunicorn_requests()


def test_metrics_are_refused_at_the_proxy(proxy):
    http = proxy.session()
    assert http.get(f"{proxy.https}/metrics", timeout=5).status_code == 404
    assert http.get(f"{proxy.https}/metrics/anything", timeout=5).status_code == 404
    assert "/metrics" not in proxy.gunicorn_requests()


def test_log_in_through_the_proxy_with_secure_cookies(proxy):
    http = proxy.session("127.0.0.2")
    response = log_in(http, proxy.https, EMAIL, PASSWORD)
    assert response.status_code == 302, response.status_code
    cookies = {cookie.name: cookie for cookie in http.cookies}
    assert cookies["session"].secure
    assert "Secure" in response.headers["Set-Cookie"]
    account = http.get(f"{proxy.https}/auth/account", allow_redirects=False, timeout=5)
    assert account.status_code == 200
    assert EMAIL in account.text


def test_the_app_counts_the_real_address_and_ignores_a_forged_x_forwarded_for(proxy):
    # Each try names another account (the per-account limit never comes into it) and forges another
    # client address: only the connection's own address, 127.0.0.3, can add them up to the limit of 10.
    http = proxy.session("127.0.0.3")
    statuses = [
        log_in(
            http, proxy.https, f"nobody-{n}@example.com", "not-the-password", **{"X-Forwarded-For": f"198.51.100.{n}"}
        ).status_code
        for n in range(11)
    ]
    assert statuses == [422] * 10 + [429]

    # Another connection claiming to be 127.0.0.3 is counted as itself, not refused with it.
    other = proxy.session("127.0.0.4")
    email = f"nobody-{uuid.uuid4().hex}@example.com"
    forged = log_in(other, proxy.https, email, "not-the-password", **{"X-Forwarded-For": "127.0.0.3"})
    assert forged.status_code == 422


def test_a_tls_handshake_for_another_host_is_refused(proxy):
    context = ssl.create_default_context(cafile=str(proxy.cert))
    context.check_hostname = False
    with (
        socket.create_connection(("127.0.0.1", proxy.https_port), timeout=5) as raw,
        pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"),
    ):
        context.wrap_socket(raw, server_hostname="other.example").close()
    with socket.create_connection(("127.0.0.1", proxy.https_port), timeout=5) as raw:
        context.wrap_socket(raw, server_hostname="localhost").close()
