"""One-tap unsubscribe from emails without logging in, and a practitioner's clinic notifications.

``GET /unsubscribe/<token>`` only shows a button: link scanners and mail previews fetch
links, so a GET never unsubscribes. The button POSTs (CSRF-protected). Mail clients'
own Unsubscribe buttons POST ``List-Unsubscribe=One-Click`` (RFC 8058) to
``/unsubscribe/<token>/one-click``, which has no CSRF token to send: the signed link
is the authentication. Neither page shows the address or whether an account exists.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import csrf
from app.models import ROLE_PRACTITIONER
from app.notifications import bp
from app.notifications.forms import ClinicNotificationsForm, OneClickUnsubscribeForm, UnsubscribeForm
from app.services import clinic_notifications, reminders
from app.services.email_links import LinkExpired, LinkInvalid
from app.web.sign_in import link_unusable
from app.web.view_helpers import render_form, role_required


def _read_link(token):
    """(user id, list) of the link; 404 if we never made it, or the page for an expired one."""
    try:
        return reminders.read_unsubscribe_token(token), None
    except LinkInvalid:
        abort(404)
    except LinkExpired:
        return None, link_unusable(
            _("This unsubscribe link is too old. Log in to choose which emails you get."),
            _("Log in"),
            url_for("auth.login"),
        )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    link, expired_page = _read_link(token)
    if expired_page:
        return expired_page
    user_id, email_list = link
    form = UnsubscribeForm()
    if form.validate_on_submit():
        reminders.unsubscribe(user_id, email_list)
        return redirect(url_for(".unsubscribe", token=token))
    return render_form(
        "notifications/unsubscribe.html",
        form,
        email_list=email_list,
        subscribed=reminders.is_subscribed(user_id, email_list),
    )


@bp.route("/unsubscribe/<token>/one-click", methods=["GET", "POST"])
@csrf.exempt
def one_click_unsubscribe(token):
    if request.method == "GET":  # a mail client that opens the address instead: the page with its button
        return redirect(url_for(".unsubscribe", token=token))
    if not OneClickUnsubscribeForm().validate():
        abort(400)  # not a one-click request (RFC 8058 says what the body is)
    link, expired_page = _read_link(token)
    if expired_page:
        return expired_page
    reminders.unsubscribe(*link)
    return render_template("notifications/unsubscribe.html", email_list=link[1], subscribed=False, form=None)


@bp.route("/clinic/notifications", methods=["GET", "POST"])
@role_required(ROLE_PRACTITIONER)
def clinic_notifications_settings():
    # Filled from the account only to show it: an unticked box is simply absent from the post.
    form = ClinicNotificationsForm(obj=None if request.method == "POST" else current_user)
    if form.validate_on_submit():
        clinic_notifications.set_choices(
            current_user, form.notify_alerts_by_email.data, form.notify_alerts_by_push.data
        )
        flash(_("Notification choices saved."), "success")
        return redirect(url_for(".clinic_notifications_settings"))
    return render_form("notifications/clinic_notifications.html", form)
