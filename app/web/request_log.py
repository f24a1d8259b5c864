"""Request ids and JSON logs: one JSON object per log line, each carrying the id of its request.

Every response carries ``X-Request-ID``: the proxy's, when it is well formed, else a fresh one.
The id is on ``flask.g.request_id`` and in every log line written during the request. An access
line (method, path, status, duration_ms, remote_addr, request_id) is written per request: by
gunicorn (``GunicornLogger``, set in gunicorn.conf.py), or by the app under any other server.
Paths of URLs that carry a secret (share, sign-up, invite, unsubscribe, calendar links) are logged
as their rule, ``/shared/<token>``; query strings never (they may hold tokens).
"""

import logging
import os
import re
import sys
import time
import uuid

from flask import g, has_request_context, request
from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
ENVIRON_ID = "afterglow.request_id"
ENVIRON_START = "afterglow.request_start"
ENVIRON_PATH = "afterglow.log_path"
# What a proxy may hand us: long enough to be unique, short and plain enough to be safe in a log.
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,128}")
# URL arguments that are secrets: a URL with one is logged as its rule, never as sent.
SECRET_ARGUMENTS = frozenset({"token", "key", "invite_token"})
ACCESS_LOGGER = "afterglow.access"


def accepted_id(incoming):
    """The incoming id if well formed, else a fresh uuid4 hex."""
    if incoming and WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost WSGI layer: gives each request its id and start time, and puts the id on every response.

    Outside gunicorn (which writes its own access line) it writes the access line too.
    """

    def __init__(self, wsgi_app, access_log):
        self.wsgi_app = wsgi_app
        self.access_log = access_log

    def __call__(self, environ, start_response):
        request_id = accepted_id(environ.get("HTTP_X_REQUEST_ID"))
        environ[ENVIRON_ID] = request_id
        environ[ENVIRON_START] = time.perf_counter()

        def start_with_id(status, headers, exc_info=None):
            headers = [(name, value) for name, value in headers if name.lower() != HEADER.lower()]
            headers.append((HEADER, request_id))
            if self.access_log and "gunicorn.socket" not in environ:
                _write_access_line(environ, status)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_id)


def _write_access_line(environ, status):
    logging.getLogger(ACCESS_LOGGER).info(
        "request",
        extra=access_fields(environ, status.split(None, 1)[0], time.perf_counter() - environ[ENVIRON_START]),
    )


def access_fields(environ, status, seconds):
    """The fields of an access line: ``remote_addr`` is as the app saw it (ProxyFix rewrites the environ)."""
    return {
        "request_id": environ.get(ENVIRON_ID),
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get(ENVIRON_PATH) or environ.get("PATH_INFO", ""),
        "status": int(status),
        "duration_ms": round(seconds * 1000, 1),
        "remote_addr": environ.get("REMOTE_ADDR"),
    }


def current_request_id():
    """This request's id (None outside a request); a request that skipped the middleware gets one here."""
    if not has_request_context():
        return None
    environ = request.environ
    if ENVIRON_ID not in environ:
        environ[ENVIRON_ID] = accepted_id(request.headers.get(HEADER))
    return environ[ENVIRON_ID]


def log_path():
    """The request's path as logs may hold it: a URL carrying a secret as its rule (``/shared/<token>``)."""
    rule = request.url_rule
    if rule is not None and rule.arguments & SECRET_ARGUMENTS:
        return rule.rule
    return request.path


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id, any extra fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        if log_data.get("request_id") is None:
            request_id = current_request_id()
            if request_id is not None:
                log_data["request_id"] = request_id
            else:
                log_data.pop("request_id", None)
        fields = dict(log_data)  # time first, for a reader scanning the lines
        log_data.clear()
        log_data["time"] = fields.pop("time", None)
        log_data.update(fields)


class StderrHandler(logging.StreamHandler):
    """JSON lines to the process's own stderr (file descriptor 2), whatever sys.stderr is swapped for later."""

    def __init__(self):
        super().__init__(sys.__stderr__)
        self.setFormatter(JsonLogFormatter())


def _drop_werkzeug_request_lines(record):
    # The dev server's own access line holds the raw path and query string; the app writes its own.
    return not (isinstance(record.msg, str) and record.msg.endswith('"%s" %s %s'))


def configure_logging():
    """JSON on stderr for the root logger, once per process, unless a JSON handler is there already (gunicorn)."""
    root = logging.getLogger()
    if any(isinstance(handler.formatter, JsonLogFormatter) for handler in root.handlers):
        return
    for handler in [handler for handler in root.handlers if type(handler) is logging.StreamHandler]:
        root.removeHandler(handler)  # plain-text ones (logging.basicConfig)
    root.addHandler(StderrHandler())
    if root.level == logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    werkzeug = logging.getLogger("werkzeug")
    if _drop_werkzeug_request_lines not in werkzeug.filters:
        werkzeug.addFilter(_drop_werkzeug_request_lines)


def register(app):
    if not app.testing:  # tests read the log records themselves (pytest's capture, their own handlers)
        configure_logging()
    from flask.logging import default_handler

    # Flask's own handler writes plain text; the root's JSON handler gets every app log line instead.
    app.logger.removeHandler(default_handler)

    def log_exception(exc_info):
        # Flask's default line names the raw path, which may carry a token.
        app.logger.error("Exception on %s %s", request.method, log_path(), exc_info=exc_info)

    app.log_exception = log_exception

    def remember_request_id():
        g.request_id = current_request_id()

    # First of all before_request functions, so a request the rate limiter refuses has it too.
    app.before_request_funcs.setdefault(None, []).insert(0, remember_request_id)

    @app.after_request
    def note_log_path(response):
        request.environ[ENVIRON_PATH] = log_path()
        return response

    app.wsgi_app = RequestIdMiddleware(app.wsgi_app, access_log=app.config["ACCESS_LOG"])


class GunicornLogger(Logger):
    """gunicorn's logger writing our access fields (the JSON formatter comes from gunicorn.conf.py's logconfig_dict)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        fields = access_fields(environ, status, request_time.total_seconds())
        if fields["request_id"] is None:  # never reached the app: the id is what the response carries, if any
            fields["request_id"] = {name.lower(): value for name, value in resp.headers}.get(HEADER.lower())
        fields["pid"] = os.getpid()  # which worker answered
        self.access_log.info("request", extra=fields)
