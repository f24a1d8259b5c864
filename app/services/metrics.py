"""Prometheus metrics: what the app counts, and the text a scrape reads.

Each counter is moved at the one place its event happens (one call in the service).
Under gunicorn (and beside it the reminder sender) every process writes its values to
files in PROMETHEUS_MULTIPROC_DIR, set before the first import of prometheus_client
(scripts/serve, gunicorn.conf.py); a scrape adds up all the files. Without it (tests,
`flask run`) the values are this process's own.
"""

import os

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

# Labels are endpoint names, methods, status codes and channels: never a path, an id or anything a user typed.
REQUESTS = Counter(
    "afterglow_http_requests_total", "HTTP requests answered, by Flask endpoint", ["endpoint", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "afterglow_http_request_duration_seconds", "Time to answer a request, by Flask endpoint", ["endpoint"]
)
LOGS_SAVED = Counter("afterglow_logs_saved_total", "Symptom logs saved (a resend of a stored log is not counted)")
PHOTOS_SAVED = Counter("afterglow_photos_saved_total", "Progress photos saved, on their own or with a log")
ALERTS_OPENED = Counter("afterglow_alerts_opened_total", "Alert episodes opened for a clinic (counted once committed)")
MESSAGES_SENT = Counter(
    "afterglow_reminders_sent_total", "Reminders and clinic notifications sent, by channel", ["channel"]
)
MESSAGES_FAILED = Counter(
    "afterglow_reminders_failed_total",
    "Attempts to send a reminder or clinic notification that failed (retried or given up), by channel",
    ["channel"],
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_PENDING = "afterglow_metrics_pending"


def observe_request(endpoint, method, status, seconds):
    """Count one answered request; a method outside METHODS is counted as "other" (labels stay few)."""
    endpoint = endpoint or "unmatched"
    REQUESTS.labels(endpoint, method if method in METHODS else "other", str(status)).inc()
    REQUEST_SECONDS.labels(endpoint).observe(seconds)


def log_saved(with_photo):
    LOGS_SAVED.inc()
    if with_photo:
        PHOTOS_SAVED.inc()


def photo_saved():
    PHOTOS_SAVED.inc()


def alert_opened(session):
    """Count an alert episode once ``session``'s transaction commits; nothing if it rolls back."""
    session.info.setdefault(_PENDING, []).append(ALERTS_OPENED)


def message_sent(channel):
    MESSAGES_SENT.labels(channel).inc()


def message_failed(channel):
    MESSAGES_FAILED.labels(channel).inc()


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _count_committed(session):
    for counter in session.info.pop(_PENDING, ()):
        counter.inc()


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _forget_uncommitted(session, transaction):
    # After a commit (counted above) or a rollback or close: what is left was never stored.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def exposition():
    """(body, content type) of every metric: all processes' sum in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
