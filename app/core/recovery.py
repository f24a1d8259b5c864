"""The typical recovery after microneedling, and how a patient's own logs compare with it.

Pure Python: plain data in, plain data out. No Flask, no database, no clock:
"now" is always passed in. The model, its thresholds and their sources are
explained in docs/recovery-model.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Literal

from app.core.vocabulary import (
    CONTACT,
    IMPROVEMENT_CHOICES,
    ON_TRACK,
    SLOWER,
    SYMPTOM_LABELS,
    SYMPTOMS,
    WARNING_SIGNS,
    Status,
    Symptom,
)

Position = Literal["below", "within", "above"]
Severity = Literal["contact", "slower"]  # the status a flag leads to

DAY = 24.0
WEEK = 7 * DAY

# The improvement question (vocabulary.IMPROVEMENT_CHOICES) waits until the skin has healed.
ASK_IMPROVEMENT_FROM_HOURS = WEEK

# Chu 2021: every expected reaction has resolved within 7 days.
SETTLED_BY_HOURS = WEEK
# Redness or pain that comes back after day 2 can mean infection; compare with logs from day 1 on.
RISING_FROM_HOURS = 2 * DAY
RISING_BASELINE_FROM_HOURS = DAY
# Pain and itch on 0-10: 7 and above is severe; a change of 2 points is meaningful.
SEVERE_PAIN = 7
SEVERE_PAIN_FROM_HOURS = DAY
STRONG_ITCH = 7
STRONG_ITCH_FROM_HOURS = 3 * DAY
# The longest bruising still counted as expected is 7-10 days.
BRUISING_SETTLED_BY_HOURS = 10 * DAY
# A red flag stays raised for a week even if a later log looks better, so it is not missed.
RED_FLAG_MEMORY = timedelta(days=7)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC)")


def _require_level(value: int, top: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise ValueError(f"{name} must be a whole number from 0 to {top}")


@dataclass(frozen=True)
class SessionFacts:
    """What recovery depends on about a treatment session."""

    performed_at: datetime
    needle_depth_mm: float | None

    def __post_init__(self) -> None:
        _require_aware(self.performed_at, "performed_at")
        if self.needle_depth_mm is not None:
            depth_band(self.needle_depth_mm)  # rejects negative or NaN depths


@dataclass(frozen=True)
class LogEntry:
    """One symptom log as the patient entered it."""

    logged_at: datetime
    redness: int
    swelling: int
    peeling: int
    pain: int | None = None
    itch: int | None = None
    bruising: bool = False
    warning_signs: frozenset[str] = frozenset()
    improvement: str | None = None

    def __post_init__(self) -> None:
        _require_aware(self.logged_at, "logged_at")
        for symptom in SYMPTOMS:
            _require_level(getattr(self, symptom), 4, symptom)
        for name in ("pain", "itch"):
            if getattr(self, name) is not None:
                _require_level(getattr(self, name), 10, name)
        object.__setattr__(self, "warning_signs", frozenset(self.warning_signs))
        unknown = self.warning_signs - WARNING_SIGNS.keys()
        if unknown:
            raise ValueError(f"unknown warning signs: {sorted(unknown)}")
        if self.improvement is not None and self.improvement not in IMPROVEMENT_CHOICES:
            raise ValueError(f"unknown improvement: {self.improvement!r}")


def hours_between(start: datetime, end: datetime) -> float:
    """Hours from start to end: negative when end comes first."""
    return (end - start).total_seconds() / 3600


def hours_since_session(performed_at: datetime, moment: datetime) -> float:
    """Hours from the session to a moment; never negative, so times before the session count as hour 0."""
    return max(0.0, hours_between(performed_at, moment))


# --- Needle depth -------------------------------------------------------------------------


@dataclass(frozen=True)
class DepthBand:
    """A needle-depth group, its typical downtime and how much it stretches the timeline."""

    key: str
    label: str
    typical_downtime_days: tuple[int, int]
    stretch: float  # how many times longer than shallow needling redness and swelling last
    peeling_peak: float  # deeper needles can peel in sheets; shallow ones flake mildly

    @property
    def fade_hours(self) -> float:
        """Hours by which redness and swelling are typically gone."""
        # Seeds: gone within 24-48 h after shallow needling; deeper needles take longer.
        return 2 * DAY * self.stretch

    @property
    def downtime_ends_hours(self) -> float:
        """Hours after which anything still above the typical range counts as slower."""
        return self.typical_downtime_days[1] * DAY


SHALLOW = DepthBand("shallow", "Shallow (up to 0.5 mm)", (2, 3), stretch=1.0, peeling_peak=2.0)
MEDIUM = DepthBand("medium", "Medium (over 0.5 mm, up to 1.5 mm)", (4, 5), stretch=2.0, peeling_peak=3.0)
# Stretch 3 makes deep redness last 6 days: still inside Chu's 7 days.
DEEP = DepthBand("deep", "Deep (over 1.5 mm)", (6, 7), stretch=3.0, peeling_peak=3.0)
DEPTH_BANDS = (SHALLOW, MEDIUM, DEEP)


def depth_band(needle_depth_mm: float | None) -> DepthBand:
    """The depth group for a needle length in mm; unknown depth counts as medium."""
    if needle_depth_mm is None:
        # 0.5-1.5 mm is the common clinic setting, and assuming a longer timeline than
        # shallow avoids calling a normal course slow just because the depth was not recorded.
        return MEDIUM
    if not needle_depth_mm >= 0:
        raise ValueError("needle depth must be 0 mm or more")
    if needle_depth_mm <= 0.5:
        return SHALLOW
    if needle_depth_mm <= 1.5:
        return MEDIUM
    return DEEP


# --- Expected bands -----------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """The typical range of a symptom (0-4) at one moment."""

    low: float
    high: float

    @property
    def lowest_typical_level(self) -> int:
        """The lowest whole level that counts as typical."""
        return math.floor(self.low)

    @property
    def highest_typical_level(self) -> int:
        """The highest whole level that counts as typical."""
        # Patients answer in whole levels, so a band reaching 0.4 still allows level 1.
        return math.ceil(self.high)

    def position(self, value: int) -> Position:
        """Where a logged level sits against this band."""
        if value > self.highest_typical_level:
            return "above"
        if value < self.lowest_typical_level:
            return "below"
        return "within"


Knots = tuple[tuple[float, float], ...]


def _knots(symptom: str, depth: DepthBand) -> tuple[Knots, Knots]:
    """(low, high) of a symptom as (hour, level) points joined by straight lines."""
    fade = depth.fade_hours
    if symptom == "redness":
        # Almost everyone is at least faintly pink at first; "like a mild sunburn" at the start.
        return ((0, 1), (fade / 4, 1), (fade / 2, 0)), ((0, 3), (fade / 2, 1), (fade, 0))
    if symptom == "swelling":
        # Mild swelling at first, moderate allowed for the first hours; many have none.
        return ((0, 0),), ((0, 2.5), (fade / 2, 1), (fade, 0))
    if symptom == "peeling":
        # Not depth-stretched: starts day 2-3, heaviest day 3-5, gone by day 7 (Chu 2021).
        peak = depth.peeling_peak
        return ((0, 0),), ((1 * DAY, 0), (2 * DAY, 1), (3 * DAY, peak), (5 * DAY, peak), (WEEK, 0))
    raise ValueError(f"unknown symptom: {symptom!r}")


def _level_at(knots: Knots, hours: float) -> float:
    if hours <= knots[0][0]:
        return knots[0][1]
    for (start, start_level), (end, end_level) in pairwise(knots):
        if hours <= end:
            return start_level + (end_level - start_level) * (hours - start) / (end - start)
    return knots[-1][1]


def expected_band(symptom: Symptom, hours_since: float, depth: DepthBand) -> Band:
    """The typical range of a symptom at this many hours after the session."""
    if math.isnan(hours_since):
        raise ValueError("hours_since must be a number")
    hours = max(0.0, hours_since)
    low_knots, high_knots = _knots(symptom, depth)
    # Rounded so that float noise never lifts a level over a whole number.
    return Band(round(_level_at(low_knots, hours), 3), round(_level_at(high_knots, hours), 3))


def band_series(symptom: Symptom, depth: DepthBand, hours: Iterable[float]) -> list[Band]:
    """The typical range at each of the given hours, for drawing the shaded band."""
    return [expected_band(symptom, hour, depth) for hour in hours]


# --- Phases and milestones ----------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    """A stage of recovery, from starts_at_hours up to (not including) ends_at_hours."""

    key: str
    label: str
    description: str
    starts_at_hours: float
    ends_at_hours: float | None


PHASES = (
    Phase(
        "first_48_hours",
        "First 48 hours",
        "Redness, warmth and mild swelling, much like a mild sunburn, fading over a day or two.",
        0,
        2 * DAY,
    ),
    Phase(
        "peeling_days",
        "Peeling days",
        "Skin may feel dry and flake, most often around days 3 to 5; it settles within a week.",
        2 * DAY,
        WEEK,
    ),
    Phase(
        "remodelling",
        "Rebuilding",
        "The surface has healed and new collagen is forming underneath; texture often looks smoother.",
        WEEK,
        28 * DAY,
    ),
    Phase(
        "next_session_window",
        "Results and next session",
        "The clearest improvement usually shows around day 30. If you are having a series, "
        "the next session is usually 4 to 6 weeks after this one.",
        28 * DAY,
        42 * DAY,
    ),
    Phase(
        "results",
        "Results building",
        "Collagen keeps remodelling for 3 to 6 months, so results can keep improving.",
        42 * DAY,
        180 * DAY,
    ),
    Phase(
        "maintenance",
        "Maintenance",
        "A maintenance session every 6 to 12 months helps keep the results.",
        180 * DAY,
        None,
    ),
)


def phase_at(hours_since: float) -> Phase:
    """The recovery phase at this many hours after the session."""
    hours = max(0.0, hours_since)
    for phase in PHASES:
        if phase.ends_at_hours is None or hours < phase.ends_at_hours:
            return phase
    raise AssertionError("the last phase is open-ended")


@dataclass(frozen=True)
class Milestone:
    """A typical moment or stretch on the recovery timeline, in hours since the session."""

    key: str
    label: str
    short_label: str  # fits on a phone-wide chart's bar
    from_hours: float
    to_hours: float


MILESTONES = (
    Milestone("redness_fades", "Redness and swelling fade", "Redness fades", 1 * DAY, 2 * DAY),
    Milestone("peeling", "Peeling and flaking", "Peeling", 2 * DAY, WEEK),
    Milestone("smoother_texture", "Smoother texture", "Smoother", WEEK, WEEK),
    Milestone("results", "Clearest results", "Results", 30 * DAY, 30 * DAY),
    Milestone("next_session", "Next session, if in a series", "Next session", 28 * DAY, 42 * DAY),
)


# --- Assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """Something in the logs worth acting on, with what to do about it."""

    key: str
    severity: Severity
    reason: str
    action: str


@dataclass(frozen=True)
class SymptomPoint:
    """One logged symptom level set against the typical range at its hour."""

    symptom: Symptom
    logged_at: datetime
    hours_since: float
    value: int
    band: Band
    position: Position


@dataclass(frozen=True)
class Assessment:
    """How a session's recovery compares with the typical course, as of `now`."""

    hours_since: float
    phase: Phase
    depth: DepthBand
    status: Status  # a key of vocabulary.STATUS_WORDS
    flags: tuple[Flag, ...]
    points: tuple[SymptomPoint, ...]
    latest: LogEntry | None

    def points_for(self, symptom: Symptom) -> tuple[SymptomPoint, ...]:
        """The points of one symptom, oldest first."""
        return tuple(point for point in self.points if point.symptom == symptom)


