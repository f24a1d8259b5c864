"""The rate-limit storage in the app's own database: fixed windows, atomic counting, its own commits.

On the suite's database: a SQLite file, or PostgreSQL when TEST_DATABASE_URL is set.
"""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.extensions import db as _db
from app.factory import create_app
from app.web.rate_limits import DATABASE_SCHEME, DatabaseStorage, configure_storage, rate_limit
from tests.conftest import NOW, make_config


@pytest.fixture
def storage(app):
    store = storage_from_string(DATABASE_SCHEME + app.config["SQLALCHEMY_DATABASE_URI"])
    yield store
    store.engine.dispose()


def test_the_database_scheme_selects_the_database_storage(storage):
    assert isinstance(storage, DatabaseStorage)
    assert storage.check()


def test_a_fixed_window_counts_until_it_ends_then_starts_again(storage, frozen_time):
    assert [storage.incr("k", expiry=60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    assert storage.get_expiry("k") == pytest.approx(NOW.timestamp() + 60)

    frozen_time.shift(timedelta(seconds=59))
    assert storage.get("k") == 3  # still the same window
    assert storage.incr("k", expiry=60) == 4

    frozen_time.shift(timedelta(seconds=1))  # the window has ended
    assert storage.get("k") == 0
    assert storage.incr("k", expiry=60) == 1
    assert storage.get_expiry("k") == pytest.approx(NOW.timestamp() + 120)


def test_keys_count_apart_and_clear_and_reset_forget_them(storage):
    storage.incr("a", 60)
    storage.incr("a", 60, amount=2)
    storage.incr("b", 60)
    assert (storage.get("a"), storage.get("b"), storage.get("missing")) == (3, 1, 0)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 1
    assert storage.get("b") == 0


def test_ended_windows_are_deleted_when_a_new_window_starts(storage, app, frozen_time):
    for key in ("old-1", "old-2"):
        storage.incr(key, 60)
    frozen_time.shift(timedelta(minutes=5))
    storage.incr("new", 60)
    with storage.engine.connect() as connection:
        assert connection.execute(sa.select(rate_limit.c.key)).scalars().all() == ["new"]


def test_a_hit_is_committed_even_when_the_requests_transaction_rolls_back(storage, app, db):
    db.session.execute(sa.text("SELECT 1"))  # the request's own session has a transaction open
    storage.incr("committed", 60)
    db.session.rollback()
    assert storage.get("committed") == 1


def test_hits_at_the_same_moment_from_many_threads_are_each_counted(storage):
    """Two workers hitting at once count twice: 8 threads x 25 hits give 200, each total returned once."""
    threads, hits = 8, 25
    start = threading.Barrier(threads)
    seen = [[] for _ in range(threads)]

    def hit(n):
        start.wait()
        for _ in range(hits):
            seen[n].append(storage.incr("busy", 60))

    workers = [threading.Thread(target=hit, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(total for results in seen for total in results) == list(range(1, threads * hits + 1))
    assert storage.get("busy") == threads * hits


def test_two_hits_released_together_count_twice(storage):
    start = threading.Barrier(2)
    results = []

    def hit():
        start.wait()
        results.append(storage.incr("pair", 60))

    pair = [threading.Thread(target=hit) for _ in range(2)]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join()
    assert sorted(results) == [1, 2]


def test_the_fixed_window_strategy_refuses_the_hit_over_the_limit(storage):
    limiter, ten_a_minute = FixedWindowRateLimiter(storage), parse("10/minute")
    assert all(limiter.hit(ten_a_minute, "someone") for _ in range(10))
    assert not limiter.hit(ten_a_minute, "someone")
    assert limiter.hit(ten_a_minute, "someone else")
    assert limiter.get_window_stats(ten_a_minute, "someone").remaining == 0


def test_an_unreachable_database_fails_the_check_instead_of_raising(tmp_path):
    store = DatabaseStorage(DATABASE_SCHEME + f"sqlite:///{tmp_path / 'missing-folder' / 'none.db'}")
    assert store.check() is False
    store.engine.dispose()


def test_storage_is_chosen_from_redis_url_or_the_database(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    database = {"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/app.db"}
    configure_storage(database)
    assert database["RATELIMIT_STORAGE_URI"] == "database+sqlite:////srv/app.db"

    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/2")
    from_env = {"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/app.db"}
    configure_storage(from_env)
    assert from_env["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/2"

    explicit = {"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/app.db", "RATELIMIT_STORAGE_URI": "memory://"}
    configure_storage(explicit)
    assert explicit["RATELIMIT_STORAGE_URI"] == "memory://"


def test_an_app_with_limits_on_counts_in_its_database(tmp_path, app):
    limited = create_app(make_config(tmp_path, RATELIMIT_ENABLED=True))
    from app.extensions import limiter

    try:
        assert isinstance(limiter.storage, DatabaseStorage)
        assert limiter.storage.engine.url == sa.make_url(limited.config["SQLALCHEMY_DATABASE_URI"])
    finally:
        limiter.storage.engine.dispose()
        with limited.app_context():
            _db.engine.dispose()
