from datetime import UTC, datetime, timedelta

import pytest

from app.core.triage import (
    NEED_ALERT,
    NEED_LABELS,
    NEED_MISSED,
    NEED_NO_LOGS,
    NEED_NO_SESSION,
    NEED_ON_TRACK,
    NEED_SLOWER,
    Triage,
    describe_overdue,
    need_of,
    overdue_check_in,
    triage,
)
from app.core.vocabulary import CONTACT, NO_LOGS, ON_TRACK, SLOWER

SESSION = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def h(hours):
    return SESSION + timedelta(hours=hours)


@pytest.mark.parametrize(
    "last_log_hours, now_hours, overdue_hours",
    [
        (None, 6, None),  # within the first 12 hours, nothing due yet
        (None, 13, 1),  # no log at all 13 hours after the session
        (10, 20, None),
        (10, 30, 8),  # first 48 h: a log every 12 hours
        (40, 47, None),
        (40, 100, None),  # after 48 h the interval is 3 days: due at 112 h
        (40, 120, 8),
        (100, 24 * 8, None),  # after the first week no check-in is expected
    ],
)
def test_overdue_check_in(last_log_hours, now_hours, overdue_hours):
    last = h(last_log_hours) if last_log_hours is not None else None
    result = overdue_check_in(SESSION, last, h(now_hours))
    assert result == (timedelta(hours=overdue_hours) if overdue_hours is not None else None)


def test_a_future_session_is_never_overdue():
    assert overdue_check_in(h(10), None, h(0)) is None


@pytest.mark.parametrize(
    "alerts, status, performed, last, now, need",
    [
        (1, ON_TRACK, 0, 5, 6, NEED_ALERT),  # an open alert beats everything
        (0, CONTACT, 0, 5, 6, NEED_ALERT),
        (0, SLOWER, 0, 5, 30, NEED_SLOWER),  # slower beats a missed check-in
        (0, ON_TRACK, 0, 5, 30, NEED_MISSED),
        (0, ON_TRACK, 0, 25, 30, NEED_ON_TRACK),
        (0, None, None, None, 30, NEED_NO_SESSION),
    ],
)
def test_need_categories(alerts, status, performed, last, now, need):
    result = triage(
        alerts, status, h(performed) if performed is not None else None, h(last) if last is not None else None, h(now)
    )
    assert result.need == need


def test_sort_order_puts_alerts_then_slower_then_longest_missed_then_on_track():
    rows = {
        "on track": triage(0, ON_TRACK, h(0), h(25), h(30)),
        "missed a little": triage(0, ON_TRACK, h(0), h(15), h(30)),
        "missed a lot": triage(0, ON_TRACK, h(0), None, h(30)),
        "slower": triage(0, SLOWER, h(0), h(29), h(30)),
        "alert": triage(2, ON_TRACK, h(0), h(29), h(30)),
        "no session": triage(0, None, None, None, h(30)),
    }
    order = sorted(rows, key=lambda name: rows[name].sort_key)
    assert order == ["alert", "slower", "missed a lot", "missed a little", "on track", "no session"]


def test_describe_overdue():
    assert describe_overdue(timedelta(minutes=20)) == "1 hour overdue"
    assert describe_overdue(timedelta(hours=5)) == "5 hours overdue"
    assert describe_overdue(timedelta(days=2, hours=3)) == "2 days overdue"


def m(hours, minutes=0):
    """A moment this many hours and minutes after the session."""
    return SESSION + timedelta(hours=hours, minutes=minutes)


# Check-in windows: a log every 12 hours in the first 48 hours, every 3 days up to day 7, then none.
# Each boundary is tried at the moment itself and a minute to either side.
@pytest.mark.parametrize(
    "last_log, now, overdue",
    [
        # First 48 hours, no log yet: the first log is due 12 hours after the session.
        (None, m(0), None),
        (None, m(11, 59), None),
        (None, m(12), None),  # due now, not yet overdue
        (None, m(12, 1), timedelta(minutes=1)),
        (None, m(47, 59), timedelta(hours=35, minutes=59)),
        # First 48 hours: 12 hours after the last log.
        (m(10), m(22), None),
        (m(10), m(22, 1), timedelta(minutes=1)),
        (m(30), m(47, 59), timedelta(hours=5, minutes=59)),
        # From hour 48 the interval is 3 days: the same log is not yet due.
        (m(30), m(48), None),
        (None, m(48), None),
        (None, m(72), None),
        (None, m(72, 1), timedelta(minutes=1)),
        (m(50), m(122), None),
        (m(50), m(122, 1), timedelta(minutes=1)),
        (m(50), m(167, 59), timedelta(hours=45, minutes=59)),
        # From day 7 no check-in is expected, however long ago the last log.
        (m(50), m(168), None),
        (None, m(168), None),
        (None, m(24 * 30), None),
        # A log from before the session (a baseline) does not count as a check-in after it.
        (m(-5), m(12), None),
        (m(-5), m(13), timedelta(hours=1)),
    ],
)
def test_check_in_windows_on_both_sides_of_each_boundary(last_log, now, overdue):
    assert overdue_check_in(SESSION, last_log, now) == overdue