CONTACT_TODAY = "Contact your clinic today."
FEVER_ACTION = (
    "If you feel unwell or your temperature is 38 °C (100.4 °F) or higher, "
    "seek medical care now; otherwise contact your clinic today."
)
NEW_PRODUCT_ACTION = "Stop any new skin product and contact your clinic today."

_SIGN_FLAGS = {
    "pus": Flag("sign_pus", "contact", "Pus or yellow crust can be a sign of infection.", CONTACT_TODAY),
    "fever": Flag("sign_fever", "contact", "A fever after a skin treatment can be a sign of infection.", FEVER_ACTION),
    "blisters": Flag(
        "sign_blisters",
        "contact",
        "Blisters or cold sores can be a cold-sore flare, which may need treatment.",
        CONTACT_TODAY,
    ),
    "rash": Flag(
        "sign_rash",
        "contact",
        "Itchy bumps or a rash can be a reaction to a product or to the treatment.",
        NEW_PRODUCT_ACTION,
    ),
    "worse_again": Flag(
        "sign_worse_again",
        "contact",
        "Skin that gets worse again after getting better can be a sign of infection.",
        CONTACT_TODAY,
    ),
}


def _contact_flags(timed: list[tuple[float, LogEntry]], depth: DepthBand, now: datetime) -> list[Flag]:
    """Red flags from the latest log and any log of the past week."""
    flags: dict[str, Flag] = {}  # later logs replace earlier ones' wording
    last = len(timed) - 1
    # The lowest redness, swelling and pain logged from day 1 on, before the log at hand,
    # kept as the logs are walked in order (one pass, however many logs there are).
    lowest: dict[str, int] = {}
    same_moment: list[tuple[float, LogEntry]] = []
    for index, (hours, log) in enumerate(timed):
        if same_moment and same_moment[0][1].logged_at != log.logged_at:
            # Strictly earlier: two logs saved at the same moment are not a change over time.
            for earlier_hours, earlier in same_moment:
                if earlier_hours >= RISING_BASELINE_FROM_HOURS:
                    _lower(lowest, earlier)
            same_moment = []
        same_moment.append((hours, log))
        if index != last and log.logged_at < now - RED_FLAG_MEMORY:
            continue
        for sign in WARNING_SIGNS:
            if sign in log.warning_signs:
                flags[_SIGN_FLAGS[sign].key] = _SIGN_FLAGS[sign]
        if hours >= RISING_FROM_HOURS:
            for flag in _rising_flags(log, hours, lowest, depth):
                flags[flag.key] = flag
        if hours >= SEVERE_PAIN_FROM_HOURS and log.pain is not None and log.pain >= SEVERE_PAIN:
            flags["severe_pain"] = Flag(
                "severe_pain",
                "contact",
                f"Pain of {log.pain} out of 10 after the first day is more than expected.",
                "Contact your clinic today, especially if ordinary painkillers do not help.",
            )
        if hours >= STRONG_ITCH_FROM_HOURS and log.itch is not None and log.itch >= STRONG_ITCH:
            flags["strong_itch"] = Flag(
                "strong_itch",
                "contact",
                f"Strong itching ({log.itch} out of 10) from day 3 on can be a reaction "
                "to a product or to the treatment.",
                NEW_PRODUCT_ACTION,
            )
    hours, latest = timed[-1]
    if hours >= SETTLED_BY_HOURS:
        for symptom in ("redness", "swelling"):
            if getattr(latest, symptom) >= 1:
                flags[f"persistent_{symptom}"] = Flag(
                    f"persistent_{symptom}",
                    "contact",
                    f"{SYMPTOM_LABELS[symptom]} is still there after 7 days; expected reactions settle within a week.",
                    "Contact your clinic so they can take a look.",
                )
    return list(flags.values())


