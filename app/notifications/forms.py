"""Unsubscribing from emails in one tap, and a practitioner's choice of clinic notifications."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired

from app.web.forms import BaseForm


class UnsubscribeForm(BaseForm):
    """The one button of an unsubscribe page (CSRF-protected: a link scanner's GET never unsubscribes)."""

    submit = SubmitField(_l("Unsubscribe"))


class OneClickUnsubscribeForm(BaseForm):
    """RFC 8058: a mail client's own Unsubscribe button POSTs ``List-Unsubscribe=One-Click``.

    No CSRF token: the mail client has none, and the signed link is the authentication.
    """

    class Meta:
        csrf = False

    one_click = StringField(
        name="List-Unsubscribe",
        validators=[InputRequired(), AnyOf(["One-Click"], message="Send List-Unsubscribe=One-Click.")],
    )


class ClinicNotificationsForm(BaseForm):
    """How a practitioner is told that a patient of their clinic needs attention."""

    FIELDS = ("notify_alerts_by_email", "notify_alerts_by_push")

    notify_alerts_by_email = BooleanField(
        _l("Email me when a patient needs attention"),
        description=_l(
            "At most one email every 15 minutes. It says only that someone needs attention, never who or why."
        ),
    )
    notify_alerts_by_push = BooleanField(
        _l("Notify this device"),
        description=_l("A notification on the devices where you allow them, at most one every 15 minutes."),
    )
    submit = SubmitField(_l("Save"))
