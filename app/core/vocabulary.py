"""Every key the app stores and the words people read for it: the one place to change a wording.

The database, the forms and the recovery model hold only the keys (``slower``, ``pus``,
``derma_pen``); pages look the words up here. Rewording is an edit to this file, never a
migration. Pure Python, like the rest of app/core.
"""

from __future__ import annotations

from typing import Literal

from app.core.i18n import lazy_gettext as _l

# --- Recovery status: stored on each session, shown on every status badge --------------------

Status = Literal["no_logs", "on_track", "slower", "contact"]
NO_LOGS: Status = "no_logs"  # a session nothing has been logged for yet: nothing to compare
ON_TRACK: Status = "on_track"
SLOWER: Status = "slower"
CONTACT: Status = "contact"
STATUS_WORDS: dict[str, str] = {
    NO_LOGS: _l("No logs yet"),
    ON_TRACK: _l("On track"),
    SLOWER: _l("Slower than typical"),
    CONTACT: _l("Contact your clinic"),
}
STATUSES: tuple[str, ...] = tuple(STATUS_WORDS)  # least to most urgent

# --- What a log records --------------------------------------------------------------------

Symptom = Literal["redness", "swelling", "peeling"]
SYMPTOM_LABELS: dict[str, str] = {"redness": _l("Redness"), "swelling": _l("Swelling"), "peeling": _l("Peeling")}
SYMPTOMS: tuple[Symptom, ...] = tuple(SYMPTOM_LABELS)
# Pain and itch are scored 0-10 beside the three symptoms scored 0-4.
SCORE_LABELS: dict[str, str] = {**SYMPTOM_LABELS, "pain": _l("Pain"), "itch": _l("Itch")}

# Patient words for each level (0-4), adapted from the Clinician's Erythema
# Assessment, the Draize oedema scale and a flaking scale.
SCALE_WORDS: dict[str, dict[int, str]] = {
    "redness": {
        0: _l("None, my usual colour"),
        1: _l("Faint pink, hard to see"),
        2: _l("Mild, clearly pink"),
        3: _l("Moderate, red like sunburn"),
        4: _l("Severe, deep fiery red"),
    },
    "swelling": {
        0: _l("None"),
        1: _l("Hardly noticeable"),
        2: _l("Mild, a little puffy"),
        3: _l("Moderate, clearly swollen"),
        4: _l("Severe, spreading or eyes closing"),
    },
    "peeling": {
        0: _l("None"),
        1: _l("Dry, a few flakes"),
        2: _l("Mild flaking"),
        3: _l("Moderate, peeling in sheets"),
        4: _l("Heavy, raw or weeping skin"),
    },
}

# Each is a tick box on the log form and a yes/no column of symptom_log (a new sign needs a migration).
WARNING_SIGNS: dict[str, str] = {
    "pus": _l("Pus or yellow crust"),
    "fever": _l("Fever"),
    "blisters": _l("Blisters or cold sores"),
    "rash": _l("Itchy bumps or rash"),
    "worse_again": _l("Worse again after getting better"),
}

# Global Aesthetic Improvement Scale, asked once the skin has healed: (key, words, short words
# that fit a phone-wide chart), best first.
_IMPROVEMENTS = (
    ("very_much_improved", _l("Very much improved"), _l("Very much better")),
    ("much_improved", _l("Much improved"), _l("Much better")),
    ("improved", _l("Improved"), _l("Better")),
    ("no_change", _l("No change"), _l("Same")),
    ("worse", _l("Worse"), _l("Worse")),
)
IMPROVEMENT_CHOICES: dict[str, str] = {key: words for key, words, _ in _IMPROVEMENTS}
SHORT_IMPROVEMENT_LABELS: dict[str, str] = {key: short for key, _, short in _IMPROVEMENTS}

# --- What a session records ----------------------------------------------------------------

DEVICES: dict[str, str] = {
    "derma_pen": _l("Derma pen (motorised)"),
    "derma_roller": _l("Derma roller"),
    "other": _l("Other device"),
}
AREAS: dict[str, str] = {
    "face": _l("Face"),
    "neck": _l("Neck"),
    "decolletage": _l("Décolletage"),
    "hands": _l("Hands"),
    "scalp": _l("Scalp"),
    "body": _l("Body"),
}
CONCERNS: dict[str, str] = {
    "fine_lines": _l("Fine lines"),
    "acne_scars": _l("Acne scars"),
    "pores": _l("Pores"),
    "texture": _l("Texture"),
    "pigmentation": _l("Pigmentation"),
    "stretch_marks": _l("Stretch marks"),
    "laxity": _l("Laxity"),
    "other": _l("Other"),
}
