"""What to do now, by hours since the session and what the latest log shows.

Pure Python, no I/O. Sources are listed in docs/recovery-model.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.i18n import gettext as _
from app.core.i18n import lazy_gettext as _l
from app.core.recovery import DAY, WEEK, LogEntry

# Sun protection is advised for 2-4 weeks; we keep the longer end.
SUN_PROTECTION_HOURS = 28 * DAY
# After the first week these apply only while the last log shows the skin is still healing.
STILL_HEALING_WHY = _l("Your last log still shows redness, swelling or peeling, so your skin is still healing.")
ACTIVES_STILL_HEALING_WHY = _l("They sting and can inflame skin that is still healing.")


@dataclass(frozen=True)
class AftercareItem:
    """One thing to do now, with the reason in plain words."""

    key: str
    text: str
    why: str


def _contact_item(latest: LogEntry) -> AftercareItem:
    why = _("The sign you ticked can need treatment, and only your practitioner can tell what it is.")
    if "fever" in latest.warning_signs:
        return AftercareItem(
            "contact_clinic",
            _(
                "If you feel unwell or your temperature is 38 °C (100.4 °F) or higher, "
                "seek medical care now; otherwise contact your clinic today."
            ),
            why,
        )
    return AftercareItem("contact_clinic", "Contact your clinic today about the warning sign you ticked.", why)


def _still_red_or_peeling(latest: LogEntry | None) -> bool:
    return latest is not None and max(latest.redness, latest.swelling, latest.peeling) >= 1


def aftercare_for(hours_since: float, latest: LogEntry | None) -> list[AftercareItem]:
    """The aftercare that applies now, most urgent first."""
    hours = max(0.0, hours_since)  # pragma: no mutate: any floor under 24 h gives the same advice
    first_week = hours < WEEK
    # Back to the usual routine only once redness and peeling have settled, even after day 7.
    healing = first_week or _still_red_or_peeling(latest)
    peeling = latest is not None and latest.peeling >= 1
    items = []
    if latest is not None and latest.warning_signs:
        items.append(_contact_item(latest))
    if hours < DAY:
        items.append(
            AftercareItem(
                "no_makeup",
                _("Skip make-up and any skin product your practitioner did not give you."),
                _("The tiny channels in your skin are still open, so products go deeper and can irritate."),
            )
        )
    if healing:
        items.append(
            AftercareItem(
                "gentle_routine",
                _("Wash with a gentle cleanser and use a soothing moisturiser."),
                _("Mild products help the skin barrier repair.") if first_week else STILL_HEALING_WHY,
            )
        )
    if hours < 2 * DAY:
        items.append(
            AftercareItem(
                "no_heat",
                _("Avoid sweating, workouts, saunas, hot showers and swimming."),
                _("Heat and sweat inflame fresh skin, and pools and gyms can carry germs into it."),
            )
        )
    if hours < DAY:
        items.append(
            AftercareItem(
                "shade",
                _("Stay out of direct sun; start a high-SPF sunscreen after the first day."),
                _("Freshly treated skin burns easily."),
            )
        )
    elif hours < SUN_PROTECTION_HOURS:
        items.append(
            AftercareItem(
                "sunscreen",
                _("Wear a high-SPF sunscreen every day and avoid direct sun."),
                _("Healing skin burns and darkens more easily for a few weeks."),
            )
        )
    if healing:
        items.append(
            AftercareItem(
                "no_actives",
                _("Leave out retinoids, acids (AHA/BHA), vitamin C and benzoyl peroxide."),
                _("They sting and can inflame healing skin; vitamin C serums have been linked to reactions.")
                if first_week
                else ACTIVES_STILL_HEALING_WHY,
            )
        )
    if (DAY <= hours < WEEK) or peeling:
        items.append(
            AftercareItem(
                "no_picking",
                _("Let flaking skin come off on its own; do not pick or peel it."),
                _("Picking can leave marks and let germs in."),
            )
        )
    if not healing:
        items.append(
            AftercareItem(
                "back_to_routine",
                _("Your skin has settled: you can go back to your usual skincare routine.")
                if latest
                else _("Once any redness and peeling have settled, go back to your usual skincare routine."),
                _("Expected reactions settle within a week."),
            )
        )
    return items
