"""Keys are stored, words are shown, and each list of them is written once: in app/core/vocabulary.py."""

import io
import re
import tokenize
from pathlib import Path

from app.core import vocabulary
from app.core.recovery import SHALLOW, milestones

PROJECT_ROOT = Path(__file__).resolve().parents[2]
THE_ONE_MODULE = PROJECT_ROOT / "app" / "core" / "vocabulary.py"
# Our code, but not the tests (which write the words out as expected values) nor the migrations
# (which keep the words stored before 5e1f0c1d2a04, whatever the vocabulary says later).
SCANNED_FOLDERS = ("app", "templates", "static", "bench")
SCANNED_SUFFIXES = {".py", ".html", ".js", ".txt"}
NOT_OURS = {"vendor", "node_modules"}


def test_statuses_are_four_keys_each_with_its_words():
    assert vocabulary.STATUSES == ("no_logs", "on_track", "slower", "contact")
    assert (vocabulary.NO_LOGS, vocabulary.ON_TRACK, vocabulary.SLOWER, vocabulary.CONTACT) == (
        "no_logs",
        "on_track",
        "slower",
        "contact",
    )
    assert vocabulary.STATUS_WORDS == {
        "no_logs": "No logs yet",
        "on_track": "On track",
        "slower": "Slower than typical",
        "contact": "Contact your clinic",
    }


def test_each_vocabulary_has_the_keys_the_database_and_forms_use():
    assert list(vocabulary.WARNING_SIGNS) == ["pus", "fever", "blisters", "rash", "worse_again"]
    assert list(vocabulary.IMPROVEMENT_CHOICES) == [
        "very_much_improved",
        "much_improved",
        "improved",
        "no_change",
        "worse",
    ]
    assert vocabulary.SHORT_IMPROVEMENT_LABELS == {
        "very_much_improved": "Very much better",
        "much_improved": "Much better",
        "improved": "Better",
        "no_change": "Same",
        "worse": "Worse",
    }
    assert vocabulary.SYMPTOMS == ("redness", "swelling", "peeling")
    assert list(vocabulary.SCALE_WORDS) == ["redness", "swelling", "peeling"]
    for symptom in vocabulary.SYMPTOMS:
        assert list(vocabulary.SCALE_WORDS[symptom]) == [0, 1, 2, 3, 4]
    assert vocabulary.SCORE_LABELS == {
        "redness": "Redness",
        "swelling": "Swelling",
        "peeling": "Peeling",
        "pain": "Pain",
        "itch": "Itch",
    }
    assert list(vocabulary.DEVICES) == ["derma_pen", "derma_roller", "other"]
    assert list(vocabulary.AREAS) == ["face", "neck", "decolletage", "hands", "scalp", "body"]
    assert len(vocabulary.CONCERNS) == 8 and "acne_scars" in vocabulary.CONCERNS


def test_milestones_carry_their_own_short_words_for_the_chart():
    assert [(m.key, m.short_label) for m in milestones(SHALLOW)] == [
        ("redness_fades", "Redness fades"),
        ("peeling", "Peeling"),
        ("smoother_texture", "Smoother"),
        ("next_session", "Next session"),
        ("results", "Results"),
    ]


# --- Status words are written in one module only -------------------------------------------


def text_without_comments(path: Path) -> str:
    """Python's string literals; the whole of a template or script but its comments."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return "\n".join(token.string for token in tokens if token.type == tokenize.STRING)
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.DOTALL)
    return re.sub(r"<!--.*?-->", "", source, flags=re.DOTALL)


def status_words_in(text: str) -> list[str]:
    """The status words used as a label in the text.

    A label is the words as written, not carried on by a lowercase word: "Contact your clinic
    today." is advice, "<h2>Contact your clinic</h2>" or "status == 'Contact your clinic'" a status.
    """
    found = []
    for words in vocabulary.STATUS_WORDS.values():
        found += re.findall(rf"{re.escape(words)}(?!\s+[a-z])", text)
    return found


def test_the_check_tells_a_status_label_from_advice():
    assert status_words_in('<p class="badge">On track</p>') == ["On track"]
    assert status_words_in('"Slower than typical"') == ["Slower than typical"]
    assert status_words_in("status == 'Contact your clinic'") == ["Contact your clinic"]
    assert status_words_in("Contact your clinic today.") == []
    assert status_words_in("If something worries you, contact your clinic.") == []


def test_the_status_words_are_written_only_in_the_vocabulary():
    files = [
        path
        for folder in SCANNED_FOLDERS
        for path in (PROJECT_ROOT / folder).rglob("*")
        if path.suffix in SCANNED_SUFFIXES and path != THE_ONE_MODULE and not NOT_OURS & set(path.parts)
    ]
    assert len(files) > 50  # the scan sees the tree
    uses = {
        str(path.relative_to(PROJECT_ROOT)): found
        for path in files
        if (found := status_words_in(text_without_comments(path)))
    }
    assert uses == {}
    assert sorted(status_words_in(text_without_comments(THE_ONE_MODULE))) == [
        "Contact your clinic",
        "No logs yet",
        "On track",
        "Slower than typical",
    ]


def test_one_hours_between_in_the_app():
    definitions = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "app").rglob("*.py")
        if "def hours_between(" in path.read_text(encoding="utf-8")
    ]
    assert definitions == ["app/core/recovery.py"]
