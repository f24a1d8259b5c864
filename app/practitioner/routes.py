from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.core import cohort
from app.core.charts import cohort_chart, cohort_depth_chart
from app.models import AREAS, DEVICES, INVITE_PATIENT, INVITE_PRACTITIONER, ROLE_PRACTITIONER, utcnow
from app.practitioner import bp
from app.practitioner.access import alert_of_my_clinic_or_404, patient_of_my_clinic_or_404
from app.practitioner.forms import (
    AcknowledgeAllForm,
    AcknowledgeForm,
    ClinicProfileForm,
    ColleagueInviteForm,
    DashboardFilterForm,
    NoteForm,
    PatientInviteForm,
)
from app.services import (
    alerts,
    clinic_contact,
    clinics,
    exports,
    fhir_export,
    logbook,
    patient_records,
    photos,
    series,
    summaries,
)
from app.services.dashboard import clinic_dashboard, cohort_sessions
from app.web.forms import CompareForm, SeriesPlanForm, SessionForm
from app.web.view_helpers import download, page_number, render_form, role_required

practitioner_required = role_required(ROLE_PRACTITIONER)

# Said beside the note when a warning sign joined an alert after the page was shown.
UNSEEN_FLAGS = _l(
    "A new warning sign was added since this page was opened. Read the alert again, then acknowledge it; "
    "your note is kept."
)


def acknowledge_forms(episodes, failed_key=None, failed_form=None):
    """A form per open alert, and one for all of them when there are several; keyed by id, "all".

    Each carries the flags the page shows (see AcknowledgeForm.seen), whatever was posted.
    """
    open_episodes = [episode for episode in episodes if episode.is_open]
    # A prefix per alert keeps field ids unique when several open alerts share the page.
    forms = {episode.id: AcknowledgeForm(prefix=f"alert-{episode.id}") for episode in open_episodes}
    if len(open_episodes) > 1 or failed_key == "all":
        forms["all"] = AcknowledgeAllForm(prefix="all-alerts")
    if failed_key in forms:
        forms[failed_key] = failed_form
    for key, form in forms.items():
        shown = open_episodes if key == "all" else [episode for episode in open_episodes if episode.id == key]
        form.seen.data = " ".join(str(flag_id) for flag_id in sorted(alerts.raised_flag_ids(shown)))
    return forms


@bp.route("/")
@practitioner_required
def dashboard():
    filters = DashboardFilterForm(request.args)
    # A search that fails validation (too long) is shown with its message, not run.
    search = (filters.q.data or "") if filters.validate() else ""
    page = clinic_dashboard(current_user.clinic_id, utcnow(), search=search, need=filters.need.data, page=page_number())
    return render_template("practitioner/dashboard.html", page=page, filters=filters)


