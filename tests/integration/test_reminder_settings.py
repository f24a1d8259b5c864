"""The patient's reminder page: the reminders still to come in their zone, and their choices (email, push,
quiet hours) saved or refused with a message beside the field. Through the app, as a patient uses it."""

import html
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.models import User
from app.services.reminder_settings import describe_when
from tests.conftest import PASSWORD, log_in

# NOW is Monday 15 June 2026, 12:00 UTC: 13:00 in London (BST).


def text_of(response):
    """The page's words, without tags, on one line."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(words)).replace(" :", ":").strip()


def coming_up(response):
    """The lines of the "Coming up" list, in order."""
    section = response.get_data(as_text=True).split('id="upcoming-heading"', 1)[1].split("</ul>", 1)[0]
    items = section.split("<li>")[1:]
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", item))).strip() for item in items]


@pytest.fixture
def londoner(make_patient):
    return make_patient(email="lena@example.com", timezone="Europe/London")


@pytest.fixture
def londoner_client(client, londoner):
    log_in(client, londoner)
    return client


def reload(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_the_page_lists_the_next_reminders_in_the_patients_zone(londoner_client, londoner, make_session):
    make_session(londoner, hours_ago=2)  # 10:00 UTC, 11:00 in London
    response = londoner_client.get("/reminders")
    assert response.status_code == 200
    assert coming_up(response) == [
        "Today 19:00 — check-in, the evening of your session",
        "Tomorrow 11:00 — check-in, day 1",
        "Wed 17 Jun 11:00 — check-in, day 2",
        "Thu 18 Jun 11:00 — check-in, day 3",
        "Sat 20 Jun 11:00 — check-in, day 5",
        "Mon 22 Jun 11:00 — check-in, day 7",
        "Mon 29 Jun 11:00 — check-in, day 14",
        "From Mon 13 Jul — book your next session",
    ]  # at most eight: day 30 (Wed 15 Jul) comes after these
    assert "Times are in your time zone, Europe/London." in text_of(response)


def test_a_check_in_already_logged_is_not_listed(londoner_client, londoner, make_session, make_log):
    treatment = make_session(londoner, hours_ago=2)
    make_log(treatment, hours_after=2)  # now: answers the evening check-in, not day 1
    assert coming_up(londoner_client.get("/reminders"))[:2] == [
        "Tomorrow 11:00 — check-in, day 1",
        "Wed 17 Jun 11:00 — check-in, day 2",
    ]


def test_expired_reminders_go_and_quiet_hours_move_the_rest(londoner_client, londoner, make_session):
    # 06:00 UTC yesterday, 07:00 in London: each day's check-in at 07:00 falls in the quiet hours (21:00-08:00)
    # and comes at 08:00. Yesterday evening's has expired; today's (day 1) is due now.
    treatment = make_session(londoner, hours_ago=30)
    response = londoner_client.get("/reminders")
    assert coming_up(response)[:3] == [
        "Now — check-in, day 1: log now",
        "Tomorrow 08:00 — check-in, day 2",
        "Wed 17 Jun 08:00 — check-in, day 3",
    ]
    assert f'href="/sessions/{treatment.id}/logs/new"' in response.get_data(as_text=True)


def test_no_session_no_reminders_and_nothing_of_another_patient(londoner_client, make_patient, make_session):
    other = make_patient(timezone="Europe/London")
    make_session(other, hours_ago=2)
    response = londoner_client.get("/reminders")
    assert response.status_code == 200
    assert coming_up(response) == []
    assert "No reminders to come." in text_of(response)


def test_the_form_shows_the_stored_choices(londoner_client):
    page = londoner_client.get("/reminders").get_data(as_text=True)
    assert re.search(r'<input[^>]* checked id="remind_by_email"', page)
    assert re.search(r'<input[^>]* checked id="remind_by_push"', page)
    assert 'value="21:00"' in page
    assert 'value="08:00"' in page


def test_choices_are_saved(db, londoner_client, londoner):
    response = londoner_client.post(
        "/reminders", data={"remind_by_push": "y", "quiet_hours_start": " 22:30 ", "quiet_hours_end": "7:00"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/reminders"
    saved = reload(db, londoner)
    assert saved.remind_by_email is False
    assert saved.remind_by_push is True
    assert (saved.quiet_hours_start, saved.quiet_hours_end) == ("22:30", "07:00")
    assert "Reminder choices saved." in text_of(londoner_client.get("/reminders"))


def test_new_quiet_hours_move_the_listed_reminders(londoner_client, londoner, make_session):
    make_session(londoner, hours_ago=2)  # 11:00 in London: the evening check-in is 19:00
    londoner_client.post(
        "/reminders",
        data={"remind_by_email": "y", "quiet_hours_start": "18:00", "quiet_hours_end": "09:30"},
    )
    assert coming_up(londoner_client.get("/reminders"))[0] == "Tomorrow 09:30 — check-in, the evening of your session"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quiet_hours_start", "25:00"),
        ("quiet_hours_start", "9pm"),
        ("quiet_hours_end", ""),
        ("quiet_hours_end", "08:60"),
        ("quiet_hours_end", "08:00:00"),
    ],
)
def test_unreadable_quiet_hours_are_refused_beside_the_field(db, londoner_client, londoner, field, value):
    data = {"remind_by_push": "y", "quiet_hours_start": "22:00", "quiet_hours_end": "07:00", field: value}
    response = londoner_client.post("/reminders", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(
        rf'<p class="error" id="{field}-error"><span class="visually-hidden">Error: </span>'
        r"Write a time as HH:MM, for example 21:00.</p>",
        page,
    )
    assert re.search(rf'<input[^>]* aria-invalid="true"[^>]* id="{field}"', page)
    saved = reload(db, londoner)
    assert (saved.remind_by_email, saved.quiet_hours_start, saved.quiet_hours_end) == (True, "21:00", "08:00")


def hidden_csrf(response):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def protected_client(csrf_app, londoner):
    """The londoner logged in to an app with CSRF protection on, as in production."""
    client = csrf_app.test_client()
    token = hidden_csrf(client.get("/auth/login"))
    data = {"email": londoner.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/auth/login", data=data).status_code == 302
    return client


def test_each_form_of_the_page_needs_its_csrf_token(db, protected_client, londoner):
    choices = {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00"}
    assert protected_client.post("/reminders", data=choices).status_code == 400
    assert protected_client.post("/reminders/calendar").status_code == 400
    saved = reload(db, londoner)
    assert (saved.quiet_hours_start, saved.calendar_token_hash) == ("21:00", None)
    token = hidden_csrf(protected_client.get("/reminders"))
    assert protected_client.post("/reminders/calendar", data={"csrf_token": token}).status_code == 302
    assert reload(db, londoner).calendar_token_hash is not None
    assert protected_client.post("/reminders/calendar/off").status_code == 400
    assert reload(db, londoner).calendar_token_hash is not None
    assert protected_client.post("/reminders", data={**choices, "csrf_token": token}).status_code == 302
    assert reload(db, londoner).quiet_hours_start == "22:00"


PAGES = [
    ("GET", "/reminders"),
    ("POST", "/reminders"),
    ("POST", "/reminders/calendar"),
    ("POST", "/reminders/calendar/off"),
]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_practitioners_get_404_and_visitors_are_sent_to_log_in(client, make_clinic, make_practitioner, method, url):
    assert client.open(url, method=method).status_code == 302
    assert client.open(url, method=method).headers["Location"].startswith("/auth/login")
    log_in(client, make_practitioner(make_clinic()))
    assert client.open(url, method=method, data={"quiet_hours_start": "22:00"}).status_code == 404


def test_patients_have_a_reminders_link_and_practitioners_none(client, londoner, make_clinic, make_practitioner):
    log_in(client, londoner)
    assert '<a href="/reminders">Reminders</a>' in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    log_in(client, make_practitioner(make_clinic()))
    assert 'href="/reminders"' not in client.get("/clinic/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("moment", "whole_day", "words"),
    [
        (datetime(2026, 6, 15, 11, 59, tzinfo=UTC), False, "Now"),
        (datetime(2026, 6, 15, 22, 59, tzinfo=UTC), False, "Today 23:59"),
        (datetime(2026, 6, 15, 23, 0, tzinfo=UTC), False, "Tomorrow 00:00"),  # midnight in London (BST)
        (datetime(2026, 6, 17, 9, 0, tzinfo=UTC), False, "Wed 17 Jun 10:00"),
        (datetime(2027, 1, 4, 9, 0, tzinfo=UTC), False, "Mon 4 Jan 2027 09:00"),  # GMT in January
        (datetime(2026, 7, 13, 9, 0, tzinfo=UTC), True, "From Mon 13 Jul"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), True, "From Thu 31 Dec"),
    ],
)
def test_when_a_reminder_comes_in_words(moment, whole_day, words):
    now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    assert describe_when(moment, now, ZoneInfo("Europe/London"), whole_day) == words
