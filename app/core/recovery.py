"""The typical recovery after microneedling, and how a patient's own logs compare with it.

Pure Python: plain data in, plain data out. No Flask, no database, no clock:
"now" is always passed in. The model, its thresholds and their sources are
explained in docs/recovery-model.md; every number a page states about the
typical course (bands, windows, milestones) comes from this module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Literal

from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.i18n import ngettext
from app.core.vocabulary import (
    CONTACT,
    IMPROVEMENT_CHOICES,
    NO_LOGS,
    ON_TRACK,
    SLOWER,
    SYMPTOM_LABELS,
    SYMPTOMS,
    WARNING_SIGNS,
    Status,
    Symptom,
)

Position = Literal["within", "above"]
# How soon a finding needs the clinic (facts §5): today, in opening hours, or not at all.
Severity = Literal["today", "soon", "watch"]
TODAY: Severity = "today"
SOON: Severity = "soon"
WATCH: Severity = "watch"
SEVERITIES: tuple[Severity, ...] = (TODAY, SOON, WATCH)  # most urgent first
# Findings that need the clinic raise an alert there; "watch" is for the patient only.
ALERT_SEVERITIES: tuple[Severity, ...] = (TODAY, SOON)

DAY = 24.0
WEEK = 7 * DAY

# The improvement question (vocabulary.IMPROVEMENT_CHOICES) waits until the skin has healed.
ASK_IMPROVEMENT_FROM_HOURS = WEEK

# Redness or pain that comes back after day 2 can need the clinic; compare with logs from day 1 on.
RISING_FROM_HOURS = 2 * DAY
RISING_BASELINE_FROM_HOURS = DAY
RISING_PAIN_POINTS = 2  # a change of 2 points on 0-10 is meaningful
# Pain and itch on 0-10: 7 and above is severe.
SEVERE_PAIN = 7
SEVERE_PAIN_FROM_HOURS = DAY
STRONG_ITCH = 7
STRONG_ITCH_FROM_HOURS = 3 * DAY
# Swelling at the top of the scale ("spreading or eyes closing") is never part of a typical course.
SPREADING_SWELLING = 4
# Redness or swelling still "clearly visible" past the depth's downtime, or "moderate" once the
# typical band has it gone, needs the clinic (facts §5, "soon").
CLEARLY_VISIBLE = 2
MODERATE = 3
# The longest bruising still counted as expected is 7-10 days.
BRUISING_SETTLED_BY_HOURS = 10 * DAY
# A finding for today stays raised for a week even if a later log looks better, so it is not missed.
RED_FLAG_MEMORY = timedelta(days=7)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC)")


def _require_level(value: int, top: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise ValueError(f"{name} must be a whole number from 0 to {top}")


@dataclass(frozen=True)
class Baseline:
    """The patient's usual skin, logged before the session ("my usual skin")."""

    redness: int = 0
    swelling: int = 0
    peeling: int = 0

    def __post_init__(self) -> None:
        for symptom in SYMPTOMS:
            _require_level(getattr(self, symptom), 4, symptom)


NO_BASELINE = Baseline()


@dataclass(frozen=True)
class SessionFacts:
    """What recovery depends on about a treatment session."""

    performed_at: datetime
    needle_depth_mm: float | None
    baseline: Baseline = NO_BASELINE

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
    """A needle-depth group, its typical timeline and how far past it a course may go."""

    key: str
    label: str
    fade_hours: float  # redness and swelling are typically gone by then (the typical band ends)
    downtime_ends_hours: float  # the manufacturers' downtime: past it, clearly visible redness needs the clinic
    peeling_peak: int  # deeper needles can peel in sheets; shallow ones flake mildly


# Seeds: redness and swelling gone within 24-48 h after shallow needling. Deeper needles take
# longer (manufacturers' depth table: 2-3, 4-5 and 6-7 days of downtime), always inside Chu's 7 days.
SHALLOW = DepthBand("shallow", _l("Shallow (up to 0.5 mm)"), 2 * DAY, 3 * DAY, peeling_peak=2)
MEDIUM = DepthBand("medium", _l("Medium (over 0.5 mm, up to 1.5 mm)"), 4 * DAY, 5 * DAY, peeling_peak=3)
DEEP = DepthBand("deep", _l("Deep (over 1.5 mm)"), 6 * DAY, 7 * DAY, peeling_peak=3)
DEPTH_BANDS = (SHALLOW, MEDIUM, DEEP)
SHALLOW_UP_TO_MM = 0.5
MEDIUM_UP_TO_MM = 1.5


