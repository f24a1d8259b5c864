from wtforms import Form, HiddenField, SearchField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.triage import NEED_LABELS
from app.web.forms import BaseForm, without_nul


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
