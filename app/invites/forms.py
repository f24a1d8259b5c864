from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.auth.forms import SignupForm
from app.form_fields import BaseForm

CONSENT_WORDS = ("I agree to share my sessions, logs and photos with {clinic}. "
                 "I can stop sharing at any time from my account.")


class CodeForm(BaseForm):
    code = StringField("Invite code", validators=[DataRequired("Enter the code your clinic gave you."),
                                                  Length(max=20, message="That code is too long.")],
                       description="8 letters and numbers, for example K7PQ-2XMB.",
                       render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    submit = SubmitField("Continue")


class ConsentForm(BaseForm):
    consent = BooleanField(validators=[DataRequired("Tick the box to agree, or close this page to decline.")])
    submit = SubmitField("Share with my clinic")

    def __init__(self, clinic_name, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent.label.text = CONSENT_WORDS.format(clinic=clinic_name)


class NewPatientConsentForm(SignupForm):
    """Sign-up and consent in one step, for a patient new to Afterglow."""

    name = StringField("Your name", validators=[Length(max=120)], description="So your clinic knows who you are.",
                       render_kw={"autocomplete": "name"})
    consent = BooleanField(validators=[DataRequired("Tick the box to agree, or close this page to decline.")])

    def __init__(self, clinic_name, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent.label.text = CONSENT_WORDS.format(clinic=clinic_name)


class ColleagueSignupForm(SignupForm):
    name = StringField("Your name", validators=[DataRequired("Enter your name."), Length(max=120)],
                       render_kw={"autocomplete": "name"})
