import uuid
from datetime import timedelta

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
ZERO_TO_TEN_HINT = _l("0 is none, 10 the worst you can imagine.")


def _text_or_none(value):
    return value or None


def _numbered_levels(symptom):
    # Built per form, in the page's language: "1 · Faint pink, hard to see".
    return {str(level): f"{level} · {words}" for level, words in SCALE_WORDS[symptom].items()}


def _improvement_choices():
    # Read when the form is drawn: plain strings in the page's language (WTForms wants str, not lazy strings).
    return {"": _("Skip"), **{key: str(words) for key, words in IMPROVEMENT_CHOICES.items()}}


def _level_words(symptom):
    # The "levels" layout prints each level's number beside these words.
    return list(SCALE_WORDS[symptom].items())


def _warning_examples():
    return ", ".join(str(words).lower() for words in list(WARNING_SIGNS.values())[:3])


# The first warning signs, named on the line that says where they are ticked (lazy: in the page's language).
WARNING_EXAMPLES = LazyString(_warning_examples)


class LogForm(BaseForm):
    # Not required: a post without a time means "now", as the form's default.
    logged_at = LocalDateTimeField(
        _l("When"),
        description=_l("Now, or earlier to add a moment you missed."),
        tz=viewer_zone,
    )
    redness = ChoiceScoreField(SCORE_LABELS["redness"], levels=_level_words("redness"))
    swelling = ChoiceScoreField(SCORE_LABELS["swelling"], levels=_level_words("swelling"))
    peeling = ChoiceScoreField(SCORE_LABELS["peeling"], levels=_level_words("peeling"))
    pain = ChoiceScoreField(SCORE_LABELS["pain"], levels=PAIN_LEVELS, optional=True, description=ZERO_TO_TEN_HINT)
    itch = ChoiceScoreField(SCORE_LABELS["itch"], levels=PAIN_LEVELS, optional=True, description=ZERO_TO_TEN_HINT)
    bruising = BooleanField(_l("Some bruising"))
    # A tick box for each warning sign is added below the class, from vocabulary.WARNING_SIGNS.
    improvement = RadioField(
        _l("Compared with before the session, my skin looks"),
        choices=_improvement_choices,
        coerce=_text_or_none,
        validate_choice=False,
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_NOTE_LENGTH)])
    photo = PhotoField(_l("Photo (optional)"), description=PHOTO_HINT)
    client_id = HiddenField(default=lambda: str(uuid.uuid4()))
    submit = SubmitField(_l("Save log"))

    SCORE_FIELDS = ("redness", "swelling", "peeling")
    WARNING_FIELDS = tuple(WARNING_SIGNS)
    # One tap away, behind the extras' summary; "photo" is absent from the edit form.
    EXTRA_FIELDS = ("pain", "itch", "bruising", *WARNING_FIELDS, "note", "photo")
    WARNING_EXAMPLES = WARNING_EXAMPLES
    EXTRAS_SUMMARY = _l("Pain, itch, bruising, warning signs, note or photo")
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
            _(
                "This form was already used to save a different log, so nothing was saved this time. "
                "Your answers are below: check them and tap Save log to save them as a new log."
            )
        ]
        self.client_id.data = str(uuid.uuid4())

    def validate_client_id(self, field):
        if not field.data:
            field.data = None
            return
        try:
            field.data = str(uuid.UUID(field.data))
        except ValueError:
            raise ValidationError(_("This form was damaged; please reload the page and try again.")) from None

    def validate_improvement(self, field):
        if field.data is not None and field.data not in IMPROVEMENT_CHOICES:
            raise ValidationError(_("Choose one of the answers listed, or Skip."))

    def validate_logged_at(self, field):
        if field.data is None:
            return
        if field.data < self.treatment.performed_at:
            raise ValidationError(_("A log cannot be earlier than the session it belongs to."))
        if field.data > utcnow() + CLOCK_TOLERANCE:
            raise ValidationError(_("A log cannot be in the future."))


# One tick box per warning sign, in the vocabulary's order and words (a class body cannot add fields in a loop;
# WTForms picks up fields set on the class afterwards).
for _sign, _words in WARNING_SIGNS.items():
    setattr(LogForm, _sign, BooleanField(_words))


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Enter your password to confirm."))],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Delete my account and data"), render_kw={"class": "button danger"})

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        if not self.user.check_password(field.data or ""):
            raise ValidationError(_("That is not your password. Nothing was deleted."))


class UsualSkinForm(BaseForm):
    """How the skin usually looks, before any treatment: later levels are judged against it."""

    redness = ChoiceScoreField(SCORE_LABELS["redness"], levels=_level_words("redness"))
    swelling = ChoiceScoreField(SCORE_LABELS["swelling"], levels=_level_words("swelling"))
    peeling = ChoiceScoreField(SCORE_LABELS["peeling"], levels=_level_words("peeling"))
    submit = SubmitField(_l("Save my usual skin"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for symptom in ("redness", "swelling", "peeling"):
            self[symptom].choices = _numbered_levels(symptom)

    @classmethod
    def for_session(cls, treatment):
        usual = treatment.usual_skin
        return cls(data=usual.__dict__ if usual else None)
