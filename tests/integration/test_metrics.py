"""Prometheus metrics: each counter moves by exactly what happened, and /metrics is readable only with the token."""

import re

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from app.services import reminders
from tests.conftest import log_in
from tests.integration.test_photos import upload
from tests.sample_images import jpeg
from tests.servers import free_port

TOKEN = "scrape-token-for-tests-0123456789"
PUBLIC = "https://afterglow.example"


@pytest.fixture
def app_config():
    return {"METRICS_TOKEN": TOKEN}


def value(name, **labels):
    """The metric's value in this process now (the counters live as long as the test process)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def log_form(**fields):
    return {"logged_at": "2026-06-15T11:30", "redness": "2", "swelling": "1", "peeling": "0", **fields}


def client_id_of(page):
    return re.search(r'name="client_id" type="hidden" value="([0-9a-f-]{36})"', page).group(1)


def test_saving_a_log_counts_one_save_and_its_resend_none(patient_client, treatment):
    before = value("afterglow_logs_saved_total"), value("afterglow_photos_saved_total")
    url = f"/sessions/{treatment.id}/logs/new"
    client_id = client_id_of(patient_client.get(url).get_data(as_text=True))

    first = patient_client.post(url, data=log_form(client_id=client_id))
    resent = patient_client.post(url, data=log_form(client_id=client_id))  # a double tap: stored once

    assert (first.status_code, resent.status_code) == (302, 302)
    after = value("afterglow_logs_saved_total"), value("afterglow_photos_saved_total")
    assert (after[0] - before[0], after[1] - before[1]) == (1.0, 0.0)


def test_a_photo_on_its_own_counts_one_photo_saved(patient_client, treatment):
    before = value("afterglow_photos_saved_total"), value("afterglow_logs_saved_total")

    response = upload(patient_client, treatment, jpeg())

    assert response.status_code == 302, response.get_data(as_text=True)
    after = value("afterglow_photos_saved_total"), value("afterglow_logs_saved_total")
    assert (after[0] - before[0], after[1] - before[1]) == (1.0, 0.0)


def test_warning_signs_open_one_alert_and_the_same_signs_again_open_none(
    client, make_patient, make_clinic, share, make_session
):
    ada = make_patient()
    share(ada, make_clinic())
    treatment = make_session(ada, hours_ago=30)
    log_in(client, ada)
    before = value("afterglow_alerts_opened_total")

    url = f"/sessions/{treatment.id}/logs/new"
    assert client.post(url, data=log_form(pus="y", fever="y")).status_code == 302
    assert value("afterglow_alerts_opened_total") - before == 1.0
    assert client.post(url, data=log_form(pus="y", fever="y", logged_at="2026-06-15T11:45")).status_code == 302
    assert value("afterglow_alerts_opened_total") - before == 1.0  # the open alert holds them: nothing new


def test_a_plain_log_opens_no_alert(patient_client, treatment):
    before = value("afterglow_alerts_opened_total")
    assert patient_client.post(f"/sessions/{treatment.id}/logs/new", data=log_form()).status_code == 302
    assert value("afterglow_alerts_opened_total") == before


def test_a_reminder_sent_and_one_failed_move_their_counters_by_channel(
    mailing_app, smtp_server, frozen_time, make_patient, make_session
):
    mailing_app.config["PUBLIC_URL"] = PUBLIC
    make_session(make_patient(email="ada@example.com"), hours_ago=26)
    make_session(make_patient(email="bea@example.com"), hours_ago=26)
    sent = value("afterglow_reminders_sent_total", channel="email")
    failed = value("afterglow_reminders_failed_total", channel="email")

    def send_pass():
        result = mailing_app.test_cli_runner().invoke(args=["send-reminders"])
        assert result.exit_code == 0, result.output
        return result.output.strip()

    port = mailing_app.config["MAIL_PORT"]
    mailing_app.config["MAIL_PORT"] = free_port()  # nothing listens there: both fail
    assert send_pass() == "0 sent, 2 failed, 0 given up, 0 skipped"
    assert value("afterglow_reminders_failed_total", channel="email") - failed == 2.0
    assert value("afterglow_reminders_sent_total", channel="email") - sent == 0.0

    mailing_app.config["MAIL_PORT"] = port
    frozen_time.shift(reminders.BACKOFF[0])
    assert send_pass() == "2 sent, 0 failed, 0 given up, 0 skipped"
    assert value("afterglow_reminders_sent_total", channel="email") - sent == 2.0
    assert value("afterglow_reminders_failed_total", channel="email") - failed == 2.0
    assert len(smtp_server.messages) == 2


def scrape(client, token=TOKEN):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"})


def test_a_scrape_is_never_cached(client):
    response = scrape(client)
    assert (response.status_code, response.headers["Cache-Control"]) == (200, "no-store")


def test_metrics_are_read_with_the_token_and_count_requests_by_endpoint_not_path(patient_client, treatment):
    patient_client.get(f"/sessions/{treatment.id}")
    patient_client.get(f"/sessions/{treatment.id}")

    response = scrape(patient_client)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"  # a logged-in client; a scraper: below
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    families = {family.name: family for family in text_string_to_metric_families(response.get_data(as_text=True))}
    requests = {
        tuple(sorted(sample.labels.items())): sample.value
        for sample in families["afterglow_http_requests"].samples
        if sample.name == "afterglow_http_requests_total"
    }
    key = (("endpoint", "patient.session_detail"), ("method", "GET"), ("status", "200"))
    assert requests[key] == value("afterglow_http_requests_total", **dict(key)) >= 2.0
    assert "afterglow_http_request_duration_seconds" in families
    # Labels name endpoints, never paths or ids.
    assert not any(str(treatment.id) in dict(labels)["endpoint"] for labels in requests)
    assert {"afterglow_logs_saved", "afterglow_alerts_opened", "afterglow_reminders_sent"} <= set(families)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": "Bearer "},
    ],
)
def test_metrics_without_the_right_token_answer_404_like_an_unknown_url(client, headers):
    refused = client.get("/metrics", headers=headers)
    unknown = client.get("/no-such-page")

    assert (refused.status_code, unknown.status_code) == (404, 404)
    assert refused.get_data() == unknown.get_data()
    assert "afterglow_" not in refused.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{}])  # no METRICS_TOKEN: nobody reads the metrics
def test_metrics_with_no_token_configured_answer_404_even_to_a_bearer_of_anything(client):
    assert scrape(client).status_code == 404
    assert scrape(client, token="").status_code == 404
    assert scrape(client, token="None").status_code == 404
