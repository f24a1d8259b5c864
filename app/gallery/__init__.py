from flask import Blueprint

from app.services import photos

bp = Blueprint("gallery", __name__)
# The photo templates (the clinic's pages show them too) say "Before the session" from one place.
bp.add_app_template_global(photos.taken_before_session)
bp.add_app_template_global(photos.when_taken, "photo_when_taken")

from app.gallery import routes  # noqa: E402,F401  (routes attach themselves to bp)
