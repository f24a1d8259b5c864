from datetime import UTC, datetime, timedelta

import pytest

from app.web.filters import describe_elapsed, time_after


@pytest.mark.parametrize(
    "hours, words",
    [
        (0.25, "15 minutes"),
        (1, "1 hour"),
        (1.9, "1 hour"),
        (30, "30 hours"),
        (71.9, "71 hours"),
        (72, "3 days"),
        (24 * 200, "200 days"),
    ],
)
def test_describe_elapsed_uses_hours_while_they_matter_then_days(hours, words):
    assert describe_elapsed(hours) == words


def test_time_after_and_before():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert time_after(start + timedelta(hours=30), start) == "30 hours after"
    assert time_after(start - timedelta(hours=2), start) == "2 hours before"
