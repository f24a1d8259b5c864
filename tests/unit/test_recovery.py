"""The typical course, the phases and the flags in app/recovery.py."""

import math
import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import recovery
from app.core.recovery import (
    DEEP,
    MEDIUM,
    SHALLOW,
    LogEntry,
    SessionFacts,
    assess,
    band_series,
    depth_band,
    expected_band,
    phase_at,
    status_message,
    summarise_point,
)
from app.core.vocabulary import CONTACT, ON_TRACK, SLOWER, SYMPTOMS, WARNING_SIGNS

PERFORMED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
FAST = settings(max_examples=150)


def at(hours):
    return PERFORMED + timedelta(hours=hours)


def log(hours, redness=0, swelling=0, peeling=0, **extra):
    return LogEntry(logged_at=at(hours), redness=redness, swelling=swelling, peeling=peeling, **extra)


def session(depth=0.5):
    return SessionFacts(performed_at=PERFORMED, needle_depth_mm=depth)


def run(logs, now_hours=None, depth=0.5):
    logs = list(logs)
    if now_hours is None:
        now_hours = max((hours_of(entry) for entry in logs), default=0) + 1
    return assess(session(depth), logs, at(now_hours))


def hours_of(entry):
    return (entry.logged_at - PERFORMED).total_seconds() / 3600


def flag_keys(assessment):
    return [flag.key for flag in assessment.flags]


# --- Depth ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "depth, expected",
    [
        (0.0, SHALLOW),
        (0.25, SHALLOW),
        (0.5, SHALLOW),
        (0.51, MEDIUM),
        (1.0, MEDIUM),
        (1.5, MEDIUM),
        (1.51, DEEP),
        (2.0, DEEP),
        (3.0, DEEP),
        (None, MEDIUM),
    ],
)
def test_depth_band_groups_needle_lengths(depth, expected):
    assert depth_band(depth) == expected


def test_depth_bands_carry_the_manufacturer_downtime():
    assert [band.typical_downtime_days for band in (SHALLOW, MEDIUM, DEEP)] == [(2, 3), (4, 5), (6, 7)]
    assert SHALLOW.stretch < MEDIUM.stretch < DEEP.stretch


@pytest.mark.parametrize("depth", [-0.1, float("nan")])
def test_impossible_depth_is_refused(depth):
    with pytest.raises(ValueError):
        depth_band(depth)
    with pytest.raises(ValueError):
        SessionFacts(performed_at=PERFORMED, needle_depth_mm=depth)


# --- Bands ---------------------------------------------------------------------------------


def test_redness_starts_like_a_mild_sunburn_and_is_gone_by_48_hours_for_shallow_needles():
    assert expected_band("redness", 0, SHALLOW) == recovery.Band(1, 3)
    assert expected_band("redness", 24, SHALLOW).high == 1
    assert expected_band("redness", 48, SHALLOW) == recovery.Band(0, 0)


def test_low_edge_reaches_zero_before_the_high_edge():
    for depth in (SHALLOW, MEDIUM, DEEP):
        half_fade = depth.fade_hours / 2
        assert expected_band("redness", half_fade, depth).low == 0
        assert expected_band("redness", half_fade, depth).high == 1


def test_deeper_needles_stretch_redness_and_swelling_but_never_past_7_days():
    for symptom in ("redness", "swelling"):
        assert expected_band(symptom, 60, SHALLOW).high == 0
        assert expected_band(symptom, 60, MEDIUM).high > 0
        assert expected_band(symptom, 120, DEEP).high > 0
        for depth in (SHALLOW, MEDIUM, DEEP):
            assert expected_band(symptom, 168, depth) == recovery.Band(0, 0)


def test_swelling_peaks_at_the_start():
    assert expected_band("swelling", 0, SHALLOW) == recovery.Band(0, 2.5)
    assert expected_band("swelling", 12, SHALLOW).high < 2.5


