import re

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


class DashboardFilterForm(Form):
    """Search and filter by GET: nothing changes, so no CSRF token, and the URL can be bookmarked."""

    q = SearchField("Search by name or email", validators=[Length(max=100)], filters=[without_nul])
    need = SelectField("Show", choices={"": "Everyone", **NEED_LABELS}, validate_choice=False)


class PatientInviteForm(BaseForm):
    name = StringField(
        "Patient's name (optional)",
        validators=[Length(max=120)],
        description="Shown on your dashboard until the patient adds their own.",
    )
    submit = SubmitField("Create invite")


class ColleagueInviteForm(BaseForm):
    submit = SubmitField("Create colleague invite")


class NoteForm(BaseForm):
    body = TextAreaField(
        "Private note",
        validators=[DataRequired("Write the note first."), Length(max=5000)],
        description="Seen only by your clinic, never by the patient.",
    )
    submit = SubmitField("Save note")


class AcknowledgeForm(BaseForm):
    """Acknowledge one alert (every flag it lists) once, with an optional note."""

    note = TextAreaField(
        "What was done (optional)",
        validators=[Optional(), Length(max=2000)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description="For example: called the patient, booked a visit.",
    )
    message_to_patient = TextAreaField(
        "Message to the patient (optional)",
        validators=[Optional(), Length(max=MESSAGE_TO_PATIENT_MAX)],
        filters=[_strip],
        description="The patient sees this with your name. The note above stays within your clinic.",
    )
    # The flags the page showed: a flag that joined the alert since then is never acknowledged unread.
    seen = HiddenField()
    submit = SubmitField("Acknowledge alert")

    def seen_flag_ids(self):
        """The flag ids the page showed, as a set; anything else posted in their place is ignored."""
        parts = (self.seen.data or "").split()
        return {int(part) for part in parts if part.isascii() and part.isdigit() and len(part) <= 18}


class AcknowledgeAllForm(AcknowledgeForm):
    """Acknowledge every open alert of the patient at once, with one note."""

    submit = SubmitField("Acknowledge all open alerts")


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
        description="For example 09:00-17:30; empty if closed.",
    )


class ClinicProfileForm(BaseForm):
    """What patients see of the clinic: how to reach it, when, and what to do when it is closed."""

    name = StringField(
        "Clinic name", validators=[DataRequired("Enter the clinic's name."), Length(max=120)], filters=[_strip]
    )
    phone = StringField(
        "Phone",
        validators=[Length(max=40)],
        filters=[_strip],
        description="Patients tap it to call. Digits, spaces and + - ( ) only.",
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        "Email (optional)",
        validators=[Optional(), Length(max=254), Email("Enter an email address like name@example.com.")],
        filters=[normalise_email],
    )
    timezone = StringField(
        "Time zone of the opening hours",
        validators=[DataRequired("Enter the clinic's time zone, for example Europe/London.")],
        description="For example Europe/London or America/New_York.",
    )
    hours_monday = _hours_field("monday")
    hours_tuesday = _hours_field("tuesday")
    hours_wednesday = _hours_field("wednesday")
    hours_thursday = _hours_field("thursday")
    hours_friday = _hours_field("friday")
    hours_saturday = _hours_field("saturday")
    hours_sunday = _hours_field("sunday")
    after_hours_advice = TextAreaField(
        "When the clinic is closed",
        validators=[Length(max=2000)],
        filters=[_strip],
        description="Shown to patients outside opening hours, for example an out-of-hours number.",
    )
    emergency_advice = TextAreaField(
        "In an emergency",
        validators=[Length(max=2000)],
        filters=[_strip],
        description="For example: call 999, or go to the nearest emergency department.",
    )
    submit = SubmitField("Save clinic profile")

    def validate_phone(self, field):
        """Digits, spaces, + - ( ) only, with at least six digits; stored as typed."""
        if not field.data:
            return
        if not PHONE_CHARACTERS.fullmatch(field.data):
            raise ValidationError("Use only digits, spaces and + - ( ).")
        if sum(ch.isdigit() for ch in field.data) < 6:
            raise ValidationError("That number looks too short to call.")

    def validate_timezone(self, field):
        """A real IANA zone name, as the opening hours are read in it."""
        if not clean_zone_name(field.data):
            raise ValidationError("Enter a time zone such as Europe/London.")
