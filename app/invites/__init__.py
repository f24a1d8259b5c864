"""Following an invite: patients join a clinic (with consent), practitioners join a colleague's clinic."""

from flask import Blueprint

bp = Blueprint("invites", __name__)

from app.invites import routes  # noqa: E402,F401  (routes attach themselves to bp)
