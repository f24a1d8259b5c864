"""Loading configuration into the app: instance file, environment, secret key."""

import os
from pathlib import Path

SECRET_KEY_FILE = "secret_key"


def load_config(app, overrides=None):
    """Apply defaults, instance/config.py, the environment, then ``overrides``."""
    app.config.from_object("app.config.Config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_SESSION_COOKIE_SECURE, ...
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
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
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
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
