"""gunicorn's settings for `make run` (scripts/serve) and every test that starts gunicorn here.

gunicorn reads ./gunicorn.conf.py by default. Logs: one JSON object per line on stderr (the
error log) and stdout (the access line of each request, with its id; app.web.request_log).
Metrics: every worker writes to PROMETHEUS_MULTIPROC_DIR, so /metrics adds them all up.
"""

import os
import shutil
import tempfile

# scripts/serve sets (and empties) the folder, shared with the reminder sender; gunicorn started
# some other way gets a fresh one of its own, removed when it stops. Set before a worker imports
# prometheus_client, which reads it once.
_own_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _own_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="afterglow-metrics-")

logger_class = "app.web.request_log.GunicornLogger"
accesslog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.web.request_log.JsonLogFormatter"}},
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        "alembic": {"level": "WARNING"},  # each worker loading Flask-Migrate: no news
    },
}


def child_exit(server, worker):
    """A worker that has gone: its live values (gauges) leave the sum; its counters stay counted."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
