"""Progress photos through the views: uploading, dating, bad files, metadata, comparing, deleting."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.config import Config
from app.models import AuditEvent, Photo, SymptomLog
from app.services import photos as photo_service
from tests.conftest import log_in
from tests.sample_images import GPS_IFD, HTML, SVG, TEXT, image_bytes, jpeg, jpeg_with_gps, png_bomb

MB = 1024 * 1024


def post_multipart(client, url, fields, photo=None):
    """POST form fields and a photo (content, filename), encoded in memory: the test client
    would spool a big body to a temporary file it never closes."""
    values = MultiDict(fields)
    if photo is not None:
        values.add("photo", FileStorage(io.BytesIO(photo[0]), filename=photo[1]))
    boundary, payload = encode_multipart(values)
    return client.post(url, data=payload, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, treatment, data, filename="photo.jpg", **fields):
    return post_multipart(client, f"/sessions/{treatment.id}/photos/new", fields, (data, filename))


def squeezed(response):
    """The page with each run of whitespace as one space, as a browser shows it."""
    return " ".join(response.get_data(as_text=True).split())


def stored_files(app):
    """The names in the app's photo store: the local folder, or the bucket's prefix (TEST_PHOTO_STORE=s3)."""
    with app.app_context():
        return photo_service.stored_file_names()


def photo_count(db):
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Photo))


def test_a_photo_is_stored_as_two_private_files_and_shown_to_its_patient(app, db, patient_client, treatment):
    response = upload(patient_client, treatment, jpeg(size=(800, 600)), "IMG_0001.JPG")
    assert response.status_code == 302 and response.headers["Location"].endswith("/photos")
    photo = db.session.scalar(sa.select(Photo))
    assert photo.session_id == treatment.id
    assert stored_files(app) == sorted([f"{photo.file_key}-screen.jpg", f"{photo.file_key}-thumb.jpg"])
    assert "IMG_0001" not in photo.file_key and len(photo.file_key) >= 32
    if not app.config.get("PHOTO_STORAGE_URL"):  # the local folder (test_photo_store_s3.py checks the bucket's)
        for name in stored_files(app):
            assert (Path(app.config["UPLOAD_FOLDER"]) / name).stat().st_mode & 0o077 == 0  # owner only
        assert Path(app.config["UPLOAD_FOLDER"]).resolve() != Path(app.static_folder).resolve()

    screen = patient_client.get(f"/photos/{photo.id}/screen.jpg")
    assert screen.status_code == 200 and screen.mimetype == "image/jpeg"
    assert screen.headers["Cache-Control"] == "private, no-store"
    assert Image.open(io.BytesIO(screen.data)).size == (800, 600)
    assert patient_client.get(f"/photos/{photo.id}/original.jpg").status_code == 404  # no other copy exists


def test_the_served_photo_has_no_gps_or_other_metadata(db, patient_client, treatment):
    assert upload(patient_client, treatment, jpeg_with_gps()).status_code == 302
    photo = db.session.scalar(sa.select(Photo))
    for variant in ("screen", "thumb"):
        data = patient_client.get(f"/photos/{photo.id}/{variant}.jpg").data
        image = Image.open(io.BytesIO(data))
        assert not image.getexif().get_ifd(GPS_IFD) and len(image.getexif()) == 0
        assert b"PhoneMaker" not in data


BAD_FILES = {
    "not an image": (TEXT, "notes.jpg", "not a photo we can read"),
    "an image with a wrong extension": (image_bytes("PNG"), "photo.jpg", "its name ends in .jpg"),
    "a decompression bomb": (png_bomb(), "bomb.png", "too large to open safely"),
    "a truncated file": (jpeg(size=(400, 300))[:-400], "cut.jpg", "damaged or incomplete"),
    "an SVG named .jpg": (SVG, "drawing.jpg", "not a photo we can read"),
    "an HTML file named .jpg": (HTML, "page.jpg", "not a photo we can read"),
    "a file over the size limit": (jpeg() + b"\0" * (Config.PHOTO_MAX_BYTES + MB), "huge.jpg", "larger than 15 MB"),
}


@pytest.mark.parametrize("data, filename, message", list(BAD_FILES.values()), ids=list(BAD_FILES))
@pytest.mark.parametrize("form", ["photo page", "log form"])
def test_a_bad_file_gets_a_message_next_to_the_field_and_nothing_is_stored(
    app, db, patient_client, treatment, form, data, filename, message
):
    if form == "log form":
        response = post_multipart(
            patient_client,
            f"/sessions/{treatment.id}/logs/new",
            {"redness": "1", "swelling": "1", "peeling": "0"},
            (data, filename),
        )
    else:
        response = upload(patient_client, treatment, data, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="photo-error"' in page and message in page
    assert photo_count(db) == 0 and stored_files(app) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SymptomLog)) == 0


def test_a_request_larger_than_the_upload_limit_gets_a_friendly_413(app, db, patient_client, treatment):
    response = upload(patient_client, treatment, b"\0" * (app.config["PHOTO_REQUEST_MAX_BYTES"] + 1), "huge.jpg")
    assert response.status_code == 413
    assert "Photos can be up to 15 MB" in response.get_data(as_text=True)
    assert photo_count(db) == 0 and stored_files(app) == []


def test_other_forms_keep_the_small_limit(patient_client):
    response = patient_client.post("/sessions/new", data={"notes": "A" * (2 * MB)})
    assert response.status_code == 413


def test_no_photo_chosen_gets_a_message(db, patient_client, treatment):
    response = patient_client.post(f"/sessions/{treatment.id}/photos/new", data={"photo": "not a file"})
    assert response.status_code == 422
    assert "Choose a photo, or take one with the camera." in response.get_data(as_text=True)
    assert photo_count(db) == 0


def test_a_log_can_carry_a_photo_taken_at_the_logs_time(db, patient_client, treatment):
    response = post_multipart(
        patient_client,
        f"/sessions/{treatment.id}/logs/new",
        {"redness": "1", "swelling": "1", "peeling": "0", "logged_at": "2026-06-15T10:00"},
        (jpeg(), "photo.jpg"),
    )
    assert response.status_code == 302
    log, photo = db.session.scalar(sa.select(SymptomLog)), db.session.scalar(sa.select(Photo))
    assert photo.taken_at == log.logged_at and photo.session_id == treatment.id


def test_a_photo_sent_with_a_log_now_comes_after_one_taken_a_moment_before(db, patient_client, treatment, frozen_time):
    frozen_time.move_to("2026-06-15 12:00:30Z")
    assert upload(patient_client, treatment, jpeg(colour=(200, 90, 80))).headers["Location"].endswith("/photos")
    frozen_time.move_to("2026-06-15 12:00:50Z")
    response = post_multipart(
        patient_client,
        f"/sessions/{treatment.id}/logs/new",
        {"redness": "1", "swelling": "1", "peeling": "0", "logged_at": "2026-06-15T12:00"},
        (jpeg(colour=(225, 175, 160)), "photo.jpg"),
    )
    assert response.status_code == 302
    first, second = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
    assert first.taken_at < second.taken_at  # the log's own time (12:00:00) would put it first


def test_a_log_with_a_photo_sent_twice_is_stored_once_with_one_photo(app, db, patient_client, treatment):
    fields = {"redness": "1", "swelling": "1", "peeling": "0", "client_id": "22222222-2222-4222-8222-222222222222"}
    for _ in range(2):  # a resend after a lost answer
        response = post_multipart(patient_client, f"/sessions/{treatment.id}/logs/new", fields, (jpeg(), "photo.jpg"))
        assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SymptomLog)) == 1
    assert photo_count(db) == 1
    key = db.session.scalar(sa.select(Photo.file_key))
    assert stored_files(app) == sorted([f"{key}-screen.jpg", f"{key}-thumb.jpg"])  # the resend's files are gone


def test_a_log_without_a_photo_still_saves(db, patient_client, treatment):
    response = post_multipart(
        patient_client,
        f"/sessions/{treatment.id}/logs/new",
        {"redness": "1", "swelling": "1", "peeling": "0"},
        (b"", ""),
    )  # an empty file input
    assert response.status_code == 302
    assert photo_count(db) == 0


def test_if_storing_the_row_fails_the_files_are_removed(app, db, patient_client, treatment, monkeypatch):
    from app.extensions import db as database

    def fail():
        raise RuntimeError("database went away")

    monkeypatch.setattr(database.session, "commit", fail)
    with pytest.raises(RuntimeError):
        upload(patient_client, treatment, jpeg())
    monkeypatch.undo()
    assert stored_files(app) == []


def test_comparison_defaults_to_the_first_and_latest_photo_and_can_pick_any_two(patient_client, treatment, make_photo):
    first, middle, latest = (make_photo(treatment, hours_after=h) for h in (1, 29, 24 * 7))
    page = patient_client.get("/photos").get_data(as_text=True)
    assert f'src="/photos/{first.id}/screen.jpg"' in page and f'src="/photos/{latest.id}/screen.jpg"' in page
    assert f'src="/photos/{middle.id}/screen.jpg"' not in page
    assert "day 0 after the session" in page and "day 7 after the session" in page

    page = patient_client.get(f"/photos?before={latest.id}&after={middle.id}").get_data(as_text=True)
    assert f'src="/photos/{latest.id}/screen.jpg"' in page and f'src="/photos/{middle.id}/screen.jpg"' in page
    assert f'src="/photos/{first.id}/screen.jpg"' not in page
    assert "day 7 after the session" in page


def test_comparing_with_someone_elses_photo_is_a_404(patient_client, treatment, make_photo, make_patient, make_session):
    mine = make_photo(treatment)
    theirs = make_photo(make_session(make_patient(), hours_ago=5))
    assert patient_client.get(f"/photos?before={mine.id}&after={theirs.id}").status_code == 404
    assert patient_client.get(f"/photos/{theirs.id}/thumb.jpg").status_code == 404


def test_the_30_day_timeline_marks_the_photos_before_the_session_too(patient_client, treatment, make_photo):
    make_photo(treatment, hours_after=2)
    # A "before" photo through the form, two days before the session.
    assert upload(patient_client, treatment, jpeg(), taken_at="2026-06-12T06:00").status_code == 302
    page = patient_client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "Photos: before the session, day 0." in page
    assert '"name": "Photos"' in page or '"Photos"' in page


def test_a_practitioner_sees_the_photos_of_a_sharing_patient_and_the_view_is_audited(
    db, client, patient, treatment, make_photo, make_clinic, make_practitioner, share
):
    clinic = make_clinic()
    share(patient, clinic)
    photo = make_photo(treatment)
    log_in(client, make_practitioner(clinic))
    detail = client.get(f"/clinic/patients/{patient.id}").get_data(as_text=True)
    assert f"/photos/{photo.id}/thumb.jpg" in detail
    assert client.get(f"/clinic/patients/{patient.id}/photos").status_code == 200
    assert client.get(f"/photos/{photo.id}/screen.jpg").status_code == 200
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "view_photos" in actions


def test_deleting_a_photo_deletes_its_files(app, db, patient_client, treatment, make_photo):
    keep, gone = make_photo(treatment), make_photo(treatment, hours_after=5)
    gone_id, gone_key = gone.id, gone.file_key
    assert patient_client.post(f"/photos/{gone_id}/delete").status_code == 302
    assert not any(name.startswith(gone_key) for name in stored_files(app))
    assert any(name.startswith(keep.file_key) for name in stored_files(app))
    assert patient_client.get(f"/photos/{gone_id}/screen.jpg").status_code == 404


def test_deleting_a_session_deletes_its_photos_files(app, db, patient_client, treatment, make_photo):
    make_photo(treatment)
    assert len(stored_files(app)) == 2
    assert patient_client.post(f"/sessions/{treatment.id}/delete").status_code == 302
    assert stored_files(app) == [] and photo_count(db) == 0


def test_deleting_the_account_deletes_every_photo_file(
    app, db, patient_client, patient, treatment, make_photo, make_session
):
    make_photo(treatment)
    make_photo(make_session(patient, hours_ago=24 * 40))
    assert len(stored_files(app)) == 4
    response = patient_client.post("/my-data/delete", data={"password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert stored_files(app) == [] and photo_count(db) == 0


# The `treatment` fixture's session took place at 06:00 UTC on 14 June 2026; it is now 12:00 UTC on 15 June.


def test_the_photo_form_offers_now_in_the_patients_time_zone(client, make_patient, make_session):
    patient = make_patient(timezone="Europe/Berlin")
    treatment = make_session(patient, hours_ago=30)
    log_in(client, patient)
    page = client.get(f"/sessions/{treatment.id}/photos/new").get_data(as_text=True)
    assert '<label for="taken_at">Taken</label>' in page
    assert 'name="taken_at" type="datetime-local" value="2026-06-15T14:00"' in page


def test_a_before_photo_is_stored_with_its_time_and_labelled_before_the_session(db, client, make_patient, make_session):
    patient = make_patient(timezone="Europe/Berlin")
    treatment = make_session(patient, hours_ago=30)
    log_in(client, patient)
    # Two days before the session, in the patient's own time (UTC+2 in June).
    response = upload(client, treatment, jpeg(), taken_at="2026-06-12T09:30")
    assert response.status_code == 302
    later = upload(client, treatment, jpeg(colour=(90, 60, 50)))
    assert later.status_code == 302
    before, after = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
    assert before.taken_at == datetime(2026, 6, 12, 7, 30, tzinfo=UTC)
    assert after.taken_at == datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # no time sent: now

    gallery = squeezed(client.get("/photos"))
    assert "<strong>Before</strong> · 12 Jun 2026, before the session of 14 Jun" in gallery
    assert "<strong>After</strong> · 15 Jun 2026, day 1 after the session of 14 Jun" in gallery
    assert f'<option selected value="{before.id}">Before the session · 12 Jun 2026 09:30</option>' in gallery
    assert f'<option value="{after.id}">Day 1 · 15 Jun 2026 14:00</option>' in gallery
    assert "Taken 3 days apart." in gallery
    session_page = squeezed(client.get(f"/sessions/{treatment.id}"))
    assert '<span class="muted">Before the session</span>' in session_page
    assert '<span class="muted">Day 1</span>' in session_page


BAD_TIMES = {
    "in the future": ("2026-06-15T12:06", "That is in the future. Enter when the photo was taken."),
    "not a time": ("last Tuesday", "Enter a date and time, for example 2026-05-01 18:30."),
    "empty": ("", "Enter a date and time, for example 2026-05-01 18:30."),
    "more than a year before the session": (
        "2025-06-14T05:59",
        "That is more than a year before the session. Enter when the photo was taken: "
        "from a year before the session until now.",
    ),
    "a year no one means": ("0001-01-01T00:00", "Enter a date between 2000 and 2100."),
}


@pytest.mark.parametrize("taken_at, message", list(BAD_TIMES.values()), ids=list(BAD_TIMES))
def test_a_bad_time_gets_a_message_next_to_the_field_and_nothing_is_stored(
    app, db, patient_client, treatment, taken_at, message
):
    response = upload(patient_client, treatment, jpeg(), taken_at=taken_at)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="taken_at-error"><span class="visually-hidden">Error: </span>{message}</p>' in page
    assert 'aria-describedby="taken_at-hint taken_at-error"' in page
    assert photo_count(db) == 0 and stored_files(app) == []


@pytest.mark.parametrize(
    "taken_at, stored",
    [
        ("2025-06-14T06:00", datetime(2025, 6, 14, 6, 0, tzinfo=UTC)),  # exactly a year before the session
        ("2026-06-15T12:05", datetime(2026, 6, 15, 12, 0, tzinfo=UTC)),  # a phone's clock 5 minutes ahead: now
        ("2026-06-15T11:54", datetime(2026, 6, 15, 11, 54, tzinfo=UTC)),  # 6 minutes ago, as it says
    ],
)
def test_times_at_the_edges_are_kept(db, patient_client, treatment, taken_at, stored):
    assert upload(patient_client, treatment, jpeg(), taken_at=taken_at).status_code == 302
    assert db.session.scalar(sa.select(Photo.taken_at)) == stored


def test_a_photo_dated_now_to_the_minute_comes_after_one_sent_with_a_log_a_moment_before(
    db, patient_client, treatment, frozen_time
):
    frozen_time.move_to("2026-06-15 12:00:30Z")
    response = post_multipart(
        patient_client,
        f"/sessions/{treatment.id}/logs/new",
        {"redness": "1", "swelling": "1", "peeling": "0"},
        (jpeg(colour=(200, 90, 80)), "photo.jpg"),
    )
    assert response.status_code == 302
    frozen_time.move_to("2026-06-15 12:00:50Z")
    # The form's default, "now" to the minute: 12:00, which is before the log's photo.
    assert upload(patient_client, treatment, jpeg(), taken_at="2026-06-15T12:00").status_code == 302
    first, second = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
    assert first.taken_at == datetime(2026, 6, 15, 12, 0, 30, tzinfo=UTC)
    assert second.taken_at == datetime(2026, 6, 15, 12, 0, 50, tzinfo=UTC)


def test_the_clinic_sees_before_photos_labelled_and_cannot_ask_for_another_patients_photo(
    client, patient, treatment, make_photo, make_clinic, make_practitioner, share, make_patient, make_session
):
    clinic = make_clinic()
    share(patient, clinic)
    before, after = make_photo(treatment, hours_after=-26), make_photo(treatment, hours_after=20)
    theirs = make_photo(make_session(make_patient(), hours_ago=5))
    log_in(client, make_practitioner(clinic))
    url = f"/clinic/patients/{patient.id}/photos"
    page = squeezed(client.get(url))
    assert f'src="/photos/{before.id}/screen.jpg"' in page and f'src="/photos/{after.id}/screen.jpg"' in page
    assert "13 Jun 2026, before the session of 14 Jun" in page
    assert f'<option selected value="{before.id}">Before the session · 13 Jun 2026 04:00</option>' in page
    assert client.get(f"{url}?before={theirs.id}").status_code == 404
    assert client.get(f"{url}?after={theirs.id}").status_code == 404
