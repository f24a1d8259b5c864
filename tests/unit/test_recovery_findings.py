"""Every finding of app/core/recovery.py, its severity and the status it leads to, across depths and days.

Expected flags and statuses are written out by hand from ../shared/domain/recovery-facts.md §5 and the tables in
docs/recovery-model.md, never derived from the code or from the flags under test. Each time or level threshold
is tried on both sides: at the threshold and a minute (or a level) before it.

The depth groups, as the model's table gives them (F: redness and swelling gone by; D: downtime ends):
shallow F 48 h, D 72 h; medium (and unknown depth) F 96 h, D 120 h; deep F 144 h, D 168 h.
"""

from datetime import UTC, datetime, timedelta

import pytest

from app.core import recovery
from app.core.recovery import Baseline, LogEntry, SessionFacts, assess, clinic_status_message, status_message
from app.core.vocabulary import CONTACT, NO_LOGS, ON_TRACK, SLOWER

PERFORMED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SHALLOW, MEDIUM, DEEP, UNKNOWN = 0.5, 1.0, 2.0, None

CONTACT_TODAY = "Contact your clinic today."
SEEK_CARE_NOW = (
    "If you feel unwell or your temperature is 38 °C (100.4 °F) or higher, "
    "seek medical care now; otherwise contact your clinic today."
)
STOP_NEW_PRODUCTS = "Stop any new skin product and contact your clinic today."
CALL_IN_HOURS = (
    "Call your clinic during opening hours, or mention it at your next visit if that is soon; "
    "keep using sun protection."
)
KEEP_WATCHING = "This usually settles on its own. Log again in a day or two; it is only a concern if it grows."


def at(hours, minutes=0):
    return PERFORMED + timedelta(hours=hours, minutes=minutes)


def log(hours, minutes=0, redness=0, swelling=0, peeling=0, **extra):
    return LogEntry(logged_at=at(hours, minutes), redness=redness, swelling=swelling, peeling=peeling, **extra)


def run(logs, depth=SHALLOW, now=None, baseline=None):
    """The assessment an hour after the newest log, unless `now` is given."""
    facts = SessionFacts(PERFORMED, depth, baseline or Baseline())
    newest = max(entry.logged_at for entry in logs) if logs else PERFORMED
    return assess(facts, logs, now or newest + timedelta(hours=1))


def found(result):
    return [(flag.key, flag.severity) for flag in result.flags]


# --- Warning signs: today, in any log of the past week ---------------------------------------


@pytest.mark.parametrize(
    "sign, key, action",
    [
        ("pus", "sign_pus", CONTACT_TODAY),
        ("fever", "sign_fever", SEEK_CARE_NOW),
        ("blisters", "sign_blisters", CONTACT_TODAY),
        ("rash", "sign_rash", STOP_NEW_PRODUCTS),
        ("worse_again", "sign_worse_again", CONTACT_TODAY),
    ],
)
@pytest.mark.parametrize("hours", [0, 20, 24 * 4, 24 * 30])
def test_each_warning_sign_is_for_today_at_any_hour(sign, key, action, hours):
    result = run([log(hours, warning_signs={sign})])
    assert found(result) == [(key, "today")]
    assert result.flags[0].action == action
    assert result.status == CONTACT


def test_several_warning_signs_are_listed_in_the_order_of_the_form():
    result = run([log(30, warning_signs={"worse_again", "pus", "fever"})])
    assert found(result) == [("sign_pus", "today"), ("sign_fever", "today"), ("sign_worse_again", "today")]


def test_warning_sign_reasons_name_no_diagnosis():
    result = run([log(30, warning_signs={"pus", "fever", "blisters", "rash", "worse_again"})])
    assert [flag.reason for flag in result.flags] == [
        "Pus or yellow crust is not part of normal healing.",
        "A fever after a skin treatment needs checking.",
        "Blisters or cold sores are not part of normal healing and may need treatment.",
        "Itchy bumps or a rash can be a reaction to a product or to the treatment.",
        "Skin that gets worse again after getting better needs checking.",
    ]


# --- Spreading swelling: today, at any hour -----------------------------------------------------


def test_swelling_at_the_top_of_the_scale_is_for_today_even_in_the_first_hour():
    result = run([log(0, swelling=4)])
    assert found(result) == [("spreading_swelling", "today"), ("above_typical_swelling", "watch")]
    assert (result.flags[0].reason, result.flags[0].action) == (
        "Swelling that spreads beyond the treated area or closes the eyes is more than expected.",
        "Contact your clinic today. If the swelling keeps spreading, or breathing or swallowing "
        "feels difficult, seek medical care now.",
    )
    assert result.status == CONTACT