def depth_band(needle_depth_mm: float | None) -> DepthBand:
    """The depth group for a needle length in mm; unknown depth counts as medium."""
    if needle_depth_mm is None:
        # 0.5-1.5 mm is the common clinic setting, and assuming a longer timeline than
        # shallow avoids calling a normal course slow just because the depth was not recorded.
        return MEDIUM
    if not needle_depth_mm >= 0:
        raise ValueError("needle depth must be 0 mm or more")
    if needle_depth_mm <= SHALLOW_UP_TO_MM:
        return SHALLOW
    if needle_depth_mm <= MEDIUM_UP_TO_MM:
        return MEDIUM
    return DEEP


# --- The typical band, in whole levels -----------------------------------------------------


@dataclass(frozen=True)
class Band:
    """The highest level of a symptom (0-4) that counts as typical at one moment."""

    high: int

    def position(self, value: int) -> Position:
        """Where a logged level sits against this band."""
        return "above" if value > self.high else "within"


@dataclass(frozen=True)
class BandStep:
    """A stretch of time over which the typical band stays the same."""

    from_hours: float
    to_hours: float | None  # None: to the end of time
    band: Band


def _steps(symptom: str, depth: DepthBand) -> tuple[tuple[float, int], ...]:
    """(from hour, highest typical level) for a symptom; each step lasts until the next one."""
    fade = depth.fade_hours
    if symptom == "redness":
        # "Like a mild sunburn" at first (up to 3), fading by the depth's fade hour.
        return ((0, 3), (fade / 4, 2), (fade / 2, 1), (fade, 0))
    if symptom == "swelling":
        # Moderate swelling only in the first hours; mild for the first half; gone by the fade hour.
        return ((0, 3), (fade / 6, 2), (fade / 2, 1), (fade, 0))
    if symptom == "peeling":
        # Not depth-stretched (Chu 2021: gone by day 7 at any depth): starts on day 2,
        # heaviest on days 3-6, a few flakes on day 7.
        return ((0, 0), (DAY, 1), (2 * DAY, depth.peeling_peak), (6 * DAY, 1), (WEEK, 0))
    raise ValueError(f"unknown symptom: {symptom!r}")


def expected_band(symptom: Symptom, hours_since: float, depth: DepthBand, baseline: Baseline = NO_BASELINE) -> Band:
    """The typical band of a symptom at this many hours after the session, never below the patient's usual skin."""
    if math.isnan(hours_since):
        raise ValueError("hours_since must be a number")
    steps = _steps(symptom, depth)
    high = steps[0][1]  # the first step starts at hour 0, and times before the session count as hour 0
    for starts_at, level in steps[1:]:
        if hours_since >= starts_at:
            high = level
    return Band(max(high, getattr(baseline, symptom)))


def band_steps(symptom: Symptom, depth: DepthBand, baseline: Baseline = NO_BASELINE) -> tuple[BandStep, ...]:
    """The whole typical band as steps, for drawing it: exactly the levels `expected_band` calls typical."""
    steps = _steps(symptom, depth)
    usual = getattr(baseline, symptom)
    # Each step lasts until the next one starts; the last one never ends.
    return tuple(
        BandStep(start, end, Band(max(level, usual))) for (start, level), (end, _) in pairwise((*steps, (None, None)))
    )


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
        _l("First 48 hours"),
        _l("Redness, warmth and mild swelling, much like a mild sunburn, at their strongest at first and then fading."),
        0,
        2 * DAY,
    ),
    Phase(
        "peeling_days",
        _l("Peeling days"),
        _l("Skin may feel dry and flake, most often around days 3 to 5; it settles within a week."),
        2 * DAY,
        WEEK,
    ),
    Phase(
        "remodelling",
        _l("Rebuilding"),
        _l("The surface has healed and new collagen is forming underneath; texture often looks smoother."),
        WEEK,
        28 * DAY,
    ),
    Phase(
        "next_session_window",
        _l("Results and next session"),
        _l(
            "The clearest improvement usually shows around day 30. If you are having a series, "
            "the next session is usually 4 to 6 weeks after this one."
        ),
        28 * DAY,
        42 * DAY,
    ),
    Phase(
        "results",
        _l("Results building"),
        _l("Collagen keeps remodelling for 3 to 6 months, so results can keep improving."),
        42 * DAY,
        180 * DAY,
    ),
    Phase(
        "maintenance",
        _l("Maintenance"),
        _l("A maintenance session every 6 to 12 months helps keep the results."),
        180 * DAY,
        None,
    ),
)


