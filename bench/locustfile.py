"""Afterglow's load profile for Locust: patients on their phones, and now and then a practitioner.

    .venv-locust/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000
    (bench/load.py seeds the accounts and runs it headless, in steps of users)

Accounts come from the environment (bench/load.py sets them): BENCH_PATIENTS patients
load0@example.com ... and BENCH_PRACTITIONERS practitioners doctor0@example.com ...,
all with BENCH_PASSWORD; BENCH_PHOTO is the path of the JPEG attached to 1 log in 10.

Each simulated user logs in once (as a phone stays logged in) and then repeats visits.
Think times are a phone user's, in seconds (uniform in the ranges below):

patient visit (19 users in 20; bench/load.py sets the practitioners' number, users / 20 rounded):
  home 2-6 s; session page, charts included, read 8-20 s; then one of
  - log symptoms (6 in 10 visits): open the form, fill it in 15-40 s, save (1 in 10 with
    a photo), land back on the session page 4-10 s;
  - photos (2 in 10): the gallery (a before/after pair and the thumbnails on screen) 6-15 s;
  - the printable summary of the whole series, charts and all (1 in 10), 10-25 s;
  - nothing more (1 in 10);
  then away 10-30 s before the next visit.
practitioner visit (1 user in 20):
  dashboard page 1, 5-15 s; 1 in 2 pages on to another page, 5-15 s; opens 1-3 patients
  (their page with charts) 10-30 s each, 1 in 4 with their photos 5-12 s; away 10-30 s.

A phone keeps static files once fetched: each user fetches a page's CSS and scripts (and the
charts' plotly.js bundle) the first time only. Request names group ids as [id]. Figures are
reset BENCH_RESET_AFTER seconds after the start (bench/load.py: the ramp and 5 s more), so
every log-in is left out of them (Locust's own --reset-stats resets before the last log-ins).
"""

import itertools
import os
import random
import re
import time
import uuid
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "")
PATIENTS = int(os.environ.get("BENCH_PATIENTS", "0"))
PRACTITIONERS = int(os.environ.get("BENCH_PRACTITIONERS", "0"))
PHOTO_PATH = os.environ.get("BENCH_PHOTO", "")
RESET_AFTER = float(os.environ.get("BENCH_RESET_AFTER", "0"))
PHOTO_BYTES = Path(PHOTO_PATH).read_bytes() if PHOTO_PATH else b""

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CLIENT_ID = re.compile(r'name="client_id" type="hidden" value="([^"]+)"')
STATIC = re.compile(r'(?:href|src|data-plotly-src)="(/static/[^"?]+\.(?:css|js)(?:\?[^"]*)?)"')
SESSION_LINK = re.compile(r'href="/sessions/(\d+)"')
PHOTO_FILE = re.compile(r'src="(/photos/\d+/(screen|thumb)\.jpg)"')
PATIENT_LINK = re.compile(r'href="/clinic/patients/(\d+)')
LAST_PAGE = re.compile(r"page=(\d+)")

# Each simulated user takes the next account: one process hands them out in turn.
_patient_numbers = itertools.count()
_practitioner_numbers = itertools.count()


@events.test_start.add_listener
def reset_later(environment, **_):
    """Forget the figures of the first BENCH_RESET_AFTER seconds: log-ins, and users still starting."""
    if RESET_AFTER:
        gevent.spawn_later(RESET_AFTER, environment.stats.reset_all)


def think(low, high):
    time.sleep(random.uniform(low, high))  # gevent patches time.sleep: other users go on meanwhile