@bp.route("/patients/<id:patient_id>")
@practitioner_required
def patient_detail(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    clinics.record_audit(current_user, "view_patient", patient.id)
    return _patient_page(patient, session_id=request.args.get("session", type=int))


@bp.route("/patients/<id:patient_id>/summary")
@practitioner_required
def patient_summary(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    session_id = request.args.get("session", type=int)
    chosen = [summaries.session_of(patient, session_id)] if session_id else summaries.all_sessions(patient)
    if not chosen or chosen[0] is None:
        abort(404)
    include_photos = request.args.get("photos") == "1"
    clinics.record_audit(current_user, "view_patient", patient.id)
    if include_photos:
        clinics.record_audit(current_user, "view_photos", patient.id)
    summary = summaries.build_summary(patient, chosen, "clinic", include_photos, clinic_id=current_user.clinic_id)
    template = "summary/session.html" if session_id else "summary/series.html"
    return render_template(template, summary=summary, photo_url=summaries.screen_photo_url)


def _patient_page(patient, session_id=None, note_form=None, failed_acknowledge=None, series_form=None):
    """The patient detail page; a form passed in with errors is shown with them, and status 422.

    ``failed_acknowledge``: (alert id, or "all", form) of an acknowledgement refused.
    """
    record = patient_records.patient_record(current_user.clinic_id, patient, session_id)
    forms = acknowledge_forms(record.alerts, *(failed_acknowledge or ()))
    html = render_template(
        "practitioner/patient_detail.html",
        record=record,
        treatment=record.treatment,
        report=record.report,
        note_form=note_form or NoteForm(),
        acknowledge_forms=forms,
        urgency_words=alerts.URGENCY_WORDS,
        series=series.overview(patient),
        series_form=series_form or SeriesPlanForm.for_patient(patient),
        too_soon=series.too_soon(record.treatment) if record.treatment else None,
    )
    has_errors = any(form is not None and form.errors for form in (note_form, series_form))
    has_errors = has_errors or failed_acknowledge is not None
    return html, 422 if has_errors else 200


@bp.route("/patients/<id:patient_id>/photos")
@practitioner_required
def patient_photos(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    wanted = (request.args.get("before", type=int), request.args.get("after", type=int))
    comparison = photos.comparison_or_404(patient.id, *wanted)
    clinics.record_audit(current_user, "view_photos", patient.id)
    return render_template(
        "practitioner/patient_photos.html",
        patient=patient,
        comparison=comparison,
        compare_form=CompareForm.for_comparison(comparison) if comparison.after else None,
    )


@bp.route("/patients/<id:patient_id>/notes", methods=["POST"])
@practitioner_required
def add_note(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _patient_page(patient, note_form=form)
    patient_records.add_note(current_user.clinic_id, current_user, patient, form.body.data)
    flash(_("Note saved."), "success")
    return redirect(url_for(".patient_detail", patient_id=patient.id) + "#notes")


@bp.route("/patients/<id:patient_id>/series", methods=["POST"])
@practitioner_required
def patient_series_plan(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    form = SeriesPlanForm()
    if not form.validate_on_submit():
        return _patient_page(patient, series_form=form)
    if not series.set_plan(patient, form.planned_sessions.data, form.interval_weeks.data, by=current_user):
        abort(404)  # the patient stopped sharing a moment ago
    flash(_("Series plan saved. The patient sees it too."), "success")
    return redirect(url_for(".patient_detail", patient_id=patient.id) + "#series")


@bp.route("/alerts/<id:alert_id>/acknowledge", methods=["POST"])
@practitioner_required
def acknowledge_alert(alert_id):
    alert = alert_of_my_clinic_or_404(alert_id)
    form = AcknowledgeForm(prefix=f"alert-{alert.id}")
    done = False
    if alert.is_open:
        if not form.validate_on_submit():
            return _patient_page(alert.patient, failed_acknowledge=(alert.id, form))
        try:
            done = alerts.acknowledge(
                alert, current_user, form.note.data, form.seen_flag_ids(), form.message_to_patient.data
            )
        except alerts.UnseenFlags:
            form.note.errors.append(UNSEEN_FLAGS)
            return _patient_page(alert.patient, failed_acknowledge=(alert.id, form))
    flash(
        _("Alert acknowledged.") if done else _("This alert was already acknowledged."), "success" if done else "info"
    )
    return redirect(url_for(".patient_detail", patient_id=alert.patient_id) + "#alerts")


@bp.route("/patients/<id:patient_id>/alerts/acknowledge", methods=["POST"])
@practitioner_required
def acknowledge_all_alerts(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    form = AcknowledgeAllForm(prefix="all-alerts")
    if not form.validate_on_submit():
        return _patient_page(patient, failed_acknowledge=("all", form))
    try:
        count = alerts.acknowledge_all(
            current_user.clinic_id,
            patient,
            current_user,
            form.note.data,
            form.seen_flag_ids(),
            form.message_to_patient.data,
        )
    except alerts.UnseenFlags:
        form.note.errors.append(UNSEEN_FLAGS)
        return _patient_page(patient, failed_acknowledge=("all", form))
    if count:
        flash(ngettext("%(num)d open alert acknowledged.", "%(num)d open alerts acknowledged.", count), "success")
    else:
        flash(_("There were no open alerts left to acknowledge."), "info")
    return redirect(url_for(".patient_detail", patient_id=patient.id) + "#alerts")


@bp.route("/patients/<id:patient_id>/sessions/new", methods=["GET", "POST"])
@practitioner_required
def record_session(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    form = SessionForm(data={"performed_at": utcnow()})
    if form.validate_on_submit():
        treatment = logbook.record_session(patient, fill=form.copy_to, recorded_by=current_user)
        flash(_("Session recorded. The patient sees it and can log against it."), "success")
        spacing = series.too_soon(treatment)
        if spacing:
            flash(spacing.sentence("clinic"), "warning")
        return redirect(url_for(".patient_detail", patient_id=patient.id, session=treatment.id))
    return render_form("practitioner/session_form.html", form, patient=patient)


@bp.route("/patients/<id:patient_id>/logs.csv")
@practitioner_required
def export_patient(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    clinics.record_audit(current_user, "export_patient", patient.id)
    return download(exports.patient_logs_csv(patient.id), "text/csv", f"afterglow-patient-{patient.id}-logs.csv")


@bp.route("/logs.csv")
@practitioner_required
def export_clinic():
    clinics.record_audit(current_user, "export_clinic")
    return download(exports.clinic_logs_csv(current_user.clinic_id), "text/csv", "afterglow-clinic-logs.csv")


@bp.route("/cohort")
@practitioner_required
def cohort_view():
    sessions = cohort_sessions(current_user.clinic_id)
    charts = [
        cohort_depth_chart(cohort.by_depth(sessions)),
        cohort_chart(cohort.by_area(sessions, AREAS), _("Redness by treated area"), "by-area"),
        cohort_chart(cohort.by_device(sessions, DEVICES), _("Redness by device"), "by-device"),
    ]
    return render_template("practitioner/cohort.html", charts=charts, session_count=len(sessions))


@bp.route("/audit")
@practitioner_required
def audit_trail():
    events = clinics.audit_for_clinic(current_user.clinic_id, page_number())
    return render_template("practitioner/audit.html", events=events)


@bp.route("/invites", methods=["GET", "POST"])
@practitioner_required
def invites():
    patient_form, colleague_form = PatientInviteForm(prefix="patient"), ColleagueInviteForm(prefix="colleague")
    created = None
    # Only the form whose button was pressed is handled, even if a request claims both.
    if patient_form.submit.data:
        if patient_form.validate_on_submit():
            invite, token = clinics.create_invite(
                current_user.clinic_id, current_user, INVITE_PATIENT, name=patient_form.name.data
            )
            created = dict(
                kind="patient",
                invite=invite,
                code=clinics.format_code(invite.code),
                link=url_for("invites.join", key=token, _external=True),
            )
    elif colleague_form.submit.data and colleague_form.validate_on_submit():
        invite, token = clinics.create_invite(current_user.clinic_id, current_user, INVITE_PRACTITIONER)
        created = dict(kind="colleague", invite=invite, link=url_for("invites.join_team", token=token, _external=True))
    status = 422 if patient_form.errors or colleague_form.errors else 200
    return render_template(
        "practitioner/invites.html", patient_form=patient_form, colleague_form=colleague_form, created=created
    ), status


@bp.route("/profile", methods=["GET", "POST"])
@practitioner_required
def clinic_profile():
    clinic = current_user.clinic
    # Filled from the clinic only to show it: a posted form missing a field must not keep the stored value.
    form = ClinicProfileForm(obj=None if request.method == "POST" else clinic)
    if form.validate_on_submit():
        clinic_contact.update_profile(clinic, current_user, form.data)
        flash(_("Clinic profile saved. Patients see it wherever they are asked to contact you."), "success")
        return redirect(url_for(".clinic_profile"))
    return render_form("practitioner/clinic_profile.html", form, contact=clinic_contact.contact_of(clinic, utcnow()))


@bp.route("/patients/<id:patient_id>/fhir.json")
@practitioner_required
def export_patient_fhir(patient_id):
    patient = patient_of_my_clinic_or_404(patient_id)
    photo_data = fhir_export.photo_data_wanted(request.args)  # a bad include answers 400 before any audit
    clinics.record_audit(current_user, "export_patient_fhir", patient.id)
    body = fhir_export.patient_bundle_json(patient, photo_data)
    return download(body, "application/fhir+json", f"afterglow-patient-{patient.id}-fhir.json")
