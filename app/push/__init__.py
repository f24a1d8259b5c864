"""Web Push for this device: subscribing and unsubscribing a browser (JSON, for static/js/push.js)."""

from flask import Blueprint
from flask_login import current_user

from app.services import push

bp = Blueprint("push", __name__)


def this_device():
    """What templates/push/_this_device.html needs: the server's public key and the user's subscribed endpoints."""
    endpoints = push.endpoints_of(current_user) if current_user.is_authenticated else []
    return {"public_key": push.public_key(), "endpoints": endpoints}


bp.add_app_template_global(this_device, "push_this_device")

from app.push import routes  # noqa: E402,F401  (routes attach themselves to bp)
