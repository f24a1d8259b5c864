"""Fields, validators and the base form every blueprint uses, and the forms more than one shows."""

import math
from datetime import timedelta

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, FileStorage, ImmutableMultiDict, MultiDict
from wtforms import (
    DateTimeLocalField,
    EmailField,
    FileField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from zxcvbn import zxcvbn

from app.core import images
from app.core.vocabulary import AREAS, CONCERNS, DEVICES
from app.models import utcnow
from app.services import photos, series
from app.web.filters import local_time
from app.web.timezones import viewer_zone

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
ZXCVBN_MAX_LENGTH = 72
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def without_nul(value):
    # PostgreSQL refuses NUL in text; nobody types one on purpose.
    return value.replace("\x00", "") if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """FlaskForm (CSRF included) that cleans every submitted string."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            # Pages take HTML form posts only. Flask-WTF would read a JSON body, or an
            # upload, as field values, where `false`, a nested list or a file crashes
            # text parsing; an empty form instead gets messages, never a 500.
            if has_request_context() and request.method in SUBMIT_METHODS:
                if request.is_json:
                    return ImmutableMultiDict()
                # A file is read only by the form's photo fields; one posted in place of a
                # text field is ignored, never parsed as text.
                files = MultiDict([(name, file) for name in form.FILE_FIELDS for file in request.files.getlist(name)])
                if not files:
                    return request.form or None
                return CombinedMultiDict([request.form, files])
            return super().wrap_formdata(form, formdata)

        def bind_field(self, form, unbound_field, options):
            options["filters"] = [without_nul, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **options)

    FIELDS: tuple[str, ...] = ()
    FILE_FIELDS: tuple[str, ...] = ()  # the names of the form's PhotoFields

    def copy_to(self, obj):
        """Set the data of each field in FIELDS on ``obj``: explicit, unlike populate_obj.

        A field removed from this form instance (``del form.x``) is left alone.
        """
        for name in self.FIELDS:
            if name in self:
                setattr(obj, name, self[name].data)


def _int_or_none(value):
    return None if value in (None, "") else int(value)


class ChoiceScoreField(RadioField):
    """A row of big tap targets for a score; ``optional`` adds a "Skip" choice.

    ``data`` is an int, or None when skipped. Odd input (words, several
    values, out of range) gets a message a patient understands.
    """

    def __init__(self, label=None, validators=None, *, levels, optional=False, **kwargs):
        self.optional = optional
        self.unreadable = False
        self.allowed = [value for value, _ in levels]
        # Bound within the request: plain strings in its language (WTForms wants str, not lazy strings).
        choices = {"": _("Skip")} if optional else {}
        choices.update((str(value), str(words)) for value, words in levels)
        super().__init__(label, validators, choices=choices, coerce=_int_or_none, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        self.data, self.unreadable = None, False
        if valuelist:
            try:
                self.data = _int_or_none(valuelist[0] if len(valuelist) == 1 else "several")
            except ValueError:
                self.unreadable = True

    def pre_validate(self, form):
        if self.data is None and not self.unreadable:
            if self.optional:
                return
            raise ValidationError(_("Choose one of the levels."))
        if self.data not in self.allowed:
            raise ValidationError(
                _("Choose a whole number from %(low)s to %(high)s.", low=self.allowed[0], high=self.allowed[-1])
            )


class MultiCheckboxField(SelectMultipleField):
    """Several choices (a {value: label} dict) as checkboxes: easier with a thumb than a multi-select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        if any(value not in self.choices for value in self.data or []):
            raise ValidationError(_("Choose only from the options listed."))


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input read in the viewer's time zone (``tz``), data aware.

    Years are bounded before any time zone arithmetic so that a typed year
    like 0001 or 9999 gets a message rather than an overflow.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        kwargs.setdefault("invalid_value_message", _l("Enter a date and time, for example 2026-05-01 18:30."))
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            # Nothing sent: keep the field's data (say, an aware "now"), which WTForms would otherwise
            # relabel as a time in ``tz`` without converting it, hours off for anyone outside UTC.
            return
        super().process_formdata(valuelist)
        if self.data is not None and not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:
            self.data = None
            raise ValueError(_("Enter a date between %(first)s and %(last)s.", first=EARLIEST_YEAR, last=LATEST_YEAR))


def _english():
    return not has_request_context() or str(get_locale() or "en").startswith("en")


def password_problem(password, email=None):
    """Why a password is not good enough, in words; None when it is (zxcvbn, which works offline)."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(num)s characters.", num=MAX_PASSWORD_LENGTH)
    # zxcvbn refuses more than 72 characters; a passphrase strong in its first 72 is strong.
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[email] if email else [])
    if result["score"] < 3:
        # zxcvbn's warnings are English only: another language gets our own general hint.
        hint = result["feedback"].get("warning") if _english() else None
        return _(
            "This password is too weak. %(hint)s Try a few unrelated words together.",
            hint=hint or _("It would be easy to guess."),
        )
    return None


def strong_password(form, field):
    """WTForms validator: at least 10 characters and not easy to guess."""
    problem = password_problem(field.data, getattr(getattr(form, "email", None), "data", None))
    if problem:
        raise ValidationError(problem)


# Shown under every photo field, whichever form carries it.
PHOTO_HINT = _l("Same spot, distance and light each time makes the change easy to see.")


class PhotoField(FileField):
    """A photo from the camera or the gallery: the field carries the upload only.

    ``data`` is the uploaded file (or None). Checking and re-encoding it is the
    service's job (app.services.logbook), after the form validates; a file it
    refuses is shown next to the field with ``reject``.
    """

    def __init__(self, label=None, validators=None, *, required=False, **kwargs):
        self.required = required
        # capture="user": on a phone the front camera opens directly, so the patient sees their skin.
        render_kw = {"accept": "image/*", "capture": "user", **kwargs.pop("render_kw", {})}
        if has_request_context():
            max_bytes = current_app.config["PHOTO_MAX_BYTES"]
            render_kw["data-max-bytes"] = max_bytes  # checked early by app.js
            # Bound within the request, so a lazy description is read in its language here.
            kwargs["description"] = " ".join(
                str(part)
                for part in [
                    kwargs.get("description"),
                    _("JPEG, PNG, HEIC or WebP, up to %(size)s.", size=images.megabytes(max_bytes)),
                ]
                if part
            )
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        # An empty file input sends a nameless, empty part: that is no photo.
        self.data = next((value for value in valuelist if isinstance(value, FileStorage) and value.filename), None)

    def pre_validate(self, form):
        if self.data is None and self.required:
            raise StopValidation(_("Choose a photo, or take one with the camera."))

    def reject(self, rejection):
        """Show why the photo cannot be kept (app.core.images.PhotoRejected) next to the field."""
        self.errors = [*self.errors, str(rejection)]


# Forms more than one blueprint shows: a session (by the patient or the clinic), a confirmation, and the
# before/after photo picker.

MAX_NOTE_LENGTH = 2000


class DepthField(FloatField):
    """Millimetres; accepts a decimal comma as typed on many phones."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(valuelist[0].strip().replace(",", "."))
            except ValueError:
                self.data = None
                raise ValueError(_("Enter the depth as a number, for example 0.5.")) from None
        else:
            self.data = None


def worded(vocabulary):
    """Choices from a {key: words} vocabulary, worded when the form is shown: WTForms wants str, not lazy strings."""
    return lambda: {key: str(words) for key, words in vocabulary.items()}


class SessionForm(BaseForm):
    performed_at = LocalDateTimeField(
        _l("Date and time of the session"),
        validators=[InputRequired(_l("Enter when the session took place."))],
        tz=viewer_zone,
    )
    needle_depth_mm = DepthField(
        _l("Needle depth (mm)"),
        validators=[Optional()],
        description=_l("Ask your practitioner if you are not sure; leave empty if unknown."),
        render_kw={"inputmode": "decimal", "step": "0.05", "min": "0", "max": "3"},
    )
    device = SelectField(
        _l("Device"),
        choices=worded(DEVICES),
        validate_choice=False,
        validators=[InputRequired(_l("Choose the device used."))],
    )
    areas = MultiCheckboxField(_l("Treated areas"), choices=worded(AREAS))
    concerns = MultiCheckboxField(_l("Concerns treated"), choices=worded(CONCERNS))
    series_number = IntegerField(
        _l("Session number in the series"),
        validators=[Optional(), NumberRange(1, 20, _l("Enter a number from 1 to 20."))],
        description=_l("1 for the first session of a series."),
        render_kw={"inputmode": "numeric", "min": "1", "max": "20"},
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Length(max=MAX_NOTE_LENGTH)],
        description=_l("Anything you want to remember, such as products used."),
    )
    submit = SubmitField(_l("Save session"))

    FIELDS = ("performed_at", "needle_depth_mm", "device", "areas", "concerns", "series_number", "notes")

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
            raise ValidationError(_("A session can be planned at most a year ahead."))
        if self.earliest_log_at and field.data > self.earliest_log_at:
            raise ValidationError(
                _("This session already has logs from before that time. Choose a time before its first log.")
            )

    def validate_needle_depth_mm(self, field):
        depth = field.data
        if depth is not None and (not math.isfinite(depth) or not 0 <= depth <= 3):
            raise ValidationError(_("Enter a depth from 0 to 3 mm, for example 0.5."))

    def validate_device(self, field):
        if field.data not in DEVICES:
            raise ValidationError(_("Choose one of the devices listed."))

    def validate_areas(self, field):
        if not field.data:
            raise ValidationError(_("Tick at least one treated area."))


