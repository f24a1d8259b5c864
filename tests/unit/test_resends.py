"""Whether a log sent again under the same id repeats the stored one (app.services.logbook.same_log_content)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import SymptomLog
from app.services.logbook import log_content, same_log_content

AT = datetime(2026, 6, 15, 11, 30, tzinfo=UTC)


def log(**fields):
    values = dict(
        logged_at=AT,
        redness=2,
        swelling=1,
        peeling=0,
        pain=3,
        itch=None,
        bruising=False,
        pus=False,
        fever=False,
        blisters=False,
        rash=False,
        worse_again=False,
        improvement=None,
        note="",
    )
    values.update(fields)
    return SymptomLog(**values)


def test_the_same_answers_at_the_same_moment_are_a_resend():
    assert same_log_content(log_content(log()), log_content(log()))


def test_an_empty_note_is_the_same_whether_unset_or_stored_empty():
    assert same_log_content(log_content(log(note="")), log_content(log(note=None)))


@pytest.mark.parametrize("seconds, same", [(0, True), (299, True), (300, True), (301, False), (-301, False)])
def test_times_up_to_five_minutes_apart_are_the_same_now(seconds, same):
    later = log(logged_at=AT + timedelta(seconds=seconds))
    assert same_log_content(log_content(log()), log_content(later)) is same


@pytest.mark.parametrize(
    "field, value",
    [
        ("redness", 3),
        ("swelling", 0),
        ("peeling", 1),
        ("pain", None),
        ("itch", 0),
        ("bruising", True),
        ("pus", True),
        ("fever", True),
        ("blisters", True),
        ("rash", True),
        ("worse_again", True),
        ("improvement", "improved"),
        ("note", "Tight"),
    ],
)
def test_any_other_answer_is_another_log(field, value):
    assert not same_log_content(log_content(log()), log_content(log(**{field: value})))