def test_swelling_one_level_below_the_top_in_the_first_hours_is_typical():
    assert run([log(0, swelling=3)]).status == ON_TRACK
    assert run([log(7, 59, swelling=3)]).status == ON_TRACK


def test_spreading_swelling_on_day_10_is_for_today_before_anything_else():
    result = run([log(240, swelling=4)])
    assert found(result) == [("spreading_swelling", "today"), ("persistent_swelling", "soon")]


# --- Redness, swelling and pain rising again after day 2: today --------------------------------


@pytest.mark.parametrize(
    "logs, depth, expected",
    [
        # From 48 h on, higher than the lowest log from 24 h, and above the band.
        ([log(24), log(48, redness=2)], SHALLOW, [("rising_redness", "today"), ("above_typical_redness", "watch")]),
        ([log(24), log(47, 59, redness=2)], SHALLOW, [("above_typical_redness", "watch")]),
        ([log(24), log(60, redness=1)], SHALLOW, [("rising_redness", "today"), ("above_typical_redness", "watch")]),
        ([log(23, 59), log(60, redness=1)], SHALLOW, [("above_typical_redness", "watch")]),  # too early to compare
        ([log(30, redness=1), log(60, redness=1)], SHALLOW, [("above_typical_redness", "watch")]),  # not higher
        ([log(60, redness=1)], SHALLOW, [("above_typical_redness", "watch")]),  # nothing earlier to compare with
        # A one-level rise that stays inside the band is reporting noise (medium: redness 1 is typical at 50 h).
        ([log(30), log(50, redness=1)], MEDIUM, []),
        ([log(30), log(96, redness=1)], MEDIUM, [("rising_redness", "today"), ("above_typical_redness", "watch")]),
        ([log(30), log(95, 59, redness=1)], MEDIUM, []),
        ([log(30), log(95, 59, redness=2)], UNKNOWN, [("rising_redness", "today"), ("above_typical_redness", "watch")]),
        ([log(30), log(100, redness=1)], DEEP, []),
        ([log(30), log(144, redness=1)], DEEP, [("rising_redness", "today"), ("above_typical_redness", "watch")]),
        # Swelling, the same way.
        ([log(30), log(60, swelling=1)], SHALLOW, [("rising_swelling", "today"), ("above_typical_swelling", "watch")]),
        ([log(30), log(60, swelling=1)], MEDIUM, []),
        # Swelling back to 3 on day 6 (the issue's example): today, and clearly visible past the window.
        (
            [log(30, swelling=1), log(144, swelling=3)],
            SHALLOW,
            [("rising_swelling", "today"), ("persistent_swelling", "soon")],
        ),
    ],
)
def test_redness_or_swelling_rising_again(logs, depth, expected):
    assert found(run(logs, depth)) == expected


def test_the_rise_is_measured_from_the_lowest_level_since_day_1():
    result = run([log(30, redness=2), log(40, redness=0), log(60, redness=1)])
    assert found(result)[0] == ("rising_redness", "today")
    assert result.flags[0].reason == (
        "Redness went up again after the first two days (from 0 to 1); skin that gets worse again needs checking."
    )
    assert result.flags[0].action == CONTACT_TODAY


def test_a_rise_against_the_patients_usual_skin_needs_more_than_their_usual_level():
    assert run([log(30), log(60, redness=1)], baseline=Baseline(redness=1)).status == ON_TRACK
    result = run([log(30), log(60, redness=2)], baseline=Baseline(redness=1))
    assert found(result) == [("rising_redness", "today"), ("above_typical_redness", "watch")]


def test_logs_saved_at_the_same_moment_are_not_a_rise_but_count_for_a_later_log():
    assert found(run([log(60, redness=0), log(60, redness=1)])) == [("above_typical_redness", "watch")]
    rise = [("rising_redness", "today"), ("above_typical_redness", "watch")]
    assert found(run([log(59), log(60, redness=1)])) == rise
    assert run([log(60, pain=1), log(60, pain=4)]).status == ON_TRACK
    assert found(run([log(60, pain=1), log(60, pain=4), log(61, pain=3)])) == [("rising_pain", "today")]