def _lower(lowest: dict[str, int], entry: LogEntry) -> None:
    for name in ("redness", "swelling", "pain"):
        value = getattr(entry, name)
        if value is not None:
            lowest[name] = min(lowest.get(name, value), value)


def _rising_flags(log: LogEntry, hours: float, lowest: dict[str, int], depth: DepthBand) -> list[Flag]:
    """Redness, swelling or pain that went up again after day 2, from the lowest logged since day 1."""
    flags = []
    for symptom in ("redness", "swelling"):
        floor = lowest.get(symptom)
        value = getattr(log, symptom)
        # A one-level wobble that stays inside the typical range is reporting noise, not a return.
        if floor is not None and value - floor >= 1 and expected_band(symptom, hours, depth).position(value) == "above":
            flags.append(
                Flag(
                    f"rising_{symptom}",
                    "contact",
                    f"{SYMPTOM_LABELS[symptom]} went up again after the first two days "
                    f"(from {floor} to {value}), which can be a sign of infection.",
                    CONTACT_TODAY,
                )
            )
    floor = lowest.get("pain")
    if log.pain is not None and floor is not None and log.pain - floor >= 2:
        flags.append(
            Flag(
                "rising_pain",
                "contact",
                f"Pain went up again after the first two days (from {floor} to {log.pain}), "
                "which can be a sign of infection.",
                CONTACT_TODAY,
            )
        )
    return flags


