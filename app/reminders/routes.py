from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.models import ROLE_PATIENT, utcnow
from app.reminders import bp
from app.reminders.forms import ReminderSettingsForm
from app.services import calendar_feed, reminder_settings
from app.web.forms import ConfirmForm
from app.web.view_helpers import role_required

patient_required = role_required(ROLE_PATIENT)


def _page(form, created_links=None):
    page = render_template(
        "reminders/settings.html",
        form=form,
        upcoming=reminder_settings.upcoming(current_user, utcnow()),
        created_links=created_links,
    )
    return page, 422 if form.errors else 200


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
        flash("Reminder choices saved.", "success")
        return redirect(url_for(".settings"))
    return _page(form)


@bp.route("/reminders/calendar", methods=["POST"])
@patient_required
def create_calendar():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = calendar_feed.create_link(current_user)
    # Shown on this answer only: the database keeps the token's hash, never the link.
    return _page(ReminderSettingsForm(formdata=None, obj=current_user), created_links=calendar_feed.feed_links(token))


@bp.route("/reminders/calendar/off", methods=["POST"])
@patient_required
def calendar_off():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    calendar_feed.revoke(current_user)
    flash("The calendar is off: its link no longer works. Remove it from your phone's calendar too.", "info")
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