@pytest.mark.parametrize(
    "logs, expected",
    [
        ([log(24, pain=2), log(48, pain=4)], [("rising_pain", "today")]),  # 2 points from 48 h on
        ([log(24, pain=2), log(47, 59, pain=4)], []),
        ([log(24, pain=2), log(48, pain=3)], []),  # 1 point is not a meaningful change
        ([log(23, 59, pain=0), log(48, pain=5)], []),  # the first day's pain is not compared
        ([log(30, pain=5), log(40, pain=1), log(60, pain=3)], [("rising_pain", "today")]),
        ([log(30, pain=3), log(40), log(60, pain=5)], [("rising_pain", "today")]),  # a log without pain is skipped
        ([log(30), log(60, pain=5)], []),
        ([log(30, pain=1), log(60)], []),
    ],
)
def test_pain_rising_again_by_2_points_after_day_2(logs, expected):
    assert found(run(logs)) == expected


def test_the_rising_pain_reason_says_from_what_to_what():
    result = run([log(30, pain=2), log(60, pain=6)])
    assert result.flags[0].reason == (
        "Pain went up again after the first two days (from 2 to 6); pain that grows again needs checking."
    )
    assert result.flags[0].action == CONTACT_TODAY


# --- Severe pain from day 1, strong itch from day 3: today ---------------------------------------


@pytest.mark.parametrize(
    "entry, expected",
    [
        (log(24, pain=7), [("severe_pain", "today")]),
        (log(23, 59, pain=10), []),  # the first day hurts
        (log(24, pain=6), []),
        (log(24 * 30, pain=9), [("severe_pain", "today")]),
        (log(72, itch=7), [("strong_itch", "today")]),
        (log(71, 59, itch=10), []),
        (log(72, itch=6, peeling=2), []),  # mild or moderate itch while peeling is typical
        (log(24 * 6, itch=8), [("strong_itch", "today")]),
    ],
)
def test_severe_pain_and_strong_itch(entry, expected):
    assert found(run([entry])) == expected


def test_severe_pain_and_strong_itch_say_what_to_do():
    pain, itch = run([log(80, pain=8, itch=7)]).flags
    assert (pain.key, pain.reason, pain.action) == (
        "severe_pain",
        "Pain of 8 out of 10 after the first day is more than expected.",
        "Contact your clinic today, especially if ordinary painkillers do not help.",
    )
    assert (itch.key, itch.action) == ("strong_itch", STOP_NEW_PRODUCTS)
    assert itch.reason == (
        "Strong itching (7 out of 10) from day 3 on can be a reaction to a product or to the treatment."
    )


# --- A finding for today stays up for a week; soon and watch look at the latest log only ------


def test_a_finding_for_today_in_an_earlier_log_counts_for_exactly_7_days():
    logs = [log(30, pain=8), log(100)]
    assert found(run(logs, now=at(30 + 168))) == [("severe_pain", "today")]
    assert run(logs, now=at(30 + 168)).status == CONTACT
    assert run(logs, now=at(30 + 168, 1)).status == ON_TRACK


def test_a_sign_in_the_latest_log_counts_however_old_it_is():
    assert found(run([log(30, warning_signs={"pus"})], now=at(200 * 24))) == [("sign_pus", "today")]


def test_a_rise_in_an_earlier_log_of_the_week_counts_after_the_skin_calmed_down():
    assert found(run([log(24), log(50, redness=2), log(60)])) == [("rising_redness", "today")]


def test_a_later_log_gives_a_finding_its_words():
    assert run([log(30, pain=8), log(40, pain=9)]).flags[0].reason.startswith("Pain of 9 out of 10")


def test_findings_for_soon_or_watch_in_an_earlier_log_are_forgotten_once_the_skin_caught_up():
    assert run([log(72, redness=2), log(100)]).status == ON_TRACK
    assert run([log(80, redness=1), log(100)]).status == ON_TRACK
    assert run([log(24 * 11, bruising=True), log(24 * 12)]).status == ON_TRACK


# --- Clearly visible past the window (soon), a little above the band (watch) ---------------------