@pytest.mark.parametrize("depth", [SHALLOW, MEDIUM, DEEP])
def test_peeling_starts_after_day_one_peaks_days_3_to_5_and_ends_by_day_7(depth):
    assert expected_band("peeling", 12, depth).high == 0
    assert expected_band("peeling", 24, depth).high == 0
    assert 0 < expected_band("peeling", 36, depth).high < 1
    assert expected_band("peeling", 72, depth).high == depth.peeling_peak
    assert expected_band("peeling", 120, depth).high == depth.peeling_peak
    assert expected_band("peeling", 168, depth).high == 0
    assert expected_band("peeling", 96, depth).low == 0


def test_negative_hours_count_as_the_moment_of_the_session():
    for symptom in SYMPTOMS:
        assert expected_band(symptom, -5, MEDIUM) == expected_band(symptom, 0, MEDIUM)


def test_unknown_symptom_is_refused():
    with pytest.raises(ValueError):
        expected_band("pain", 10, SHALLOW)


def test_band_series_matches_expected_band_hour_by_hour():
    hours = [0, 6, 30.5, 100, 1000]
    assert band_series("peeling", DEEP, hours) == [expected_band("peeling", h, DEEP) for h in hours]


def test_position_uses_whole_levels():
    band = recovery.Band(low=1.0, high=0.75 + 1)
    assert band.position(2) == "within"
    assert band.position(3) == "above"
    assert band.position(0) == "below"
    assert recovery.Band(0, 0.04).position(1) == "within"


@FAST
@given(
    symptom=st.sampled_from(SYMPTOMS),
    hours=st.floats(min_value=-1e6, max_value=1e7, allow_nan=False),
    depth=st.one_of(st.none(), st.floats(min_value=0, max_value=3)),
)
def test_bands_stay_on_the_scale_and_low_never_exceeds_high(symptom, hours, depth):
    band = expected_band(symptom, hours, depth_band(depth))
    assert 0 <= band.low <= band.high <= 4


@FAST
@given(symptom=st.sampled_from(("redness", "swelling")), hours=st.floats(min_value=0, max_value=400))
def test_deeper_needles_never_narrow_the_redness_and_swelling_band(symptom, hours):
    highs = [expected_band(symptom, hours, depth).high for depth in (SHALLOW, MEDIUM, DEEP)]
    assert highs == sorted(highs)


# --- Phases and milestones -----------------------------------------------------------------


@pytest.mark.parametrize(
    "hours, key",
    [
        (-3, "first_48_hours"),
        (0, "first_48_hours"),
        (47.9, "first_48_hours"),
        (48, "peeling_days"),
        (167.9, "peeling_days"),
        (168, "remodelling"),
        (28 * 24 - 0.1, "remodelling"),
        (28 * 24, "next_session_window"),
        (30 * 24, "next_session_window"),
        (42 * 24, "results"),
        (179 * 24, "results"),
        (180 * 24, "maintenance"),
        (200 * 24, "maintenance"),
        (5000 * 24, "maintenance"),
    ],
)
def test_phase_at(hours, key):
    assert phase_at(hours).key == key


def test_phases_follow_each_other_without_gaps():
    phases = recovery.PHASES
    assert phases[0].starts_at_hours == 0
    for earlier, later in pairwise(phases):
        assert earlier.ends_at_hours == later.starts_at_hours
    assert phases[-1].ends_at_hours is None
    assert all(phase.label and phase.description for phase in phases)


def test_next_session_window_says_results_show_around_day_30():
    assert "day 30" in phase_at(30 * 24).description
    assert "6 to 12 months" in phase_at(200 * 24).description


def test_milestones_give_the_typical_timeline_in_hours():
    milestones = {m.key: m for m in recovery.MILESTONES}
    assert (milestones["redness_fades"].from_hours, milestones["redness_fades"].to_hours) == (24, 48)
    assert (milestones["peeling"].from_hours, milestones["peeling"].to_hours) == (48, 168)
    assert milestones["smoother_texture"].from_hours == 168
    assert milestones["results"].from_hours == 30 * 24
    assert (milestones["next_session"].from_hours, milestones["next_session"].to_hours) == (28 * 24, 42 * 24)


