from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app import accounts
from app.auth import bp
from app import clinics
from app.auth.forms import ChangePasswordForm, ClinicSignupForm, LoginForm, SignupForm, TimezoneForm
from app.timezones import clean_zone_name
from app.views import credentials_rate_limit, render_form


def safe_next_url(target):
    """Only a path on this site: never an open redirect to someone else's page."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


def start_session(user, remember=False):
    session.clear()  # a fresh session on log-in: nothing from before carries over
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@credentials_rate_limit
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("patient.home"))
    form = SignupForm()
    if form.validate_on_submit():
        user = accounts.create_patient(form.email.data, form.password.data,
                                       clean_zone_name(form.timezone.data))
        if user is None:
            form.email.errors.append("An account with this email already exists. Log in instead.")
            return render_form("auth/signup.html", form)
        start_session(user)
        flash("Welcome to Afterglow. Start by recording your treatment session.", "success")
        return redirect(url_for("patient.new_session"))
    return render_form("auth/signup.html", form)


@bp.route("/clinic-signup", methods=["GET", "POST"])
@credentials_rate_limit
def clinic_signup():
    if current_user.is_authenticated:
        return redirect(url_for("patient.home"))
    form = ClinicSignupForm()
    if form.validate_on_submit():
        practitioner = clinics.create_clinic(form.clinic_name.data, form.email.data, form.password.data,
                                             name=form.name.data)
        if practitioner is None:
            form.email.errors.append("An account with this email already exists. Log in instead.")
            return render_form("auth/clinic_signup.html", form)
        start_session(practitioner)
        flash(f"{form.clinic_name.data} is ready. Invite your first patient.", "success")
        return redirect(url_for("practitioner.invites"))
    return render_form("auth/clinic_signup.html", form)


@bp.route("/login", methods=["GET", "POST"])
@credentials_rate_limit
def login():
    if current_user.is_authenticated:
        return redirect(url_for("patient.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            # Same words whether or not the email exists, so the form cannot
            # be used to find out who is a patient here.
            form.password.errors.append("Email or password is not right.")
            return render_form("auth/login.html", form)
        accounts.update_timezone(user, clean_zone_name(form.timezone.data))
        start_session(user, remember=form.remember.data)
        return redirect(safe_next_url(request.args.get("next")) or url_for("patient.home"))
    # After logging out, the page asks the service worker to forget the pages it kept.
    return render_form("auth/login.html", form, forget_pages="logged_out" in request.args)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login", logged_out=1))


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return render_template("auth/account.html", timezone_form=TimezoneForm(timezone=current_user.timezone))


@bp.route("/account/timezone", methods=["POST"])
@login_required
def change_timezone():
    form = TimezoneForm()
    if form.validate_on_submit():
        accounts.update_timezone(current_user, form.timezone.data)
        flash(f"Times are now shown in {form.timezone.data}.", "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/account.html", form, form_name="timezone_form")


@bp.route("/password", methods=["GET", "POST"])
@login_required
@credentials_rate_limit
def change_password():
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        accounts.change_password(current_user, form.password.data)
        start_session(current_user._get_current_object())
        flash("Your password is changed. Other devices have been logged out.", "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/change_password.html", form)
