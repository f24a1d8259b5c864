from datetime import UTC, datetime, timedelta

import pytest

from app.core.recovery import CONTACT, ON_TRACK, SLOWER
from app.core.triage import (
    NEED_ALERT,
    NEED_MISSED,
    NEED_NO_SESSION,
    NEED_ON_TRACK,
    NEED_SLOWER,
    describe_overdue,
    overdue_check_in,
    triage,
)

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