# --- Inputs --------------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        SessionFacts(performed_at=datetime(2025, 3, 1, 9), needle_depth_mm=0.5)
    with pytest.raises(ValueError):
        LogEntry(logged_at=datetime(2025, 3, 1, 9), redness=0, swelling=0, peeling=0)
    with pytest.raises(ValueError):
        assess(session(), [], datetime(2025, 3, 1, 9))


@pytest.mark.parametrize(
    "field, value",
    [
        ("redness", 5),
        ("swelling", -1),
        ("peeling", True),
        ("pain", 11),
        ("itch", 2.5),
        ("warning_signs", frozenset({"headache"})),
        ("improvement", "amazing"),
    ],
)
def test_out_of_range_log_values_are_refused(field, value):
    values = {"redness": 0, "swelling": 0, "peeling": 0, field: value}
    with pytest.raises(ValueError):
        LogEntry(logged_at=at(10), **values)


def test_warning_signs_may_be_given_as_any_collection():
    entry = log(10, warning_signs={"fever"})
    assert entry.warning_signs == frozenset({"fever"})


def test_the_status_is_a_key_never_words():
    assert run([log(30, redness=1)]).status == "on_track"
    assert run([log(80, redness=1)], depth=0.3).status == "slower"
    assert run([log(30, warning_signs={"fever"})]).status == "contact"


def test_hours_between_is_signed_and_hours_since_the_session_never_negative():
    assert recovery.hours_between(at(0), at(30)) == 30
    assert recovery.hours_between(at(2), at(0)) == -2
    assert recovery.hours_since_session(PERFORMED, at(30)) == 30
    assert recovery.hours_since_session(PERFORMED, at(-2)) == 0


def test_a_log_before_the_session_counts_as_hour_zero():
    result = assess(session(), [log(-2, redness=3, swelling=2)], at(1))
    assert [point.hours_since for point in result.points] == [0, 0, 0]
    assert result.status == "on_track"


# --- Assessment: shapes and edge inputs ----------------------------------------------------


def test_no_logs_is_on_track_with_nothing_to_plot():
    result = assess(session(), [], at(30))
    assert result.status == ON_TRACK
    assert result.flags == () and result.points == () and result.latest is None
    assert result.hours_since == 30
    assert result.phase.key == "first_48_hours"
    assert "Nothing logged yet" in status_message(result)


def test_single_typical_log_is_on_track_and_gives_one_point_per_symptom():
    result = run([log(30, redness=1, swelling=1, peeling=0, pain=3)])
    assert result.status == ON_TRACK
    assert [(p.symptom, p.value, p.position) for p in result.points] == [
        ("redness", 1, "within"),
        ("swelling", 1, "within"),
        ("peeling", 0, "within"),
    ]
    point = result.points[0]
    assert point.hours_since == 30 and point.band == expected_band("redness", 30, SHALLOW)


def test_out_of_order_logs_are_sorted_and_the_latest_is_the_newest():
    logs = [log(50), log(2, redness=3), log(26, redness=1)]
    result = run(logs, now_hours=60)
    assert result.latest == logs[0]
    assert [p.hours_since for p in result.points_for("redness")] == [2, 26, 50]


def test_assessment_does_not_depend_on_the_order_logs_arrive_in():
    logs = [log(h, redness=r, pain=p) for h, r, p in [(3, 3, 6), (30, 1, 4), (60, 2, 6), (80, 0, 2)]]
    expected = run(logs, now_hours=90)
    shuffled = logs[:]
    random.Random(4).shuffle(shuffled)
    assert run(shuffled, now_hours=90) == expected


def test_logs_saved_at_the_same_moment_are_not_a_rise():
    same_time = [log(60, pain=4), log(60, pain=1)]
    assert run(same_time).status == ON_TRACK
    assert run(same_time[::-1]).status == ON_TRACK


def test_missing_pain_and_itch_are_fine():
    result = run([log(30, redness=1), log(60, pain=None, itch=None)])
    assert result.status == ON_TRACK


