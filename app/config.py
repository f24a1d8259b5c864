"""Configuration: the defaults (Config) and loading them into the app.

Loaded in this order, later wins: these defaults, ``instance/config.py``,
environment variables (``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL``, ``PHOTO_STORAGE_URL``
and any ``FLASK_*``),
then the mapping passed to ``create_app`` (tests).
"""

import os
from datetime import timedelta
from pathlib import Path


class Config:
    SECRET_KEY = None  # never a default: see app.config.load_secret_key
    SQLALCHEMY_DATABASE_URI = None  # filled in with instance/app.db when unset
    # A database server's connections are pinged (see load_config). Errors never quote the values of a
    # statement, so a traceback in the logs cannot carry a note, a score or an email.
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}

    # Health data: cookies are unreadable from JavaScript, not sent cross-site,
    # and HTTPS-only once SESSION_COOKIE_SECURE is switched on behind TLS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=1)

    WTF_CSRF_TIME_LIMIT = None  # a log form left open all evening still saves

    # Limits count in storage every worker and server shares: Redis when REDIS_URL (env or
    # config) is set, otherwise the app's own database (app/rate_limits.py). An explicit
    # RATELIMIT_STORAGE_URI wins (memory:// counts per process: never for gunicorn).
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = None
    RATELIMIT_HEADERS_ENABLED = True  # with Retry-After on a 429
    # If the storage fails, count in each process's memory until it is back (logged), never a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Per client address, on the POSTs that guess or create credentials.
    AUTH_RATE_LIMIT = "10 per minute; 100 per hour"
    # Per account, from any address: failed log-ins only, so the owner's own log-ins never count.
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per minute; 50 per hour"
    # Per address, opening invite links (a patient invite shows the invited patient's name).
    INVITE_VIEW_RATE_LIMIT = "30 per minute; 300 per hour"
    # Per patient, photos sent (each one is decoded): on their own or with a log.
    PHOTO_RATE_LIMIT = "10 per minute; 60 per hour"

    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_FIX_HOPS = 0

    # Where links in reminders and clinic notifications point: the sender (flask send-reminders) has no
    # request to take the address from. FLASK_PUBLIC_URL=https://afterglow.example.com in production.
    PUBLIC_URL = "http://127.0.0.1:8000"

    # The languages every page, email and chart is translated into (app/translations); the first is the fallback.
    LANGUAGES = {"en": "English", "es": "Español"}

    # scrypt is Werkzeug's default; tests swap in a fast method.
    PASSWORD_HASH_METHOD = "scrypt"

    MAX_CONTENT_LENGTH = 1 * 1024 * 1024  # every form but the ones with a photo

    # Photos: kept in UPLOAD_FOLDER (instance/uploads when unset), never under static/; or, with
    # PHOTO_STORAGE_URL=s3://bucket/prefix, in that private bucket (app/services/photo_store.py).
    # The S3 endpoint and region come from boto3's own settings (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION)
    # unless S3_ENDPOINT_URL / S3_REGION are set; credentials always from boto3's chain.
    UPLOAD_FOLDER = None
    PHOTO_STORAGE_URL = None
    S3_ENDPOINT_URL = None
    S3_REGION = None
    S3_MAX_ATTEMPTS = 3  # each S3 request, retried with backoff (connect timeout 5 s, read timeout 15 s)
    PHOTO_MAX_BYTES = 15 * 1024 * 1024  # the largest photo file accepted, with a message beyond
    # A request carrying a photo may be this large, so a file somewhat over PHOTO_MAX_BYTES
    # still reaches the form and gets its message there; anything larger answers 413.
    PHOTO_REQUEST_MAX_BYTES = 64 * 1024 * 1024
    PHOTO_MAX_PIXELS = 50_000_000  # refused before decoding: a decompression bomb never expands

    # Email (sign-up links, password resets) through this SMTP server, with STARTTLS when
    # MAIL_USE_TLS. With no MAIL_SERVER, each message is written to MAIL_OUTBOX
    # (instance/outbox when unset) as a .eml file instead of being sent.
    MAIL_SERVER = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Afterglow <no-reply@localhost>"
    MAIL_TIMEOUT = 10  # seconds to wait for the SMTP server
    MAIL_OUTBOX = None
    SIGNUP_LINK_LIFETIME = timedelta(hours=24)
    PASSWORD_RESET_LIFETIME = timedelta(hours=1)

    # Web Push (app/services/push.py): the VAPID key `make run` generates once (instance/vapid_private_key.pem
    # when unset); without it the app runs and push says it is not set up. VAPID_SUBJECT is the contact push
    # services see ("mailto:" + MAIL_DEFAULT_SENDER's address when unset). A push service gets PUSH_TIMEOUT
    # seconds to answer; a message waits for an offline phone at most PUSH_TTL seconds. PUSH_ALLOW_LOCAL_HTTP
    # is for tests only: it admits http://127.0.0.1 endpoints, otherwise every endpoint must be public HTTPS.
    VAPID_PRIVATE_KEY_FILE = None
    VAPID_SUBJECT = None
    PUSH_TIMEOUT = 10
    PUSH_TTL = 12 * 60 * 60
    PUSH_ALLOW_LOCAL_HTTP = False

    # Logs and metrics (docs/deploy.md). ACCESS_LOG: the app writes a JSON access line per request when no
    # gunicorn does it. METRICS_TOKEN (env FLASK_METRICS_TOKEN): /metrics answers only
    # "Authorization: Bearer <it>"; unset, /metrics is a 404 like any unknown URL.
    ACCESS_LOG = True
    METRICS_TOKEN = None


SECRET_KEY_FILE = "secret_key"
# The deployment's own settings, read from the environment under their usual names (no FLASK_ prefix).
PLAIN_ENVIRONMENT = ("SECRET_KEY", "REDIS_URL", "PHOTO_STORAGE_URL")


def load_config(app, overrides=None):
    """Apply defaults, instance/config.py, the environment, then ``overrides``."""
    app.config.from_object("app.config.Config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_SESSION_COOKIE_SECURE, ...
    for name in PLAIN_ENVIRONMENT:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if overrides:
        app.config.from_mapping(overrides)

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "app.db")
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A database server may drop an idle connection, so each one is tested before use.
        # A SQLite connection is an open file that cannot go stale: testing it would only
        # cost a statement on every request.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = load_secret_key(app)


def normalise_database_url(url):
    """Let Heroku-style ``postgres://`` URLs select the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_secret_key(app):
    """Read the key ``make run`` generated into instance/, or refuse to start.

    There is deliberately no fallback value: a guessable key would let anyone
    forge a session cookie and read a patient's health data.
    """
    key_file = Path(app.instance_path) / SECRET_KEY_FILE
    if key_file.is_file():
        return key_file.read_text().strip()
    raise RuntimeError(
        f"SECRET_KEY is not set. Set the SECRET_KEY environment variable, or run "
        f"`make run` once, which generates one into {key_file}."
    )
