from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from app.services.push import MAX_ENDPOINT_LENGTH
from app.web.forms import BaseForm, EmailMixin, NewPasswordForm, strong_password
from app.web.timezones import known_zones


class SignupForm(EmailMixin, BaseForm):
    """Step 1 of signing up: the address only. The password is chosen from the emailed link."""

    submit = SubmitField(_l("Continue"))


class ClinicSignupForm(SignupForm):
    clinic_name = StringField(
        _l("Clinic name"),
        validators=[DataRequired(_l("Enter the clinic's name.")), Length(max=120)],
        render_kw={"autocomplete": "organization"},
    )
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )


class LogoutForm(BaseForm):
    """Log-out: app.js adds this phone's push endpoint, so the server forgets that device too."""

    push_endpoint = HiddenField(validators=[Optional(), Length(max=MAX_ENDPOINT_LENGTH)])

    def endpoint_to_forget(self):
        """The endpoint sent with the log-out, or None when none (or an unusable one) was: log-out goes on anyway."""
        if self.validate() and self.push_endpoint.data:
            return self.push_endpoint.data
        return None


class ResetRequestForm(EmailMixin, BaseForm):
    submit = SubmitField(_l("Email me a link"))


class ResetPasswordForm(NewPasswordForm):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Choose a new password."))],
        description=_l("At least 10 characters. Every device logged in to your account will be logged out."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            InputRequired(_l("Type the new password again.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    timezone = None  # nothing to learn here: the account has its zone
    submit = SubmitField(_l("Set new password"))


class LoginForm(EmailMixin, BaseForm):
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    timezone = HiddenField()
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Choose a new password.")), strong_password],
        description=_l("At least 10 characters. Other devices will be logged out."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            InputRequired(_l("Type the new password again.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        if not self.user.check_password(field.data or ""):
            raise ValidationError(_l("That is not your current password."))


class LanguageForm(BaseForm):
    language = SelectField(
        _l("Language"),
        description=_l("Pages, emails and reminders are written in this language."),
        validate_choice=False,
    )
    submit = SubmitField(_l("Save language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language is named in itself, so a reader lost in a language they do not read finds their own.
        self.language.choices = [("", _l("Your browser's language"))] + list(current_app.config["LANGUAGES"].items())

    def validate_language(self, field):
        if field.data and field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Choose a language from the list."))


class TimezoneForm(BaseForm):
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Times of your sessions and logs are shown in this zone."),
        validators=[DataRequired(_l("Choose your time zone."))],
        validate_choice=False,
    )
    submit = SubmitField(_l("Save time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = sorted(known_zones())

    def validate_timezone(self, field):
        if field.data not in known_zones():
            raise ValidationError(_l("Choose a time zone from the list."))
