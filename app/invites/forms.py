from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.web.forms import BaseForm, EmailMixin, NewPasswordForm

CONSENT_WORDS = (
    "I agree to share my sessions, logs and photos with {clinic}. I can stop sharing at any time from my account."
)
NO_CONSENT = "Tick the box to agree, or close this page to decline."


class CodeForm(BaseForm):
    code = StringField(
        "Invite code",
        validators=[
            DataRequired("Enter the code your clinic gave you."),
            Length(max=20, message="That code is too long."),
        ],
        description="8 letters and numbers, for example K7PQ-2XMB.",
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    submit = SubmitField("Continue")


class ConsentForm(BaseForm):
    consent = BooleanField(validators=[DataRequired(NO_CONSENT)])
    submit = SubmitField("Share with my clinic")

    def __init__(self, clinic_name, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent.label.text = CONSENT_WORDS.format(clinic=clinic_name)


class NewPatientForm(EmailMixin, BaseForm):
    """Step 1 for a patient new to Afterglow: name and address; the password comes with the emailed link."""

    name = StringField(
        "Your name",
        validators=[Length(max=120)],
        description="So your clinic knows who you are.",
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField("Continue")


class NewPatientConsentForm(NewPasswordForm):
    """Step 2 for a new patient: a password, and consent to share."""

    consent = BooleanField(validators=[DataRequired(NO_CONSENT)])
    submit = SubmitField("Create account and share")

    def __init__(self, email, clinic_name, *args, **kwargs):
        super().__init__(email, *args, **kwargs)
        self.consent.label.text = CONSENT_WORDS.format(clinic=clinic_name)


class ColleagueSignupForm(EmailMixin, BaseForm):
    name = StringField(
        "Your name", validators=[DataRequired("Enter your name."), Length(max=120)], render_kw={"autocomplete": "name"}
    )
    submit = SubmitField("Continue")
