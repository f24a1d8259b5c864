"""Fixtures: an app on a throw-away database, a client, and builders for test data."""

import contextvars
import functools
import io
import itertools
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jinja2
import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase
from sqlalchemy.schema import CreateIndex, CreateTable
from werkzeug.datastructures import FileStorage
from werkzeug.routing.rules import Rule

from app.extensions import db as _db
from app.factory import create_app
from app.models import ROLE_PATIENT, ROLE_PRACTITIONER, CareLink, Clinic, SymptomLog, TreatmentSession, User
from app.services import logbook
from tests import s3_server, sample_images

# Property tests. `make test` and CI ("ci", loaded here): the same examples on every run
# (derandomized, no example database), so the suite never goes red by chance; every example that
# ever failed is kept beside its test as an @example. `make explore` (pytest --hypothesis-profile
# explore): fresh random examples, and each failure saved in .hypothesis/examples and tried first on
# the next run, until it is fixed and pinned. Neither runs the "explain" phase, which re-runs a
# failing test many times (each a request, in the hostile-input tests). A test may set its number of
# examples and health checks, never these.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=100,
    deadline=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    print_blob=True,
)
settings.register_profile(
    "explore",
    derandomize=False,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
    print_blob=True,
    database=DirectoryBasedExampleDatabase(Path(__file__).parent.parent / ".hypothesis" / "examples"),
)
settings.load_profile("ci")  # pytest's --hypothesis-profile, read after this file, can replace it


def _database_of_this_worker():
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (``<name>_gw0``, …), made if missing.

    Set before any test reads TEST_DATABASE_URL, so every fixture, migration test and server
    started by a test uses it, and two workers never meet in one database.
    """
    url, worker = os.environ.get("TEST_DATABASE_URL"), os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or not url.startswith("postgresql"):
        return
    base = sa.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).scalar()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    os.environ["TEST_DATABASE_URL"] = base.set(database=name).render_as_string(hide_password=False)


_database_of_this_worker()


# Speed only: every test builds a new app, and each app compiled its ~150 URL builders and every
# template it renders again (a tenth of a second per test). A running server does that once; here
# the compiled code is shared between the apps of one test process. Both are keyed by what they
# are compiled from, so a changed rule or template is compiled afresh.
class _SharedTemplateCode(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory for every app of this process."""

    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        if (code := self._code.get((bucket.key, bucket.checksum))) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[(bucket.key, bucket.checksum)] = bucket.bytecode_to_string()


_template_code = _SharedTemplateCode()
_create_jinja_environment = Flask.create_jinja_environment


def _jinja_environment_sharing_compiled_templates(self):
    environment = _create_jinja_environment(self)
    environment.bytecode_cache = _template_code
    return environment


Flask.create_jinja_environment = _jinja_environment_sharing_compiled_templates
_compile_builder = Rule._compile_builder
_url_builders = {}


def _shared_url_builder(self, append_unknown=True):
    # The builder's code depends on the rule's parts and defaults only (it reads converters through self).
    defaults = tuple(sorted((key, repr(value)) for key, value in (self.defaults or {}).items()))
    key = (self.rule, tuple(self._trace), defaults, append_unknown)
    if key not in _url_builders:
        _url_builders[key] = _compile_builder(self, append_unknown)
    return _url_builders[key]


Rule._compile_builder = _shared_url_builder

PASSWORD = "correct-horse-battery-staple"
# Every test runs at this moment unless it travels elsewhere.
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
_emails = itertools.count(1)


def _photo_store_config(tmp_path):
    """TEST_PHOTO_STORE=s3 (make test-s3): photos in moto's S3 server instead of the local folder.

    One server and bucket per test process; each test its own prefix (from its tmp_path, so a
    second app of the same test shares it), so "the store is empty" means this test's photos.
    """
    if os.environ.get("TEST_PHOTO_STORE") != "s3":
        return {}
    return {
        "PHOTO_STORAGE_URL": f"s3://{s3_server.bucket()}/photos/{tmp_path.name}",
        "S3_ENDPOINT_URL": s3_server.endpoint(),
        "S3_REGION": s3_server.REGION,
    }


def make_config(tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "tests-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # fast; scrypt is tested on its own
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MAIL_OUTBOX": str(tmp_path / "outbox"),  # no MAIL_SERVER: emails are files there (tests/mailbox.py)
        **_photo_store_config(tmp_path),
    }
    config.update(overrides)
    return config


@functools.cache
def _schema_scripts(dialect):
    """Three scripts for every table of the models: create them (with their indexes), drop them, empty them."""
    tables = _db.metadata.sorted_tables
    quote = dialect.identifier_preparer
    create = [CreateTable(table).compile(dialect=dialect) for table in tables]
    create += [CreateIndex(index).compile(dialect=dialect) for table in tables for index in table.indexes]
    drop = [f"DROP TABLE IF EXISTS {quote.format_table(table)}" for table in reversed(tables)]
    empty = [f"DELETE FROM {quote.format_table(table)}" for table in reversed(tables)]
    # Ids start at 1 again, as in a new database.
    sequences = [quote.quote(f"{table.name}_id_seq") for table in tables if "id" in table.columns]
    empty += [f"ALTER SEQUENCE IF EXISTS {sequence} RESTART" for sequence in sequences]
    return tuple(";\n".join(str(ddl).strip() for ddl in script) + ";" for script in (create, drop, empty))


