"""HTTP protections: headers, cookies, CSRF on every state change, log-in hygiene, rate limits."""

import re
from pathlib import Path

import pytest

from app.extensions import db as _db
from app.extensions import limiter
from app.factory import create_app
from tests.conftest import PASSWORD, FreshContextClient, log_in, make_config

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_page_sends_the_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would be ignored


def test_hsts_over_https_and_behind_a_trusted_proxy(tmp_path, app, client):
    assert (
        "max-age=31536000"
        in client.get("/auth/login", base_url="https://localhost").headers["Strict-Transport-Security"]
    )
    proxied = create_app(make_config(tmp_path, PROXY_FIX_HOPS=1))
    response = proxied.test_client().get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    # Without a trusted proxy the same header is ignored: a client cannot claim HTTPS.
    assert "Strict-Transport-Security" not in client.get("/auth/login", headers={"X-Forwarded-Proto": "https"}).headers


def test_no_template_has_inline_script_or_event_handlers():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script in {template.name}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template.name}"
        assert "javascript:" not in text


def test_authenticated_pages_are_not_cached(patient_client):
    assert patient_client.get("/").headers["Cache-Control"] == "private, no-store"


def test_session_and_remember_cookies_are_http_only_and_same_site(client, patient):
    response = client.post("/auth/login", data={"email": patient.email, "password": PASSWORD, "remember": "y"})
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]


def test_cookies_are_secure_when_configured_for_https(tmp_path, app, patient):
    secure = create_app(make_config(tmp_path, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True))
    secure.test_client_class = FreshContextClient
    response = secure.test_client().post(
        "/auth/login",
        base_url="https://localhost",
        data={"email": patient.email, "password": PASSWORD, "remember": "y"},
    )
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(("session=", "remember_token="))]
    assert len(cookies) == 2 and all("Secure" in c for c in cookies)
    with secure.app_context():
        _db.engine.dispose()


def state_changing_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static" and {"POST", "PUT", "PATCH", "DELETE"} & (rule.methods or set()):
            yield rule


def test_every_state_changing_request_needs_a_csrf_token(csrf_app, patient):
    rules = list(state_changing_rules(csrf_app))
    assert len(rules) >= 20  # the test would pass vacuously if routes were not found
    client = csrf_app.test_client()
    for rule in rules:
        url = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        response = client.post(url, data={"email": patient.email, "password": PASSWORD})
        assert response.status_code == 400, f"{rule.rule} answered {response.status_code} without a CSRF token"


def test_log_in_starts_a_fresh_session(client, patient):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    log_in(client, patient)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


@pytest.fixture
def limited_app(tmp_path, app):
    limited = create_app(make_config(tmp_path, RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute"))
    limited.test_client_class = FreshContextClient
    limiter.reset()
    yield limited
    limiter.reset()
    limiter.storage.engine.dispose()  # the counters' own connections, to the test database
    with limited.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize("url", ["/auth/login", "/auth/signup", "/auth/clinic-signup", "/join"])
def test_too_many_tries_answer_429_with_a_friendly_page(limited_app, url):
    client = limited_app.test_client()
    statuses = [
        client.post(
            url, data={"email": "x@example.com", "password": "wrong-password-1", "code": "AAAA-AAAA"}
        ).status_code
        for _ in range(4)
    ]
    assert statuses[:3] != [429, 429, 429] and statuses[3] == 429
    response = client.post(url, data={})
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)
    assert client.get(url).status_code == 200  # reading the form is never limited


def test_password_change_is_rate_limited(limited_app, patient):
    client = limited_app.test_client()
    log_in(client, patient)
    statuses = [client.post("/auth/password", data={"current_password": "wrong"}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


@pytest.mark.parametrize("path", ["/", "/auth/login", "/auth/signup", "/no-such-page", "/sessions/1"])
def test_with_trusted_hosts_set_a_forged_host_answers_400_never_500(tmp_path, frozen_time, path):
    """A Host outside TRUSTED_HOSTS is refused with words, though no URL can be built for it."""
    app = create_app(make_config(tmp_path, TRUSTED_HOSTS=["afterglow.example"]))
    try:
        response = app.test_client().get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400
        assert "not right" in response.get_data(as_text=True)
        assert app.test_client().get("/auth/login", headers={"Host": "afterglow.example"}).status_code == 200
    finally:
        with app.app_context():
            _db.engine.dispose()