@pytest.mark.parametrize("depth, key", [(0.0, "shallow"), (3.0, "deep"), (None, "medium")])
def test_depth_reaches_the_assessment(depth, key):
    result = run([log(40, redness=1)], depth=depth)
    assert result.depth.key == key


def test_unknown_depth_gives_the_medium_timeline():
    # Redness 1 on day 3 is typical for medium needles, a little slow for shallow ones.
    assert run([log(60, redness=1)], depth=None).points[0].position == "within"
    assert run([log(60, redness=1)], depth=0.3).points[0].position == "above"


def test_now_before_the_session_counts_as_hour_zero():
    result = assess(session(), [], at(-5))
    assert result.hours_since == 0
    assert result.phase.key == "first_48_hours"


def test_log_stamped_before_the_session_is_read_as_hour_zero():
    result = run([log(-2, redness=3, swelling=2)], now_hours=1)
    assert result.points[0].hours_since == 0
    assert result.status == ON_TRACK


def test_session_200_days_ago_with_a_healed_course():
    logs = [log(5, redness=2, swelling=1), log(50, peeling=1), log(24 * 30, improvement="improved")]
    result = run(logs, now_hours=200 * 24)
    assert result.phase.key == "maintenance"
    assert result.status == ON_TRACK


def test_an_old_red_flag_followed_by_good_logs_no_longer_raises_contact():
    logs = [log(30, pain=8), log(24 * 10)]
    assert run(logs, now_hours=24 * 5).status == CONTACT  # still within the week
    assert run(logs, now_hours=200 * 24).status == ON_TRACK


def test_a_warning_sign_in_the_latest_log_counts_however_old_it_is():
    result = run([log(30, warning_signs={"pus"})], now_hours=200 * 24)
    assert result.status == CONTACT


def test_a_warning_sign_within_the_past_week_counts_even_if_the_latest_log_looks_fine():
    logs = [log(60, warning_signs={"blisters"}), log(100)]
    assert run(logs, now_hours=24 * 6).status == CONTACT
    assert run(logs, now_hours=24 * 12).status == ON_TRACK


# --- Flags ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sign", list(WARNING_SIGNS))
def test_each_warning_sign_asks_to_contact_the_clinic(sign):
    result = run([log(20, redness=2, warning_signs={sign})])
    assert result.status == CONTACT
    assert flag_keys(result) == [f"sign_{sign}"]
    flag = result.flags[0]
    assert flag.severity == "contact" and flag.reason and "clinic" in flag.action


def test_fever_says_when_to_seek_care_now():
    action = run([log(20, warning_signs={"fever"})]).flags[0].action
    assert "38 °C" in action and "100.4 °F" in action and "seek medical care now" in action


@pytest.mark.parametrize("symptom", ["redness", "swelling"])
def test_redness_or_swelling_rising_again_after_day_2(symptom):
    result = run([log(30, **{symptom: 1}), log(60, **{symptom: 2})], depth=0.5)
    assert f"rising_{symptom}" in flag_keys(result)
    assert result.status == CONTACT
    assert "from 1 to 2" in result.flags[0].reason


def test_a_one_level_wobble_inside_the_typical_range_is_not_a_return():
    # Medium needles: faint pink on day 2 is still typical.
    result = run([log(30, redness=0), log(50, redness=1)], depth=1.0)
    assert result.status == ON_TRACK


def test_a_rise_compared_with_the_first_hours_does_not_count():
    result = run([log(3, redness=0), log(50, redness=1)], depth=1.0)
    assert "rising_redness" not in flag_keys(result)


def test_pain_rising_by_two_points_after_day_2():
    result = run([log(30, pain=2), log(60, pain=4)])
    assert flag_keys(result) == ["rising_pain"]
    assert run([log(30, pain=2), log(60, pain=3)]).status == ON_TRACK


