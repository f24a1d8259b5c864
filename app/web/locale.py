"""Which language a page is in: the account's choice, else the browser's Accept-Language, else English.

Emails and push messages have no request to ask: they go out in ``message_locale(user)``, the
account's choice, else the language the browser asked for when the user last logged in.
"""

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

DEFAULT_LOCALE = "en"


def browser_locale() -> str:
    """The best of our languages for this request's Accept-Language (English when none fits)."""
    return request.accept_languages.best_match(current_app.config["LANGUAGES"], default=DEFAULT_LOCALE)


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE  # a command with no request (messages use force_locale with message_locale)
    if current_user and current_user.is_authenticated and current_user.language in current_app.config["LANGUAGES"]:
        return current_user.language
    return browser_locale()


def message_locale(user) -> str:
    """The language of a message to ``user`` sent outside any request (reminders, clinic notifications)."""
    languages = current_app.config["LANGUAGES"]
    for choice in (user.language, user.browser_language):
        if choice in languages:
            return choice
    return DEFAULT_LOCALE


def register(app):
    # {% trans %} blocks are matched by their words, not by their line breaks and indentation.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.add_template_global(lambda: str(get_locale() or DEFAULT_LOCALE), "current_locale")
