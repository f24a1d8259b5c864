"""Friendly error pages. Every error a person can cause answers 4xx with words, never a bare 500."""

import math
import time

from flask import Response, current_app, render_template
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.core.images import megabytes
from app.extensions import db, limiter
from app.services.photo_store import StoreUnavailable

MESSAGES = {
    400: (_l("Something in that request was not right"), _l("Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("That action is not available here.")),
    413: (_l("Too large"), _l("What you sent is larger than we accept.")),
    429: (_l("Too many tries"), _l("Please wait a minute before trying again.")),
    500: (_l("Something went wrong on our side"), _l("Your earlier logs are safe. Please try again in a moment.")),
}


def render_error(status, title=None, detail=None):
    default_title, default_detail = MESSAGES.get(status, MESSAGES[400])
    if request_ctx and request_ctx.url_adapter is None:
        # A Host outside TRUSTED_HOSTS: no URL of the page template can be built for it, so plain words.
        return Response(f"{title or default_title}. {detail or default_detail}\n", mimetype="text/plain"), status
    html = render_template(
        "errors/error.html", status=status, title=title or default_title, detail=detail or default_detail
    )
    return html, status


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _("This form has expired"),
            _("For your safety each form carries a hidden token. Please go back, reload the page and send it again."),
        )

    @app.errorhandler(RateLimitExceeded)
    def too_many_tries(error):
        wait = seconds_to_wait()
        html, status = render_error(
            429,
            detail=_(
                "%(problem)s For your safety, please wait %(duration)s before trying again.",
                problem=error.description,
                duration=_duration(wait),
            ),
        )
        return html, status, {"Retry-After": str(wait)}

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        if error.code == 413:
            limit = megabytes(current_app.config["PHOTO_MAX_BYTES"])
            return render_error(
                413,
                detail=_(
                    "What you sent is larger than we accept. Photos can be up to %(limit)s: "
                    "choose a smaller one, or take one with the camera.",
                    limit=limit,
                ),
            )
        return render_error(error.code)

    @app.errorhandler(StoreUnavailable)
    def photo_store_unavailable(error):
        db.session.rollback()
        # The photo store (an S3 bucket) cannot be reached: a page that says so, never a 500.
        return render_error(
            503, _("Photos are unavailable just now"), _("Your photos are safe. Please try again in a few minutes.")
        )

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)


def seconds_to_wait() -> int:
    """Until the limit that was hit lets the next try through (at least a second)."""
    breached = limiter.current_limit
    return max(1, math.ceil(breached.reset_at - time.time())) if breached else 60


def _duration(seconds: int) -> str:
    if seconds < 60:
        return ngettext("a second", "%(num)d seconds", seconds)
    return ngettext("a minute", "%(num)d minutes", math.ceil(seconds / 60))