class PlanChoiceField(RadioField):
    """Whole numbers to choose from, and "Not set" (data None); anything else, or nothing, gets ``message``.

    ``words``: how a number reads (a lazy string with ``%(num)s``), the number alone when not given.
    """

    def __init__(self, label=None, validators=None, *, numbers, words=None, message, **kwargs):
        self.message, self.answered = message, False
        # Bound within the request, so the choices are worded in its language.
        choices = {"": _("Not set"), **{str(number): _words(words, number) for number in numbers}}
        self.accepted = frozenset(choices)
        super().__init__(label, validators, choices=choices, coerce=_int_or_none, validate_choice=False, **kwargs)
        self.type = "RadioField"  # templates/_forms.html renders it as the radios it is

    def process_formdata(self, valuelist):
        # Only the values the radios send: "04", " 4" or a digit of another script is no choice of ours.
        self.answered = len(valuelist) == 1 and valuelist[0] in self.accepted
        self.data = _int_or_none(valuelist[0]) if self.answered else None

    def pre_validate(self, form):
        if not self.answered:
            raise ValidationError(self.message)


def _words(words, number):
    return str(number) if words is None else str(words) % {"num": number}


class SeriesPlanForm(BaseForm):
    """The planned series, set by the patient or their clinic: 3-6 sessions, 4-6 weeks apart, or not set."""

    planned_sessions = PlanChoiceField(
        _l("Number of sessions planned"),
        numbers=series.PLANNED_SESSIONS,
        message=_l("Choose 3, 4, 5 or 6 sessions, or Not set."),
        description=_l("A series is usually 3 to 6 sessions."),
    )
    interval_weeks = PlanChoiceField(
        _l("Weeks between sessions"),
        numbers=series.INTERVAL_WEEKS,
        words=_l("%(num)s weeks"),
        message=_l("Choose 4, 5 or 6 weeks, or Not set."),
        description=_l("Usually 4 to 6 weeks, to give the skin time to heal."),
    )
    submit = SubmitField(_l("Save the plan"))

    @classmethod
    def for_patient(cls, patient):
        """The form showing the patient's plan as stored, whatever the request posted (another form, say)."""
        form = cls()
        form.planned_sessions.data, form.interval_weeks.data = patient.planned_sessions, patient.planned_interval_weeks
        return form


