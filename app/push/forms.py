"""The subscription a browser sends (PushSubscription.toJSON()), checked like any form."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.services import push


def _endpoint(form, field):
    problem = push.endpoint_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _key(length):
    def check(form, field):
        problem = push.key_problem(field.data, length)
        if problem:
            raise ValidationError(problem)

    return check


def json_formdata(request):
    """The JSON body's text values as form data; anything not text (a number, a list, null) counts as missing."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None  # nested far deeper than any subscription: Python's parser gives up (never a 500)
    body = body if isinstance(body, dict) else {}
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    values = {"endpoint": body.get("endpoint"), "p256dh": keys.get("p256dh"), "auth": keys.get("auth")}
    return MultiDict({name: value for name, value in values.items() if isinstance(value, str)})


NO_ENDPOINT = _l("The subscription has no endpoint.")


def _no_nul(form, field):
    # PostgreSQL refuses NUL in text (a 500 in the lookup); no stored endpoint has one (push.endpoint_problem).
    if "\x00" in field.data:
        raise ValidationError(_("The endpoint is not a valid address."))


class EndpointForm(Form):
    """One device, named by its endpoint (turning push off: any endpoint once stored can be removed)."""

    endpoint = StringField("Endpoint", [DataRequired(NO_ENDPOINT), Length(max=push.MAX_ENDPOINT_LENGTH), _no_nul])


class SubscriptionForm(Form):
    """A device's subscription: where to send (endpoint) and its keys."""

    endpoint = StringField("Endpoint", [DataRequired(NO_ENDPOINT), _endpoint])
    p256dh = StringField("p256dh", [DataRequired(_l("The subscription has no p256dh key.")), _key(65)])
    auth = StringField("auth", [DataRequired(_l("The subscription has no auth secret.")), _key(16)])
