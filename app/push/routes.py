"""POST /push/subscriptions (a device turns push on) and /push/subscriptions/delete (off).

JSON in and out, for static/js/push.js; the CSRF token comes in the X-CSRFToken
header (Flask-WTF reads it there). Errors answer JSON too, never a page.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.push import bp
from app.push.forms import EndpointForm, SubscriptionForm, json_formdata
from app.services import push


@bp.route("/push/subscriptions", methods=["POST"])
@login_required
def subscribe():
    form = SubscriptionForm(json_formdata(request))
    if not form.validate():
        return _invalid(form)
    try:
        push.subscribe(current_user, form.endpoint.data, form.p256dh.data, form.auth.data)
    except push.InvalidSubscription as problem:
        return jsonify(message=str(problem)), 400
    return jsonify(subscribed=True), 201


@bp.route("/push/subscriptions/delete", methods=["POST"])
@login_required
def unsubscribe():
    form = EndpointForm(json_formdata(request))
    if not form.validate():
        return _invalid(form)
    if not push.unsubscribe(current_user, form.endpoint.data):
        # Missing and someone else's look the same.
        return jsonify(message=_("This device has no reminders turned on for your account.")), 404
    return jsonify(subscribed=False)


def _invalid(form):
    # str(): a validator's lazy message cannot go into JSON as it is.
    errors = {name: str(messages[0]) for name, messages in form.errors.items()}
    message = _("That is not a push subscription. %(problems)s", problems=" ".join(errors.values()))
    return jsonify(message=message, errors=errors), 400


@bp.errorhandler(CSRFError)
def csrf_missing(error):
    return jsonify(message=_("This page has expired. Please reload it and try again.")), 400


@bp.errorhandler(HTTPException)
def http_error(error):
    if error.code is None or error.code < 400:
        return error
    return jsonify(message=error.description), error.code