@pytest.mark.parametrize(
    "depth, entry, expected",
    [
        # Shallow: F 48 h, D 72 h.
        (SHALLOW, log(47, 59, redness=1), []),
        (SHALLOW, log(48, redness=1), [("above_typical_redness", "watch")]),
        (SHALLOW, log(47, 59, redness=3), [("above_typical_redness", "watch")]),
        (SHALLOW, log(48, redness=3), [("persistent_redness", "soon")]),  # moderate once the band has it gone
        (SHALLOW, log(71, 59, redness=2), [("above_typical_redness", "watch")]),
        (SHALLOW, log(72, redness=2), [("persistent_redness", "soon")]),  # clearly visible past the downtime
        (SHALLOW, log(71, 59, redness=1), [("above_typical_redness", "watch")]),
        (SHALLOW, log(72, redness=1), [("lingering_redness", "watch")]),  # faint pink after healing
        (SHALLOW, log(24 * 42, redness=1), [("lingering_redness", "watch")]),  # the issue's day 42
        (SHALLOW, log(24 * 42, redness=2), [("persistent_redness", "soon")]),
        # Medium: F 96 h, D 120 h.
        (MEDIUM, log(95, 59, redness=1), []),
        (MEDIUM, log(96, redness=1), [("above_typical_redness", "watch")]),
        (MEDIUM, log(95, 59, redness=3), [("above_typical_redness", "watch")]),
        (MEDIUM, log(96, redness=3), [("persistent_redness", "soon")]),
        (MEDIUM, log(119, 59, redness=2), [("above_typical_redness", "watch")]),
        (MEDIUM, log(120, redness=2), [("persistent_redness", "soon")]),
        (MEDIUM, log(120, redness=1), [("lingering_redness", "watch")]),
        (MEDIUM, log(24 * 14, redness=1), [("lingering_redness", "watch")]),  # the issue's faint pink on day 14
        # Unknown depth: the medium timeline.
        (UNKNOWN, log(95, 59, redness=1), []),
        (UNKNOWN, log(119, 59, redness=2), [("above_typical_redness", "watch")]),
        (UNKNOWN, log(120, redness=2), [("persistent_redness", "soon")]),
        # Deep: F 144 h, D 168 h.
        (DEEP, log(143, 59, redness=1), []),
        (DEEP, log(144, redness=1), [("above_typical_redness", "watch")]),
        (DEEP, log(143, 59, redness=3), [("above_typical_redness", "watch")]),
        (DEEP, log(144, redness=3), [("persistent_redness", "soon")]),
        (DEEP, log(167, 59, redness=2), [("above_typical_redness", "watch")]),
        (DEEP, log(168, redness=2), [("persistent_redness", "soon")]),
        (DEEP, log(168, redness=1), [("lingering_redness", "watch")]),
        # Swelling follows the same windows.
        (SHALLOW, log(72, swelling=2), [("persistent_swelling", "soon")]),
        (SHALLOW, log(71, 59, swelling=2), [("above_typical_swelling", "watch")]),
        (MEDIUM, log(96, swelling=3), [("persistent_swelling", "soon")]),
        (DEEP, log(168, swelling=1), [("lingering_swelling", "watch")]),
        # Peeling is never for the clinic: a little past the band, at most watch.
        (SHALLOW, log(50, peeling=3), [("above_typical_peeling", "watch")]),
        (MEDIUM, log(50, peeling=3), []),
        (SHALLOW, log(72, peeling=3), [("lingering_peeling", "watch")]),
        (SHALLOW, log(24 * 10, peeling=4), [("lingering_peeling", "watch")]),
        (DEEP, log(167, 59, peeling=2), [("above_typical_peeling", "watch")]),
        (DEEP, log(168, peeling=1), [("lingering_peeling", "watch")]),
    ],
)
def test_the_latest_log_above_the_band(depth, entry, expected):
    assert found(run([entry], depth)) == expected


@pytest.mark.parametrize(
    "severity, status",
    [("soon", CONTACT), ("watch", SLOWER)],
)
def test_soon_means_contact_your_clinic_and_watch_means_slower(severity, status):
    entry = log(72, redness=2) if severity == "soon" else log(72, redness=1)
    result = run([entry])
    assert (result.flags[0].severity, result.status, result.most_urgent) == (severity, status, severity)


def test_faint_pink_after_healing_is_never_contact_your_clinic():
    for depth in (SHALLOW, MEDIUM, DEEP, UNKNOWN):
        for day in (8, 14, 42, 100):
            assert run([log(24 * day, redness=1)], depth).status == SLOWER


def test_the_reasons_and_actions_of_soon_and_watch():
    persistent = run([log(72, redness=2)]).flags[0]
    assert (persistent.reason, persistent.action) == (
        "Redness is still clearly visible on day 3, longer than is typical for your needle depth.",
        CALL_IN_HOURS,
    )
    lingering = run([log(24 * 14, swelling=1)], MEDIUM).flags[0]
    assert (lingering.reason, lingering.action) == ("A little swelling is still there on day 14.", KEEP_WATCHING)
    above = run([log(50, peeling=3)]).flags[0]
    assert (above.reason, above.action) == ("Peeling is above the typical range for this stage.", KEEP_WATCHING)


