"""Small helpers every blueprint's views share."""

from functools import wraps

from flask import abort, render_template
from flask_login import current_user, login_required


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
