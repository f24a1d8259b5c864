from flask import Blueprint

bp = Blueprint("reminders", __name__)

from app.reminders import routes  # noqa: E402,F401  (routes attach themselves to bp)
