"""Request ids and JSON logs: every response carries the id, every log line of the request holds it,
access lines say what happened without a query string, a token or anything about anyone's health."""

import io
import json
import logging
import re
import threading

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.extensions import db as _db
from app.extensions import limiter
from app.factory import create_app
from app.services import mail, share_links
from app.web.request_log import JsonLogFormatter, configure_logging
from tests.conftest import FreshContextClient, log_in, make_config

ID = re.compile(r"[0-9a-f]{32}")  # a fresh uuid4 hex


@pytest.fixture
def log_lines(app):
    """Every log line written while the test runs, as the JSON objects the root handler writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # as configure_logging() sets it outside tests

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.text = stream.getvalue
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "afterglow.access"]


def test_a_request_gets_a_fresh_id_in_its_response_and_its_access_line(client, log_lines):
    response = client.get("/healthz?token=sekrit-in-the-query")

    request_id = response.headers["X-Request-ID"]
    assert ID.fullmatch(request_id)
    [line] = access_lines(log_lines())
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "remote_addr",
    }
    assert (line["level"], line["message"], line["request_id"]) == ("INFO", "request", request_id)
    assert (line["method"], line["path"], line["status"], line["remote_addr"]) == ("GET", "/healthz", 200, "127.0.0.1")
    assert line["time"] == "2026-06-15T12:00:00+00:00"  # ISO 8601 in UTC (the tests' frozen clock)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "sekrit" not in log_lines.text()
    assert client.get("/healthz").headers["X-Request-ID"] != request_id


def test_a_well_formed_id_from_the_proxy_is_kept(client, log_lines):
    for incoming in ("abcdefgh", "req-2026.11_26-XYZ", "a" * 128):
        response = client.get("/healthz", headers={"X-Request-ID": incoming})
        assert response.headers["X-Request-ID"] == incoming
    assert [line["request_id"] for line in access_lines(log_lines())] == ["abcdefgh", "req-2026.11_26-XYZ", "a" * 128]


@pytest.mark.parametrize(
    "forged",
    [
        "abcdefgh\nINFO forged line",
        "a" * 500,
        "a" * 129,
        "short",
        "with space in it",
        'quote"andmore',
        "ünïcödé-id-123",
        "",
    ],
)
def test_a_malformed_id_is_replaced_by_a_fresh_one(client, log_lines, forged):
    response = client.get("/healthz", environ_overrides={"HTTP_X_REQUEST_ID": forged})

    request_id = response.headers["X-Request-ID"]
    assert ID.fullmatch(request_id)
    assert [line["request_id"] for line in access_lines(log_lines())] == [request_id]
    assert forged not in log_lines.text() or forged == ""


def test_errors_static_files_and_unknown_urls_carry_the_id_too(client, log_lines):
    responses = [
        client.get("/no-such-page"),
        client.post("/healthz"),  # 405
        client.get("/static/css/app.css"),  # answered by WhiteNoise, before Flask
    ]

    responses[2].close()  # WhiteNoise's open file
    assert [response.status_code for response in responses] == [404, 405, 200]
    ids = [response.headers["X-Request-ID"] for response in responses]
    assert all(ID.fullmatch(request_id) for request_id in ids)
    assert [(line["request_id"], line["path"], line["status"]) for line in access_lines(log_lines())] == [
        (ids[0], "/no-such-page", 404),
        (ids[1], "/healthz", 405),
        (ids[2], "/static/css/app.css", 200),
    ]


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])  # as in production: a 500 page
def test_every_line_of_a_failing_request_holds_its_id_and_no_token(app, client, log_lines):
    def explode(token):
        app.logger.warning("about to fail")
        raise RuntimeError("boom")

    app.add_url_rule("/explode/<token>", "explode", explode)

    response = client.get("/explode/tok-abc-123-secret", headers={"X-Request-ID": "proxy-id-0001"})

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "proxy-id-0001"
    lines = log_lines()
    assert [(line["logger"], line["level"], line["message"]) for line in lines] == [
        ("app.factory", "WARNING", "about to fail"),
        ("app.factory", "ERROR", "Exception on GET /explode/<token>"),
        ("afterglow.access", "INFO", "request"),
    ]
    assert [line["request_id"] for line in lines] == ["proxy-id-0001"] * 3
    assert "RuntimeError: boom" in lines[1]["exc_info"]
    assert lines[2]["path"] == "/explode/<token>"
    assert "tok-abc-123-secret" not in log_lines.text()


def test_a_share_link_is_logged_as_its_rule_and_no_health_detail_is_logged(
    app, patient_client, patient, treatment, log_lines
):
    _, token = share_links.create(patient, treatment, include_photos=False, days=7)
    note = "Private note: my cheeks are burning"
    saved = patient_client.post(
        f"/sessions/{treatment.id}/logs/new",
        data={"logged_at": "2026-06-15T11:30", "redness": "3", "swelling": "2", "peeling": "0", "note": note},
    )
    shared = app.test_client().get(f"/shared/{token}?ref=x")

    assert (saved.status_code, shared.status_code) == (302, 200)
    lines = access_lines(log_lines())
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("POST", f"/sessions/{treatment.id}/logs/new", 302),
        ("GET", "/shared/<token>", 200),
    ]
    text = log_lines.text()
    for secret in (token, note, patient.email, "burning"):
        assert secret not in text


@pytest.mark.parametrize("app_config", [{"PROXY_FIX_HOPS": 1}])
def test_the_access_line_has_the_clients_address_as_the_app_sees_it_behind_the_proxy(client, log_lines):
    client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})

    [line] = access_lines(log_lines())
    assert line["remote_addr"] == "203.0.113.7"


def test_a_refused_request_429_carries_the_id(tmp_path, app, patient, log_lines):
    limited = create_app(make_config(tmp_path, RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="1 per minute"))
    limited.test_client_class = FreshContextClient
    browser = limited.test_client()

    try:
        answers = [browser.post("/auth/login", data={"email": patient.email, "password": "wrong"}) for _ in range(2)]
    finally:
        limiter.storage.engine.dispose()
        with limited.app_context():
            _db.engine.dispose()

    assert [answer.status_code for answer in answers] == [422, 429]
    assert ID.fullmatch(answers[1].headers["X-Request-ID"])
    assert access_lines(log_lines())[-1]["request_id"] == answers[1].headers["X-Request-ID"]
    assert patient.email not in log_lines.text()


def test_a_logged_in_page_logs_nothing_about_its_user(patient_client, patient, log_lines):
    patient_client.get("/")

    [line] = access_lines(log_lines())
    assert line["status"] == 200
    assert patient.email not in log_lines.text()


def test_a_redirect_carries_the_id(client, patient):
    # The log-in redirect (302) carries the id as every other answer does.
    assert ID.fullmatch(log_in(client, patient).headers["X-Request-ID"])


def test_a_database_error_never_quotes_the_values_of_its_statement(db):
    # A traceback in the logs shows the error's text: it must not carry what the patient typed.
    with pytest.raises(sa.exc.DBAPIError) as error:
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE note = :note"), {"note": "my private note"})
    db.session.rollback()
    assert "my private note" not in str(error.value)
    assert "hidden due to hide_parameters" in str(error.value)


def test_a_refused_recipient_is_logged_without_the_address(mailing_app, smtp_server, caplog):
    async def refuse(server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"

    smtp_server.handle_RCPT = refuse  # the SMTP server refuses, quoting the address
    with mailing_app.test_request_context(), pytest.raises(mail.MailNotSent):
        mail.send("refused@example.com", "Subject", "reset_unknown")
    ours = "\n".join(record.getMessage() for record in caplog.records if record.name == mailing_app.logger.name)
    assert "Email not sent through 127.0.0.1: SMTPRecipientsRefused" in ours
    assert "refused@example.com" not in ours


@pytest.fixture
def json_logging_as_deployed():
    """configure_logging() as create_app runs it outside tests; the root logger and Werkzeug's restored after."""
    root, werkzeug = logging.getLogger(), logging.getLogger("werkzeug")
    saved = root.handlers[:], root.level, werkzeug.filters[:]
    configure_logging()
    try:
        yield
    finally:
        root.handlers[:], werkzeug.filters[:] = saved[0], saved[2]
        root.setLevel(saved[1])


def test_the_dev_server_writes_json_access_lines_without_its_own_raw_request_line(app, capfd, json_logging_as_deployed):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        answers = [requests.get(f"{url}/healthz?token=in-the-query", timeout=5)]
        answers.append(requests.get(f"{url}/shared/a-secret-share-token", timeout=5))
    finally:
        server.shutdown()
        thread.join(timeout=5)

    assert [answer.status_code for answer in answers] == [200, 404]
    err = capfd.readouterr().err
    lines = [json.loads(line) for line in err.splitlines()]  # every line JSON
    assert [(line["logger"], line["path"], line["request_id"]) for line in access_lines(lines)] == [
        ("afterglow.access", "/healthz", answers[0].headers["X-Request-ID"]),
        ("afterglow.access", "/shared/<token>", answers[1].headers["X-Request-ID"]),
    ]
    assert "in-the-query" not in err and "a-secret-share-token" not in err
