"""What to do now, in app/core/aftercare.py: each item's window tried at its boundary and a minute before.

Windows from docs/recovery-model.md (aftercare table): no make-up and shade in the first 24 h; no heat in the
first 48 h; sunscreen from 24 h to 4 weeks; gentle care and no actives in the first 7 days or while the latest
log shows redness, swelling or peeling; no picking from 24 h to day 7 or while the latest log shows peeling;
back to the usual routine after that; a warning sign puts contacting the clinic first.
"""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.aftercare import aftercare_for
from app.core.recovery import LogEntry
from app.core.vocabulary import WARNING_SIGNS

PERFORMED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MINUTE = 1 / 60  # in hours
FIRST_DAY = ["no_makeup", "gentle_routine", "no_heat", "shade", "no_actives"]
SECOND_DAY = ["gentle_routine", "no_heat", "sunscreen", "no_actives", "no_picking"]
PEELING_DAYS = ["gentle_routine", "sunscreen", "no_actives", "no_picking"]
HEALED = ["sunscreen", "back_to_routine"]


def log(hours, redness=0, swelling=0, peeling=0, **extra):
    return LogEntry(
        logged_at=PERFORMED + timedelta(hours=hours), redness=redness, swelling=swelling, peeling=peeling, **extra
    )


def keys(hours, latest=None):
    return [item.key for item in aftercare_for(hours, latest)]


@pytest.mark.parametrize(
    "hours, expected",
    [
        (-3, FIRST_DAY),  # before the session counts as its moment
        (0, FIRST_DAY),
        (24 - MINUTE, FIRST_DAY),
        (24, SECOND_DAY),
        (48 - MINUTE, SECOND_DAY),
        (48, PEELING_DAYS),
        (168 - MINUTE, PEELING_DAYS),
        (168, HEALED),
        (28 * 24 - MINUTE, HEALED),
        (28 * 24, ["back_to_routine"]),
        (200 * 24, ["back_to_routine"]),
    ],
)
def test_advice_without_a_log_on_both_sides_of_each_window(hours, expected):
    assert keys(hours) == expected


@pytest.mark.parametrize(
    "hours, latest, expected",
    [
        # Settled skin after the first week: the usual routine, sunscreen until 4 weeks.
        (168, log(168), HEALED),
        (168 - MINUTE, log(160), PEELING_DAYS),
        # Still red, swollen or peeling after day 7: keep the routine gentle.
        (168, log(168, redness=1), ["gentle_routine", "sunscreen", "no_actives"]),
        (24 * 9, log(24 * 9, swelling=1), ["gentle_routine", "sunscreen", "no_actives"]),
        (24 * 9, log(24 * 9, peeling=1), ["gentle_routine", "sunscreen", "no_actives", "no_picking"]),
        (28 * 24, log(28 * 24, peeling=2), ["gentle_routine", "no_actives", "no_picking"]),
        (28 * 24, log(28 * 24, redness=4), ["gentle_routine", "no_actives"]),
        # Peeling keeps the hands off even in the first day.
        (10, log(10, peeling=1), [*FIRST_DAY, "no_picking"]),
        (30, log(30, redness=3, swelling=2), SECOND_DAY),
    ],
)
def test_advice_follows_the_latest_log(hours, latest, expected):
    assert keys(hours, latest) == expected


def test_the_reasons_change_once_the_first_week_is_over():
    first_week = {item.key: item.why for item in aftercare_for(24 * 3, log(24 * 3, peeling=1))}
    assert first_week["gentle_routine"] == "Mild products help the skin barrier repair."
    assert first_week["no_actives"] == (
        "They sting and can inflame healing skin; vitamin C serums have been linked to reactions."
    )
    later = {item.key: item.why for item in aftercare_for(24 * 9, log(24 * 9, peeling=1))}
    assert later["gentle_routine"] == (
        "Your last log still shows redness, swelling or peeling, so your skin is still healing."
    )
    assert later["no_actives"] == "They sting and can inflame skin that is still healing."


def test_back_to_the_usual_routine_says_whether_the_skin_was_seen_settled():
    assert aftercare_for(24 * 8, None)[-1].text == (
        "Once any redness and peeling have settled, go back to your usual skincare routine."
    )
    assert aftercare_for(24 * 40, log(24 * 40))[-1].text == (
        "Your skin has settled: you can go back to your usual skincare routine."
    )
    assert aftercare_for(24 * 40, None)[-1].why == "Expected reactions settle within a week."


def test_each_item_says_what_to_do_and_why():
    items = {item.key: (item.text, item.why) for item in aftercare_for(30, log(30, peeling=1))}
    items.update({item.key: (item.text, item.why) for item in aftercare_for(2, None)})
    assert items == {
        "no_makeup": (
            "Skip make-up and any skin product your practitioner did not give you.",
            "The tiny channels in your skin are still open, so products go deeper and can irritate.",
        ),
        "gentle_routine": (
            "Wash with a gentle cleanser and use a soothing moisturiser.",
            "Mild products help the skin barrier repair.",
        ),
        "no_heat": (
            "Avoid sweating, workouts, saunas, hot showers and swimming.",
            "Heat and sweat inflame fresh skin, and pools and gyms can carry germs into it.",
        ),
        "shade": (
            "Stay out of direct sun; start a high-SPF sunscreen after the first day.",
            "Freshly treated skin burns easily.",
        ),
        "sunscreen": (
            "Wear a high-SPF sunscreen every day and avoid direct sun.",
            "Healing skin burns and darkens more easily for a few weeks.",
        ),
        "no_actives": (
            "Leave out retinoids, acids (AHA/BHA), vitamin C and benzoyl peroxide.",
            "They sting and can inflame healing skin; vitamin C serums have been linked to reactions.",
        ),
        "no_picking": (
            "Let flaking skin come off on its own; do not pick or peel it.",
            "Picking can leave marks and let germs in.",
        ),
    }


@pytest.mark.parametrize("sign", sorted(set(WARNING_SIGNS) - {"fever"}))
def test_a_warning_sign_puts_contacting_the_clinic_first(sign):
    result = aftercare_for(50, log(50, warning_signs={sign}))
    assert [item.key for item in result] == ["contact_clinic", *PEELING_DAYS]
    assert (result[0].text, result[0].why) == (
        "Contact your clinic today about the warning sign you ticked.",
        "The sign you ticked can need treatment, and only your practitioner can tell what it is.",
    )


def test_fever_says_when_to_seek_care_now():
    first = aftercare_for(24 * 9, log(24 * 9, warning_signs={"fever", "pus"}))[0]
    assert (first.key, first.text) == (
        "contact_clinic",
        "If you feel unwell or your temperature is 38 °C (100.4 °F) or higher, "
        "seek medical care now; otherwise contact your clinic today.",
    )


def test_no_contact_item_without_a_warning_sign():
    assert "contact_clinic" not in keys(50, log(50, redness=4, swelling=4, pain=10))


@settings(max_examples=100)
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
