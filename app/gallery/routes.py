from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.gallery import bp
from app.gallery.access import own_photo_or_404, viewable_photo_or_404
from app.gallery.forms import PhotoForm
from app.models import ROLE_PATIENT
from app.patient.access import get_own_session_or_404
from app.services import logbook
from app.services import photos as photo_service
from app.web.forms import CompareForm, ConfirmForm
from app.web.view_helpers import accepts_photo, photo_rate_limit, render_form, role_required

patient_required = role_required(ROLE_PATIENT)


@bp.route("/sessions/<id:session_id>/photos/new", methods=["GET", "POST"])
@accepts_photo
@photo_rate_limit
@patient_required
def new_photo(session_id):
    treatment = get_own_session_or_404(session_id)
    form = PhotoForm(treatment)
    if form.validate_on_submit():
        try:
            saved = logbook.add_photo(treatment, form.photo.data, form.taken_at.data)
        except logbook.PhotoRejected as rejected:
            form.photo.reject(rejected)  # nothing was stored: the form is shown again with the message
        else:
            if saved is None:
                abort(404)  # the session was deleted a moment ago by another request
            flash(_("Photo saved. It is private to you and any clinic you share with."), "success")
            return redirect(url_for(".photos"))
    return render_form(
        "gallery/new_photo.html", form, treatment=treatment, guide=photo_service.first_photo(current_user.id)
    )


@bp.route("/photos")
@patient_required
def photos():
    wanted = (request.args.get("before", type=int), request.args.get("after", type=int))
    comparison = photo_service.comparison_or_404(current_user.id, *wanted)
    return render_template(
        "gallery/photos.html",
        comparison=comparison,
        compare_form=CompareForm.for_comparison(comparison) if comparison.after else None,
        latest_session=logbook.latest_session(current_user.id),
    )


@bp.route("/photos/<id:photo_id>/delete", methods=["GET", "POST"])
@patient_required
def delete_photo(photo_id):
    photo = own_photo_or_404(photo_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if not logbook.delete_photo(photo):
            abort(404)  # deleted a moment ago by another request
        flash(_("Photo deleted."), "info")
        return redirect(url_for(".photos"))
    return render_template("gallery/confirm_delete.html", form=form, photo=photo)


@bp.route("/photos/<id:photo_id>/<any(screen, thumb):variant>.jpg")
@login_required
def photo_file(photo_id, variant):
    """A photo's file, only for those who may see it; never cached by anyone but the viewer's browser."""
    photo = viewable_photo_or_404(photo_id)
    try:
        # Read whole (a few hundred KB at most): no file is left open if the viewer goes away.
        data = photo_service.read_file(photo.file_key, variant)
    except FileNotFoundError:
        abort(404)
    return Response(
        data, mimetype="image/jpeg", headers={"Cache-Control": "private, no-store", "Content-Disposition": "inline"}
    )
