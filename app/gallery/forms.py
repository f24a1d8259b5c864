from wtforms import SelectField, SubmitField

from app.web.filters import local_time
from app.web.forms import PHOTO_HINT, BaseForm, PhotoField


class PhotoForm(BaseForm):
    photo = PhotoField("Photo", required=True, description=PHOTO_HINT)
    submit = SubmitField("Save photo")

    FILE_FIELDS = ("photo",)


def photo_label(photo):
    # Short enough for a phone-wide select; the captions give the session's date.
    return f"{local_time(photo.taken_at, '%-d %b %Y %H:%M')} · day {photo.days_since_session}"


class CompareForm(BaseForm):
    """Which two photos to compare: a GET form (it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    before = SelectField("Before", coerce=int, validate_choice=False)
    after = SelectField("After", coerce=int, validate_choice=False)

    @classmethod
    def for_comparison(cls, comparison):
        form = cls(formdata=None, data={"before": comparison.before.id, "after": comparison.after.id})
        for field in (form.before, form.after):
            field.choices = [(photo.id, photo_label(photo)) for photo in comparison.photos]
        return form
