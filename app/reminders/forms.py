from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from app.core.opening_hours import parse_clock
from app.web.forms import BaseForm

CLOCK_HELP = _l("Write a time as HH:MM, for example 21:00.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _clock(form, field):
    try:
        parse_clock(field.data)
    except ValueError:
        raise ValidationError(CLOCK_HELP) from None


def _clock_field(label, description):
    return StringField(
        label,
        validators=[InputRequired(CLOCK_HELP), _clock],
        filters=[_strip],
        description=description,
        render_kw={"inputmode": "numeric", "autocomplete": "off", "placeholder": _l("HH:MM")},
    )


class ReminderSettingsForm(BaseForm):
    """How the patient is reminded to check in, and when never to be disturbed."""

    remind_by_email = BooleanField(_l("Remind me by email"))
    remind_by_push = BooleanField(
        _l("Remind me by notification on my phone"),
        description=_l("Notifications also need to be turned on for each phone or browser, below."),
    )
    quiet_hours_start = _clock_field(_l("Quiet from"), _l("No reminder from this time, for example 21:00."))
    quiet_hours_end = _clock_field(
        _l("Quiet until"),
        _l("A reminder due in the quiet hours comes at this time. The same time twice means none."),
    )
    submit = SubmitField(_l("Save reminder choices"))
