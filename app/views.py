"""Small helpers every blueprint's views share."""

from functools import wraps

from flask import abort, current_app, render_template
from flask_login import current_user, login_required

from app.extensions import limiter


def render_form(template, form, form_name="form", **context):
    """Render a page with a form: 422 when the submission had errors, so bad input is never a 200."""
    status = 422 if form.errors else 200
    return render_template(template, **{form_name: form}, **context), status


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


def _auth_rate_limit():
    return current_app.config["AUTH_RATE_LIMIT"]


# For POSTs that check or create credentials: log-in, sign-up, password, invites.
# Too many tries from one address answer 429 with a friendly page.
credentials_rate_limit = limiter.limit(_auth_rate_limit, methods=["POST"])
