"""What a clinic can learn from its own patients: recovery by needle depth, area and device. Pure Python."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from app.core.recovery import DEPTH_BANDS, DepthBand, depth_band

# Hours after the session at which the clinic's median redness is drawn.
TIME_BUCKETS = ((0, 12), (12, 24), (24, 48), (48, 72), (72, 120), (120, 168))
SETTLED_REDNESS = 1


@dataclass(frozen=True)
class CohortSession:
    """One session of the clinic's patients: what it was, and its redness logs."""

    needle_depth_mm: float | None
    areas: tuple[str, ...]
    redness_by_hour: tuple[tuple[float, int], ...]  # (hours since the session, redness)
    device: str | None = None  # a key of vocabulary.DEVICES


@dataclass(frozen=True)
class CohortGroup:
    """Sessions that share a depth, an area or a device, summarised."""

    key: str
    label: str
    sessions: int
    settled: int  # sessions with a log showing redness at 1 or below
    median_hours_to_settle: float | None
    median_redness: tuple[float | None, ...]  # one per TIME_BUCKETS
    depth: DepthBand | None = None  # a depth group's own band; None when the group mixes depths


def hours_until_settled(redness_by_hour):
    """The first logged hour at which redness is 1 or below, or None if never logged so."""
    for hours, redness in sorted(redness_by_hour):
        if redness <= SETTLED_REDNESS:
            return hours
    return None


def _group(key, label, sessions, depth=None):
    settle_times = [t for s in sessions if (t := hours_until_settled(s.redness_by_hour)) is not None]
    medians = []
    for start, end in TIME_BUCKETS:
        values = [r for s in sessions for h, r in s.redness_by_hour if start <= h < end]
        medians.append(statistics.median(values) if values else None)
    return CohortGroup(
        key,
        label,
        len(sessions),
        len(settle_times),
        statistics.median(settle_times) if settle_times else None,
        tuple(medians),
        depth,
    )


def by_depth(sessions):
    """One group per needle-depth band that has sessions (unknown depth counts as medium)."""
    groups = []
    for band in DEPTH_BANDS:
        members = [s for s in sessions if depth_band(s.needle_depth_mm) == band]
        if members:
            groups.append(_group(band.key, band.label, members, depth=band))
    return groups


def by_area(sessions, area_labels):
    """One group per treated area that has sessions; a session counts for each of its areas."""
    return [
        _group(area, label, members)
        for area, label in area_labels.items()
        if (members := [s for s in sessions if area in s.areas])
    ]


def by_device(sessions, device_labels):
    """One group per device that has sessions, in the order of `device_labels`."""
    return [
        _group(device, label, members)
        for device, label in device_labels.items()
        if (members := [s for s in sessions if s.device == device])
    ]
