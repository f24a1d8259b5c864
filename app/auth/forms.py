from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from app.web.forms import BaseForm, password_problem, strong_password
from app.web.timezones import known_zones


def normalise_email(value):
    return value.strip().lower() if isinstance(value, str) else value


class EmailMixin:
    email = EmailField(
        "Email",
        filters=[normalise_email],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254),
            Email("Enter an email address like name@example.com."),
        ],
        render_kw={"autocomplete": "email"},
    )


class SignupForm(EmailMixin, BaseForm):
    """Step 1 of signing up: the address only. The password is chosen from the emailed link."""

    submit = SubmitField("Continue")


class ClinicSignupForm(SignupForm):
    clinic_name = StringField(
        "Clinic name",
        validators=[DataRequired("Enter the clinic's name."), Length(max=120)],
        render_kw={"autocomplete": "organization"},
    )
    name = StringField(
        "Your name", validators=[DataRequired("Enter your name."), Length(max=120)], render_kw={"autocomplete": "name"}
    )


class NewPasswordForm(BaseForm):
    """Choosing a password for the account of ``email``: step 2 of signing up, and a password reset."""

    password = PasswordField(
        "Password",
        validators=[InputRequired("Choose a password.")],
        description="At least 10 characters. A few unrelated words are easy to remember and hard to guess.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[InputRequired("Type the password again."), EqualTo("password", "The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    timezone = HiddenField()  # filled in by static/js/app.js as the form is sent
    submit = SubmitField("Create account")

    def __init__(self, email, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = email

    def validate_password(self, field):
        problem = password_problem(field.data, self.account_email)
        if problem:
            raise ValidationError(problem)


class ResetRequestForm(EmailMixin, BaseForm):
    submit = SubmitField("Email me a link")


class ResetPasswordForm(NewPasswordForm):
    password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a new password.")],
        description="At least 10 characters. Every device logged in to your account will be logged out.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[
            InputRequired("Type the new password again."),
            EqualTo("password", "The two passwords do not match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    timezone = None  # nothing to learn here: the account has its zone
    submit = SubmitField("Set new password")


class LoginForm(EmailMixin, BaseForm):
    password = PasswordField(
        "Password", validators=[InputRequired("Enter your password.")], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField("Keep me logged in on this device")
    timezone = HiddenField()
    submit = SubmitField("Log in")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a new password."), strong_password],
        description="At least 10 characters. Other devices will be logged out.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[
            InputRequired("Type the new password again."),
            EqualTo("password", "The two passwords do not match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        if not self.user.check_password(field.data or ""):
            raise ValidationError("That is not your current password.")


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        "Your password",
        validators=[InputRequired("Enter your password to confirm.")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Delete my account and data", render_kw={"class": "button danger"})

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        if not self.user.check_password(field.data or ""):
            raise ValidationError("That is not your password. Nothing was deleted.")


class TimezoneForm(BaseForm):
    timezone = SelectField(
        "Time zone",
        description="Times of your sessions and logs are shown in this zone.",
        validators=[DataRequired("Choose your time zone.")],
        validate_choice=False,
    )
    submit = SubmitField("Save time zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = sorted(known_zones())

    def validate_timezone(self, field):
        if field.data not in known_zones():
            raise ValidationError("Choose a time zone from the list.")