class ConfirmForm(BaseForm):
    """An empty form: a POST with a CSRF token, for delete buttons."""

    submit = SubmitField(_l("Delete"))


def photo_label(photo):
    """A photo in the before/after picker: "Before the session" or its day after it, then when it was taken."""
    # The words first: a phone-wide select may cut the end off; the captions give the session's date.
    return f"{photos.when_taken(photo)} · {local_time(photo.taken_at, '%-d %b %Y %H:%M')}"


class CompareForm(BaseForm):
    """Which two photos to compare, on the patient's page and the clinic's: a GET form (no change, no CSRF token)."""

    class Meta:
        csrf = False

    before = SelectField(_l("Before"), coerce=int, validate_choice=False)
    after = SelectField(_l("After"), coerce=int, validate_choice=False)

    @classmethod
    def for_comparison(cls, comparison):
        """The picker for an app.services.photos.Comparison, its two photos chosen."""
        form = cls(formdata=None, data={"before": comparison.before.id, "after": comparison.after.id})
        for field in (form.before, form.after):
            field.choices = [(photo.id, photo_label(photo)) for photo in comparison.photos]
        return form


# Account forms the auth and invites blueprints both show.


def normalise_email(value):
    return value.strip().lower() if isinstance(value, str) else value


class EmailMixin:
    email = EmailField(
        _l("Email"),
        filters=[normalise_email],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254),
            Email(_l("Enter an email address like name@example.com.")),
        ],
        render_kw={"autocomplete": "email"},
    )


class NewPasswordForm(BaseForm):
    """Choosing a password for the account of ``email``: step 2 of signing up, and a password reset."""

    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Choose a password."))],
        description=_l("At least 10 characters. A few unrelated words are easy to remember and hard to guess."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[
            InputRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    timezone = HiddenField()  # filled in by static/js/app.js as the form is sent
    submit = SubmitField(_l("Create account"))

    def __init__(self, email, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = email

    def validate_password(self, field):
        problem = password_problem(field.data, self.account_email)
        if problem:
            raise ValidationError(problem)
