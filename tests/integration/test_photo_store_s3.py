"""Photos in S3 (PHOTO_STORAGE_URL=s3://...), against a real S3 server: moto's, started in this process.

Private, encrypted, checksummed, never half-written, deleted with the photo, the session and the
account, and a store that cannot be reached answers a page, never a 500.
"""

import base64
import hashlib
import io
import socket

import pytest
import sqlalchemy as sa
from botocore.awsrequest import AWSResponse
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.core import images
from app.factory import create_app
from app.models import Photo, SymptomLog
from app.services import personal_data, photos
from app.services.photo_store import S3Store, StoreUnavailable, store
from tests import s3_server
from tests.conftest import PASSWORD, log_in, store_photo
from tests.sample_images import jpeg

pytestmark = pytest.mark.skipif(not s3_server.available(), reason="moto (requirements-dev.txt) is not installed")

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


@pytest.fixture
def prefix(tmp_path):
    return f"photos/{tmp_path.name}"


@pytest.fixture
def app_config(prefix):
    return {
        "PHOTO_STORAGE_URL": f"s3://{s3_server.bucket()}/{prefix}",
        "S3_ENDPOINT_URL": s3_server.endpoint(),
        "S3_REGION": s3_server.REGION,
    }


def objects(prefix):
    return s3_server.object_names(s3_server.bucket(), prefix + "/")


def keys_of(prefix, *photos_):
    return sorted(f"{prefix}/{photo.file_key}-{variant}.jpg" for photo in photos_ for variant in ("screen", "thumb"))


def prepared_photo():
    return images.prepare(io.BytesIO(jpeg(size=(400, 300))), "photo.jpg", 10**8, 10**8)


def post_photo(client, url, fields):
    values = MultiDict(fields)
    values.add("photo", FileStorage(io.BytesIO(jpeg(size=(400, 300))), filename="photo.jpg"))
    boundary, payload = encode_multipart(values)
    return client.post(url, data=payload, content_type=f"multipart/form-data; boundary={boundary}")


def test_the_store_writes_reads_and_deletes_objects_in_the_bucket(app, prefix):
    photo_store = store()
    assert isinstance(photo_store, S3Store) and photo_store.bucket == s3_server.bucket()
    photo_store.write("k1", "screen", b"screen bytes")
    photo_store.write("k1", "thumb", b"thumb")
    photo_store.write("k2", "screen", b"other")
    assert objects(prefix) == [f"{prefix}/k1-screen.jpg", f"{prefix}/k1-thumb.jpg", f"{prefix}/k2-screen.jpg"]
    assert photo_store.read("k1", "screen") == b"screen bytes"
    assert photo_store.size("k1", "thumb") == 5
    assert photo_store.names() == ["k1-screen.jpg", "k1-thumb.jpg", "k2-screen.jpg"]

    photo_store.delete(["k1", "k2"])  # k2's missing thumb is no error
    assert objects(prefix) == []
    with pytest.raises(FileNotFoundError):
        photo_store.read("k1", "screen")
    with pytest.raises(FileNotFoundError):
        photo_store.size("k2", "screen")


def test_an_object_is_private_encrypted_and_checksummed(app, prefix, treatment):
    photo = store_photo(treatment)
    client = s3_server.client()
    key = f"{prefix}/{photo.file_key}-screen.jpg"
    grants = client.get_object_acl(Bucket=s3_server.bucket(), Key=key)["Grants"]
    grantees = {grant["Grantee"].get("URI") for grant in grants}
    assert ALL_USERS not in grantees and AUTHENTICATED_USERS not in grantees
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's, alone
    head = client.head_object(Bucket=s3_server.bucket(), Key=key, ChecksumMode="ENABLED")
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "image/jpeg"
    data = client.get_object(Bucket=s3_server.bucket(), Key=key)["Body"].read()
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()


class _Body:
    def __init__(self, data):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


ACCESS_DENIED = b"<?xml version='1.0'?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"


@pytest.fixture
def second_put_fails():
    """The bucket refuses the second PutObject (403 AccessDenied, as a deny policy would): botocore's own
    hook answers it, and the test server sees every other request."""
    client = s3_server.client()
    puts = []

    def refuse_the_second(request, **kwargs):
        puts.append(request.url)
        if len(puts) == 2:
            return AWSResponse(request.url, 403, {"Content-Type": "application/xml"}, _Body(ACCESS_DENIED))
        return None

    client.meta.events.register("before-send.s3.PutObject", refuse_the_second)
    try:
        yield puts
    finally:
        client.meta.events.unregister("before-send.s3.PutObject", refuse_the_second)


def test_a_failed_second_write_leaves_no_object(app, prefix, second_put_fails):
    with pytest.raises(StoreUnavailable):
        photos.save_files(prepared_photo())
    assert len(second_put_fails) == 2 and second_put_fails[0].endswith("-screen.jpg")
    assert objects(prefix) == []  # the screen copy, written first, was deleted again