def test_one_log_can_be_above_the_band_for_several_symptoms():
    result = run([log(80, redness=1, swelling=2, peeling=3)])
    # Most urgent first; flags of the same severity keep the order redness, swelling, peeling.
    assert found(result) == [
        ("persistent_swelling", "soon"),
        ("lingering_redness", "watch"),
        ("lingering_peeling", "watch"),
    ]


# --- Bruising: watch from day 10, latest log only ---------------------------------------------


@pytest.mark.parametrize(
    "entry, expected",
    [
        (log(240, bruising=True), [("lingering_bruising", "watch")]),
        (log(239, 59, bruising=True), []),
        (log(24 * 5, bruising=True), []),
        (log(240, bruising=False), []),
    ],
)
def test_bruising_lasting_10_days(entry, expected):
    assert found(run([entry])) == expected


def test_lingering_bruising_says_when_to_mention_it():
    flag = run([log(24 * 12, bruising=True)]).flags[0]
    assert (flag.reason, flag.action) == (
        "Bruising is still there after 10 days; most bruising fades within 7 to 10 days.",
        "Mention it to your clinic at your next visit; call them if it spreads or hurts.",
    )


# --- The patient's usual skin ------------------------------------------------------------------


@pytest.mark.parametrize(
    "baseline, entry, depth, status",
    [
        (Baseline(redness=1), log(24 * 14, redness=1), SHALLOW, ON_TRACK),  # rosacea: starts pink, stays pink
        (Baseline(redness=1), log(24 * 14, redness=2), SHALLOW, CONTACT),  # clearly above the usual skin
        (Baseline(redness=2), log(24 * 14, redness=2), MEDIUM, ON_TRACK),
        (Baseline(redness=2), log(24 * 14, redness=3), MEDIUM, CONTACT),
        (Baseline(swelling=1), log(24 * 14, swelling=1), DEEP, ON_TRACK),
        (Baseline(peeling=1), log(24 * 14, peeling=1), SHALLOW, ON_TRACK),
        (Baseline(peeling=1), log(24 * 14, redness=1), SHALLOW, SLOWER),  # each symptom its own baseline
    ],
)
def test_levels_are_judged_against_the_patients_usual_skin(baseline, entry, depth, status):
    assert run([entry], depth, baseline=baseline).status == status


# --- Status and order ---------------------------------------------------------------------------


def test_a_session_without_logs_has_no_status_yet():
    result = run([], now=at(30))
    assert (result.status, result.flags, result.most_urgent) == (NO_LOGS, (), None)


def test_the_issues_examples():
    assert run([log(24, warning_signs={"blisters"})]).status == CONTACT  # blisters on day 1
    assert run([log(24 * 4, warning_signs={"fever"})]).status == CONTACT  # fever on day 4, calm skin
    assert run([log(24 * 2, swelling=1), log(24 * 6, swelling=3)]).status == CONTACT  # swelling back to 3 on day 6
    assert run([log(24 * 14, redness=1)], MEDIUM).status == SLOWER  # faint pink on day 14 after 1.0 mm
    assert run([log(24 * 42, redness=1)], SHALLOW).status == SLOWER  # faint pink on day 42 after 0.5 mm


def test_today_comes_before_watch_and_decides_the_status():
    result = run([log(80, redness=1, pain=8)])
    assert found(result) == [("severe_pain", "today"), ("lingering_redness", "watch")]
    assert (result.status, result.most_urgent) == (CONTACT, "today")


def test_soon_comes_before_watch_and_decides_the_status():
    result = run([log(80, redness=1, swelling=2)])
    assert found(result) == [("persistent_swelling", "soon"), ("lingering_redness", "watch")]
    assert (result.status, result.most_urgent) == (CONTACT, "soon")


def test_today_comes_before_soon():
    result = run([log(30), log(80, redness=2)])
    assert found(result) == [("rising_redness", "today"), ("persistent_redness", "soon")]
    assert result.most_urgent == "today"


def test_severities_statuses_and_alerts():
    assert recovery.SEVERITIES == ("today", "soon", "watch")
    assert recovery.ALERT_SEVERITIES == ("today", "soon")
    assert recovery.STATUS_OF_SEVERITY == {"today": CONTACT, "soon": CONTACT, "watch": SLOWER}
    result = run([log(30), log(80, redness=2, peeling=3, pain=9)])
    assert [(f.key, f.severity, f.raises_alert) for f in result.flags] == [
        ("rising_redness", "today", True),
        ("severe_pain", "today", True),
        ("persistent_redness", "soon", True),
        ("lingering_peeling", "watch", False),
    ]


