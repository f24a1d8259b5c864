from flask import Response, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.models import ROLE_PATIENT, utcnow
from app.reminders import bp
from app.reminders.forms import ReminderSettingsForm
from app.services import calendar_feed, reminder_settings
from app.web.forms import ConfirmForm
from app.web.view_helpers import render_form, role_required

patient_required = role_required(ROLE_PATIENT)


# The new calendar token travels in the signed session cookie from the POST to the next page only.
NEW_CALENDAR_TOKEN = "new_calendar_token"


@bp.route("/reminders", methods=["GET", "POST"])
@patient_required
def settings():
    # Filled from the user only to show it: a posted form missing a field must not keep the stored value.
    form = ReminderSettingsForm(obj=None if request.method == "POST" else current_user)
    if form.validate_on_submit():
        reminder_settings.save_choices(
            current_user,
            form.remind_by_email.data,
            form.remind_by_push.data,
            form.quiet_hours_start.data,
            form.quiet_hours_end.data,
        )
        flash(_("Reminder choices saved."), "success")
        return redirect(url_for(".settings"))
    return render_form(
        "reminders/settings.html",
        form,
        upcoming=reminder_settings.upcoming(current_user, utcnow()),
        created_links=calendar_feed.links_if_current(current_user, session.pop(NEW_CALENDAR_TOKEN, None)),
    )


@bp.route("/reminders/calendar", methods=["POST"])
@patient_required
def create_calendar():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # Shown on the next page only: the database keeps the token's hash, never the link.
    session[NEW_CALENDAR_TOKEN] = calendar_feed.create_link(current_user)
    return redirect(url_for(".settings"))


@bp.route("/reminders/calendar/off", methods=["POST"])
@patient_required
def calendar_off():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    calendar_feed.revoke(current_user)
    flash(_("The calendar is off: its link no longer works. Remove it from your phone's calendar too."), "info")
    return redirect(url_for(".settings"))


@bp.route("/calendar/<token>.ics", endpoint="calendar_feed")
def feed(token):
    patient = calendar_feed.patient_for_token(token)
    if patient is None:
        abort(404)  # unknown, malformed or revoked: the same answer for each
    return Response(
        calendar_feed.calendar_of(patient),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"},
    )