def test_a_log_whose_photo_cannot_be_stored_saves_nothing_and_says_so(
    app, db, prefix, patient_client, treatment, second_put_fails
):
    response = post_photo(
        patient_client,
        f"/sessions/{treatment.id}/logs/new",
        {"redness": "2", "swelling": "1", "peeling": "0", "client_id": "6f1c2a9e-0000-4000-8000-000000000001"},
    )
    assert response.status_code == 422
    assert "We could not save the photo just now, so nothing has been saved." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(SymptomLog.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Photo.id))) == 0
    assert objects(prefix) == []


def test_deleting_a_photo_a_session_and_the_account_empties_the_prefix(
    app, db, prefix, patient, patient_client, make_session, treatment
):
    first, second = store_photo(treatment, hours_after=1), store_photo(treatment, hours_after=2)
    other_session = make_session(patient, hours_ago=60)
    third = store_photo(other_session)
    assert objects(prefix) == keys_of(prefix, first, second, third)

    assert patient_client.post(f"/photos/{first.id}/delete").status_code == 302
    assert objects(prefix) == keys_of(prefix, second, third)
    assert patient_client.post(f"/sessions/{treatment.id}/delete").status_code == 302
    assert objects(prefix) == keys_of(prefix, third)
    assert patient_client.post("/my-data/delete", data={"password": PASSWORD}).status_code == 302
    assert objects(prefix) == []


def test_deleting_many_photos_goes_in_batches_of_a_thousand(app, db, prefix, patient, treatment):
    keys = [f"k{number}" for number in range(600)]  # 1,200 object names: two delete_objects requests
    photo_store = store()
    for key in (keys[0], keys[-1]):  # one in each batch
        photo_store.write(key, "screen", b"s")
        photo_store.write(key, "thumb", b"t")
    photo_store.delete(keys)
    assert objects(prefix) == []
    store_photo(treatment)
    personal_data.delete_patient(patient)
    assert objects(prefix) == []


def test_the_gallery_serves_the_stored_screen_copy(app, prefix, patient_client, treatment):
    photo = store_photo(treatment)
    served = patient_client.get(f"/photos/{photo.id}/screen.jpg")
    stored = s3_server.client().get_object(Bucket=s3_server.bucket(), Key=f"{prefix}/{photo.file_key}-screen.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.data == stored["Body"].read()
    assert served.data.startswith(b"\xff\xd8")  # a JPEG


def test_a_photo_whose_object_is_missing_answers_404(app, prefix, patient_client, treatment):
    photo = store_photo(treatment)
    s3_server.client().delete_object(Bucket=s3_server.bucket(), Key=f"{prefix}/{photo.file_key}-thumb.jpg")
    assert patient_client.get(f"/photos/{photo.id}/thumb.jpg").status_code == 404


def test_readyz_checks_the_bucket(client, app):
    assert client.get("/readyz").get_data(as_text=True) == "ready"
    app.config["PHOTO_STORAGE_URL"] = "s3://no-such-bucket-here/photos"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "not ready: the photo store cannot be reached"


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_store_answers_a_page_never_a_500(app, db, patient, client, treatment, caplog):
    photo = store_photo(treatment)
    file_key, email = photo.file_key, patient.email
    log_in(client, patient)
    # Nothing listens there: each request is refused at once (one attempt, no backoff, to stay quick).
    app.config.update(S3_ENDPOINT_URL=f"http://127.0.0.1:{closed_port()}", S3_MAX_ATTEMPTS=1)

    image = client.get(f"/photos/{photo.id}/screen.jpg")
    assert image.status_code == 503
    assert "Photos are unavailable just now" in image.get_data(as_text=True)
    export = client.get("/my-data/afterglow-fhir.json")
    assert export.status_code == 503
    ready = client.get("/readyz")
    assert (ready.status_code, ready.get_data(as_text=True)) == (503, "not ready: the photo store cannot be reached")

    saved = post_photo(client, f"/sessions/{treatment.id}/photos/new", {})
    assert saved.status_code == 422
    assert "We could not save the photo just now" in saved.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(sa.select(Photo.id)).all() == [photo.id]

    deleted = client.post(f"/photos/{photo.id}/delete")  # the row goes; its files are logged for the operator
    assert deleted.status_code == 302
    left_behind = [record.getMessage() for record in caplog.records if "left behind" in record.getMessage()]
    assert left_behind == [f"Photo files left behind for the operator to delete: {file_key}"]
    assert email not in caplog.text


def test_the_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_PHOTO_STORAGE_URL", "s3://clinic-photos/eu/photos")
    monkeypatch.setenv("FLASK_S3_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("FLASK_S3_REGION", "eu-west-1")
    monkeypatch.setenv("FLASK_S3_MAX_ATTEMPTS", "2")
    configured = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with configured.app_context():
        photo_store = store()
    assert (photo_store.bucket, photo_store.prefix) == ("clinic-photos", "eu/photos")
    assert photo_store.key_for("abc", "thumb") == "eu/photos/abc-thumb.jpg"
    assert photo_store.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert photo_store.client.meta.region_name == "eu-west-1"
    assert photo_store.client.meta.config.retries == {"total_max_attempts": 2, "mode": "standard"}
