"""The status paragraph in the clinic's words (recovery.clinic_status_message): what the patient was told."""

from datetime import UTC, datetime, timedelta

import pytest

from app.core import recovery

PERFORMED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NO_CAUSE = " The app names no cause; the reasons the patient saw are listed below."


def assessment(logs, hours_now, depth=0.5):
    """logs: (hours after the session, redness, swelling, peeling, warning signs)."""
    entries = [
        recovery.LogEntry(PERFORMED + timedelta(hours=h), redness=r, swelling=s, peeling=p, warning_signs=signs)
        for h, r, s, p, signs in logs
    ]
    return recovery.assess(recovery.SessionFacts(PERFORMED, depth), entries, PERFORMED + timedelta(hours=hours_now))


@pytest.mark.parametrize(
    "logs, hours_now, message",
    [
        ([], 5, "Nothing is logged yet for this session, so there is nothing to compare with the typical course."),
        ([(30, 1, 0, 0, {"pus"})], 31, "The patient was told to contact the clinic today." + NO_CAUSE),
        (
            [(30, 1, 0, 0, {"fever", "pus"})],
            31,
            "The patient was told to seek medical care now if unwell or at 38 °C (100.4 °F) or higher, "
            "otherwise to contact the clinic today." + NO_CAUSE,
        ),
        (
            [(80, 0, 0, 1, {"rash"})],
            81,
            "The patient was told to contact the clinic today and to stop any new skin product." + NO_CAUSE,
        ),
        (
            # Shallow needles, redness 2 on day 4: clearly visible past the downtime (72 h): "soon".
            [(96, 2, 0, 0, set())],
            97,
            "The patient's latest log is above the typical range, past the usual window for their needle depth. "
            "They were told it is not urgent and to call the clinic during opening hours, or to mention it at "
            "their next visit if that is soon." + NO_CAUSE,
        ),
        (
            # Faint pink on day 14: to watch, no alert.
            [(24 * 14, 1, 0, 0, set())],
            24 * 14 + 1,
            "The patient's latest log is a little above the typical range for this stage. They were told this "
            "usually settles on its own and to log again in a day or two. No alert is raised for this.",
        ),
        (
            [(30, 1, 0, 0, set())],
            31,
            "The patient's latest log is within the typical range for this stage (first 48 hours).",
        ),
    ],
)
def test_the_clinic_reads_what_the_patient_was_told(logs, hours_now, message):
    assessed = assessment(logs, hours_now)
    assert recovery.clinic_status_message(assessed) == message
    assert "your" not in message.lower().split()


def test_the_patient_and_the_clinic_read_different_paragraphs_of_the_same_status():
    assessed = assessment([(30, 1, 0, 0, {"pus"})], 31)
    assert recovery.status_message(assessed).startswith("Contact your clinic today.")
    assert recovery.clinic_status_message(assessed).startswith("The patient was told to contact the clinic today.")