def test_a_typical_log_is_on_track():
    assert found(run([log(30, redness=1, swelling=1, peeling=1, pain=3, itch=3)])) == []
    assert run([log(30, redness=1, swelling=1, peeling=1, pain=3, itch=3)]).status == ON_TRACK


def test_the_status_only_assessment_gives_the_same_flags():
    facts = SessionFacts(PERFORMED, SHALLOW)
    logs = [log(30, redness=2, pain=2), log(80, redness=2, pain=5)]
    quick = assess(facts, logs, at(81), include_points=False)
    assert (quick.status, found(quick), quick.points) == (
        CONTACT,
        [("rising_pain", "today"), ("persistent_redness", "soon")],
        (),
    )


# --- What the patient and the clinic are told ------------------------------------------------

FIRST_48_HOURS = (
    "Redness, warmth and mild swelling, much like a mild sunburn, at their strongest at first and then fading."
)
CANNOT_TELL = " This app cannot tell what is causing it; your practitioner can."
NO_CAUSE = " The app names no cause; the reasons the patient saw are listed below."


@pytest.mark.parametrize(
    "logs, message",
    [
        (
            [],
            f"Nothing is logged yet, so there is nothing to compare. {FIRST_48_HOURS} "
            "Log how your skin looks today; contact your clinic if anything worries you.",
        ),
        (
            [log(30, redness=1)],
            f"Your skin is healing the way it typically does at this stage. {FIRST_48_HOURS} "
            "Keep following your aftercare; contact your clinic if anything worries you.",
        ),
        ([log(30, warning_signs={"pus"})], CONTACT_TODAY + CANNOT_TELL),
        ([log(30, pain=8)], CONTACT_TODAY + CANNOT_TELL),
        ([log(30, warning_signs={"fever", "pus"})], SEEK_CARE_NOW + CANNOT_TELL),
        (
            [log(30, warning_signs={"rash", "pus"})],
            CONTACT_TODAY + " Stop any new skin product for now." + CANNOT_TELL,
        ),
        (
            [log(80, itch=8, warning_signs={"fever"})],
            SEEK_CARE_NOW + " Stop any new skin product for now." + CANNOT_TELL,
        ),
        ([log(72, redness=2)], "It is not urgent, but your clinic should know. " + CALL_IN_HOURS + CANNOT_TELL),
        (
            [log(72, redness=1)],
            "Your skin is settling a little more slowly than is typical. "
            f"{KEEP_WATCHING} Contact your clinic if anything gets worse or if you are worried.",
        ),
    ],
)
def test_status_message(logs, message):
    assert status_message(run(logs, now=at(31) if not logs else None)) == message


def test_the_patient_message_leads_with_what_is_for_today_even_beside_soon():
    assert status_message(run([log(72, redness=2, warning_signs={"fever"})])) == SEEK_CARE_NOW + CANNOT_TELL


@pytest.mark.parametrize(
    "logs, message",
    [
        (
            [],
            "Nothing is logged yet for this session, so there is nothing to compare with the typical course.",
        ),
        ([log(30)], "The patient's latest log is within the typical range for this stage (first 48 hours)."),
        ([log(24 * 8)], "The patient's latest log is within the typical range for this stage (rebuilding)."),
        ([log(30, warning_signs={"pus"})], "The patient was told to contact the clinic today." + NO_CAUSE),
        (
            [log(30, warning_signs={"fever"})],
            "The patient was told to seek medical care now if unwell or at 38 °C (100.4 °F) or higher, "
            "otherwise to contact the clinic today." + NO_CAUSE,
        ),
        (
            [log(30, warning_signs={"rash"})],
            "The patient was told to contact the clinic today and to stop any new skin product." + NO_CAUSE,
        ),
        (
            [log(72, redness=2)],
            "The patient's latest log is above the typical range, past the usual window for their needle depth. "
            "They were told it is not urgent and to call the clinic during opening hours, or to mention it at "
            "their next visit if that is soon." + NO_CAUSE,
        ),
        (
            [log(72, redness=1)],
            "The patient's latest log is a little above the typical range for this stage. They were told this "
            "usually settles on its own and to log again in a day or two. No alert is raised for this.",
        ),
    ],
)
def test_clinic_status_message(logs, message):
    assert clinic_status_message(run(logs, now=at(31) if not logs else None)) == message
