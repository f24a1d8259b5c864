"""A clinic's opening hours, in app/core/opening_hours.py: reading what a practitioner typed, and whether the
clinic is open at a moment, on its own wall clock (a London clinic on a summer and a winter day, a clinic a
patient in another zone calls), each boundary tried at the minute and a minute before.
"""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.core.opening_hours import FORMAT_HELP, DayHours, Week, parse_day, tel_href

WEEKDAYS_9_TO_5 = {
    "monday": "09:00-17:30",
    "tuesday": "09:00-17:30",
    "wednesday": "9:00 - 17:30",
    "thursday": "09:00–17:30",  # an en dash, as phones type it
    "friday": "09:00-13:00",
    "saturday": "",
    "sunday": None,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-17:30", DayHours(time(9, 0), time(17, 30))),
        (" 8:15 -  12:00 ", DayHours(time(8, 15), time(12, 0))),
        ("07:00–19:00", DayHours(time(7, 0), time(19, 0))),
        ("00:00-23:59", DayHours(time(0, 0), time(23, 59))),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_hours_are_read_as_typed(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-5", FORMAT_HELP),
        ("09:00", FORMAT_HELP),
        ("09.00-17.00", FORMAT_HELP),
        ("24:00-25:00", FORMAT_HELP),
        ("09:60-17:00", FORMAT_HELP),
        ("09:0-17:00", FORMAT_HELP),
        ("١٢:00-13:00", FORMAT_HELP),  # Arabic-Indic digits are digits to Python, not to a clock
        ("open all day", FORMAT_HELP),
        ("17:00-09:00", "The closing time must come after the opening time, the same day."),
        ("09:00-09:00", "The closing time must come after the opening time, the same day."),
    ],
)
def test_unreadable_hours_say_why(text, message):
    with pytest.raises(ValueError) as error:
        parse_day(text)
    assert str(error.value) == message


def test_a_day_reads_as_patients_see_it():
    assert str(DayHours(time(9, 0), time(17, 30))) == "09:00–17:30"


def london():
    return Week.from_texts(WEEKDAYS_9_TO_5, "Europe/London")


@pytest.mark.parametrize(
    ("moment", "is_open", "today"),
    [
        # Monday 15 June 2026, British Summer Time (UTC+1): opens 08:00 UTC, closes 16:30 UTC.
        (datetime(2026, 6, 15, 7, 59, tzinfo=UTC), False, "Open today 09:00–17:30"),
        (datetime(2026, 6, 15, 8, 0, tzinfo=UTC), True, "Open today 09:00–17:30"),
        (datetime(2026, 6, 15, 16, 29, tzinfo=UTC), True, "Open today 09:00–17:30"),
        (datetime(2026, 6, 15, 16, 30, tzinfo=UTC), False, "Open today 09:00–17:30"),
        # Friday 19 June: closes at 13:00 London, 12:00 UTC.
        (datetime(2026, 6, 19, 11, 59, tzinfo=UTC), True, "Open today 09:00–13:00"),
        (datetime(2026, 6, 19, 12, 0, tzinfo=UTC), False, "Open today 09:00–13:00"),
        # Saturday and Sunday: closed all day.
        (datetime(2026, 6, 20, 10, 0, tzinfo=UTC), False, "Closed today"),
        (datetime(2026, 6, 21, 10, 0, tzinfo=UTC), False, "Closed today"),
        # Sunday 23:30 UTC is already Monday 00:30 in London: Monday's hours, not yet open.
        (datetime(2026, 6, 21, 23, 30, tzinfo=UTC), False, "Open today 09:00–17:30"),
        # Monday 12 January 2026, Greenwich Mean Time: London and UTC agree.
        (datetime(2026, 1, 12, 8, 59, tzinfo=UTC), False, "Open today 09:00–17:30"),
        (datetime(2026, 1, 12, 9, 0, tzinfo=UTC), True, "Open today 09:00–17:30"),
        (datetime(2026, 1, 12, 17, 29, tzinfo=UTC), True, "Open today 09:00–17:30"),
        (datetime(2026, 1, 12, 17, 30, tzinfo=UTC), False, "Open today 09:00–17:30"),
    ],
)
def test_open_now_on_the_clinics_own_clock(moment, is_open, today):
    week = london()
    assert week.is_open(moment) is is_open
    assert week.today_words(moment) == today


def test_a_patients_time_zone_does_not_change_the_clinics_clock():
    # 09:30 in New York on a Monday in June is 14:30 in London: open.
    moment = datetime(2026, 6, 15, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    assert london().is_open(moment) is True
    # 16:00 in New York is 21:00 in London: closed.
    assert london().is_open(datetime(2026, 6, 15, 16, 0, tzinfo=ZoneInfo("America/New_York"))) is False


@pytest.mark.parametrize(
    ("texts", "zone"),
    [
        (WEEKDAYS_9_TO_5, "Mars/Olympus_Mons"),
        (WEEKDAYS_9_TO_5, ""),
        ({**WEEKDAYS_9_TO_5, "monday": "nine to five"}, "Europe/London"),
        ({}, "Europe/London"),  # no hours given: nobody can say whether it is open
    ],
)
def test_no_week_when_the_hours_or_zone_cannot_be_read(texts, zone):
    assert Week.from_texts(texts, zone) is None


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("+44 (20) 7946-0000", "tel:+442079460000"),
        ("020 7946 0000", "tel:02079460000"),
        (" +1 212-555-0100", "tel:+12125550100"),
        ("", ""),
        ("() -", ""),
    ],
)
def test_a_phone_as_typed_becomes_a_tel_link(phone, expected):
    assert tel_href(phone) == expected
