import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.models import ROLE_PATIENT, utcnow
from app.patient import bp
from app.patient.access import get_own_active_link_or_404, get_own_log_or_404, get_own_session_or_404
from app.patient.forms import DeleteAccountForm, LogForm, UsualSkinForm
from app.services import (
    clinic_contact,
    clinics,
    exports,
    fhir_export,
    logbook,
    personal_data,
    series,
    session_reports,
    summaries,
)
from app.web.forms import ConfirmForm, SeriesPlanForm, SessionForm
from app.web.view_helpers import (
    accepts_photo,
    credentials_rate_limit,
    download,
    photo_rate_limit,
    render_form,
    role_required,
)

patient_required = role_required(ROLE_PATIENT)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("landing.html")
    if current_user.is_practitioner:
        return redirect(url_for("practitioner.dashboard"))
    summaries = logbook.session_summaries(current_user.id)
    return render_template("patient/home.html", summaries=summaries, series=series.overview(current_user))


@bp.route("/series", methods=["GET", "POST"])
@patient_required
def series_plan():
    # Filled from the stored plan only to show it: a posted form missing a field must not keep the stored value.
    form = SeriesPlanForm() if request.method == "POST" else SeriesPlanForm.for_patient(current_user)
    if form.validate_on_submit():
        series.set_plan(current_user._get_current_object(), form.planned_sessions.data, form.interval_weeks.data)
        flash(_("Series plan saved."), "success")
        return redirect(url_for(".home"))
    return render_form("patient/series_form.html", form, series=series.overview(current_user))


@bp.route("/sessions/new", methods=["GET", "POST"])
@patient_required
def new_session():
    form = SessionForm(data={"performed_at": utcnow(), "series_number": logbook.next_series_number(current_user.id)})
    if form.validate_on_submit():
        treatment = logbook.record_session(current_user, fill=form.copy_to)
        flash(_("Session saved. Log how your skin looks whenever you check it."), "success")
        return redirect(url_for(".session_detail", session_id=treatment.id))
    return render_form("patient/session_form.html", form, title=_("Record a session"))


@bp.route("/sessions/<id:session_id>")
@patient_required
def session_detail(session_id):
    treatment = get_own_session_or_404(session_id)
    report = session_reports.session_report(treatment)
    return render_template(
        "patient/session_detail.html",
        treatment=treatment,
        report=report,
        contacts=clinic_contact.contacts_for_patient(current_user.id),
        clinic_alerts=clinic_contact.alerts_for_patient_session(current_user.id, treatment.id),
        too_soon=series.too_soon(treatment),
    )


@bp.route("/summary")
@patient_required
def series_summary():
    summary = summaries.build_summary(
        current_user, summaries.all_sessions(current_user), "patient", request.args.get("photos") == "1"
    )
    return render_template("summary/series.html", summary=summary, photo_url=summaries.screen_photo_url)


@bp.route("/sessions/<id:session_id>/summary")
@patient_required
def session_summary(session_id):
    treatment = get_own_session_or_404(session_id)
    summary = summaries.build_summary(current_user, [treatment], "patient", request.args.get("photos") == "1")
    return render_template("summary/session.html", summary=summary, photo_url=summaries.screen_photo_url)


@bp.route("/sessions/<id:session_id>/edit", methods=["GET", "POST"])
@patient_required
def edit_session(session_id):
    treatment = get_own_session_or_404(session_id)
    form = SessionForm(obj=treatment, earliest_log_at=logbook.earliest_log_at(treatment))
    if treatment.recorded_by_clinic_id:
        form.lock_clinic_record()
    if form.validate_on_submit():
        if not logbook.edit_session(treatment, fill=form.copy_to):
            abort(404)  # deleted a moment ago by another request
        flash(_("Session updated."), "success")
        return redirect(url_for(".session_detail", session_id=session_id))
    return render_form("patient/session_form.html", form, title=_("Edit session"), treatment=treatment)


