"""What to do now, in app/aftercare.py."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.aftercare import aftercare_for
from app.core.recovery import WARNING_SIGNS, LogEntry

PERFORMED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def log(hours, redness=0, swelling=0, peeling=0, **extra):
    return LogEntry(
        logged_at=PERFORMED + timedelta(hours=hours), redness=redness, swelling=swelling, peeling=peeling, **extra
    )


def keys(hours, latest=None):
    return [item.key for item in aftercare_for(hours, latest)]


def test_first_day_no_makeup_gentle_care_no_heat_and_shade():
    assert keys(2) == ["no_makeup", "gentle_routine", "no_heat", "shade", "no_actives"]


def test_second_day_sunscreen_starts_and_heat_is_still_avoided():
    assert keys(30) == ["gentle_routine", "no_heat", "sunscreen", "no_actives", "no_picking"]


def test_peeling_days_keep_actives_out_and_hands_off():
    assert keys(72, log(70, peeling=2)) == ["gentle_routine", "sunscreen", "no_actives", "no_picking"]


def test_after_a_week_without_logs_back_to_the_usual_routine_but_keep_sunscreen():
    result = aftercare_for(24 * 8, None)
    assert [item.key for item in result] == ["sunscreen", "back_to_routine"]
    assert result[-1].text.startswith("Once any redness and peeling have settled")


def test_still_peeling_after_day_7_keeps_actives_out_and_hands_off():
    result = aftercare_for(24 * 9, log(24 * 9, peeling=1))
    assert [item.key for item in result] == ["gentle_routine", "sunscreen", "no_actives", "no_picking"]
    assert result[2].why == "They sting and can inflame skin that is still healing."


def test_redness_still_there_after_day_7_keeps_the_routine_gentle():
    assert keys(24 * 9, log(24 * 9, redness=1)) == ["gentle_routine", "sunscreen", "no_actives"]


def test_settled_skin_after_four_weeks_needs_only_the_usual_routine():
    result = aftercare_for(24 * 40, log(24 * 40))
    assert [item.key for item in result] == ["back_to_routine"]
    assert result[0].text.startswith("Your skin has settled")


@pytest.mark.parametrize("sign", sorted(set(WARNING_SIGNS) - {"fever"}))
def test_a_warning_sign_puts_contacting_the_clinic_first(sign):
    result = aftercare_for(50, log(50, warning_signs={sign}))
    assert result[0].key == "contact_clinic"
    assert result[0].text == "Contact your clinic today about the warning sign you ticked."


def test_fever_says_when_to_seek_care_now():
    first = aftercare_for(50, log(50, warning_signs={"fever", "pus"}))[0]
    assert "38 °C" in first.text and "seek medical care now" in first.text


def test_negative_hours_are_treated_as_the_moment_of_the_session():
    assert aftercare_for(-3, None) == aftercare_for(0, None)


@settings(max_examples=150)
@given(
    hours=st.floats(min_value=-100, max_value=400 * 24, allow_nan=False),
    levels=st.none() | st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)),
    signs=st.sets(st.sampled_from(list(WARNING_SIGNS))),
)
def test_advice_is_never_empty_and_every_item_says_why(hours, levels, signs):
    latest = None if levels is None else log(hours, *levels, warning_signs=signs)
    result = aftercare_for(hours, latest)
    assert result
    assert len({item.key for item in result}) == len(result)
    assert all(item.text and item.why for item in result)
    assert ("back_to_routine" in [item.key for item in result]) == ("no_actives" not in [item.key for item in result])
