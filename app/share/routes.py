from flask import (
    Response,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import limiter
from app.models import ROLE_PATIENT
from app.services import photos, share_links, summaries
from app.share import bp
from app.share.access import live_link_or_404, own_link_or_404
from app.share.forms import ShareLinkForm
from app.web.forms import ConfirmForm
from app.web.view_helpers import render_form, role_required

patient_required = role_required(ROLE_PATIENT)

# The new link's secret travels in the signed session cookie from the POST to the next page only.
NEW_SHARE_TOKEN = "new_share_token"
# What the doctor's pages (and their 404s) tell the browser: never kept, indexed or sent on as a referrer.
PUBLIC_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}
PUBLIC_ENDPOINTS = {"share.shared_record", "share.shared_photo"}

# Opening a share link (GET), per address, with the same limit as opening invite links.
share_view_rate_limit = limiter.limit(
    lambda: current_app.config["INVITE_VIEW_RATE_LIMIT"],
    methods=["GET"],
    per_method=True,
    error_message=lambda: _("Too many share links have been opened from your connection."),
)


@bp.after_request
def public_headers(response):
    if request.endpoint in PUBLIC_ENDPOINTS:
        response.headers.update(PUBLIC_HEADERS)
    return response


@bp.app_context_processor
def sharing_page():
    # The patient's Sharing page (app/patient) also lists their share links and who opened them.
    # Templates are also rendered outside any request (emails from `flask send-reminders`).
    if not has_request_context() or request.endpoint != "patient.sharing":
        return {}
    if not current_user.is_authenticated or not current_user.is_patient:
        return {}
    return {
        "share_links": share_links.links_of(current_user),
        "share_views": share_links.views_of(current_user),
    }


@bp.route("/sharing/links/new", methods=["GET", "POST"])
@patient_required
def new_link():
    form = ShareLinkForm.for_patient(share_links.choosable_sessions(current_user))
    if form.validate_on_submit():
        treatment = None
        if form.scope.data != share_links.SERIES:
            treatment = share_links.session_of(current_user, int(form.scope.data))
            if treatment is None:
                abort(404)  # deleted a moment ago by another request
        _link, token = share_links.create(
            current_user, treatment, form.include_photos.data, int(form.expires_in.data), form.label.data or ""
        )
        # Shown on the next page only: the database keeps the token's hash, never the link.
        session[NEW_SHARE_TOKEN] = token
        return redirect(url_for(".created_link"))
    return render_form("share/new_link.html", form)


@bp.route("/sharing/links/created")
@patient_required
def created_link():
    token = session.pop(NEW_SHARE_TOKEN, None)
    link = share_links.link_if_current(current_user, token)
    if link is None:
        flash(_("A share link is shown only once, right after it is made. Make a new one if you need it."), "info")
        return redirect(url_for("patient.sharing"))
    url = url_for(".shared_record", token=token, _external=True)
    return render_template("share/created.html", link=link, url=url)


@bp.route("/sharing/links/<id:link_id>/revoke", methods=["POST"])
@patient_required
def revoke_link(link_id):
    link = own_link_or_404(link_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    share_links.revoke(link)
    flash(_("The share link no longer works. Anyone who opens it sees “Page not found”."), "info")
    return redirect(url_for("patient.sharing", _anchor="share-links"))


@bp.route("/shared/<token>")
@share_view_rate_limit
def shared_record(token):
    link = live_link_or_404(token)
    if not (current_user.is_authenticated and current_user.id == link.patient_id):
        share_links.record_view(link)  # the patient looking at their own link is nobody else looking
    summary = summaries.build_summary(
        link.patient, share_links.shared_sessions(link), audience="shared", include_photos=link.include_photos
    )
    return render_template(
        "share/record.html",
        link=link,
        summary=summary,
        photo_url=lambda photo: url_for(".shared_photo", token=token, photo_id=photo.id, variant="screen"),
    )


@bp.route("/shared/<token>/photos/<id:photo_id>/<any(screen, thumb):variant>.jpg")
def shared_photo(token, photo_id, variant):
    """A photo the link shares, only through the link: never a public URL."""
    photo = share_links.shared_photo(live_link_or_404(token), photo_id)
    if photo is None:
        abort(404)
    try:
        data = photos.read_file(photo.file_key, variant)
    except FileNotFoundError:
        abort(404)
    return Response(data, mimetype="image/jpeg", headers={"Content-Disposition": "inline"})