@bp.route("/sessions/<id:session_id>/delete", methods=["GET", "POST"])
@patient_required
def delete_session(session_id):
    treatment = get_own_session_or_404(session_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if not logbook.delete_session(treatment):
            abort(404)  # deleted a moment ago by another request
        flash(_("Session and its logs and photos deleted."), "info")
        return redirect(url_for(".home"))
    return render_template(
        "patient/confirm_delete.html",
        form=form,
        treatment=treatment,
        what="session",
        cancel_url=url_for(".session_detail", session_id=treatment.id),
    )


@bp.route("/sessions/<id:session_id>/usual-skin", methods=["GET", "POST"])
@patient_required
def usual_skin(session_id):
    treatment = get_own_session_or_404(session_id)
    form = UsualSkinForm.for_session(treatment)
    if form.validate_on_submit():
        if not logbook.set_usual_skin(treatment, form.redness.data, form.swelling.data, form.peeling.data):
            abort(404)  # deleted a moment ago by another request
        flash(_("Usual skin saved. Your logs are now compared with it."), "success")
        return redirect(url_for(".session_detail", session_id=session_id))
    return render_form("patient/usual_skin_form.html", form, treatment=treatment, remove_form=ConfirmForm())


@bp.route("/sessions/<id:session_id>/usual-skin/remove", methods=["POST"])
@patient_required
def remove_usual_skin(session_id):
    treatment = get_own_session_or_404(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not logbook.remove_usual_skin(treatment):
        abort(404)
    flash(_("Usual skin removed. Your logs are compared with the typical range alone."), "info")
    return redirect(url_for(".session_detail", session_id=session_id))


@bp.route("/sessions/<id:session_id>/logs/new", methods=["GET", "POST"])
@accepts_photo
@photo_rate_limit
@patient_required
def new_log(session_id):
    treatment = get_own_session_or_404(session_id)
    form = LogForm.for_new_log(treatment)
    if form.validate_on_submit():
        try:
            saved = logbook.save_new_log(treatment, form.client_id.data, fill=form.copy_to, photo=form.photo.data)
        except logbook.PhotoRejected as rejected:
            form.photo.reject(rejected)  # nothing was stored: the form is shown again with the message
        except logbook.ResendConflict:
            form.mark_resend_conflict()
            return render_form(
                "patient/log_form.html", form, status=409, treatment=treatment, title=_("Log your skin now")
            )
        else:
            if saved is None:
                abort(404)  # the session was deleted a moment ago by another request
            flash(_("Log saved."), "success")
            # session_id, not treatment.id: the commit expired treatment, and reading it would cost a query.
            return redirect(url_for(".session_detail", session_id=session_id))
    return render_form("patient/log_form.html", form, treatment=treatment, title=_("Log your skin now"))


@bp.route("/logs/<id:log_id>/edit", methods=["GET", "POST"])
@patient_required
def edit_log(log_id):
    log = get_own_log_or_404(log_id)
    form = LogForm.for_edit(log)
    if form.validate_on_submit():
        session_id = log.session_id  # read now: the commit expires the log
        if not logbook.edit_log(log, fill=form.copy_to):
            abort(404)  # the log, or its session, was deleted a moment ago by another request
        flash(_("Log updated."), "success")
        return redirect(url_for(".session_detail", session_id=session_id))
    return render_form("patient/log_form.html", form, treatment=log.session, log=log, title=_("Edit log"))


@bp.route("/logs/<id:log_id>/delete", methods=["GET", "POST"])
@patient_required
def delete_log(log_id):
    log = get_own_log_or_404(log_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        session_id = log.session_id  # read now: once deleted, the log cannot be read
        if not logbook.delete_log(log):
            abort(404)  # the log, or its session, was deleted a moment ago by another request
        flash(_("Log deleted."), "info")
        return redirect(url_for(".session_detail", session_id=session_id))
    return render_template(
        "patient/confirm_delete.html",
        form=form,
        log=log,
        what="log",
        cancel_url=url_for(".session_detail", session_id=log.session_id),
    )


@bp.route("/sharing")
@patient_required
def sharing():
    return render_template(
        "patient/sharing.html",
        links=clinics.links_of(current_user.id),
        audit=clinics.audit_for_patient(current_user.id),
        form=ConfirmForm(),
    )


@bp.route("/sharing/<id:link_id>/withdraw", methods=["GET", "POST"])
@patient_required
def withdraw_sharing(link_id):
    link = get_own_active_link_or_404(link_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        clinics.withdraw(link)
        flash(_("%(clinic)s can no longer see your logs and photos.", clinic=link.clinic.name), "info")
        return redirect(url_for(".sharing"))
    return render_template("patient/confirm_withdraw.html", link=link, form=form)


@bp.route("/my-data")
@patient_required
def my_data():
    return render_template("patient/my_data.html", form=DeleteAccountForm(current_user))


@bp.route("/my-data/afterglow.json")
@patient_required
def download_json():
    body = json.dumps(personal_data.export_patient(current_user), indent=2, ensure_ascii=False)
    return download(body, "application/json", "afterglow-my-data.json")


@bp.route("/my-data/afterglow-logs.csv")
@patient_required
def download_csv():
    return download(exports.patient_logs_csv(current_user.id), "text/csv", "afterglow-my-logs.csv")


@bp.route("/my-data/delete", methods=["POST"])
@patient_required
@credentials_rate_limit
def delete_account():
    form = DeleteAccountForm(current_user)
    if not form.validate_on_submit():
        return render_form("patient/my_data.html", form)
    patient = current_user._get_current_object()
    logout_user()
    personal_data.delete_patient(patient)
    flash(_("Your account and all your data have been deleted."), "info")
    return redirect(url_for(".home"))


@bp.route("/my-data/afterglow-fhir.json")
@patient_required
def download_fhir():
    body = fhir_export.patient_bundle_json(current_user, fhir_export.photo_data_wanted(request.args))
    return download(body, "application/fhir+json", "afterglow-fhir.json")
