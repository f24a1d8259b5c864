"""The core's translation functions outside the app: English text, placeholders filled, lazy words usable as str."""

import copy
import json

from app.core.i18n import gettext, lazy_gettext, ngettext
from app.core.vocabulary import STATUS_WORDS


def test_gettext_fills_named_placeholders():
    assert gettext("on day %(day)d", day=3) == "on day 3"
    assert gettext("Now") == "Now"


def test_ngettext_chooses_by_number_and_fills_num():
    assert ngettext("%(num)d hour", "%(num)d hours", 1) == "1 hour"
    assert ngettext("%(num)d hour", "%(num)d hours", 5) == "5 hours"
    two_days = ngettext("%(num)d day after (%(day)s)", "%(num)d days after (%(day)s)", 2, day="3 May")
    assert two_days == "2 days after (3 May)"


def test_lazy_words_read_like_the_string_they_are():
    words = lazy_gettext("Slower than typical")
    assert isinstance(words, str)
    assert f"Status: {words}." == "Status: Slower than typical."
    assert words.lower() == "slower than typical"
    assert words == "Slower than typical" and words == "Slower than typical"
    assert "Status: " + words == "Status: Slower than typical"
    assert json.dumps({"status": STATUS_WORDS["slower"]}) == '{"status": "Slower than typical"}'
    assert copy.deepcopy([words]) == ["Slower than typical"]
    assert lazy_gettext("Pain of %(pain)d", pain=7) == "Pain of 7"
