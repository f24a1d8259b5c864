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

import pytest
import requests

from app.extensions import db
from app.factory import create_app
from app.models import ROLE_PATIENT, User
from tests.conftest import PASSWORD, make_config
from tests.servers import FromAddress, Gunicorn, csrf_token_in, redis_server

WORKERS = 4  # as `make run`
ACCOUNTS = ("one-address@example.com", "many-addresses@example.com", "after-reload@example.com")


# --- Redis ---------------------------------------------------------------------------------------


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


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
        servers.append(Gunicorn(env, tmp_path / "gunicorn.log", workers=WORKERS))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


# --- Clients -------------------------------------------------------------------------------------


class Browser:
    """A browser at one address: its cookie and CSRF token, as a person logging in has."""

    def __init__(self, server, address):
        self.server = server
        self.http = requests.Session()
        self.http.mount("http://", FromAddress(address))
        page = self.http.get(f"{server.url}/auth/login", timeout=10)
        assert page.status_code == 200, page.status_code
        self.csrf_token = csrf_token_in(page.text)

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
