"""How the series' dates and the "too soon" notice read (app.services.series; plain values, no database)."""

from datetime import date

import pytest

from app.services.series import SeriesOverview, TooSoon, day_words, window_words

TODAY = date(2026, 6, 15)


def test_a_day_reads_with_or_without_its_year():
    assert day_words(date(2026, 12, 14)) == "14 December 2026"
    assert day_words(date(2026, 7, 5), with_year=False) == "5 July"


@pytest.mark.parametrize(
    ("opens", "closes", "words"),
    [
        (date(2026, 7, 12), date(2026, 7, 26), "12 July – 26 July"),
        (date(2026, 12, 7), date(2026, 12, 21), "7 December – 21 December"),
        # A window into the next year, or in a year other than this one, says its years.
        (date(2026, 12, 21), date(2027, 1, 4), "21 December 2026 – 4 January 2027"),
        (date(2027, 2, 1), date(2027, 2, 15), "1 February 2027 – 15 February 2027"),
        (date(2025, 7, 12), date(2025, 7, 26), "12 July 2025 – 26 July 2025"),
    ],
)
def test_a_window_says_the_year_only_when_it_leaves_this_one(opens, closes, words):
    assert window_words(opens, closes, TODAY) == words


@pytest.mark.parametrize(
    ("done", "planned", "words"),
    [
        (2, 4, "Session 2 of 4"),
        (4, 4, "Session 4 of 4"),
        (5, 4, "Session 5 (4 were planned)"),
        (2, None, "Session 2"),
    ],
)
def test_where_the_series_stands(done, planned, words):
    overview = SeriesOverview(planned_sessions=planned, interval_weeks=None, sessions_done=done, zone_name="UTC")
    assert overview.position == words


def test_the_notice_for_the_patient_says_the_gap_what_is_usual_and_what_to_do():
    assert TooSoon(previous_day="14 June", gap_days=1).sentence("patient") == (
        "This session is 1 day after your previous one (14 June). Sessions in a series are usually 4–6 weeks "
        "apart, to give the skin time to heal. If the date is wrong, edit the session; if not, mention it to "
        "your clinic."
    )


def test_the_notice_for_the_clinic_speaks_of_the_patient():
    assert TooSoon(previous_day="20 May", gap_days=26).sentence("clinic") == (
        "This session is 26 days after the patient's previous one (20 May). Sessions in a series are usually "
        "4–6 weeks apart, to give the skin time to heal. If the date is wrong, the patient can correct it from "
        "their session page."
    )


def test_a_session_the_same_day_says_so():
    assert (
        TooSoon(previous_day="15 June", gap_days=0)
        .sentence()
        .startswith("This session is on the same day as your previous one (15 June). ")
    )
