"""The private calendar feed: created from the reminders page, read by a phone's calendar without logging in,
holding the check-ins in the patient's zone and nothing about their skin, and dead once replaced or turned off."""

import hashlib
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.models import User
from tests.conftest import log_in

# NOW is Monday 15 June 2026, 12:00 UTC: 08:00 in New York (EDT, UTC-4).
NEW_YORK = ZoneInfo("America/New_York")
FEED_LINK = re.compile(r"http://localhost/calendar/([A-Za-z0-9_-]{43})\.ics")


@pytest.fixture
def nora(make_patient):
    return make_patient(email="nora@example.com", timezone="America/New_York")


@pytest.fixture
def nora_client(client, nora):
    log_in(client, nora)
    return client


@pytest.fixture
def reader(app):
    """A calendar app: nobody logged in."""
    return app.test_client()


def create_link(client):
    """Press "Add reminders to your phone's calendar"; the token shown on the page."""
    response = client.post("/reminders/calendar")
    assert response.status_code == 302
    assert response.headers["Location"] == "/reminders"
    (token,) = set(FEED_LINK.findall(client.get("/reminders").get_data(as_text=True)))
    return token


def read_feed(reader, token):
    response = reader.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def stored_hash(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id).calendar_token_hash


def test_the_link_is_shown_once_and_only_its_hash_is_kept(db, nora_client, nora):
    assert nora_client.post("/reminders/calendar").status_code == 302
    page = nora_client.get("/reminders").get_data(as_text=True)
    (token,) = set(FEED_LINK.findall(page))
    assert f'href="webcal://localhost/calendar/{token}.ics"' in page
    assert f'value="http://localhost/calendar/{token}.ics"' in page
    assert stored_hash(db, nora) == hashlib.sha256(token.encode()).hexdigest()
    stored = db.session.execute(sa.select(User.__table__).where(User.__table__.c.id == nora.id)).one()
    assert token not in [str(value) for value in stored]
    again = nora_client.get("/reminders").get_data(as_text=True)
    assert token not in again
    assert "Your calendar is on." in again
    assert token not in nora_client.get("/reminders").get_data(as_text=True)


def test_the_feed_holds_each_check_in_at_its_time_in_the_patients_zone(nora_client, nora, reader, make_session):
    # 14:00 UTC yesterday is 10:00 in New York: check-ins at 10:00 there, the first evening at 19:00.
    treatment = make_session(nora, hours_ago=22)
    calendar = read_feed(reader, create_link(nora_client))
    checkins = [event for event in calendar.events if event.get("SUMMARY") == "Afterglow check-in"]
    key = f"session-{treatment.id}"
    assert [(str(event["UID"]), event.start) for event in checkins] == [
        (f"{key}:checkin-0-{nora.id}@afterglow", datetime(2026, 6, 14, 19, 0, tzinfo=NEW_YORK)),
        (f"{key}:checkin-1-{nora.id}@afterglow", datetime(2026, 6, 15, 10, 0, tzinfo=NEW_YORK)),
        (f"{key}:checkin-2-{nora.id}@afterglow", datetime(2026, 6, 16, 10, 0, tzinfo=NEW_YORK)),
        (f"{key}:checkin-3-{nora.id}@afterglow", datetime(2026, 6, 17, 10, 0, tzinfo=NEW_YORK)),
        (f"{key}:checkin-5-{nora.id}@afterglow", datetime(2026, 6, 19, 10, 0, tzinfo=NEW_YORK)),
        (f"{key}:checkin-7-{nora.id}@afterglow", datetime(2026, 6, 21, 10, 0, tzinfo=NEW_YORK)),
        (f"{key}:checkin-14-{nora.id}@afterglow", datetime(2026, 6, 28, 10, 0, tzinfo=NEW_YORK)),
        (f"{key}:checkin-30-{nora.id}@afterglow", datetime(2026, 7, 14, 10, 0, tzinfo=NEW_YORK)),
    ]
    for event in checkins:
        assert event.start.tzinfo.key == "America/New_York"
        assert event.end == event.start.replace(minute=15)
        assert str(event["URL"]) == f"http://localhost/sessions/{treatment.id}/logs/new"
        assert f"http://localhost/sessions/{treatment.id}/logs/new" in str(event["DESCRIPTION"])
    assert [timezone.tz_name for timezone in calendar.timezones] == ["America/New_York"]
    assert b"DTSTART;TZID=America/New_York:20260615T100000" in calendar.to_ical()