def _slower_flags(hours: float, latest: LogEntry, depth: DepthBand) -> list[Flag]:
    """Signs in the latest log that are taking longer than typical, without being red flags."""
    flags = []
    for symptom in SYMPTOMS:
        value = getattr(latest, symptom)
        band = expected_band(symptom, hours, depth)
        if band.position(value) != "above":
            continue
        if symptom != "peeling" and hours >= SETTLED_BY_HOURS:
            continue  # a red flag by now: see persistent_*
        label = SYMPTOM_LABELS[symptom]
        if hours >= depth.downtime_ends_hours:
            flags.append(
                Flag(
                    f"lingering_{symptom}",
                    "slower",
                    f"{label} is still above the typical range for your needle depth after {int(hours // DAY)} days.",
                    "Keep your routine gentle and keep logging; contact your clinic if it gets worse.",
                )
            )
        elif value - band.highest_typical_level >= 2:
            flags.append(
                Flag(
                    f"well_above_{symptom}",
                    "slower",
                    f"{label} is well above the typical range at this stage.",
                    "Keep your routine gentle and log again tomorrow; contact your clinic if it gets worse.",
                )
            )
    if latest.bruising and hours >= BRUISING_SETTLED_BY_HOURS:
        flags.append(
            Flag(
                "lingering_bruising",
                "slower",
                "Bruising is still there after 10 days; most bruising fades within 7 to 10 days.",
                "Mention it to your clinic.",
            )
        )
    return flags