@pytest.mark.parametrize("symptom", ["redness", "swelling"])
def test_redness_or_swelling_still_there_after_7_days(symptom):
    result = run([log(30, **{symptom: 1}), log(24 * 8, **{symptom: 1})], depth=3.0)
    assert flag_keys(result) == [f"persistent_{symptom}"]
    assert result.status == CONTACT


def test_redness_gone_after_7_days_is_fine():
    assert run([log(24 * 8, peeling=0)], depth=3.0).status == ON_TRACK


def test_severe_pain_after_the_first_day():
    assert flag_keys(run([log(30, pain=7)])) == ["severe_pain"]
    assert run([log(6, redness=2, pain=9)]).status == ON_TRACK


def test_strong_itch_from_day_3():
    assert flag_keys(run([log(80, peeling=2, itch=7)])) == ["strong_itch"]
    assert run([log(80, peeling=2, itch=5)]).status == ON_TRACK  # itch while peeling is typical
    assert run([log(30, itch=8)]).status == ON_TRACK


def test_redness_above_the_band_after_the_typical_downtime_is_slower():
    result = run([log(80, redness=1)], depth=0.3)
    assert flag_keys(result) == ["lingering_redness"]
    assert result.status == SLOWER
    assert result.flags[0].severity == "slower"


def test_above_the_band_within_the_downtime_is_not_flagged():
    # Shallow needles: faint pink at day 2.5 is above the seeds' timeline but inside the 2-3 day downtime.
    result = run([log(60, redness=1)], depth=0.3)
    assert result.points[0].position == "above"
    assert result.status == ON_TRACK


def test_downtime_depends_on_depth():
    assert run([log(100, redness=1)], depth=1.0).status == ON_TRACK
    assert run([log(121, redness=1)], depth=1.0).status == SLOWER


def test_peeling_past_7_days_is_slower_not_alarming():
    result = run([log(24 * 9, peeling=1)], depth=3.0)
    assert flag_keys(result) == ["lingering_peeling"]
    assert result.status == SLOWER


def test_well_above_the_band_early_is_slower():
    result = run([log(30, redness=3)], depth=0.5)
    assert flag_keys(result) == ["well_above_redness"]
    assert result.status == SLOWER
    assert run([log(30, swelling=4)], depth=0.5).status == SLOWER
    assert run([log(30, redness=2)], depth=0.5).status == ON_TRACK


def test_a_slow_course_that_caught_up_is_on_track():
    assert run([log(80, redness=1), log(100, redness=0)], depth=0.3).status == ON_TRACK


def test_bruising_lasting_past_10_days_is_slower():
    assert flag_keys(run([log(24 * 11, bruising=True)])) == ["lingering_bruising"]
    assert run([log(24 * 5, bruising=True)]).status == ON_TRACK


def test_contact_outranks_slower():
    result = run([log(80, redness=1, pain=8)], depth=0.3)
    assert {flag.severity for flag in result.flags} == {"contact", "slower"}
    assert result.status == CONTACT


def test_flags_never_diagnose_and_always_say_what_to_do():
    logs = [
        log(30, redness=1, swelling=1, pain=1),
        log(24 * 8, redness=3, swelling=2, peeling=2, pain=8, itch=8, bruising=True, warning_signs=set(WARNING_SIGNS)),
    ]
    result = run(logs, depth=0.5)
    assert len(result.flags) >= 8
    for flag in result.flags:
        assert flag.action.endswith(".")
        assert "you have" not in flag.reason.lower()
        assert "diagnos" not in flag.reason.lower()


# --- Words ---------------------------------------------------------------------------------


def test_summarise_point_reads_as_a_sentence():
    result = run([log(30, redness=1), log(80, redness=3, peeling=2)], depth=0.5)
    sentences = [summarise_point(point) for point in result.points]
    assert sentences[0] == "Redness 1 at 30 hours: within the typical range"
    assert "Redness 3 on day 3: above the typical range" in sentences
    assert "Peeling 2 on day 3: within the typical range" in sentences


def test_describe_time():
    assert recovery.describe_time(1) == "at 1 hour"
    assert recovery.describe_time(-4) == "at 0 hours"
    assert recovery.describe_time(200 * 24 + 5) == "on day 200"


