"""The only place that decides which share links a request may reach."""

from flask import abort
from flask_login import current_user

from app.services import share_links


def own_link_or_404(link_id):
    """One of the signed-in patient's share links; anyone else's answers 404, as if it did not exist."""
    link = share_links.own_link(current_user, link_id)
    if link is None:
        abort(404)
    return link


def live_link_or_404(token):
    """The link this token opens; malformed, unknown, expired or revoked all answer the same 404."""
    link = share_links.open_link(token)
    if link is None:
        abort(404)
    return link
