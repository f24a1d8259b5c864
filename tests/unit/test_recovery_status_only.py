"""Saving a log asks the model for the status only; it must match the full assessment exactly."""

import dataclasses
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.recovery import WARNING_SIGNS, Baseline, LogEntry, SessionFacts, assess

PERFORMED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

logs = st.lists(
    st.builds(
        LogEntry,
        logged_at=st.integers(0, 24 * 12).map(lambda hours: PERFORMED + timedelta(hours=hours)),
        redness=st.integers(0, 4),
        swelling=st.integers(0, 4),
        peeling=st.integers(0, 4),
        pain=st.none() | st.integers(0, 10),
        itch=st.none() | st.integers(0, 10),
        bruising=st.booleans(),
        warning_signs=st.frozensets(st.sampled_from(list(WARNING_SIGNS)), max_size=1),
    ),
    max_size=25,
)


baselines = st.builds(Baseline, st.integers(0, 4), st.integers(0, 4), st.integers(0, 4))


@settings(max_examples=150)
@given(logs, st.sampled_from([None, 0.25, 1.0, 2.5]), st.integers(0, 24 * 40), baselines)
def test_status_only_matches_the_full_assessment(entries, depth, hours_now, baseline):
    session = SessionFacts(PERFORMED, depth, baseline)
    now = PERFORMED + timedelta(hours=hours_now)
    full = assess(session, entries, now)
    quick = assess(session, entries, now, include_points=False)
    assert quick == dataclasses.replace(full, points=())
    assert len(full.points) == 3 * len(entries)
