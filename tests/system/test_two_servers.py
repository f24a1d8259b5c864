"""Two app servers, one system: what a load balancer in front of several servers relies on.

Two gunicorn servers (2 workers each) run the same code from their own instance/ folders
(AFTERGLOW_INSTANCE_PATH), with one PostgreSQL database, one redis-server, the same secret key
and the same photo store (a bucket on moto's S3 server); the test talks to both as a load
balancer would, sending a patient's requests to either.

* A patient logs in on one server and keeps working on the other (the cookie is all they need).
* A log with a photo saved on one appears, photo and all, on the other.
* Failed log-ins sent to both count together: refused from the 11th, whichever server answers.
* The reminder sender started on both servers at the same moment sends each reminder once.
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
import requests
import sqlalchemy as sa

from app.extensions import db
from app.factory import create_app
from app.models import DELIVERY_SENT, ROLE_PATIENT, Delivery, SymptomLog, TreatmentSession, User, utcnow
from tests import s3_server
from tests.conftest import PASSWORD, make_config
from tests.mailbox import SMTP_PASSWORD, SMTP_USER, receiving_smtp_server
from tests.sample_images import jpeg
from tests.servers import PROJECT_ROOT, FromAddress, Gunicorn, csrf_token_in, redis_server, required

pytestmark = pytest.mark.system

PATIENT = "both-servers@example.com"
REMINDED = [f"reminded-{n}@example.com" for n in range(12)]
SECRET_KEY = os.urandom(32).hex()
PHOTO_LINK = re.compile(r"/photos/(\d+)/screen\.jpg")


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """The suite's PostgreSQL database with fresh tables and the patients of ``seed``."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        required("PostgreSQL", "set TEST_DATABASE_URL to a PostgreSQL database (.ci/run does)")
    app = create_app(make_config(tmp_path_factory.mktemp("seed")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        try:
            seed()
            yield url, app
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def session_of(patient, hours_ago):
    performed_at = utcnow() - timedelta(hours=hours_ago)
    return TreatmentSession(
        patient=patient, performed_at=performed_at, device="derma_pen", needle_depth_mm=0.5, areas=["face"]
    )


def seed():
    """One patient to log in, and twelve whose day-1 check-in fell due an hour ago (no quiet hours to wait for)."""
    patient = User(email=PATIENT, name="Bo Both", role=ROLE_PATIENT)
    patient.set_password(PASSWORD)
    db.session.add(session_of(patient, hours_ago=30))
    for email in REMINDED:
        reminded = User(email=email, role=ROLE_PATIENT, quiet_hours_start="00:00", quiet_hours_end="00:00")
        reminded.set_password(PASSWORD)
        db.session.add(session_of(reminded, hours_ago=25))
    db.session.commit()


def photo_store():
    """The photo store both servers share: a bucket on moto's S3 server (started in this test process)."""
    if not s3_server.available():
        required("moto", "make test-system installs it with requirements-dev.txt")
    return {
        "PHOTO_STORAGE_URL": f"s3://{s3_server.bucket()}/two-servers",
        "FLASK_S3_ENDPOINT_URL": s3_server.endpoint(),
        "FLASK_S3_REGION": s3_server.REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


@pytest.fixture(scope="module")
def system(database_url, tmp_path_factory):
    """The shared services, and the environment of each of the two servers."""
    url, app = database_url
    folder = tmp_path_factory.mktemp("system")
    with redis_server(folder) as redis_url, receiving_smtp_server() as mailbox:
        shared = {
            **os.environ,
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            **photo_store(),
            "FLASK_RATELIMIT_ENABLED": "true",
            "FLASK_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "FLASK_MAIL_SERVER": "127.0.0.1",
            "FLASK_MAIL_PORT": str(mailbox.port),
            "FLASK_MAIL_USE_TLS": "false",
            "FLASK_MAIL_USERNAME": SMTP_USER,
            "FLASK_MAIL_PASSWORD": SMTP_PASSWORD,
        }
        environments = [{**shared, "AFTERGLOW_INSTANCE_PATH": str(folder / name / "instance")} for name in "ab"]
        servers = []
        try:
            for name, env in zip("ab", environments, strict=True):
                servers.append(Gunicorn(env, folder / f"gunicorn-{name}.log", workers=2))
            yield servers, environments, mailbox, redis_url, app
        finally:
            for server in servers:
                server.stop()


def log_in(http, server, email, password=PASSWORD):
    token = csrf_token_in(http.get(f"{server.url}/auth/login", timeout=10).text)
    form = {"csrf_token": token, "email": email, "password": password}
    return http.post(f"{server.url}/auth/login", data=form, allow_redirects=False, timeout=10)


def test_a_patient_logged_in_on_one_server_keeps_working_on_the_other(system):
    (a, b), *_ = system
    http = requests.Session()
    assert log_in(http, a, PATIENT).status_code == 302

    with db_app(system):
        session_id = db.session.scalar(sa.select(TreatmentSession.id).join(User).where(User.email == PATIENT))
    home = http.get(f"{b.url}/", allow_redirects=False, timeout=10)
    assert home.status_code == 200
    assert f'href="/sessions/{session_id}"' in home.text

    # The log form's CSRF token comes from server A, the log goes to server B.
    form_page = http.get(f"{a.url}/sessions/{session_id}/logs/new", timeout=10)
    photo = jpeg(size=(640, 480))
    saved = http.post(
        f"{b.url}/sessions/{session_id}/logs/new",
        data={"csrf_token": csrf_token_in(form_page.text), "redness": "2", "swelling": "1", "peeling": "0"},
        files={"photo": ("skin.jpg", photo, "image/jpeg")},
        allow_redirects=False,
        timeout=30,
    )
    assert saved.status_code == 302, saved.text[:500]
    assert saved.headers["Location"].endswith(f"/sessions/{session_id}")

    # Server A shows the log and serves the photo that server B stored.
    page = http.get(f"{a.url}/sessions/{session_id}", timeout=10)
    assert page.status_code == 200
    photos_page = http.get(f"{a.url}/photos", timeout=10)
    photo_ids = PHOTO_LINK.findall(photos_page.text) or PHOTO_LINK.findall(page.text)
    assert len(set(photo_ids)) == 1
    from_a = http.get(f"{a.url}/photos/{photo_ids[0]}/screen.jpg", timeout=10)
    from_b = http.get(f"{b.url}/photos/{photo_ids[0]}/screen.jpg", timeout=10)
    assert from_a.status_code == from_b.status_code == 200
    assert from_a.headers["Content-Type"] == "image/jpeg"
    assert from_a.content == from_b.content and from_a.content[:3] == b"\xff\xd8\xff"
    stored = s3_server.object_names(s3_server.bucket(), "two-servers/")
    assert len(stored) == 2, "the photo's two sizes, in the shared bucket"
    with db_app(system):
        logs = db.session.scalars(sa.select(SymptomLog).where(SymptomLog.session_id == session_id)).all()
        assert [(log.redness, log.swelling, log.peeling) for log in logs] == [(2, 1, 0)]
        assert [photo.id for photo in db.session.get(TreatmentSession, session_id).photos] == [int(photo_ids[0])]

    # Logging out on B ends that log-in on A too, even for a copy of the cookies kept from before.
    kept = requests.Session()
    kept.cookies.update(http.cookies)
    out = http.post(
        f"{b.url}/auth/logout", data={"csrf_token": csrf_token_in(page.text)}, allow_redirects=False, timeout=10
    )
    assert out.status_code in (302, 303)
    after = kept.get(f"{a.url}/sessions/{session_id}", allow_redirects=False, timeout=10)
    assert after.status_code == 302 and "/auth/login" in after.headers["Location"]


def test_failed_log_ins_count_across_both_servers(system):
    (a, b), _, _, redis_url, _ = system
    statuses = []
    for attempt in range(20):
        http = requests.Session()
        http.mount("http://", FromAddress("127.0.0.7"))
        statuses.append(log_in(http, (a, b)[attempt % 2], PATIENT, password="not-the-password").status_code)
        http.close()
    assert statuses == [422] * 10 + [429] * 10
    with redis.Redis.from_url(redis_url) as counters:
        assert counters.keys("LIMITS*"), "the counters are in the shared Redis"


def test_reminders_sent_by_both_servers_at_once_are_sent_once(system):
    _, environments, mailbox, _, _ = system
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "send-reminders"]

    def send(env):
        return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)

    # Two senders per server, all four started together.
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(send, environments * 2))
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]

    received = sorted(message["To"] for message in mailbox.messages)
    assert received == sorted(REMINDED)
    with db_app(system):
        sent = sa.select(User.email, Delivery.key, Delivery.state).join(User, User.id == Delivery.user_id)
        deliveries = [(email, key.rsplit(":", 1)[-1], state) for email, key, state in db.session.execute(sent)]
        assert sorted(deliveries) == [(email, "checkin-1", DELIVERY_SENT) for email in sorted(REMINDED)]


class db_app:
    """The seeding app's context, to read what the servers stored."""

    def __init__(self, system):
        self.app = system[-1]

    def __enter__(self):
        self.context = self.app.app_context()
        self.context.push()

    def __exit__(self, *exc):
        db.session.remove()
        self.context.pop()