def _run_script(engine, script):
    # One round trip instead of a statement (and a check) per table.
    connection = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            connection.driver_connection.executescript(script)
        else:
            connection.cursor().execute(script)
        connection.commit()
    finally:
        connection.close()


# On PostgreSQL, creating and dropping the tables costs about 90 ms a test and emptying them 5 ms, so
# the `app` fixture keeps them (emptied) for the next test that uses it. The URLs of the databases
# whose tables are kept; any other test (migrations, servers of their own) first finds them dropped.
_kept_tables = set()


def create_tables(engine):
    """Every table of the models, empty, as ``db.create_all()`` makes them (or as the last test left them, emptied)."""
    if engine.url.render_as_string(hide_password=False) not in _kept_tables:
        create, drop, _ = _schema_scripts(engine.dialect)
        _run_script(engine, drop + "\n" + create)  # whatever an interrupted run left behind goes first


def drop_tables(engine):
    """Drop every table of the models."""
    _kept_tables.discard(engine.url.render_as_string(hide_password=False))
    _run_script(engine, _schema_scripts(engine.dialect)[1])


def clear_tables(engine):
    """After a test: on PostgreSQL empty the tables and keep them for the next; elsewhere drop them."""
    if engine.dialect.name != "postgresql":
        drop_tables(engine)
        return
    try:
        _run_script(engine, _schema_scripts(engine.dialect)[2])
    except engine.dialect.loaded_dbapi.Error:  # the test changed the schema itself: the next starts from nothing
        drop_tables(engine)
    else:
        _kept_tables.add(engine.url.render_as_string(hide_password=False))


@pytest.fixture(autouse=True)
def _no_kept_tables_unless_app(request):
    """A test without the `app` fixture finds no tables, as before they were kept between tests."""
    if _kept_tables and "app" not in request.fixturenames:
        for url in list(_kept_tables):
            engine = sa.create_engine(url)
            try:
                drop_tables(engine)
            finally:
                engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, g and database session, as in production.

    Tests hold an app context open for their own queries; without this, Flask
    would reuse it for requests, and state such as the logged-in user cached
    on g would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app_config():
    """Settings a test module adds to the app's (override this fixture in the module)."""
    return {}


@pytest.fixture
def app(tmp_path, frozen_time, app_config):
    app = create_app(make_config(tmp_path, **app_config))
    app.test_client_class = FreshContextClient
    with app.app_context():
        create_tables(_db.engine)
        yield app
        _db.session.remove()
        clear_tables(_db.engine)
        _db.engine.dispose()  # close pooled connections now, not at garbage collection


@pytest.fixture
def csrf_app(app, tmp_path):
    """A second app on the same database with CSRF protection on, as in production."""
    protected = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    protected.test_client_class = FreshContextClient
    yield protected
    with protected.app_context():
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def make_patient(db):
    def make(email=None, password=PASSWORD, timezone="UTC", role=ROLE_PATIENT, **fields):
        user = User(email=email or f"patient{next(_emails)}@example.com", role=role, timezone=timezone, **fields)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_session(db):
    def make(patient, hours_ago=30, **fields):
        fields.setdefault("device", "derma_pen")
        fields.setdefault("areas", ["face"])
        fields.setdefault("needle_depth_mm", 0.5)
        treatment = TreatmentSession(patient=patient, performed_at=NOW - timedelta(hours=hours_ago), **fields)
        db.session.add(treatment)
        db.session.commit()
        return treatment

    return make


@pytest.fixture
def make_log(db):
    def make(treatment, hours_after=2, redness=2, swelling=1, peeling=0, **fields):
        log = SymptomLog(
            session=treatment,
            logged_at=treatment.performed_at + timedelta(hours=hours_after),
            redness=redness,
            swelling=swelling,
            peeling=peeling,
            **fields,
        )
        db.session.add(log)
        db.session.commit()
        return log

    return make


def log_in(client, user, password=PASSWORD):
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def patient(make_patient):
    return make_patient()


@pytest.fixture
def patient_client(client, patient):
    """A client logged in as ``patient``."""
    log_in(client, patient)
    return client


@pytest.fixture
def make_clinic(db):
    def make(name="Skin Clinic"):
        clinic = Clinic(name=name)
        db.session.add(clinic)
        db.session.commit()
        return clinic

    return make


@pytest.fixture
def make_practitioner(make_patient):
    """A practitioner of ``clinic`` (same password as every test user)."""

    def make(clinic, email=None, name="Dr Test"):
        return make_patient(
            email=email or f"doc{next(_emails)}@example.com", role=ROLE_PRACTITIONER, clinic_id=clinic.id, name=name
        )

    return make


@pytest.fixture
def share(db):
    """Link a patient to a clinic, as accepting an invite does."""

    def make(patient, clinic):
        link = CareLink(patient_id=patient.id, clinic_id=clinic.id)
        db.session.add(link)
        db.session.commit()
        return link

    return make


@pytest.fixture
def treatment(make_session, patient):
    """The patient's session of 30 hours ago."""
    return make_session(patient, hours_ago=30)


def store_photo(treatment, hours_after=1, colour=(200, 120, 100), size=(120, 90)):
    """A stored photo of the session (files and row), taken some hours after it; needs an app context."""
    upload = FileStorage(io.BytesIO(sample_images.jpeg(size=size, colour=colour)), filename="photo.jpg")
    return logbook.add_photo(treatment, upload, taken_at=treatment.performed_at + timedelta(hours=hours_after))


@pytest.fixture
def make_photo(db):
    return store_photo
