from wtforms import Form, SearchField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

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
    note = TextAreaField(
        "What was done",
        validators=[DataRequired("Say briefly what was done, e.g. called the patient."), Length(max=2000)],
    )
    submit = SubmitField("Acknowledge alert")
