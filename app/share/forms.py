from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import BooleanField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from app.services.share_links import DEFAULT_EXPIRY_DAYS, EXPIRY_DAYS, LABEL_MAX, SERIES
from app.web.filters import local_time
from app.web.forms import BaseForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _offered(message):
    def check(form, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(message)

    return check


class ShareLinkForm(BaseForm):
    """What a new share link shows (one session or the series, photos or not) and for how long."""

    scope = RadioField(
        _l("What to share"),
        validate_choice=False,
        validators=[
            InputRequired(_l("Choose a session or the whole series.")),
            _offered(_l("Choose a session or the whole series.")),
        ],
    )
    include_photos = BooleanField(
        _l("Include my photos"), description=_l("Without this, the link shows your logs and charts only.")
    )
    expires_in = RadioField(
        _l("The link works for"),
        validate_choice=False,
        default=str(DEFAULT_EXPIRY_DAYS),
        validators=[
            InputRequired(_l("Choose how long the link works.")),
            _offered(_l("Choose how long the link works.")),
        ],
    )
    label = StringField(
        _l("A name for the link (optional)"),
        filters=[_strip],
        validators=[Length(max=LABEL_MAX, message=_l("Use at most %(max)d characters."))],
        description=_l("Only you see it, in your list of links, for example “Dr Rivera, dermatologist”."),
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField(_l("Create the link"))

    @classmethod
    def for_patient(cls, sessions):
        """The form with the patient's sessions (newest first) to choose from, and the series."""
        form = cls()
        form.scope.choices = [(SERIES, _("All my sessions (the whole series)"))] + [
            (str(treatment.id), _("The session of %(date)s", date=local_time(treatment.performed_at, "%-d %b %Y")))
            for treatment in sessions
        ]
        form.expires_in.choices = [(str(days), ngettext("%(num)d day", "%(num)d days", days)) for days in EXPIRY_DAYS]
        if not form.is_submitted():
            form.scope.data = str(sessions[0].id) if sessions else SERIES
        return form