@pytest.mark.parametrize("now", [m(-1), m(-24 * 3), m(0, -1)])
def test_a_session_in_the_future_has_nothing_due(now):
    assert overdue_check_in(SESSION, None, now) is None
    assert overdue_check_in(SESSION, m(-30), now) is None


@pytest.mark.parametrize(
    "overdue, words",
    [
        (timedelta(0), "1 hour overdue"),
        (timedelta(minutes=59), "1 hour overdue"),
        (timedelta(hours=1), "1 hour overdue"),
        (timedelta(hours=1, minutes=59), "1 hour overdue"),
        (timedelta(hours=2), "2 hours overdue"),
        (timedelta(hours=5, minutes=30), "5 hours overdue"),
        (timedelta(hours=47, minutes=59), "47 hours overdue"),
        (timedelta(hours=48), "2 days overdue"),
        (timedelta(hours=71, minutes=59), "2 days overdue"),
        (timedelta(hours=72), "3 days overdue"),
        (timedelta(days=5), "5 days overdue"),
        (timedelta(days=12, hours=23), "12 days overdue"),
    ],
)
def test_overdue_words_on_both_sides_of_each_boundary(overdue, words):
    assert describe_overdue(overdue) == words


@pytest.mark.parametrize(
    "alerts, status, overdue, has_session, need",
    [
        # An open alert or a "contact" status comes first, even without a session or with a missed log.
        (1, None, None, False, NEED_ALERT),
        (3, ON_TRACK, timedelta(hours=5), True, NEED_ALERT),
        (0, CONTACT, None, True, NEED_ALERT),
        (0, CONTACT, timedelta(hours=5), True, NEED_ALERT),
        (0, None, None, False, NEED_NO_SESSION),
        # Slower beats a missed check-in; a missed check-in beats "no logs yet" and "on track".
        (0, SLOWER, timedelta(hours=5), True, NEED_SLOWER),
        (0, SLOWER, None, True, NEED_SLOWER),
        (0, NO_LOGS, timedelta(minutes=1), True, NEED_MISSED),
        (0, ON_TRACK, timedelta(minutes=1), True, NEED_MISSED),
        (0, NO_LOGS, None, True, NEED_NO_LOGS),
        (0, ON_TRACK, None, True, NEED_ON_TRACK),
        (0, ON_TRACK, timedelta(0), True, NEED_ON_TRACK),
    ],
)
def test_need_of_each_combination(alerts, status, overdue, has_session, need):
    assert need_of(alerts, status, overdue, has_session) == need


def test_triage_of_a_new_session_without_logs_is_no_logs_until_the_first_log_is_due():
    assert triage(0, NO_LOGS, SESSION, None, m(12)) == Triage(NEED_NO_LOGS, None)
    assert triage(0, NO_LOGS, SESSION, None, m(12, 1)) == Triage(NEED_MISSED, timedelta(minutes=1))


def test_triage_without_a_session_has_nothing_overdue():
    assert triage(0, None, None, None, m(500)) == Triage(NEED_NO_SESSION, None)


def test_sort_keys_are_the_category_then_the_longest_overdue():
    assert Triage(NEED_ALERT, None).sort_key == (0, 0.0)
    assert Triage(NEED_SLOWER, timedelta(hours=2)).sort_key == (1, -7200.0)
    assert Triage(NEED_MISSED, timedelta(hours=1)).sort_key == (2, -3600.0)
    assert Triage(NEED_NO_LOGS, None).sort_key == (3, 0.0)
    assert Triage(NEED_ON_TRACK, None).sort_key == (4, 0.0)
    assert Triage(NEED_NO_SESSION, None).sort_key == (5, 0.0)


def test_the_dashboard_order_with_every_category():
    rows = {
        "no session": triage(0, None, None, None, m(30)),
        "on track": triage(0, ON_TRACK, SESSION, m(25), m(30)),
        "no logs, not yet due": triage(0, NO_LOGS, SESSION, None, m(6)),
        "missed by 3 hours": triage(0, ON_TRACK, SESSION, m(15), m(30)),
        "missed by 18 hours": triage(0, NO_LOGS, SESSION, None, m(30)),
        "slower": triage(0, SLOWER, SESSION, m(29), m(30)),
        "contact": triage(0, CONTACT, SESSION, m(29), m(30)),
    }
    assert sorted(rows, key=lambda name: rows[name].sort_key) == [
        "contact",
        "slower",
        "missed by 18 hours",
        "missed by 3 hours",
        "no logs, not yet due",
        "on track",
        "no session",
    ]


def test_every_need_has_words_for_the_dashboard():
    assert NEED_LABELS == {
        NEED_ALERT: "Open alerts",
        NEED_SLOWER: "Slower than typical",
        NEED_MISSED: "Missed check-in",
        NEED_NO_LOGS: "No logs yet",
        NEED_ON_TRACK: "On track",
        NEED_NO_SESSION: "No session yet",
    }
