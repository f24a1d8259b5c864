from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.web.forms import BaseForm, EmailMixin, NewPasswordForm

NO_CONSENT = _l("Tick the box to agree, or close this page to decline.")


def consent_words(clinic_name):
    """The sentence a patient agrees to, in the request's language."""
    return _(
        "I agree to share my sessions, logs and photos with %(clinic)s. "
        "I can stop sharing at any time from my account.",
        clinic=clinic_name,
    )


class CodeForm(BaseForm):
    code = StringField(
        _l("Invite code"),
        validators=[
            DataRequired(_l("Enter the code your clinic gave you.")),
            Length(max=20, message=_l("That code is too long.")),
        ],
        description=_l("8 letters and numbers, for example K7PQ-2XMB."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    submit = SubmitField(_l("Continue"))


class ConsentForm(BaseForm):
    consent = BooleanField(validators=[DataRequired(NO_CONSENT)])
    submit = SubmitField(_l("Share with my clinic"))

    def __init__(self, clinic_name, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent.label.text = consent_words(clinic_name)


class NewPatientForm(EmailMixin, BaseForm):
    """Step 1 for a patient new to Afterglow: name and address; the password comes with the emailed link."""

    name = StringField(
        _l("Your name"),
        validators=[Length(max=120)],
        description=_l("So your clinic knows who you are."),
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField(_l("Continue"))


class NewPatientConsentForm(NewPasswordForm):
    """Step 2 for a new patient: a password, and consent to share."""

    consent = BooleanField(validators=[DataRequired(NO_CONSENT)])
    submit = SubmitField(_l("Create account and share"))

    def __init__(self, email, clinic_name, *args, **kwargs):
        super().__init__(email, *args, **kwargs)
        self.consent.label.text = consent_words(clinic_name)


class ColleagueSignupForm(EmailMixin, BaseForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField(_l("Continue"))
