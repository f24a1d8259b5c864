import math
import uuid
from datetime import timedelta

from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.recovery import ASK_IMPROVEMENT_FROM_HOURS, hours_since_session
from app.core.vocabulary import AREAS, CONCERNS, DEVICES, IMPROVEMENT_CHOICES, SCALE_WORDS, SCORE_LABELS, WARNING_SIGNS
from app.models import utcnow
from app.web.forms import BaseForm, ChoiceScoreField, LocalDateTimeField, MultiCheckboxField, PhotoField
from app.web.timezones import viewer_zone

MAX_NOTE_LENGTH = 2000
# A phone's clock and ours may differ by a little; a log "now" must still save.
CLOCK_TOLERANCE = timedelta(minutes=5)
PAIN_LEVELS = [(n, str(n)) for n in range(11)]
PHOTO_HINT = "Same spot, distance and light each time makes the change easy to see."


class DepthField(FloatField):
    """Millimetres; accepts a decimal comma as typed on many phones."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(valuelist[0].strip().replace(",", "."))
            except ValueError:
                self.data = None
                raise ValueError("Enter the depth as a number, for example 0.5.") from None
        else:
            self.data = None


def _text_or_none(value):
    return value or None


def _levels(symptom):
    return [(level, f"{level} · {words}") for level, words in SCALE_WORDS[symptom].items()]


class SessionForm(BaseForm):
    performed_at = LocalDateTimeField(
        "Date and time of the session",
        validators=[InputRequired("Enter when the session took place.")],
        tz=viewer_zone,
    )
    needle_depth_mm = DepthField(
        "Needle depth (mm)",
        validators=[Optional()],
        description="Ask your practitioner if you are not sure; leave empty if unknown.",
        render_kw={"inputmode": "decimal", "step": "0.05", "min": "0", "max": "3"},
    )
    device = SelectField("Device", choices=DEVICES,
                         validate_choice=False,
                         validators=[InputRequired("Choose the device used.")])
    areas = MultiCheckboxField("Treated areas", choices=AREAS)
    concerns = MultiCheckboxField("Concerns treated", choices=CONCERNS)
    series_number = IntegerField(
        "Session number in the series",
        validators=[Optional(), NumberRange(1, 20, "Enter a number from 1 to 20.")],
        description="1 for the first session of a series.",
        render_kw={"inputmode": "numeric", "min": "1", "max": "20"},
    )
    notes = TextAreaField("Notes", validators=[Length(max=MAX_NOTE_LENGTH)],
                          description="Anything you want to remember, such as products used.")
    submit = SubmitField("Save session")

    FIELDS = ("performed_at", "needle_depth_mm", "device", "areas", "concerns",
              "series_number", "notes")

    CLINIC_RECORD = ("device", "needle_depth_mm", "areas")

    def __init__(self, *args, earliest_log_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest_log_at = earliest_log_at

    def lock_clinic_record(self):
        """The clinic recorded device, depth and areas: the patient sees but cannot change them."""
        for name in self.CLINIC_RECORD:
            delattr(self, name)

    def validate_performed_at(self, field):
        if field.data is None:
            return
        if field.data > utcnow() + timedelta(days=366):
            raise ValidationError("A session can be planned at most a year ahead.")
        if self.earliest_log_at and field.data > self.earliest_log_at:
            raise ValidationError("This session already has logs from before that time. "
                                  "Choose a time before its first log.")

    def validate_needle_depth_mm(self, field):
        depth = field.data
        if depth is not None and (not math.isfinite(depth) or not 0 <= depth <= 3):
            raise ValidationError("Enter a depth from 0 to 3 mm, for example 0.5.")

    def validate_device(self, field):
        if field.data not in DEVICES:
            raise ValidationError("Choose one of the devices listed.")

    def validate_areas(self, field):
        if not field.data:
            raise ValidationError("Tick at least one treated area.")


class LogForm(BaseForm):
    # Not required: a post without a time means "now", as the form's default.
    logged_at = LocalDateTimeField(
        "When",
        description="Now, or earlier to add a moment you missed.",
        tz=viewer_zone,
    )
    redness = ChoiceScoreField(SCORE_LABELS["redness"], levels=_levels("redness"))
    swelling = ChoiceScoreField(SCORE_LABELS["swelling"], levels=_levels("swelling"))
    peeling = ChoiceScoreField(SCORE_LABELS["peeling"], levels=_levels("peeling"))
    pain = ChoiceScoreField(SCORE_LABELS["pain"], levels=PAIN_LEVELS, optional=True,
                            description="0 is none, 10 the worst you can imagine.")
    itch = ChoiceScoreField(SCORE_LABELS["itch"], levels=PAIN_LEVELS, optional=True,
                            description="0 is none, 10 the worst you can imagine.")
    bruising = BooleanField("Some bruising")
    # A tick box for each warning sign is added below the class, from vocabulary.WARNING_SIGNS.
    improvement = RadioField(
        "Compared with before the session, my skin looks",
        choices={"": "Skip", **IMPROVEMENT_CHOICES}, coerce=_text_or_none, validate_choice=False,
    )
    note = TextAreaField("Note", validators=[Length(max=MAX_NOTE_LENGTH)])
    photo = PhotoField("Photo (optional)", description=PHOTO_HINT)
    client_id = HiddenField(default=lambda: str(uuid.uuid4()))
    submit = SubmitField("Save log")

    WARNING_FIELDS = tuple(WARNING_SIGNS)
    FIELDS = ("logged_at", "redness", "swelling", "peeling", "pain", "itch", "bruising",
              *WARNING_FIELDS, "improvement", "note", "client_id")
    FILE_FIELDS = ("photo",)

    @classmethod
    def for_new_log(cls, treatment):
        return cls(treatment, data={"logged_at": utcnow()})

    @classmethod
    def for_edit(cls, log):
        form = cls(log.session, obj=log)
        del form.client_id  # a log keeps the id it was first sent with
        del form.photo  # photos are added with a new log or on the session page
        return form

    def __init__(self, treatment, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.treatment = treatment
        # Before day 7 the skin is still healing, so "how does it look now" is not asked.
        if hours_since_session(treatment.performed_at, utcnow()) < ASK_IMPROVEMENT_FROM_HOURS:
            del self.improvement

    def mark_resend_conflict(self):
        """The form's id belongs to a stored log with other answers: offer these answers as a new log."""
        self.client_id.errors = [
            "This form was already used to save a different log, so nothing was saved this time. "
            "Your answers are below: check them and tap Save log to save them as a new log."]
        self.client_id.data = str(uuid.uuid4())

    def validate_client_id(self, field):
        if not field.data:
            field.data = None
            return
        try:
            field.data = str(uuid.UUID(field.data))
        except ValueError:
            raise ValidationError("This form was damaged; please reload the page and try again.") from None

    def validate_improvement(self, field):
        if field.data is not None and field.data not in IMPROVEMENT_CHOICES:
            raise ValidationError("Choose one of the answers listed, or Skip.")

    def validate_logged_at(self, field):
        if field.data is None:
            return
        if field.data < self.treatment.performed_at:
            raise ValidationError("A log cannot be earlier than the session it belongs to.")
        if field.data > utcnow() + CLOCK_TOLERANCE:
            raise ValidationError("A log cannot be in the future.")


# One tick box per warning sign, in the vocabulary's order and words (a class body cannot add fields in a loop;
# WTForms picks up fields set on the class afterwards).
for _sign, _words in WARNING_SIGNS.items():
    setattr(LogForm, _sign, BooleanField(_words))


class ConfirmForm(BaseForm):
    """An empty form: a POST with a CSRF token, for delete buttons."""

    submit = SubmitField("Delete")
