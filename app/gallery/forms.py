from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SubmitField
from wtforms.validators import ValidationError

from app.models import utcnow
from app.web.forms import PHOTO_HINT, BaseForm, LocalDateTimeField, PhotoField
from app.web.timezones import viewer_zone

# A phone's clock and ours may differ by a little; a photo "now" must still save (as a log does).
CLOCK_TOLERANCE = timedelta(minutes=5)
# A "before" photo comes from the days or weeks before the session; more than a year is a slip of the date.
EARLIEST_BEFORE_SESSION = timedelta(days=365)


class PhotoForm(BaseForm):
    photo = PhotoField(_l("Photo"), required=True, description=PHOTO_HINT)
    # Not required: a post without a time means "now", as the field's default.
    taken_at = LocalDateTimeField(
        _l("Taken"),
        description=_l("Now, or earlier for a photo taken before the session."),
        default=utcnow,
        tz=viewer_zone,
    )
    submit = SubmitField(_l("Save photo"))

    FILE_FIELDS = ("photo",)

    def __init__(self, treatment=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.treatment = treatment

    def validate_taken_at(self, field):
        if field.data is None:
            return
        if field.data > utcnow() + CLOCK_TOLERANCE:
            raise ValidationError(_("That is in the future. Enter when the photo was taken."))
        if self.treatment is not None and field.data < self.treatment.performed_at - EARLIEST_BEFORE_SESSION:
            raise ValidationError(
                _(
                    "That is more than a year before the session. Enter when the photo was taken: "
                    "from a year before the session until now."
                )
            )