def phase_at(hours_since: float) -> Phase:
    """The recovery phase at this many hours after the session."""
    hours = max(0.0, hours_since)  # pragma: no mutate: any floor under 48 h gives the first phase
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


RESULTS_HOURS = 30 * DAY  # seeds 000, 001: the clearest improvement around day 30
NEXT_SESSION_HOURS = (4 * WEEK, 6 * WEEK)  # a series is 4-6 weeks apart (seeds 000, 001)


def milestones(depth: DepthBand) -> tuple[Milestone, ...]:
    """The typical timeline for this needle depth, in the order it happens."""
    return (
        Milestone(
            "redness_fades",
            _l("Redness and swelling fade"),
            _l("Redness fades"),
            depth.fade_hours / 2,
            depth.fade_hours,
        ),
        Milestone("peeling", _l("Peeling and flaking"), _l("Peeling"), 2 * DAY, WEEK),
        Milestone("smoother_texture", _l("Smoother texture"), _l("Smoother"), WEEK, WEEK),
        Milestone("next_session", _l("Next session, if in a series"), _l("Next session"), *NEXT_SESSION_HOURS),
        Milestone("results", _l("Clearest results"), _l("Results"), RESULTS_HOURS, RESULTS_HOURS),
    )


def describe_hours_range(from_hours: float, to_hours: float) -> str:
    """A stretch of the timeline in words: "24 to 48 hours", "days 2 to 7", "around day 30"."""
    if from_hours == to_hours:
        return _("around day %(day)s", day=f"{from_hours / DAY:g}")
    if to_hours <= 4 * DAY:
        return _("%(start)s to %(end)s hours", start=f"{from_hours:g}", end=f"{to_hours:g}")
    return _("days %(start)s to %(end)s", start=f"{from_hours / DAY:g}", end=f"{to_hours / DAY:g}")


# --- Assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """Something in the logs worth acting on: how soon, why, and what to do about it."""

    key: str
    severity: Severity
    reason: str
    action: str

    @property
    def raises_alert(self) -> bool:
        return self.severity in ALERT_SEVERITIES


@dataclass(frozen=True)
class SymptomPoint:
    """One logged symptom level set against the typical band at its hour."""

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
    baseline: Baseline
    status: Status  # a key of vocabulary.STATUS_WORDS
    flags: tuple[Flag, ...]  # most urgent first
    points: tuple[SymptomPoint, ...]
    latest: LogEntry | None

    def points_for(self, symptom: Symptom) -> tuple[SymptomPoint, ...]:
        """The points of one symptom, oldest first."""
        return tuple(point for point in self.points if point.symptom == symptom)

    @property
    def most_urgent(self) -> Severity | None:
        """The severity of the most urgent flag, or None when nothing is flagged."""
        return self.flags[0].severity if self.flags else None


# Lazy: a flag built at import time (the warning signs) reads in each request's language.
CONTACT_TODAY = _l("Contact your clinic today.")
SEEK_CARE_NOW = _l(
    "If you feel unwell or your temperature is 38 °C (100.4 °F) or higher, "
    "seek medical care now; otherwise contact your clinic today."
)
STOP_NEW_PRODUCTS = _l("Stop any new skin product and contact your clinic today.")
SWELLING_SPREADING = _l(
    "Contact your clinic today. If the swelling keeps spreading, or breathing or swallowing "
    "feels difficult, seek medical care now."
)
CALL_IN_HOURS = _l(
    "Call your clinic during opening hours, or mention it at your next visit if that is soon; "
    "keep using sun protection."
)
KEEP_WATCHING = _l("This usually settles on its own. Log again in a day or two; it is only a concern if it grows.")

