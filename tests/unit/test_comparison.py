"""Comparing a patient's sessions: when each settled (as defined in app/core/comparison.py), in words."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core import comparison, recovery
from app.core.comparison import SessionCourse, comparison_summary, course_sentence, settled_hours


def course(logs, number=1, depth=0.5, day=3, baseline=recovery.NO_BASELINE):
    """A session on 2026-05-<day> with logs (hours after, redness, swelling), peeling 0."""
    performed = datetime(2026, 5, day, 9, 0, tzinfo=UTC)
    entries = tuple(
        recovery.LogEntry(performed + timedelta(hours=h), redness=r, swelling=s, peeling=0) for h, r, s in logs
    )
    return SessionCourse(number, date(2026, 5, day), recovery.SessionFacts(performed, depth, baseline), entries)


def test_the_label_is_the_number_and_the_local_day():
    assert course([], number=1, day=3).label == "Session 1 (3 May)"
    assert course([], number=12, day=31).label == "Session 12 (31 May)"


@pytest.mark.parametrize(
    "logs, depth, expected",
    [
        ([], 0.5, None),  # nothing logged
        ([(2, 3, 2), (20, 1, 1), (30, 1, 0)], 0.5, 20),  # at 20 h shallow allows 2: 1 and 1 are settled
        ([(2, 3, 2), (20, 2, 1), (30, 1, 0)], 0.5, 30),  # redness 2 is not at or below 1
        ([(2, 3, 2), (20, 1, 2), (30, 1, 0)], 0.5, 30),  # nor is swelling 2
        ([(20, 1, 1), (30, 2, 0)], 0.5, None),  # settled, then redness came back: not settled yet
        ([(30, 1, 1), (60, 1, 0)], 0.5, None),  # at 60 h shallow allows 0: redness 1 is above
        ([(30, 1, 1), (60, 1, 0)], 1.0, 30),  # medium allows 1 until 96 h
        ([(30, 1, 1), (100, 1, 0)], 1.0, None),  # ... and 0 from 96 h
        ([(30, 0, 0), (30, 0, 0)], 0.5, 30),  # two logs at the same moment
        ([(50, 0, 0), (10, 3, 2)], 0.5, 50),  # entered out of order
    ],
)
def test_settled_is_the_first_log_from_which_redness_and_swelling_stay_settled(logs, depth, expected):
    assert settled_hours(course(logs, depth=depth)) == expected


def test_settled_is_judged_against_the_usual_skin():
    # Redness 2 is the patient's usual colour: at 30 h it is settled for them, and within the lifted band.
    usual = recovery.Baseline(redness=2)
    assert settled_hours(course([(30, 2, 0), (80, 2, 0)], baseline=usual)) == 30
    assert settled_hours(course([(30, 2, 0), (80, 2, 0)])) is None


@pytest.mark.parametrize(
    "logs, sentence",
    [
        ([], "Session 1 (3 May): no logs yet."),
        ([(2, 3, 2), (20, 2, 1)], "Session 1 (3 May): not settled yet (latest log at 20 hours)."),
        ([(2, 3, 2), (80, 2, 1)], "Session 1 (3 May): not settled yet (latest log on day 3)."),
        ([(2, 3, 2), (40, 1, 0)], "Session 1 (3 May): settled at 40 hours."),
        ([(2, 3, 2), (52, 0, 0)], "Session 1 (3 May): settled on day 2."),
    ],
)
def test_each_session_in_words(logs, sentence):
    assert course_sentence(course(logs)) == sentence


@pytest.mark.parametrize(
    "first_at, later_at, sentence",
    [
        (40, 28, "Session 3 settled about 12 hours sooner than session 1."),
        (28, 40, "Session 3 settled about 12 hours later than session 1."),
        (30, 25, "Session 3 settled at about the same time as session 1."),  # 5 hours: within 6
        (30, 36, "Session 3 settled about 6 hours later than session 1."),
        (20, 21, "Session 3 settled at about the same time as session 1."),
        (26, 25, "Session 3 settled at about the same time as session 1."),
        (120, 48, "Session 3 settled about 3 days sooner than session 1."),
        (46, 47.4, "Session 3 settled at about the same time as session 1."),
    ],
)
def test_a_later_session_against_the_first(first_at, later_at, sentence):
    first = course([(first_at, 0, 0)], number=1, depth=1.0)
    later = course([(later_at, 0, 0)], number=3, depth=1.0, day=31)
    assert comparison_summary([first, later])[0] == sentence


def test_a_difference_of_one_hour_past_the_threshold_is_said_in_hours():
    assert comparison._amount(7) == "about 7 hours"
    assert comparison._amount(1) == "about 1 hour"
    assert comparison._amount(47.4) == "about 47 hours"
    assert comparison._amount(48) == "about 2 days"


def test_different_needle_depths_are_named():
    first = course([(40, 1, 1)], number=1, depth=0.5)
    later = course([(90, 1, 1)], number=2, depth=1.0, day=20)
    assert comparison_summary([first, later])[0] == (
        "Session 2 settled about 2 days later than session 1. The needle depths differ (medium against shallow); "
        "deeper needles typically take longer to settle."
    )


def test_the_summary_compares_each_settled_session_with_the_first_that_settled():
    courses = [
        course([(2, 3, 2), (20, 2, 2)], number=1, day=1),  # not settled yet
        course([(40, 1, 1)], number=2, day=8),
        course([], number=3, day=15),
        course([(28, 1, 1)], number=4, day=22),
        course([(46, 0, 0)], number=5, day=29),
    ]
    assert comparison_summary(courses) == [
        "Session 4 settled about 12 hours sooner than session 2.",
        "Session 5 settled about 6 hours later than session 2.",
        "Session 1 (1 May): not settled yet (latest log at 20 hours).",
        "Session 2 (8 May): settled at 40 hours.",
        "Session 3 (15 May): no logs yet.",
        "Session 4 (22 May): settled at 28 hours.",
        "Session 5 (29 May): settled at 46 hours.",
        comparison.SETTLED_DEFINITION,
    ]


def test_with_fewer_than_two_settled_sessions_there_is_no_comparison_sentence():
    courses = [course([(20, 2, 2)], number=1), course([(30, 1, 1)], number=2, day=10)]
    assert comparison_summary(courses) == [
        "Session 1 (3 May): not settled yet (latest log at 20 hours).",
        "Session 2 (10 May): settled at 30 hours.",
        "Settled means redness and swelling at 1 or below and within the typical range, in one log and every log "
        "after it.",
    ]


def test_only_sessions_with_logs_are_drawn():
    courses = [course([(2, 3, 2)], number=1), course([], number=2), course([(5, 2, 1)], number=3)]
    assert [c.number for c in comparison.with_logs(courses)] == [1, 3]
