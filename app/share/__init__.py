"""Share links: the patient makes and revokes them; a doctor without an account opens one, read-only."""

from flask import Blueprint

bp = Blueprint("share", __name__)

from app.share import routes  # noqa: E402,F401  (routes attach themselves to bp)
