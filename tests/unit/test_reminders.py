"""The pure reminder schedule: check-in times, quiet hours, what answers a check-in and when it expires,
the series' next window and maintenance. Every expected moment is written out by hand."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.reminders import (
    CHECKIN,
    IMPROVEMENT,
    MAINTENANCE,
    NEXT_SESSION,
    QuietHours,
    add_months,
    booking_reminder,
    checkin_times,
    checkins,
    series_plan,
    too_soon_after,
)

UTC_ZONE = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = QuietHours(time(21, 0), time(8, 0))
NONE = QuietHours(time(8, 0), time(8, 0))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def by_day(reminders):
    return {reminder.day: reminder for reminder in reminders}


# --- check-in times ---------------------------------------------------------------------------------


def test_check_ins_are_the_evening_of_the_session_then_days_1_2_3_5_7_14_30_at_its_time():
    assert checkin_times(utc(2026, 6, 15, 10, 0), UTC_ZONE) == [
        utc(2026, 6, 15, 19, 0),
        utc(2026, 6, 16, 10, 0),
        utc(2026, 6, 17, 10, 0),
        utc(2026, 6, 18, 10, 0),
        utc(2026, 6, 20, 10, 0),
        utc(2026, 6, 22, 10, 0),
        utc(2026, 6, 29, 10, 0),
        utc(2026, 7, 15, 10, 0),
    ]


def test_the_evening_is_19_00_in_the_patients_zone():
    # 10:00 in New York (EDT, UTC-4): the evening check-in is 19:00 there, 23:00 UTC.
    times = checkin_times(utc(2026, 6, 15, 14, 0), NEW_YORK)
    assert times[0] == utc(2026, 6, 15, 23, 0)
    assert times[1] == utc(2026, 6, 16, 14, 0)


def test_a_late_session_is_checked_on_three_hours_after_it():
    # 17:30 in London (BST) is 16:30 UTC: the evening check-in is 20:30 BST, 19:30 UTC.
    assert checkin_times(utc(2026, 6, 15, 16, 30), LONDON)[0] == utc(2026, 6, 15, 19, 30)


def test_a_session_at_23_00_is_checked_on_at_02_00_the_next_day():
    assert checkin_times(utc(2026, 6, 15, 23, 0), UTC_ZONE)[0] == utc(2026, 6, 16, 2, 0)


def test_a_session_at_16_00_is_checked_on_at_19_00_exactly():
    assert checkin_times(utc(2026, 6, 15, 16, 0), UTC_ZONE)[0] == utc(2026, 6, 15, 19, 0)


def test_check_ins_keep_the_sessions_local_time_when_the_clocks_go_forward():
    # Saturday 28 March 2026, 14:00 in London (GMT, UTC+0); the clocks go forward on Sunday 29 March.
    times = checkin_times(utc(2026, 3, 28, 14, 0), LONDON)
    assert times[0] == utc(2026, 3, 28, 19, 0)  # 19:00 GMT
    assert times[1] == utc(2026, 3, 29, 13, 0)  # 14:00 BST
    assert times[2] == utc(2026, 3, 30, 13, 0)
    assert times[1].astimezone(LONDON).hour == 14


def test_check_ins_keep_the_sessions_local_time_when_the_clocks_go_back():
    # Saturday 24 October 2026, 14:00 in London (BST, UTC+1); the clocks go back on Sunday 25 October.
    times = checkin_times(utc(2026, 10, 24, 13, 0), LONDON)
    assert times[0] == utc(2026, 10, 24, 18, 0)  # 19:00 BST
    assert times[1] == utc(2026, 10, 25, 14, 0)  # 14:00 GMT
    assert times[7] == utc(2026, 11, 23, 14, 0)  # day 30


def test_the_evening_check_in_on_the_day_the_clocks_go_forward_is_19_00_bst():
    # Sunday 29 March 2026, 10:00 BST (09:00 UTC): 19:00 BST is 18:00 UTC.
    assert checkin_times(utc(2026, 3, 29, 9, 0), LONDON)[0] == utc(2026, 3, 29, 18, 0)


def test_check_ins_have_keys_kinds_and_days():
    reminders = checkins(utc(2026, 6, 15, 10, 0), UTC_ZONE, NONE)
    assert [r.key for r in reminders] == [
        "checkin-0",
        "checkin-1",
        "checkin-2",
        "checkin-3",
        "checkin-5",
        "checkin-7",
        "checkin-14",
        "checkin-30",
    ]
    assert [r.day for r in reminders] == [0, 1, 2, 3, 5, 7, 14, 30]
    assert [r.kind for r in reminders] == [CHECKIN] * 7 + [IMPROVEMENT]


def test_day_30_asks_about_improvement():
    reminder = by_day(checkins(utc(2026, 6, 15, 10, 0), UTC_ZONE, NONE))[30]
    assert reminder.kind == IMPROVEMENT
    assert reminder.due_at == utc(2026, 7, 15, 10, 0)


# --- quiet hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "inside"),
    [
        (time(21, 0), True),
        (time(23, 30), True),
        (time(0, 0), True),
        (time(3, 0), True),
        (time(7, 59), True),
        (time(8, 0), False),
        (time(12, 0), False),
        (time(20, 59), False),
    ],
)
def test_quiet_hours_wrap_past_midnight(wall, inside):
    assert NIGHT.contains(wall) is inside


@pytest.mark.parametrize(
    ("wall", "inside"),
    [(time(12, 0), True), (time(13, 59), True), (time(14, 0), False), (time(11, 59), False), (time(22, 0), False)],
)
def test_quiet_hours_within_one_day(wall, inside):
    assert QuietHours(time(12, 0), time(14, 0)).contains(wall) is inside


@pytest.mark.parametrize("wall", [time(0, 0), time(7, 59), time(8, 0), time(12, 0), time(23, 59)])
def test_the_same_start_and_end_means_no_quiet_hours(wall):
    assert NONE.contains(wall) is False


def test_quiet_hours_are_read_from_hh_mm():
    assert QuietHours.parse("21:30", "7:05") == QuietHours(time(21, 30), time(7, 5))


@pytest.mark.parametrize(("start", "end"), [("25:00", "08:00"), ("21:00", ""), ("9pm", "08:00"), ("21:00", "08:60")])
def test_unreadable_quiet_hours_are_refused(start, end):
    with pytest.raises(ValueError):
        QuietHours.parse(start, end)


def test_a_moment_outside_quiet_hours_is_kept():
    assert NIGHT.next_allowed(utc(2026, 6, 15, 12, 0), UTC_ZONE) == utc(2026, 6, 15, 12, 0)


def test_a_moment_before_midnight_in_quiet_hours_moves_to_their_end_the_next_day():
    assert NIGHT.next_allowed(utc(2026, 6, 15, 22, 0), UTC_ZONE) == utc(2026, 6, 16, 8, 0)


def test_a_moment_after_midnight_in_quiet_hours_moves_to_their_end_the_same_day():
    assert NIGHT.next_allowed(utc(2026, 6, 16, 3, 0), UTC_ZONE) == utc(2026, 6, 16, 8, 0)


def test_a_moment_in_daytime_quiet_hours_moves_to_their_end():
    assert QuietHours(time(12, 0), time(14, 0)).next_allowed(utc(2026, 6, 15, 13, 0), UTC_ZONE) == utc(
        2026, 6, 15, 14, 0
    )


def test_quiet_hours_are_read_on_the_patients_wall_clock():
    # 21:30 UTC is 22:30 in London (BST): quiet until 08:00 BST, 07:00 UTC.
    assert NIGHT.next_allowed(utc(2026, 6, 15, 21, 30), LONDON) == utc(2026, 6, 16, 7, 0)
    # 00:30 UTC is 20:30 in New York (EDT): not quiet there.
    assert NIGHT.next_allowed(utc(2026, 6, 16, 0, 30), NEW_YORK) == utc(2026, 6, 16, 0, 30)


def test_a_check_in_in_quiet_hours_is_sent_when_they_end():
    # Quiet from 18:00 to 07:30: the 19:00 check-in is sent at 07:30 the next morning; due_at stays 19:00.
    evening = checkins(utc(2026, 6, 15, 10, 0), UTC_ZONE, QuietHours(time(18, 0), time(7, 30)))[0]
    assert evening.due_at == utc(2026, 6, 15, 19, 0)
    assert evening.send_at == utc(2026, 6, 16, 7, 30)


def test_a_check_in_outside_quiet_hours_is_sent_when_due():
    day_1 = by_day(checkins(utc(2026, 6, 15, 10, 0), UTC_ZONE, NIGHT))[1]
    assert day_1.send_at == day_1.due_at == utc(2026, 6, 16, 10, 0)


# --- what answers a check-in, and when it expires ---------------------------------------------------


def test_a_check_in_is_answered_from_12_hours_before_it():
    # Session 10:00: day 1 is 16 June 10:00, answered by a log from 15 June 22:00 on.
    reminders = by_day(checkins(utc(2026, 6, 15, 10, 0), UTC_ZONE, NONE))
    assert reminders[0].answered_from == utc(2026, 6, 15, 10, 0)  # the evening: any log after the session
    assert reminders[1].answered_from == utc(2026, 6, 15, 22, 0)
    assert reminders[2].answered_from == utc(2026, 6, 16, 22, 0)
    assert reminders[30].answered_from == utc(2026, 7, 14, 22, 0)


def test_a_check_in_is_never_answered_by_a_log_before_the_previous_check_in():
    # Session 06:00: the evening check-in is 19:00; day 1 (06:00 the next day) minus 12 hours would be 18:00.
    reminders = by_day(checkins(utc(2026, 6, 15, 6, 0), UTC_ZONE, NONE))
    assert reminders[1].answered_from == utc(2026, 6, 15, 19, 0)
    assert reminders[1].is_answered([utc(2026, 6, 15, 18, 59)]) is False
    assert reminders[1].is_answered([utc(2026, 6, 15, 19, 0)]) is True


def test_is_answered_by_any_log_from_its_moment():
    day_2 = by_day(checkins(utc(2026, 6, 15, 10, 0), UTC_ZONE, NONE))[2]
    assert day_2.is_answered([]) is False
    assert day_2.is_answered([utc(2026, 6, 16, 21, 59)]) is False
    assert day_2.is_answered([utc(2026, 6, 15, 12, 0), utc(2026, 6, 16, 22, 0)]) is True
    assert day_2.is_answered([utc(2026, 6, 20, 9, 0)]) is True


def test_a_check_in_expires_at_the_next_check_in_or_after_24_hours():
    reminders = by_day(checkins(utc(2026, 6, 15, 10, 0), UTC_ZONE, NONE))
    assert reminders[0].expires_at == utc(2026, 6, 16, 10, 0)  # day 1 comes 15 hours later
    assert reminders[1].expires_at == utc(2026, 6, 17, 10, 0)  # day 2, 24 hours later
    assert reminders[3].expires_at == utc(2026, 6, 19, 10, 0)  # day 5 is two days later: 24 hours
    assert reminders[30].expires_at == utc(2026, 7, 16, 10, 0)  # the last: 24 hours


def test_a_check_in_is_due_from_its_sending_until_it_expires():
    day_1 = by_day(checkins(utc(2026, 6, 15, 10, 0), UTC_ZONE, NONE))[1]
    assert day_1.is_due(utc(2026, 6, 16, 9, 59)) is False
    assert day_1.is_due(utc(2026, 6, 16, 10, 0)) is True
    assert day_1.is_due(utc(2026, 6, 17, 9, 59)) is True
    assert day_1.is_due(utc(2026, 6, 17, 10, 0)) is False


def test_a_check_in_moved_past_its_expiry_is_never_due():
    # Session 07:00, quiet 18:00-08:00: the evening check-in would go at 08:00, after day 1 (07:00) expired it.
    evening = checkins(utc(2026, 6, 15, 7, 0), UTC_ZONE, QuietHours(time(18, 0), time(8, 0)))[0]
    assert evening.send_at == utc(2026, 6, 16, 8, 0)
    assert evening.expires_at == utc(2026, 6, 16, 7, 0)
    assert evening.is_due(utc(2026, 6, 16, 8, 0)) is False


# --- the series ---------------------------------------------------------------------------------------


def test_the_next_session_window_is_4_to_6_weeks_after_the_latest():
    plan = series_plan(utc(2026, 6, 15, 12, 0), 1, UTC_ZONE)
    assert plan.next_window == (date(2026, 7, 13), date(2026, 7, 27))
    assert plan.next_target is None
    assert plan.maintenance_window is None
    assert plan.is_complete is False


def test_the_planned_interval_gives_a_target_date():
    plan = series_plan(utc(2026, 6, 15, 12, 0), 2, UTC_ZONE, planned_sessions=4, interval_weeks=5)
    assert plan.next_window == (date(2026, 7, 13), date(2026, 7, 27))
    assert plan.next_target == date(2026, 7, 20)


def test_the_window_counts_from_the_sessions_date_in_the_patients_zone():
    # 02:00 UTC on 15 June is 22:00 on 14 June in New York.
    plan = series_plan(utc(2026, 6, 15, 2, 0), 1, NEW_YORK)
    assert plan.next_window == (date(2026, 7, 12), date(2026, 7, 26))


def test_once_the_planned_sessions_are_done_maintenance_is_6_to_12_months_on():
    plan = series_plan(utc(2026, 6, 15, 12, 0), 3, UTC_ZONE, planned_sessions=3, interval_weeks=4)
    assert plan.next_window is None
    assert plan.next_target is None
    assert plan.maintenance_window == (date(2026, 12, 15), date(2027, 6, 15))
    assert plan.is_complete is True


@pytest.mark.parametrize(("done", "complete"), [(1, False), (5, False), (6, True), (7, True)])
def test_without_a_plan_the_series_goes_on_until_six_sessions(done, complete):
    assert series_plan(utc(2026, 6, 15, 12, 0), done, UTC_ZONE).is_complete is complete


def test_maintenance_after_31_august_opens_on_the_last_day_of_february():
    plan = series_plan(utc(2025, 8, 31, 12, 0), 6, UTC_ZONE)
    assert plan.maintenance_window == (date(2026, 2, 28), date(2026, 8, 31))


def test_booking_reminder_for_the_next_session_is_at_10_00_on_the_day_the_window_opens():
    plan = series_plan(utc(2026, 6, 15, 12, 0), 1, LONDON)
    reminder = booking_reminder(plan, LONDON, NIGHT)
    assert reminder.key == "next-session"
    assert reminder.kind == NEXT_SESSION
    assert reminder.day is None
    assert reminder.due_at == reminder.send_at == utc(2026, 7, 13, 9, 0)  # 10:00 BST
    assert reminder.expires_at == utc(2026, 7, 27, 23, 0)  # midnight BST after the window's last day
    assert reminder.answered_from is None
    assert reminder.is_answered([utc(2026, 7, 13, 12, 0)]) is False


def test_booking_reminder_for_maintenance():
    plan = series_plan(utc(2026, 6, 15, 12, 0), 3, UTC_ZONE, planned_sessions=3)
    reminder = booking_reminder(plan, UTC_ZONE, NIGHT)
    assert reminder.key == "maintenance"
    assert reminder.kind == MAINTENANCE
    assert reminder.due_at == utc(2026, 12, 15, 10, 0)
    assert reminder.expires_at == utc(2027, 6, 16, 0, 0)


def test_booking_reminder_waits_for_the_end_of_quiet_hours():
    plan = series_plan(utc(2026, 6, 15, 12, 0), 1, UTC_ZONE)
    reminder = booking_reminder(plan, UTC_ZONE, QuietHours(time(9, 0), time(11, 0)))
    assert reminder.due_at == utc(2026, 7, 13, 10, 0)
    assert reminder.send_at == utc(2026, 7, 13, 11, 0)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 6, 15), 12, date(2027, 6, 15)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("gap", "too_soon"),
    [
        (timedelta(days=1), True),
        (timedelta(0), True),
        (timedelta(days=27, hours=23), True),
        (timedelta(days=28), False),
        (timedelta(weeks=6), False),
        (timedelta(days=-1), False),
    ],
)
def test_too_soon_after(gap, too_soon):
    previous = utc(2026, 6, 1, 10, 0)
    assert too_soon_after(previous, previous + gap) is too_soon
