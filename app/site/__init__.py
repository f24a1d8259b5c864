"""The site itself: the service worker, the offline page, liveness and readiness."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from app.site import routes  # noqa: E402,F401  (routes attach themselves to bp)
