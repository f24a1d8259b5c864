"""Every key the app stores and the words people read for it: the one place to change a wording.

The database, the forms and the recovery model hold only the keys (``slower``, ``pus``,
``derma_pen``); pages look the words up here. Rewording is an edit to this file, never a
migration. Pure Python, like the rest of app/core.
"""

from __future__ import annotations

from typing import Literal

# --- Recovery status: stored on each session, shown on every status badge --------------------

Status = Literal["no_logs", "on_track", "slower", "contact"]
NO_LOGS: Status = "no_logs"  # a session nothing has been logged for yet: nothing to compare
ON_TRACK: Status = "on_track"
SLOWER: Status = "slower"
CONTACT: Status = "contact"
STATUS_WORDS: dict[str, str] = {
    NO_LOGS: "No logs yet",
    ON_TRACK: "On track",
    SLOWER: "Slower than typical",
    CONTACT: "Contact your clinic",
}
STATUSES: tuple[str, ...] = tuple(STATUS_WORDS)  # least to most urgent

# --- What a log records --------------------------------------------------------------------

Symptom = Literal["redness", "swelling", "peeling"]
SYMPTOM_LABELS: dict[str, str] = {"redness": "Redness", "swelling": "Swelling", "peeling": "Peeling"}
SYMPTOMS: tuple[Symptom, ...] = tuple(SYMPTOM_LABELS)
# Pain and itch are scored 0-10 beside the three symptoms scored 0-4.
SCORE_LABELS: dict[str, str] = {**SYMPTOM_LABELS, "pain": "Pain", "itch": "Itch"}

# Patient words for each level (0-4), adapted from the Clinician's Erythema
# Assessment, the Draize oedema scale and a flaking scale.
SCALE_WORDS: dict[str, dict[int, str]] = {
    "redness": {
        0: "None, my usual colour",
        1: "Faint pink, hard to see",
        2: "Mild, clearly pink",
        3: "Moderate, red like sunburn",
        4: "Severe, deep fiery red",
    },
    "swelling": {
        0: "None",
        1: "Hardly noticeable",
        2: "Mild, a little puffy",
        3: "Moderate, clearly swollen",
        4: "Severe, spreading or eyes closing",
    },
    "peeling": {
        0: "None",
        1: "Dry, a few flakes",
        2: "Mild flaking",
        3: "Moderate, peeling in sheets",
        4: "Heavy, raw or weeping skin",
    },
}

# Each is a tick box on the log form and a yes/no column of symptom_log (a new sign needs a migration).
WARNING_SIGNS: dict[str, str] = {
    "pus": "Pus or yellow crust",
    "fever": "Fever",
    "blisters": "Blisters or cold sores",
    "rash": "Itchy bumps or rash",
    "worse_again": "Worse again after getting better",
}

# Global Aesthetic Improvement Scale, asked once the skin has healed: (key, words, short words
# that fit a phone-wide chart), best first.
_IMPROVEMENTS = (
    ("very_much_improved", "Very much improved", "Very much better"),
    ("much_improved", "Much improved", "Much better"),
    ("improved", "Improved", "Better"),
    ("no_change", "No change", "Same"),
    ("worse", "Worse", "Worse"),
)
IMPROVEMENT_CHOICES: dict[str, str] = {key: words for key, words, _ in _IMPROVEMENTS}
SHORT_IMPROVEMENT_LABELS: dict[str, str] = {key: short for key, _, short in _IMPROVEMENTS}

# --- What a session records ----------------------------------------------------------------

DEVICES: dict[str, str] = {
    "derma_pen": "Derma pen (motorised)",
    "derma_roller": "Derma roller",
    "other": "Other device",
}
AREAS: dict[str, str] = {
    "face": "Face",
    "neck": "Neck",
    "decolletage": "Décolletage",
    "hands": "Hands",
    "scalp": "Scalp",
    "body": "Body",
}
CONCERNS: dict[str, str] = {
    "fine_lines": "Fine lines",
    "acne_scars": "Acne scars",
    "pores": "Pores",
    "texture": "Texture",
    "pigmentation": "Pigmentation",
    "stretch_marks": "Stretch marks",
    "laxity": "Laxity",
    "other": "Other",
}
