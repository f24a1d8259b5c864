from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app import accounts, clinics
from app.auth.routes import start_session
from app.invites import bp
from app.invites.forms import CodeForm, ColleagueSignupForm, ConsentForm, NewPatientConsentForm
from app.models import INVITE_PATIENT, INVITE_PRACTITIONER
from app.timezones import clean_zone_name
from app.views import credentials_rate_limit, render_form


def _usable_invite_or_error(key, kind):
    """The invite, or an error page: 404 for an unknown or tampered link, 410 once used or expired."""
    invite = clinics.find_invite(key, kind)
    if invite is None:
        abort(404)
    problem = clinics.invite_problem(invite)
    if problem:
        return None, (render_template("invites/unusable.html", problem=problem), 410)
    return invite, None


@bp.route("/join", methods=["GET", "POST"])
@credentials_rate_limit
def join_by_code():
    form = CodeForm()
    if form.validate_on_submit():
        invite = clinics.find_invite(form.code.data, INVITE_PATIENT)
        if invite is not None:
            return redirect(url_for(".join", key=clinics.normalise_code(form.code.data)))
        form.code.errors.append("We do not know that code. Check it with your clinic.")
    return render_form("invites/code.html", form)


@bp.route("/join/<key>", methods=["GET", "POST"])
@credentials_rate_limit
def join(key):
    invite, error_page = _usable_invite_or_error(key, INVITE_PATIENT)
    if error_page:
        return error_page
    clinic_name = invite.clinic.name
    if current_user.is_authenticated:
        if not current_user.is_patient:
            abort(404)
        form = ConsentForm(clinic_name)
        if form.validate_on_submit():
            return _joined(invite, current_user._get_current_object())
        return render_form("invites/join.html", form, invite=invite)
    form = NewPatientConsentForm(clinic_name, data={"name": invite.name})
    if form.validate_on_submit():
        patient = accounts.create_patient(form.email.data, form.password.data,
                                          clean_zone_name(form.timezone.data), name=form.name.data)
        if patient is None:
            form.email.errors.append("An account with this email already exists. Log in first, then open the link again.")
            return render_form("invites/join.html", form, invite=invite)
        start_session(patient)
        return _joined(invite, patient)
    return render_form("invites/join.html", form, invite=invite)


def _joined(invite, patient):
    if not clinics.accept_patient_invite(invite, patient):
        return render_template("invites/unusable.html", problem="This invite has already been used."), 410
    flash(f"You now share your recovery with {invite.clinic.name}. You can stop at any time under Sharing.", "success")
    return redirect(url_for("patient.home"))


@bp.route("/team/<token>", methods=["GET", "POST"])
@credentials_rate_limit
def join_team(token):
    invite, error_page = _usable_invite_or_error(token, INVITE_PRACTITIONER)
    if error_page:
        return error_page
    if current_user.is_authenticated:
        return render_template("invites/unusable.html",
                               problem="Log out first: a colleague invite creates a new practitioner account."), 409
    form = ColleagueSignupForm()
    if form.validate_on_submit():
        practitioner = clinics.accept_practitioner_invite(invite, form.email.data, form.password.data, form.name.data)
        if practitioner is None:
            form.email.errors.append("An account with this email already exists, or the invite was just used.")
            return render_form("invites/team.html", form, invite=invite)
        start_session(practitioner)
        flash(f"Welcome to {invite.clinic.name}.", "success")
        return redirect(url_for("practitioner.dashboard"))
    return render_form("invites/team.html", form, invite=invite)
