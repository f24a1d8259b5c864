import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Form, HiddenField, SearchField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.core import opening_hours
from app.core.triage import NEED_LABELS
from app.web.forms import BaseForm, normalise_email, without_nul
from app.web.timezones import clean_zone_name

PHONE_CHARACTERS = re.compile(r"[0-9 +\-()]*")
MESSAGE_TO_PATIENT_MAX = 1000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def need_choices():
    """Everyone, then each need, in the request's language (read when the form is shown)."""
    return {"": _("Everyone"), **{need: str(label) for need, label in NEED_LABELS.items()}}


class DashboardFilterForm(Form):
    """Search and filter by GET: nothing changes, so no CSRF token, and the URL can be bookmarked."""

    q = SearchField(_l("Search by name or email"), validators=[Length(max=100)], filters=[without_nul])
    need = SelectField(_l("Show"), choices=need_choices, validate_choice=False)


class PatientInviteForm(BaseForm):
    name = StringField(
        _l("Patient's name (optional)"),
        validators=[Length(max=120)],
        description=_l("Shown on your dashboard until the patient adds their own."),
    )
    submit = SubmitField(_l("Create invite"))


class ColleagueInviteForm(BaseForm):
    submit = SubmitField(_l("Create colleague invite"))


class NoteForm(BaseForm):
    body = TextAreaField(
        _l("Private note"),
        validators=[DataRequired(_l("Write the note first.")), Length(max=5000)],
        description=_l("Seen only by your clinic, never by the patient."),
    )
    submit = SubmitField(_l("Save note"))


class AcknowledgeForm(BaseForm):
    """Acknowledge one alert (every flag it lists) once, with an optional note."""

    note = TextAreaField(
        _l("What was done (optional)"),
        validators=[Optional(), Length(max=2000)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l("For example: called the patient, booked a visit."),
    )
    message_to_patient = TextAreaField(
        _l("Message to the patient (optional)"),
        validators=[Optional(), Length(max=MESSAGE_TO_PATIENT_MAX)],
        filters=[_strip],
        description=_l("The patient sees this with your name. The note above stays within your clinic."),
    )
    # The flags the page showed: a flag that joined the alert since then is never acknowledged unread.
    seen = HiddenField()
    submit = SubmitField(_l("Acknowledge alert"))

    def seen_flag_ids(self):
        """The flag ids the page showed, as a set; anything else posted in their place is ignored."""
        parts = (self.seen.data or "").split()
        return {int(part) for part in parts if part.isascii() and part.isdigit() and len(part) <= 18}


class AcknowledgeAllForm(AcknowledgeForm):
    """Acknowledge every open alert of the patient at once, with one note."""

    submit = SubmitField(_l("Acknowledge all open alerts"))


def _valid_hours(form, field):
    try:
        opening_hours.parse_day(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def _hours_field(day):
    return StringField(
        opening_hours.WEEKDAY_LABELS[day],
        validators=[Length(max=20), _valid_hours],
        filters=[_strip],
        description=_l("For example 09:00-17:30; empty if closed."),
    )


class ClinicProfileForm(BaseForm):
    """What patients see of the clinic: how to reach it, when, and what to do when it is closed."""

    name = StringField(
        _l("Clinic name"),
        validators=[DataRequired(_l("Enter the clinic's name.")), Length(max=120)],
        filters=[_strip],
    )
    phone = StringField(
        _l("Phone"),
        validators=[Length(max=40)],
        filters=[_strip],
        description=_l("Patients tap it to call. Digits, spaces and + - ( ) only."),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Length(max=254), Email(_l("Enter an email address like name@example.com."))],
        filters=[normalise_email],
    )
    timezone = StringField(
        _l("Time zone of the opening hours"),
        validators=[DataRequired(_l("Enter the clinic's time zone, for example Europe/London."))],
        description=_l("For example Europe/London or America/New_York."),
    )
    hours_monday = _hours_field("monday")
    hours_tuesday = _hours_field("tuesday")
    hours_wednesday = _hours_field("wednesday")
    hours_thursday = _hours_field("thursday")
    hours_friday = _hours_field("friday")
    hours_saturday = _hours_field("saturday")
    hours_sunday = _hours_field("sunday")
    after_hours_advice = TextAreaField(
        _l("When the clinic is closed"),
        validators=[Length(max=2000)],
        filters=[_strip],
        description=_l("Shown to patients outside opening hours, for example an out-of-hours number."),
    )
    emergency_advice = TextAreaField(
        _l("In an emergency"),
        validators=[Length(max=2000)],
        filters=[_strip],
        description=_l("For example: call 999, or go to the nearest emergency department."),
    )
    submit = SubmitField(_l("Save clinic profile"))

    def validate_phone(self, field):
        """Digits, spaces, + - ( ) only, with at least six digits; stored as typed."""
        if not field.data:
            return
        if not PHONE_CHARACTERS.fullmatch(field.data):
            raise ValidationError(_l("Use only digits, spaces and + - ( )."))
        if sum(ch.isdigit() for ch in field.data) < 6:
            raise ValidationError(_l("That number looks too short to call."))

    def validate_timezone(self, field):
        """A real IANA zone name, as the opening hours are read in it."""
        if not clean_zone_name(field.data):
            raise ValidationError(_l("Enter a time zone such as Europe/London."))
