from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.invites import bp
from app.invites.forms import CodeForm, ColleagueSignupForm, ConsentForm, NewPatientConsentForm, NewPatientForm
from app.models import INVITE_PATIENT, INVITE_PRACTITIONER
from app.services import accounts, clinics, mail, signups
from app.web.forms import NewPasswordForm
from app.web.sign_in import check_your_email, link_used_page, mail_failed, read_signup_link, start_session
from app.web.timezones import clean_zone_name
from app.web.view_helpers import credentials_rate_limit, invite_view_rate_limit, render_form


def _usable_invite_or_error(key, kind):
    """The invite, or an error page: 404 for an unknown or tampered link, 410 once used or expired."""
    invite = clinics.find_invite(key, kind)
    if invite is None:
        abort(404)
    problem = clinics.invite_problem(invite)
    if problem:
        return None, (render_template("invites/unusable.html", problem=problem), 410)
    return invite, None


def _signup_link_for(invite, kind, token, restart_url):
    """What step 1 collected for this invite, or the page to show instead; a link made for another invite is a 404."""
    details, problem_page = read_signup_link(kind, token, restart_url)
    if problem_page is None and details.get("invite") != invite.id:
        abort(404)
    return details, problem_page


def _not_created(invite):
    """The account was not made: the invite was used meanwhile, or the address has an account now."""
    problem = clinics.invite_problem(invite)
    if problem:
        return render_template("invites/unusable.html", problem=problem), 410
    return link_used_page()


def _log_out_first():
    return render_template(
        "invites/unusable.html", problem=_("Log out first: a colleague invite creates a new practitioner account.")
    ), 409


@bp.route("/join", methods=["GET", "POST"])
@credentials_rate_limit
def join_by_code():
    form = CodeForm()
    if form.validate_on_submit():
        invite = clinics.find_invite(form.code.data, INVITE_PATIENT)
        if invite is not None:
            return redirect(url_for(".join", key=clinics.normalise_code(form.code.data)))
        form.code.errors.append(_("We do not know that code. Check it with your clinic."))
    return render_form("invites/code.html", form)


@bp.route("/join/<key>", methods=["GET", "POST"])
@credentials_rate_limit
@invite_view_rate_limit
def join(key):
    invite, error_page = _usable_invite_or_error(key, INVITE_PATIENT)
    if error_page:
        return error_page
    if current_user.is_authenticated:
        if not current_user.is_patient:
            abort(404)
        form = ConsentForm(invite.clinic.name)
        if form.validate_on_submit():
            return _joined(invite, current_user._get_current_object())
        return render_form("invites/join.html", form, invite=invite)
    form = NewPatientForm(data={"name": invite.name})
    if form.validate_on_submit():
        try:
            delivery = signups.begin(
                signups.INVITE,
                form.email.data,
                "invites.join_finish",
                {"key": key},
                login_next=url_for(".join", key=key),
                name=form.name.data,
                invite=invite.id,
            )
        except mail.MailNotSent:
            return mail_failed("invites/join.html", form, invite=invite)
        return check_your_email(form.email.data, delivery)
    return render_form("invites/join.html", form, invite=invite)


@bp.route("/join/<key>/<token>", methods=["GET", "POST"])
@credentials_rate_limit
def join_finish(key, token):
    invite, error_page = _usable_invite_or_error(key, INVITE_PATIENT)
    if error_page:
        return error_page
    if current_user.is_authenticated:
        return redirect(url_for(".join", key=key))
    details, problem_page = _signup_link_for(invite, signups.INVITE, token, url_for(".join", key=key))
    if problem_page:
        return problem_page
    form = NewPatientConsentForm(details["email"], invite.clinic.name)
    if form.validate_on_submit():
        patient = clinics.join_as_new_patient(
            invite,
            details["email"],
            form.password.data,
            clean_zone_name(form.timezone.data),
            name=details.get("name", ""),
        )
        if patient is None:
            return _not_created(invite)
        start_session(patient)
        return _welcome(invite)
    return render_form("invites/join_finish.html", form, invite=invite, email=details["email"])


def _joined(invite, patient):
    if not clinics.accept_patient_invite(invite, patient):
        return render_template("invites/unusable.html", problem=_("This invite has already been used.")), 410
    return _welcome(invite)


def _welcome(invite):
    flash(
        _(
            "You now share your recovery with %(clinic)s. You can stop at any time under Sharing.",
            clinic=invite.clinic.name,
        ),
        "success",
    )
    return redirect(url_for("patient.home"))


@bp.route("/team/<token>", methods=["GET", "POST"])
@credentials_rate_limit
def join_team(token):
    invite, error_page = _usable_invite_or_error(token, INVITE_PRACTITIONER)
    if error_page:
        return error_page
    if current_user.is_authenticated:
        return _log_out_first()
    form = ColleagueSignupForm()
    if form.validate_on_submit():
        try:
            delivery = signups.begin(
                signups.TEAM,
                form.email.data,
                "invites.join_team_finish",
                {"invite_token": token},
                name=form.name.data,
                invite=invite.id,
            )
        except mail.MailNotSent:
            return mail_failed("invites/team.html", form, invite=invite)
        return check_your_email(form.email.data, delivery)
    return render_form("invites/team.html", form, invite=invite)


@bp.route("/team/<invite_token>/<token>", methods=["GET", "POST"])
@credentials_rate_limit
def join_team_finish(invite_token, token):
    invite, error_page = _usable_invite_or_error(invite_token, INVITE_PRACTITIONER)
    if error_page:
        return error_page
    if current_user.is_authenticated:
        return _log_out_first()
    details, problem_page = _signup_link_for(invite, signups.TEAM, token, url_for(".join_team", token=invite_token))
    if problem_page:
        return problem_page
    form = NewPasswordForm(details["email"])
    if form.validate_on_submit():
        practitioner = clinics.accept_practitioner_invite(
            invite, details["email"], form.password.data, details.get("name", "")
        )
        if practitioner is None:
            return _not_created(invite)
        accounts.update_timezone(practitioner, clean_zone_name(form.timezone.data))
        start_session(practitioner)
        flash(_("Welcome to %(clinic)s.", clinic=invite.clinic.name), "success")
        return redirect(url_for("practitioner.dashboard"))
    return render_form(
        "auth/signup_finish.html", form, email=details["email"], heading=_("Join %(clinic)s", clinic=invite.clinic.name)
    )