def assess(session: SessionFacts, logs: Iterable[LogEntry], now: datetime, include_points: bool = True) -> Assessment:
    """Compare a session's logs with the typical course and decide its status as of `now`.

    Without `include_points` only the status and flags are worked out (what saving a log needs),
    not every log's position against the band (what a chart needs).
    """
    _require_aware(now, "now")
    depth = depth_band(session.needle_depth_mm)
    ordered = sorted(logs, key=lambda log: log.logged_at)
    timed = [(hours_since_session(session.performed_at, log.logged_at), log) for log in ordered]
    points = []
    for hours, log in timed if include_points else ():
        for symptom in SYMPTOMS:
            band = expected_band(symptom, hours, depth)
            value = getattr(log, symptom)
            points.append(SymptomPoint(symptom, log.logged_at, hours, value, band, band.position(value)))
    flags = (_contact_flags(timed, depth, now) + _slower_flags(*timed[-1], depth)) if timed else []
    if any(flag.severity == "contact" for flag in flags):
        status = CONTACT
    elif flags:
        status = SLOWER
    else:
        status = ON_TRACK
    hours_now = hours_since_session(session.performed_at, now)
    return Assessment(
        hours_now, phase_at(hours_now), depth, status, tuple(flags), tuple(points), ordered[-1] if ordered else None
    )


# --- Words --------------------------------------------------------------------------------

POSITION_WORDS = {
    "below": "below the typical range",
    "within": "within the typical range",
    "above": "above the typical range",
}


def describe_time(hours_since: float) -> str:
    """A time since the session in plain words: "at 30 hours" or "on day 12"."""
    hours = max(0.0, hours_since)
    if hours < 2 * DAY:
        whole = round(hours)
        return f"at {whole} hour" if whole == 1 else f"at {whole} hours"
    return f"on day {int(hours // DAY)}"


def summarise_point(point: SymptomPoint) -> str:
    """One point as a sentence, e.g. "Redness 1 at 30 hours: within the typical range"."""
    return (
        f"{SYMPTOM_LABELS[point.symptom]} {point.value} {describe_time(point.hours_since)}: "
        f"{POSITION_WORDS[point.position]}"
    )


def status_message(assessment: Assessment) -> str:
    """A short paragraph saying what the status means and what to do (the flags give the reasons)."""
    if assessment.status == CONTACT:
        actions = {flag.action for flag in assessment.flags if flag.severity == "contact"}
        # Lead with the most urgent step; each flag's own action is shown beside it.
        first = FEVER_ACTION if FEVER_ACTION in actions else CONTACT_TODAY
        products = " Stop any new skin product for now." if NEW_PRODUCT_ACTION in actions else ""
        return f"{first}{products} This app cannot tell what is causing it; your practitioner can."
    if assessment.status == SLOWER:
        return (
            "Your skin is settling more slowly than is typical. "
            "This is often nothing to worry about. Keep your routine gentle and keep logging; "
            "contact your clinic if anything gets worse or if you are worried."
        )
    if assessment.latest is None:
        return (
            f"Nothing logged yet, so there is nothing to compare. {assessment.phase.description} "
            "Log how your skin looks today; contact your clinic if anything worries you."
        )
    return (
        f"Your skin is healing the way it typically does at this stage. "
        f"{assessment.phase.description} Keep following your aftercare; "
        "contact your clinic if anything worries you."
    )