def test_the_feed_plans_the_next_appointment_as_whole_days(nora_client, nora, reader, make_session):
    treatment = make_session(nora, hours_ago=22)  # 14 June in New York
    calendar = read_feed(reader, create_link(nora_client))
    (booking,) = [event for event in calendar.events if event.get("SUMMARY") != "Afterglow check-in"]
    assert str(booking["SUMMARY"]) == "Afterglow: plan your next appointment"
    assert str(booking["UID"]) == f"session-{treatment.id}:next-session-{nora.id}@afterglow"
    assert (booking.start, booking.end) == (date(2026, 7, 12), date(2026, 7, 27))  # 4-6 weeks, the end exclusive


def test_check_ins_in_quiet_hours_are_at_their_end(nora_client, nora, reader, make_session):
    # 10:00 UTC yesterday is 06:00 in New York: inside the quiet hours (21:00-08:00), so at 08:00.
    make_session(nora, hours_ago=26)
    calendar = read_feed(reader, create_link(nora_client))
    starts = [event.start for event in calendar.events if event.get("SUMMARY") == "Afterglow check-in"]
    assert starts[:2] == [datetime(2026, 6, 14, 19, 0, tzinfo=NEW_YORK), datetime(2026, 6, 15, 8, 0, tzinfo=NEW_YORK)]


def test_the_feed_says_nothing_about_the_skin_and_nothing_of_another_patient(
    nora_client, nora, reader, make_patient, make_session, make_log
):
    treatment = make_session(nora, hours_ago=22, notes="Nora's session note")
    make_log(treatment, hours_after=3, redness=3, swelling=3, note="Burning and blistering")
    other = make_patient(email="otto@example.com", timezone="America/New_York")
    others_session = make_session(other, hours_ago=5)
    body = reader.get(f"/calendar/{create_link(nora_client)}.ics").get_data(as_text=True)
    for word in ("Nora", "note", "Burning", "redness", "swelling", "peeling", "blister", "otto", "warning", "skin"):
        assert word.lower() not in body.lower()
    assert f"/sessions/{treatment.id}/logs/new" in body
    assert f"session-{others_session.id}:" not in body
    assert f"/sessions/{others_session.id}/" not in body


def test_the_feed_is_never_cached_or_indexed(nora_client, reader, make_session, nora):
    make_session(nora, hours_ago=22)
    response = reader.get(f"/calendar/{create_link(nora_client)}.ics")
    assert response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_a_patient_without_a_session_gets_an_empty_calendar(nora_client, reader):
    calendar = read_feed(reader, create_link(nora_client))
    assert calendar.events == []
    assert str(calendar["PRODID"]) == "-//Afterglow//Reminders//EN"


def test_turning_the_calendar_off_kills_the_link(db, nora_client, nora, reader, make_session):
    make_session(nora, hours_ago=22)
    token = create_link(nora_client)
    response = nora_client.post("/reminders/calendar/off")
    assert response.status_code == 302
    assert response.headers["Location"] == "/reminders"
    assert stored_hash(db, nora) is None
    assert reader.get(f"/calendar/{token}.ics").status_code == 404
    assert "Add reminders to your phone&#39;s calendar" in nora_client.get("/reminders").get_data(as_text=True)


def test_replacing_the_link_kills_the_old_one(nora_client, reader):
    old = create_link(nora_client)
    new = create_link(nora_client)
    assert new != old
    assert reader.get(f"/calendar/{old}.ics").status_code == 404
    assert reader.get(f"/calendar/{new}.ics").status_code == 200


def test_unknown_malformed_and_revoked_tokens_get_the_same_404(nora_client, reader):
    revoked = create_link(nora_client)
    nora_client.post("/reminders/calendar/off")
    answers = [
        reader.get(f"/calendar/{token}.ics")
        for token in (revoked, "A" * 43, "short", "A" * 44, "%00" + "A" * 40, "..", revoked.upper())
    ]
    assert [answer.status_code for answer in answers] == [404] * 7
    assert len({answer.data for answer in answers}) == 1


def test_a_practitioner_cannot_have_a_feed(db, client, make_clinic, make_practitioner, reader):
    practitioner = make_practitioner(make_clinic())
    log_in(client, practitioner)
    assert client.post("/reminders/calendar").status_code == 404
    assert stored_hash(db, practitioner) is None


def test_a_link_turned_off_before_it_was_shown_is_never_shown(nora_client):
    assert nora_client.post("/reminders/calendar").status_code == 302
    assert nora_client.post("/reminders/calendar/off").status_code == 302
    page = nora_client.get("/reminders").get_data(as_text=True)
    assert "/calendar/" not in page
    assert "The calendar is off: its link no longer works." in page