class Phone(HttpUser):
    abstract = True
    wait_time = between(10, 30)  # away between visits

    def on_start(self):
        self.seen_static = set()
        self.client.headers["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Locust"
        page = self.client.get("/auth/login", name="/auth/login")
        response = self.client.post(
            "/auth/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": CSRF.search(page.text).group(1)},
            name="/auth/login (post)",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"log-in failed for {self.email}: {response.status_code}")

    def page(self, path, name):
        """GET a page as a phone does: 200 or a failure, and its static files the first time only."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return ""
        for asset in STATIC.findall(response.text):
            if asset not in self.seen_static:
                self.seen_static.add(asset)
                self.client.get(asset, name="/static/[file]")
        return response.text

    def photo_page(self, path, name):
        """A page of photos: its two compared copies (shown at once), and the thumbnails a screen shows."""
        html = self.page(path, name)
        files = PHOTO_FILE.findall(html)
        thumbs = [url for url, variant in files if variant == "thumb"]
        for url, variant in files:
            if variant == "screen":
                self.client.get(url, name="/photos/[id]/screen.jpg")
        for url in thumbs[:12]:
            self.client.get(url, name="/photos/[id]/thumb.jpg")


class Patient(Phone):
    def on_start(self):
        self.email = f"load{next(_patient_numbers) % PATIENTS}@example.com"
        super().on_start()

    @task
    def visit(self):
        home = self.page("/", "/ (home)")
        sessions = SESSION_LINK.findall(home)
        think(2, 6)
        if not sessions:
            return
        session_id = max(sessions, key=int)  # the latest session, the one being followed
        self.page(f"/sessions/{session_id}", "/sessions/[id]")
        think(8, 20)
        roll = random.random()
        if roll < 0.6:
            self.log(session_id)
        elif roll < 0.8:
            self.photos()
        elif roll < 0.9:
            self.page("/summary", "/summary")
            think(10, 25)

    def log(self, session_id):
        form = self.page(f"/sessions/{session_id}/logs/new", "/sessions/[id]/logs/new")
        if not form:
            return
        think(15, 40)
        fields = {
            "csrf_token": CSRF.search(form).group(1),
            "client_id": (CLIENT_ID.search(form) or [None, str(uuid.uuid4())])[1],
            "redness": str(random.randint(0, 2)),
            "swelling": str(random.randint(0, 1)),
            "peeling": str(random.randint(0, 2)),
            "pain": str(random.randint(0, 3)),
        }
        if random.random() < 0.3:
            fields["note"] = "A little tight after washing."
        files = None
        if PHOTO_BYTES and random.random() < 0.1:
            files = {"photo": ("photo.jpg", PHOTO_BYTES, "image/jpeg")}
        name = "/sessions/[id]/logs/new (post, photo)" if files else "/sessions/[id]/logs/new (post)"
        with self.client.post(
            f"/sessions/{session_id}/logs/new",
            data=fields,
            files=files,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not saved: status {response.status_code}")
                return
        # The browser follows the redirect: the session page, with "Log saved".
        self.page(f"/sessions/{session_id}", "/sessions/[id]")
        think(4, 10)

    def photos(self):
        self.photo_page("/photos", "/photos")
        think(6, 15)


class Practitioner(Phone):
    # 1 user in 20, rounded: bench/load.py sets how many (Locust's weights would give one even to 3 users).
    fixed_count = int(os.environ.get("BENCH_PRACTITIONER_USERS", "0"))

    def on_start(self):
        self.email = f"doctor{next(_practitioner_numbers) % PRACTITIONERS}@example.com"
        super().on_start()

    @task
    def visit(self):
        dashboard = self.page("/clinic/", "/clinic/")
        think(5, 15)
        pages = [int(n) for n in LAST_PAGE.findall(dashboard)]
        if pages and random.random() < 0.5:
            dashboard = self.page(f"/clinic/?page={random.randint(2, max(pages))}", "/clinic/?page=[n]")
            think(5, 15)
        patients = sorted(set(PATIENT_LINK.findall(dashboard)))
        for patient_id in random.sample(patients, min(len(patients), random.randint(1, 3))):
            self.page(f"/clinic/patients/{patient_id}", "/clinic/patients/[id]")
            think(10, 30)
            if random.random() < 0.25:
                self.photo_page(f"/clinic/patients/{patient_id}/photos", "/clinic/patients/[id]/photos")
                think(5, 12)