def test_status_messages_say_what_to_do():
    on_track = status_message(run([log(30, redness=1)]))
    slower = status_message(run([log(80, redness=1)], depth=0.3))
    contact = status_message(run([log(30, warning_signs={"fever"})]))
    assert "healing the way it typically does" in on_track
    assert "more slowly than is typical" in slower
    assert contact.startswith("If you feel unwell or your temperature is 38 °C")
    assert "cannot tell what is causing it" in contact
    rash = status_message(run([log(80, warning_signs={"rash", "pus"})]))
    assert rash.startswith("Contact your clinic today.") and "Stop any new skin product" in rash
    assert rash.count("Contact your clinic today") == 1


# --- Properties ----------------------------------------------------------------------------


@st.composite
def typical_course(draw):
    """Logs whose every level lies within the typical range at its hour, as a calm course would."""
    depth = draw(st.one_of(st.none(), st.floats(min_value=0, max_value=3)))
    band = depth_band(depth)
    hours = sorted(draw(st.lists(st.floats(min_value=0, max_value=60 * 24), max_size=12)))
    pain_after_day_one = 6
    logs = []
    for hour in hours:
        levels = {}
        for symptom in SYMPTOMS:
            expected = expected_band(symptom, hour, band)
            levels[symptom] = draw(st.integers(math.floor(expected.low), math.ceil(expected.high)))
        if hour < 24:
            pain = draw(st.none() | st.integers(0, 10))
        else:
            # Pain that settles: pain growing again after day 2 is itself a red flag.
            pain = draw(st.none() | st.integers(0, pain_after_day_one))
            pain_after_day_one = pain if pain is not None else pain_after_day_one
        logs.append(
            LogEntry(
                logged_at=at(hour),
                pain=pain,
                itch=draw(st.none() | st.integers(0, 6)),
                bruising=hour < 24 * 7 and draw(st.booleans()),
                **levels,
            )
        )
    now = at(draw(st.floats(min_value=0, max_value=250 * 24)))
    return SessionFacts(performed_at=PERFORMED, needle_depth_mm=depth), logs, now


@FAST
@given(typical_course(), st.randoms())
def test_a_course_inside_the_typical_range_is_never_flagged(course, rng):
    facts, logs, now = course
    rng.shuffle(logs)
    result = assess(facts, logs, now)
    assert result.flags == ()
    assert result.status == ON_TRACK
    assert all(point.position != "above" for point in result.points)


@FAST
@given(typical_course(), st.sets(st.sampled_from(list(WARNING_SIGNS)), min_size=1))
def test_any_warning_sign_in_the_latest_log_means_contact_your_clinic(course, signs):
    facts, logs, now = course
    newest = max((entry.logged_at for entry in logs), default=PERFORMED) + timedelta(hours=1)
    flagged = LogEntry(logged_at=newest, redness=0, swelling=0, peeling=0, warning_signs=signs)
    result = assess(facts, [*logs, flagged], now)
    assert result.status == CONTACT
    assert {f"sign_{sign}" for sign in signs} <= set(flag_keys(result))


@FAST
@given(
    typical_course(),
    st.integers(0, 4),
    st.integers(0, 4),
    st.integers(0, 4),
    st.none() | st.integers(0, 10),
    st.none() | st.integers(0, 10),
)
def test_status_always_matches_the_most_serious_flag(course, redness, swelling, peeling, pain, itch):
    facts, logs, now = course
    newest = max((entry.logged_at for entry in logs), default=PERFORMED) + timedelta(hours=30)
    extra = LogEntry(logged_at=newest, redness=redness, swelling=swelling, peeling=peeling, pain=pain, itch=itch)
    result = assess(facts, [*logs, extra], now)
    severities = {flag.severity for flag in result.flags}
    expected = CONTACT if "contact" in severities else SLOWER if severities else ON_TRACK
    assert result.status == expected
    assert len(flag_keys(result)) == len(set(flag_keys(result)))
