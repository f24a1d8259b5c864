"""Small helpers every blueprint's views share."""

from functools import wraps

from flask import Request, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import IntegerConverter

from app.extensions import limiter
from app.web import rate_limits


def render_form(template, form, form_name="form", status=None, **context):
    """Render a page with a form: 422 when the submission had errors, so bad input is never a 200."""
    status = status or (422 if form.errors else 200)
    return render_template(template, **{form_name: form}, **context), status


def download(body, mimetype, filename):
    """A file to save, never kept by a shared cache: exports hold health data."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "private, no-store"},
    )


def role_required(role):
    """Only users of this role; anyone else gets the same 404 as a missing page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != role:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _setting(name):
    return lambda: current_app.config[name]


# The messages are callables, read in the language of the request that went over the limit.
# Each limit counts in storage every worker shares (app.web.rate_limits); going over answers 429
# with its message, how long to wait, and Retry-After (app.web.errors).

# For POSTs that check or create credentials: log-in, sign-up, password, invites; per address.
credentials_rate_limit = limiter.limit(
    _setting("AUTH_RATE_LIMIT"),
    methods=["POST"],
    error_message=lambda: _("There have been too many tries from your connection."),
)

# Log-in, per account whatever the address: only failed tries count, so the owner's own log-ins never do.
account_rate_limit = limiter.limit(
    _setting("LOGIN_ACCOUNT_RATE_LIMIT"),
    key_func=rate_limits.by_account,
    methods=["POST"],
    deduct_when=rate_limits.failed_log_in,
    error_message=lambda: _(
        "There have been too many wrong passwords for this account, so logging in to it is paused."
    ),
)

# Opening an invite link (GET), per address; per_method keeps it apart from the POST limit.
invite_view_rate_limit = limiter.limit(
    _setting("INVITE_VIEW_RATE_LIMIT"),
    methods=["GET"],
    per_method=True,
    error_message=lambda: _("Too many invite links have been opened from your connection."),
)

# Sending a photo, per patient, one count for every form that takes one; a log sent without a
# photo is never limited.
photo_rate_limit = limiter.shared_limit(
    _setting("PHOTO_RATE_LIMIT"),
    scope="photos",
    key_func=rate_limits.by_user,
    methods=["POST"],
    exempt_when=rate_limits.no_photo_attached,
    error_message=lambda: _("You have sent many photos in a short time."),
)


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive integer that fits a database id; anything else is a 404, never an overflow."""

    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=2**31 - 1)  # INTEGER on PostgreSQL


def page_number():
    """The ``page`` query argument as a sane page number (1 for anything odd)."""
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= 1_000_000 else 1


def accepts_photo(view):
    """Mark a view whose form carries a photo: its requests may be as large as PHOTO_REQUEST_MAX_BYTES."""
    view.accepts_photo = True
    return view


class AfterglowRequest(Request):
    """Every request is capped at MAX_CONTENT_LENGTH, except those to a view marked @accepts_photo.

    Decided from the matched view, before anything reads the body (CSRF
    protection reads the form before the view runs, so the view cannot raise it).
    """

    @property
    def max_content_length(self):
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        if getattr(view, "accepts_photo", False):
            return current_app.config["PHOTO_REQUEST_MAX_BYTES"]
        return current_app.config["MAX_CONTENT_LENGTH"]
