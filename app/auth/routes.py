from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from app.auth import bp
from app.auth.forms import (
    ChangePasswordForm,
    ClinicSignupForm,
    LanguageForm,
    LoginForm,
    LogoutForm,
    NewPasswordForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
    TimezoneForm,
)
from app.services import accounts, clinics, logins, mail, password_resets, push, signups
from app.services.email_links import LinkExpired, LinkInvalid, LinkUsed
from app.web.sign_in import (
    check_your_email,
    end_session,
    link_unusable,
    link_used_page,
    mail_failed,
    read_signup_link,
    safe_next_url,
    start_session,
)
from app.web.timezones import clean_zone_name
from app.web.view_helpers import account_rate_limit, credentials_rate_limit, render_form


@bp.route("/signup", methods=["GET", "POST"])
@credentials_rate_limit
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("patient.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            delivery = signups.begin(signups.PATIENT, form.email.data, "auth.signup_finish")
        except mail.MailNotSent:
            return mail_failed("auth/signup.html", form)
        return check_your_email(form.email.data, delivery)
    return render_form("auth/signup.html", form)


@bp.route("/signup/<token>", methods=["GET", "POST"])
@credentials_rate_limit
def signup_finish(token):
    if current_user.is_authenticated:
        return redirect(url_for("patient.home"))
    details, problem_page = read_signup_link(signups.PATIENT, token, url_for(".signup"))
    if problem_page:
        return problem_page
    form = NewPasswordForm(details["email"])
    if form.validate_on_submit():
        user = accounts.create_patient(details["email"], form.password.data, clean_zone_name(form.timezone.data))
        if user is None:  # the same link sent twice at once
            return link_used_page()
        start_session(user)
        flash(_("Welcome to Afterglow. Start by recording your treatment session."), "success")
        return redirect(url_for("patient.new_session"))
    return render_form("auth/signup_finish.html", form, email=details["email"], heading=_("Choose your password"))


@bp.route("/clinic-signup", methods=["GET", "POST"])
@credentials_rate_limit
def clinic_signup():
    if current_user.is_authenticated:
        return redirect(url_for("patient.home"))
    form = ClinicSignupForm()
    if form.validate_on_submit():
        try:
            delivery = signups.begin(
                signups.CLINIC,
                form.email.data,
                "auth.clinic_signup_finish",
                clinic=form.clinic_name.data,
                name=form.name.data,
            )
        except mail.MailNotSent:
            return mail_failed("auth/clinic_signup.html", form)
        return check_your_email(form.email.data, delivery)
    return render_form("auth/clinic_signup.html", form)


@bp.route("/clinic-signup/<token>", methods=["GET", "POST"])
@credentials_rate_limit
def clinic_signup_finish(token):
    if current_user.is_authenticated:
        return redirect(url_for("patient.home"))
    details, problem_page = read_signup_link(signups.CLINIC, token, url_for(".clinic_signup"))
    if problem_page:
        return problem_page
    form = NewPasswordForm(details["email"])
    if form.validate_on_submit():
        practitioner = clinics.create_clinic(
            details["clinic"], details["email"], form.password.data, name=details["name"]
        )
        if practitioner is None:
            return link_used_page()
        accounts.update_timezone(practitioner, clean_zone_name(form.timezone.data))
        start_session(practitioner)
        flash(_("%(clinic)s is ready. Invite your first patient.", clinic=details["clinic"]), "success")
        return redirect(url_for("practitioner.invites"))
    return render_form(
        "auth/signup_finish.html",
        form,
        email=details["email"],
        heading=_("Create %(clinic)s's account", clinic=details["clinic"]),
    )


@bp.route("/check-email")
def check_email():
    emailed = session.get("emailed")
    if not isinstance(emailed, dict):
        return redirect(url_for(".login"))
    return render_template("auth/check_email.html", emailed=emailed)


@bp.route("/login", methods=["GET", "POST"])
@credentials_rate_limit
@account_rate_limit
def login():
    if current_user.is_authenticated:
        return redirect(url_for("patient.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            # Same words whether or not the email exists, so the form cannot
            # be used to find out who is a patient here.
            form.password.errors.append(_("Email or password is not right."))
            return render_form("auth/login.html", form)
        accounts.update_timezone(user, clean_zone_name(form.timezone.data))
        start_session(user, remember=form.remember.data)
        return redirect(safe_next_url(request.args.get("next")) or url_for("patient.home"))
    # After logging out, the page asks the service worker to forget the pages it kept.
    return render_form("auth/login.html", form, forget_pages="logged_out" in request.args)


@bp.route("/logout", methods=["POST"])
def logout():
    end_session(push_endpoint=LogoutForm().endpoint_to_forget())
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login", logged_out=1))


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    # "Everywhere" includes every phone's notifications: none keeps receiving this account's.
    push.unsubscribe_all(current_user)
    logins.end_all(current_user)
    end_session()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login", logged_out=1))


@bp.route("/reset-password", methods=["GET", "POST"])
@credentials_rate_limit
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            delivery = password_resets.send_link(form.email.data)
        except mail.MailNotSent:
            return mail_failed("auth/reset_request.html", form)
        return check_your_email(form.email.data, delivery, purpose="reset")
    return render_form("auth/reset_request.html", form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@credentials_rate_limit
def reset_password(token):
    try:
        user = password_resets.user_for_link(token)
    except LinkInvalid:
        abort(404)
    except LinkExpired:
        return link_unusable(
            _("This link has expired. Ask for a new one: it comes by email."),
            _("Ask for a new link"),
            url_for(".reset_request"),
        )
    except LinkUsed:
        return link_unusable(
            _(
                "This link has already been used: your password was changed since it was sent. "
                "Ask for a new one if you need it."
            ),
            _("Ask for a new link"),
            url_for(".reset_request"),
        )
    form = ResetPasswordForm(user.email)
    if form.validate_on_submit():
        accounts.reset_password(user, form.password.data)
        start_session(user)
        flash(_("Your new password is set. Every other device has been logged out."), "success")
        return redirect(url_for("patient.home"))
    return render_form("auth/reset_password.html", form, email=user.email)


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return render_template(
        "auth/account.html",
        timezone_form=TimezoneForm(timezone=current_user.timezone),
        language_form=LanguageForm(language=current_user.language or ""),
        devices=logins.live_logins(current_user),
    )


@bp.route("/account/language", methods=["POST"])
@login_required
def change_language():
    form = LanguageForm()
    if form.validate_on_submit():
        accounts.update_language(current_user, form.language.data)
        # Flashed after the change, so it reads in the language just chosen.
        refresh()
        flash(_("Your language is saved."), "success")
        return redirect(url_for("auth.account"))
    return render_form(
        "auth/account.html",
        form,
        form_name="language_form",
        timezone_form=TimezoneForm(timezone=current_user.timezone),
        devices=logins.live_logins(current_user),
    )


@bp.route("/account/timezone", methods=["POST"])
@login_required
def change_timezone():
    form = TimezoneForm()
    if form.validate_on_submit():
        accounts.update_timezone(current_user, form.timezone.data)
        flash(_("Times are now shown in %(zone)s.", zone=form.timezone.data), "success")
        return redirect(url_for("auth.account"))
    return render_form(
        "auth/account.html",
        form,
        form_name="timezone_form",
        language_form=LanguageForm(language=current_user.language or ""),
        devices=logins.live_logins(current_user),
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
@credentials_rate_limit
def change_password():
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        accounts.change_password(current_user, form.password.data)
        flash(_("Your password is changed. Other devices have been logged out."), "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/change_password.html", form)
