import uuid
from datetime import timedelta

from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from app.core.recovery import ASK_IMPROVEMENT_FROM_HOURS, hours_since_session
from app.core.vocabulary import IMPROVEMENT_CHOICES, SCALE_WORDS, SCORE_LABELS, WARNING_SIGNS
from app.models import utcnow
from app.web.forms import MAX_NOTE_LENGTH, PHOTO_HINT, BaseForm, ChoiceScoreField, LocalDateTimeField, PhotoField
from app.web.timezones import viewer_zone

# A phone's clock and ours may differ by a little; a log "now" must still save.
CLOCK_TOLERANCE = timedelta(minutes=5)
PAIN_LEVELS = [(n, str(n)) for n in range(11)]


def _text_or_none(value):
    return value or None


def _levels(symptom):
    return [(level, f"{level} · {words}") for level, words in SCALE_WORDS[symptom].items()]


def _level_words(symptom):
    # The "levels" layout prints each level's number beside these words.
    return list(SCALE_WORDS[symptom].items())


# The first warning signs, named on the line that says where they are ticked.
WARNING_EXAMPLES = ", ".join(words.lower() for words in list(WARNING_SIGNS.values())[:3])


class LogForm(BaseForm):
    # Not required: a post without a time means "now", as the form's default.
    logged_at = LocalDateTimeField(
        "When",
        description="Now, or earlier to add a moment you missed.",
        tz=viewer_zone,
    )
    redness = ChoiceScoreField(SCORE_LABELS["redness"], levels=_level_words("redness"))
    swelling = ChoiceScoreField(SCORE_LABELS["swelling"], levels=_level_words("swelling"))
    peeling = ChoiceScoreField(SCORE_LABELS["peeling"], levels=_level_words("peeling"))
    pain = ChoiceScoreField(
        SCORE_LABELS["pain"], levels=PAIN_LEVELS, optional=True, description="0 is none, 10 the worst you can imagine."
    )
    itch = ChoiceScoreField(
        SCORE_LABELS["itch"], levels=PAIN_LEVELS, optional=True, description="0 is none, 10 the worst you can imagine."
    )
    bruising = BooleanField("Some bruising")
    # A tick box for each warning sign is added below the class, from vocabulary.WARNING_SIGNS.
    improvement = RadioField(
        "Compared with before the session, my skin looks",
        choices={"": "Skip", **IMPROVEMENT_CHOICES},
        coerce=_text_or_none,
        validate_choice=False,
    )
    note = TextAreaField("Note", validators=[Length(max=MAX_NOTE_LENGTH)])
    photo = PhotoField("Photo (optional)", description=PHOTO_HINT)
    client_id = HiddenField(default=lambda: str(uuid.uuid4()))
    submit = SubmitField("Save log")

    SCORE_FIELDS = ("redness", "swelling", "peeling")
    WARNING_FIELDS = tuple(WARNING_SIGNS)
    # One tap away, behind the extras' summary; "photo" is absent from the edit form.
    EXTRA_FIELDS = ("pain", "itch", "bruising", *WARNING_FIELDS, "note", "photo")
    WARNING_EXAMPLES = WARNING_EXAMPLES
    EXTRAS_SUMMARY = "Pain, itch, bruising, warning signs, note or photo"
    FIELDS = (
        "logged_at",
        "redness",
        "swelling",
        "peeling",
        "pain",
        "itch",
        "bruising",
        *WARNING_FIELDS,
        "improvement",
        "note",
        "client_id",
    )
    FILE_FIELDS = ("photo",)

    @classmethod
    def for_new_log(cls, treatment):
        return cls(treatment, data={"logged_at": utcnow()})

    @classmethod
    def for_edit(cls, log):
        form = cls(log.session, obj=log, editing=log)
        del form.client_id  # a log keeps the id it was first sent with
        del form.photo  # photos are added with a new log or on the session page
        return form

    def __init__(self, treatment, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.treatment = treatment
        self.editing = editing
        # Before day 7 the skin is still healing, so "how does it look now" is not asked.
        if hours_since_session(treatment.performed_at, utcnow()) < ASK_IMPROVEMENT_FROM_HOURS:
            del self.improvement

    @property
    def extras_open(self):
        """Whether the extras start open: one has an answer or an error, or the last log had a warning sign."""
        extras = [self[name] for name in self.EXTRA_FIELDS if name in self]
        # "is not False", not a truthiness test: a pain of 0 is an answer.
        if any(field.errors or (field.data not in (None, "") and field.data is not False) for field in extras):
            return True
        # Read only when the page is drawn: the session's logs, newest first, without the one being edited.
        previous = next((log for log in self.treatment.logs if log is not self.editing), None)
        return bool(previous and previous.warning_signs)

    def mark_resend_conflict(self):
        """The form's id belongs to a stored log with other answers: offer these answers as a new log."""
        self.client_id.errors = [
            "This form was already used to save a different log, so nothing was saved this time. "
            "Your answers are below: check them and tap Save log to save them as a new log."
        ]
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


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        "Your password",
        validators=[InputRequired("Enter your password to confirm.")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Delete my account and data", render_kw={"class": "button danger"})

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        if not self.user.check_password(field.data or ""):
            raise ValidationError("That is not your password. Nothing was deleted.")


class UsualSkinForm(BaseForm):
    """How the skin usually looks, before any treatment: later levels are judged against it."""

    redness = ChoiceScoreField(SCORE_LABELS["redness"], levels=_levels("redness"))
    swelling = ChoiceScoreField(SCORE_LABELS["swelling"], levels=_levels("swelling"))
    peeling = ChoiceScoreField(SCORE_LABELS["peeling"], levels=_levels("peeling"))
    submit = SubmitField("Save my usual skin")

    @classmethod
    def for_session(cls, treatment):
        usual = treatment.usual_skin
        return cls(data=usual.__dict__ if usual else None)
