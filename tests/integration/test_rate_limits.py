"""Rate limits through the app: per address and per account on log-in, invite links, photo uploads.

Counted in the app's database (the storage every worker shares); the real
server with four workers, and Redis, are in tests/load/test_shared_rate_limits.py.
"""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.extensions import limiter
from app.factory import create_app
from app.models import Photo, SymptomLog
from tests.conftest import PASSWORD, FreshContextClient, make_config
from tests.integration.test_photos import post_multipart
from tests.sample_images import jpeg


@pytest.fixture
def limited_app(tmp_path, app):
    """The app with its limits on, counting in the test database (as without Redis in production)."""
    limited = create_app(
        make_config(
            tmp_path, RATELIMIT_ENABLED=True, INVITE_VIEW_RATE_LIMIT="3 per minute", PHOTO_RATE_LIMIT="2 per minute"
        )
    )
    limited.test_client_class = FreshContextClient
    yield limited
    limiter.storage.engine.dispose()
    with limited.app_context():
        _db.engine.dispose()


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def log_in_from(app, address, email, password):
    return from_address(app, address).post("/auth/login", data={"email": email, "password": password})


def test_wrong_passwords_for_one_account_from_many_addresses_are_throttled_by_the_eleventh(limited_app, patient):
    statuses = [
        log_in_from(limited_app, f"10.0.0.{n}", patient.email, "wrong-password").status_code for n in range(1, 21)
    ]
    assert statuses == [422] * 10 + [429] * 10


def test_wrong_passwords_from_one_address_are_throttled_by_the_eleventh(limited_app, patient):
    client = from_address(limited_app, "10.0.0.1")
    statuses = [
        client.post("/auth/login", data={"email": patient.email, "password": "wrong"}).status_code for _ in range(20)
    ]
    assert statuses == [422] * 10 + [429] * 10


def test_the_owners_own_log_ins_never_count_against_their_account(limited_app, patient, make_patient):
    for n in range(9):
        assert log_in_from(limited_app, f"10.0.1.{n}", patient.email, "wrong").status_code == 422
    for n in range(5):  # the owner, from wherever they are
        assert log_in_from(limited_app, f"10.0.2.{n}", patient.email, PASSWORD).status_code == 302
    assert log_in_from(limited_app, "10.0.3.1", patient.email, "wrong").status_code == 422  # the 10th failure
    # The 11th try is refused, whoever makes it, until the minute is over ...
    assert log_in_from(limited_app, "10.0.3.2", patient.email, "wrong").status_code == 429
    assert log_in_from(limited_app, "10.0.3.3", patient.email, PASSWORD).status_code == 429
    # ... and only for this account.
    other = make_patient()
    assert log_in_from(limited_app, "10.0.3.4", other.email, PASSWORD).status_code == 302


def test_the_account_is_known_by_its_email_however_it_is_typed(limited_app, patient):
    spellings = [patient.email, patient.email.upper(), f"  {patient.email}  "]
    statuses = [log_in_from(limited_app, f"10.0.4.{n}", spellings[n % 3], "wrong").status_code for n in range(11)]
    assert statuses == [422] * 10 + [429]


def test_no_email_is_stored_with_the_counts(limited_app, patient, db):
    log_in_from(limited_app, "10.0.5.1", patient.email, "wrong")
    keys = " ".join(db.session.scalars(sa.text("SELECT key FROM rate_limit")).all())
    assert "account:" in keys
    assert patient.email not in keys and patient.email.split("@")[0] not in keys


def test_the_429_page_says_what_happened_and_when_to_try_again(limited_app, patient, frozen_time):
    for n in range(10):
        log_in_from(limited_app, f"10.0.6.{n}", patient.email, "wrong")
    frozen_time.shift(timedelta(seconds=15))
    response = log_in_from(limited_app, "10.0.6.99", patient.email, "wrong")
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "too many wrong passwords for this account" in page
    # The minute began with the first failure: 45 seconds left (Flask-Limiter rounds up a second).
    retry_after = response.headers["Retry-After"]
    assert retry_after in ("45", "46")
    assert f"wait {retry_after} seconds" in page

    frozen_time.shift(timedelta(seconds=45))
    assert log_in_from(limited_app, "10.0.6.99", patient.email, PASSWORD).status_code == 302


def test_too_many_tries_from_one_address_names_the_connection(limited_app, make_patient):
    client = from_address(limited_app, "10.0.7.1")
    for n in range(10):  # a different account each time: only the address limit applies
        client.post("/auth/login", data={"email": f"nobody{n}@example.com", "password": "wrong"})
    response = client.post("/auth/login", data={"email": "nobody99@example.com", "password": "wrong"})
    assert response.status_code == 429
    assert "too many tries from your connection" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_opening_invite_links_is_limited_per_address(limited_app):
    client = from_address(limited_app, "10.0.8.1")
    statuses = [client.get(f"/join/ABCD{n:04d}").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert "invite links" in client.get("/join/ABCD0009").get_data(as_text=True)
    assert from_address(limited_app, "10.0.8.2").get("/join/ABCD0001").status_code == 404


def test_photos_are_limited_per_patient_across_both_forms_and_logs_without_one_are_not(
    limited_app, db, patient, treatment
):
    client = limited_app.test_client()
    client.post("/auth/login", data={"email": patient.email, "password": PASSWORD})
    log_url, photo_url = f"/sessions/{treatment.id}/logs/new", f"/sessions/{treatment.id}/photos/new"
    log = {"redness": "1", "swelling": "1", "peeling": "0"}

    def with_photo(url, fields):
        return post_multipart(client, url, {**fields, "client_id": str(uuid.uuid4())}, (jpeg(), "p.jpg"))

    assert with_photo(photo_url, {}).status_code == 302
    assert with_photo(log_url, log).status_code == 302
    refused = with_photo(photo_url, {})
    assert refused.status_code == 429 and "many photos" in refused.get_data(as_text=True)
    assert with_photo(log_url, log).status_code == 429
    plain_logs = [
        post_multipart(client, log_url, {**log, "client_id": str(uuid.uuid4())}).status_code for _ in range(5)
    ]
    assert plain_logs == [302] * 5  # the log save path is never throttled
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SymptomLog)) == 6


def test_when_the_storage_is_down_limits_count_in_memory_and_nothing_fails(tmp_path, app, patient):
    """Redis unreachable (nothing listens on port 1): each try is still answered, and still limited."""
    down = create_app(make_config(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0"))
    down.test_client_class = FreshContextClient
    try:
        statuses = [log_in_from(down, "10.0.9.1", patient.email, "wrong").status_code for _ in range(11)]
        assert statuses == [422] * 10 + [429]
    finally:
        with down.app_context():
            _db.engine.dispose()