# The reasons say what was seen and why it matters, never what it is: only a practitioner can tell.
_SIGN_FLAGS = {
    "pus": Flag("sign_pus", TODAY, _l("Pus or yellow crust is not part of normal healing."), CONTACT_TODAY),
    "fever": Flag("sign_fever", TODAY, _l("A fever after a skin treatment needs checking."), SEEK_CARE_NOW),
    "blisters": Flag(
        "sign_blisters",
        TODAY,
        _l("Blisters or cold sores are not part of normal healing and may need treatment."),
        CONTACT_TODAY,
    ),
    "rash": Flag(
        "sign_rash",
        TODAY,
        _l("Itchy bumps or a rash can be a reaction to a product or to the treatment."),
        STOP_NEW_PRODUCTS,
    ),
    "worse_again": Flag(
        "sign_worse_again",
        TODAY,
        _l("Skin that gets worse again after getting better needs checking."),
        CONTACT_TODAY,
    ),
}


def _today_flags(
    timed: list[tuple[float, LogEntry]], depth: DepthBand, baseline: Baseline, now: datetime
) -> dict[str, Flag]:
    """Findings for today, from the latest log and from any log of the past week."""
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
        for flag in _log_flags(log, hours, lowest, depth, baseline):
            flags[flag.key] = flag
    return flags


def _log_flags(log: LogEntry, hours: float, lowest: dict[str, int], depth: DepthBand, baseline: Baseline) -> list[Flag]:
    """The findings for today in one log."""
    flags = [_SIGN_FLAGS[sign] for sign in WARNING_SIGNS if sign in log.warning_signs]
    if log.swelling >= SPREADING_SWELLING:
        flags.append(
            Flag(
                "spreading_swelling",
                TODAY,
                _("Swelling that spreads beyond the treated area or closes the eyes is more than expected."),
                SWELLING_SPREADING,
            )
        )
    if hours >= RISING_FROM_HOURS:
        flags += _rising_flags(log, hours, lowest, depth, baseline)
    if hours >= SEVERE_PAIN_FROM_HOURS and log.pain is not None and log.pain >= SEVERE_PAIN:
        flags.append(
            Flag(
                "severe_pain",
                TODAY,
                _("Pain of %(pain)d out of 10 after the first day is more than expected.", pain=log.pain),
                _("Contact your clinic today, especially if ordinary painkillers do not help."),
            )
        )
    if hours >= STRONG_ITCH_FROM_HOURS and log.itch is not None and log.itch >= STRONG_ITCH:
        flags.append(
            Flag(
                "strong_itch",
                TODAY,
                _(
                    "Strong itching (%(itch)d out of 10) from day 3 on can be a reaction "
                    "to a product or to the treatment.",
                    itch=log.itch,
                ),
                STOP_NEW_PRODUCTS,
            )
        )
    return flags


def _lower(lowest: dict[str, int], entry: LogEntry) -> None:
    for name in ("redness", "swelling", "pain"):
        value = getattr(entry, name)
        if value is not None:
            lowest[name] = min(lowest.get(name, value), value)


def _rising_flags(
    log: LogEntry, hours: float, lowest: dict[str, int], depth: DepthBand, baseline: Baseline
) -> list[Flag]:
    """Redness, swelling or pain that went up again after day 2, from the lowest logged since day 1."""
    flags = []
    for symptom in ("redness", "swelling"):
        floor = lowest.get(symptom)
        value = getattr(log, symptom)
        # A one-level wobble that stays inside the typical band is reporting noise, not a return.
        if (
            floor is not None
            and value > floor
            and expected_band(symptom, hours, depth, baseline).position(value) == "above"
        ):
            flags.append(
                Flag(
                    f"rising_{symptom}",
                    TODAY,
                    _(
                        "%(symptom)s went up again after the first two days (from %(before)d to %(after)d); "
                        "skin that gets worse again needs checking.",
                        symptom=SYMPTOM_LABELS[symptom],
                        before=floor,
                        after=value,
                    ),
                    CONTACT_TODAY,
                )
            )
    floor = lowest.get("pain")
    if log.pain is not None and floor is not None and log.pain - floor >= RISING_PAIN_POINTS:
        flags.append(
            Flag(
                "rising_pain",
                TODAY,
                _(
                    "Pain went up again after the first two days (from %(before)d to %(after)d); "
                    "pain that grows again needs checking.",
                    before=floor,
                    after=log.pain,
                ),
                CONTACT_TODAY,
            )
        )
    return flags


