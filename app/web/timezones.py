"""The viewer's time zone: stored times are UTC, pages show local time."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask_login import current_user

UTC_NAME = "UTC"


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def clean_zone_name(name: str | None) -> str | None:
    """The name if it is a real IANA zone (what browsers report), else None."""
    return name if name and name in known_zones() else None


def viewer_zone() -> ZoneInfo:
    """The signed-in user's zone; UTC for visitors."""
    name = getattr(current_user, "timezone", None) if current_user else None
    return ZoneInfo(clean_zone_name(name) or UTC_NAME)
