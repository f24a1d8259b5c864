"""local_time formats with Babel: the English of every template format is what strftime gave; unknown ones raise."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import refresh

from app.web.filters import DATE_PATTERNS, local_time

ROOT = Path(__file__).resolve().parents[2]
MOMENTS = (datetime(2026, 6, 15, 12, 0, tzinfo=UTC), datetime(2026, 9, 3, 7, 5, tzinfo=UTC))


def test_every_format_the_templates_and_app_use_has_a_pattern():
    used = set()
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt"), *ROOT.glob("app/**/*.py")]:
        used |= set(re.findall(r"local_time\((?:[^,()]+, )?[\"']([^\"']+)[\"']\)", path.read_text(encoding="utf-8")))
    assert used, "the search finds the formats"
    assert used <= DATE_PATTERNS.keys()


@pytest.mark.parametrize("fmt", sorted(DATE_PATTERNS))
def test_english_is_what_strftime_gave(app, fmt):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        for moment in MOMENTS:
            assert local_time(moment, fmt) == moment.strftime(fmt)


def test_written_out_english_and_spanish(app):
    moment = MOMENTS[0]
    with app.test_request_context():
        assert local_time(moment) == "Mon 15 Jun 2026, 12:00"
        assert local_time(moment, "%-d %b") == "15 Jun"
    with app.test_request_context(headers={"Accept-Language": "es"}):
        refresh()  # the fixture's app context (and Flask-Babel's cached locale) outlives each request context
        assert local_time(moment) == "lun, 15 jun 2026, 12:00"
        assert local_time(MOMENTS[1], "%a %-d %b %Y") == "jue, 3 sept 2026"
        assert local_time(moment, "%H:%M") == "12:00"


def test_an_unknown_format_raises_in_tests(app):
    with app.test_request_context(), pytest.raises(ValueError, match="DATE_PATTERNS"):
        local_time(MOMENTS[0], "%Y/%m/%d")
