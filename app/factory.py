"""The application factory: create_app() and the named steps it takes."""

import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext

from app.config import load_config
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.web.view_helpers import AfterglowRequest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app: config, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        # Each app server keeps its own instance/ folder; AFTERGLOW_INSTANCE_PATH runs several from one checkout.
        instance_path=os.environ.get("AFTERGLOW_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
    )
    app.request_class = AfterglowRequest
    load_config(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_security_headers(app)
    register_static_files(app)
    register_observability(app)
    return app


def register_extensions(app):
    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    from app.web.locale import select_locale

    babel.init_app(app, locale_selector=select_locale)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see that page.")
    login_manager.login_message_category = "info"
    # "basic", not "strong": strong ties a session to the client's address, and a phone
    # changes address whenever it moves between Wi-Fi and mobile data.
    login_manager.session_protection = "basic"

    from app.services import logins

    @login_manager.user_loader
    def load_user(login_token):
        # The cookies carry a device's log-in token, never the user id: revoked or expired is refused.
        return logins.user_for_token(login_token)


def register_blueprints(app):
    from app.web.view_helpers import IdConverter

    app.url_map.converters["id"] = IdConverter
    # A doubled slash (or %2F, which Werkzeug decodes to one) is no URL of ours: 404, not a 308 to a merged path.
    app.url_map.merge_slashes = False
    from app.auth import bp as auth_bp
    from app.gallery import bp as gallery_bp
    from app.invites import bp as invites_bp
    from app.notifications import bp as notifications_bp
    from app.patient import bp as patient_bp
    from app.practitioner import bp as practitioner_bp
    from app.push import bp as push_bp
    from app.reminders import bp as reminders_bp
    from app.share import bp as share_bp
    from app.site import bp as site_bp

    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(patient_bp)
    app.register_blueprint(gallery_bp)
    app.register_blueprint(invites_bp)
    app.register_blueprint(practitioner_bp, url_prefix="/clinic")
    app.register_blueprint(site_bp)
    app.register_blueprint(push_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(share_bp)


def register_errorhandlers(app):
    from app.web.errors import register

    register(app)


def register_template_helpers(app):
    from app.web import filters

    filters.register(app)
    from app.web import locale

    locale.register(app)


def register_security_headers(app):
    from app.web import headers

    headers.register(app)


def register_static_files(app):
    from app.web import static_files

    static_files.register(app)


def register_observability(app):
    # Last: the request-id middleware wraps every other layer (WhiteNoise, ProxyFix), so every response has the id.
    from app.web import metrics, request_log

    metrics.register(app)
    request_log.register(app)


def register_commands(app):
    from app import cli

    cli.register(app)