def _latest_flags(hours: float, latest: LogEntry, depth: DepthBand, baseline: Baseline) -> list[Flag]:
    """What the latest log shows above the typical band: for the clinic soon, or to watch."""
    flags = []
    for symptom in SYMPTOMS:
        value = getattr(latest, symptom)
        if expected_band(symptom, hours, depth, baseline).position(value) == "within":
            continue
        label = SYMPTOM_LABELS[symptom]
        past_downtime = hours >= depth.downtime_ends_hours
        # Clearly visible past the downtime, or moderate once the typical course has it gone.
        needs_clinic = (past_downtime and value >= CLEARLY_VISIBLE) or (hours >= depth.fade_hours and value >= MODERATE)
        if symptom != "peeling" and needs_clinic:
            flags.append(
                Flag(
                    f"persistent_{symptom}",
                    SOON,
                    _(
                        "%(symptom)s is still clearly visible %(when)s, longer than is typical for your needle depth.",
                        symptom=label,
                        when=describe_time(hours),
                    ),
                    CALL_IN_HOURS,
                )
            )
        elif past_downtime:
            flags.append(
                Flag(
                    f"lingering_{symptom}",
                    WATCH,
                    _(
                        "A little %(symptom)s is still there %(when)s.",
                        symptom=label.lower(),
                        when=describe_time(hours),
                    ),
                    KEEP_WATCHING,
                )
            )
        else:
            flags.append(
                Flag(
                    f"above_typical_{symptom}",
                    WATCH,
                    _("%(symptom)s is above the typical range for this stage.", symptom=label),
                    KEEP_WATCHING,
                )
            )
    if latest.bruising and hours >= BRUISING_SETTLED_BY_HOURS:
        flags.append(
            Flag(
                "lingering_bruising",
                WATCH,
                _("Bruising is still there after 10 days; most bruising fades within 7 to 10 days."),
                _("Mention it to your clinic at your next visit; call them if it spreads or hurts."),
            )
        )
    return flags


STATUS_OF_SEVERITY = {TODAY: CONTACT, SOON: CONTACT, WATCH: SLOWER}


def assess(session: SessionFacts, logs: Iterable[LogEntry], now: datetime, include_points: bool = True) -> Assessment:
    """Compare a session's logs with the typical course and decide its status as of `now`.

    Without `include_points` only the status and flags are worked out (what saving a log needs),
    not every log's position against the band (what a chart needs).
    """
    _require_aware(now, "now")
    depth = depth_band(session.needle_depth_mm)
    baseline = session.baseline
    ordered = sorted(logs, key=lambda log: log.logged_at)
    timed = [(hours_since_session(session.performed_at, log.logged_at), log) for log in ordered]
    points = []
    for hours, log in timed if include_points else ():
        for symptom in SYMPTOMS:
            band = expected_band(symptom, hours, depth, baseline)
            value = getattr(log, symptom)
            points.append(SymptomPoint(symptom, log.logged_at, hours, value, band, band.position(value)))
    flags: list[Flag] = []
    if timed:
        flags = [*_today_flags(timed, depth, baseline, now).values(), *_latest_flags(*timed[-1], depth, baseline)]
    flags.sort(key=lambda flag: SEVERITIES.index(flag.severity))  # stable: same-severity flags keep their order
    if not timed:
        status = NO_LOGS
    elif flags:
        status = STATUS_OF_SEVERITY[flags[0].severity]
    else:
        status = ON_TRACK
    hours_now = hours_since_session(session.performed_at, now)
    return Assessment(
        hours_now,
        phase_at(hours_now),
        depth,
        baseline,
        status,
        tuple(flags),
        tuple(points),
        ordered[-1] if ordered else None,
    )


# --- Words --------------------------------------------------------------------------------

POSITION_WORDS = {
    "within": _l("within the typical range"),
    "above": _l("above the typical range"),
}


