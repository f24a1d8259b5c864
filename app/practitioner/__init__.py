from flask import Blueprint

bp = Blueprint("practitioner", __name__)

from app.practitioner import routes  # noqa: E402,F401  (routes attach themselves to bp)