def describe_time(hours_since: float) -> str:
    """A time since the session in plain words: "at 30 hours" or "on day 12"."""
    hours = max(0.0, hours_since)
    if hours < 2 * DAY:
        return ngettext("at %(num)d hour", "at %(num)d hours", round(hours))
    return _("on day %(day)d", day=int(hours // DAY))  # pragma: no mutate: hours >= 0 here, so // and / round alike


def summarise_point(point: SymptomPoint) -> str:
    """One point as a sentence, e.g. "Redness 1 at 30 hours: within the typical range (up to 1)"."""
    return _(
        "%(symptom)s %(value)d %(when)s: %(position)s (up to %(high)d)",
        symptom=SYMPTOM_LABELS[point.symptom],
        value=point.value,
        when=describe_time(point.hours_since),
        position=POSITION_WORDS[point.position],
        high=point.band.high,
    )


def status_message(assessment: Assessment) -> str:
    """A short paragraph saying what the status means and what to do (the flags give the reasons)."""
    if assessment.latest is None:
        return _(
            "Nothing is logged yet, so there is nothing to compare. %(phase)s "
            "Log how your skin looks today; contact your clinic if anything worries you.",
            phase=assessment.phase.description,
        )
    cannot_tell = _("This app cannot tell what is causing it; your practitioner can.")
    if assessment.most_urgent == TODAY:
        actions = {str(flag.action) for flag in assessment.flags if flag.severity == TODAY}
        # Lead with the most urgent step; each flag's own action is shown beside it.
        first = SEEK_CARE_NOW if str(SEEK_CARE_NOW) in actions else CONTACT_TODAY
        if str(STOP_NEW_PRODUCTS) in actions:
            return _(
                "%(first)s Stop any new skin product for now. %(cannot_tell)s", first=first, cannot_tell=cannot_tell
            )
        return _("%(first)s %(cannot_tell)s", first=first, cannot_tell=cannot_tell)
    if assessment.most_urgent == SOON:
        return _(
            "It is not urgent, but your clinic should know. %(call)s %(cannot_tell)s",
            call=CALL_IN_HOURS,
            cannot_tell=cannot_tell,
        )
    if assessment.most_urgent == WATCH:
        return _(
            "Your skin is settling a little more slowly than is typical. "
            "%(keep_watching)s Contact your clinic if anything gets worse or if you are worried.",
            keep_watching=KEEP_WATCHING,
        )
    return _(
        "Your skin is healing the way it typically does at this stage. "
        "%(phase)s Keep following your aftercare; "
        "contact your clinic if anything worries you.",
        phase=assessment.phase.description,
    )


def clinic_status_message(assessment: Assessment) -> str:
    """The status paragraph in the clinic's words: what the patient's logs show and what the patient was told."""
    if assessment.latest is None:
        return _("Nothing is logged yet for this session, so there is nothing to compare with the typical course.")
    no_cause = _("The app names no cause; the reasons the patient saw are listed below.")
    if assessment.most_urgent == TODAY:
        actions = {str(flag.action) for flag in assessment.flags if flag.severity == TODAY}
        seek_care = str(SEEK_CARE_NOW) in actions
        products = str(STOP_NEW_PRODUCTS) in actions
        # One whole sentence per case: the pieces would not reorder in another language.
        if seek_care and products:
            told = _(
                "The patient was told to seek medical care now if unwell or at 38 °C (100.4 °F) or higher, "
                "otherwise to contact the clinic today, and to stop any new skin product."
            )
        elif seek_care:
            told = _(
                "The patient was told to seek medical care now if unwell or at 38 °C (100.4 °F) or higher, "
                "otherwise to contact the clinic today."
            )
        elif products:
            told = _("The patient was told to contact the clinic today and to stop any new skin product.")
        else:
            told = _("The patient was told to contact the clinic today.")
        return f"{told} {no_cause}"
    if assessment.most_urgent == SOON:
        return _(
            "The patient's latest log is above the typical range, past the usual window for their needle depth. "
            "They were told it is not urgent and to call the clinic during opening hours, or to mention it at "
            "their next visit if that is soon. %(no_cause)s",
            no_cause=no_cause,
        )
    if assessment.most_urgent == WATCH:
        return _(
            "The patient's latest log is a little above the typical range for this stage. They were told this "
            "usually settles on its own and to log again in a day or two. No alert is raised for this."
        )
    return _(
        "The patient's latest log is within the typical range for this stage (%(phase)s).",
        phase=assessment.phase.label.lower(),
    )
