"""Photo files on disk: a write that fails leaves nothing behind, and account deletion leaves nothing either.

The failures are real ones from the kernel: a file-size limit (RLIMIT_FSIZE,
EFBIG) in a child process, and, where the tests run as root, a full tmpfs
(ENOSPC).
"""

import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.core import images
from app.services import personal_data, photos
from tests.conftest import store_photo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config():
    """The local folder's own tests: on disk even under TEST_PHOTO_STORE=s3 (test_photo_store_s3.py has S3's)."""
    return {"PHOTO_STORAGE_URL": None}


def noisy_jpeg(size=(1600, 1200)):
    """A photo whose screen copy is large (noise does not compress) and whose thumbnail is small."""
    out = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(out, format="JPEG", quality=95)
    return out.getvalue()


# In a child process: the app, a prepared photo, then a file-size limit between the thumbnail's
# size and the screen copy's, so writing the screen copy fails half-way with EFBIG.
SAVE_OVER_THE_SIZE_LIMIT = """
import io, json, os, resource, signal, sys
sys.path.insert(0, {root!r})
from app.core import images
from app.factory import create_app
from app.services import photos
app = create_app({{"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "UPLOAD_FOLDER": {folder!r}}})
with app.app_context():
    prepared = images.prepare(io.BytesIO(open({photo!r}, "rb").read()), "p.jpg", 10**8, 10**8)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an OSError (EFBIG), not a killed process
    limit = (len(prepared.thumbnail) + len(prepared.screen)) // 2
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    try:
        photos.save_files(prepared)
        outcome = "saved"
    except OSError as error:
        outcome = error.errno
    print(json.dumps({{"outcome": outcome, "files": sorted(os.listdir({folder!r}))}}))
"""


def test_a_write_that_fails_half_way_leaves_no_partial_file(tmp_path):
    folder, photo = tmp_path / "uploads", tmp_path / "photo.jpg"
    photo.write_bytes(noisy_jpeg())
    script = SAVE_OVER_THE_SIZE_LIMIT.format(root=str(ROOT), folder=str(folder), photo=str(photo))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == errno.EFBIG  # the kernel refused the write part-way
    assert result["files"] == []  # neither the half-written copy nor its .part file


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KB tmpfs as the upload folder: a real full disk (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "uploads"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=700", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_leaves_no_partial_file(app, tiny_disk):
    prepared = images.prepare(io.BytesIO(noisy_jpeg()), "p.jpg", 10**8, 10**8)
    assert len(prepared.screen) > 64 * 1024  # more than the whole disk
    app.config["UPLOAD_FOLDER"] = str(tiny_disk)
    with pytest.raises(OSError) as failed:
        photos.save_files(prepared)
    assert failed.value.errno == errno.ENOSPC
    assert os.listdir(tiny_disk) == []


def test_deleting_the_account_removes_partial_files_a_crash_left(app, db, patient, treatment):
    photo = store_photo(treatment)
    screen = photos.path_for(photo.file_key, "screen")
    # What a process killed mid-write leaves: a .part beside each of the photo's names.
    for variant in photos.VARIANTS:
        partial = photos.path_for(photo.file_key, variant)
        partial.with_name(partial.name + ".part").write_bytes(b"half a photo")
    assert len(list(screen.parent.iterdir())) == 4

    personal_data.delete_patient(patient)
    assert list(screen.parent.iterdir()) == []


def test_a_path_as_the_storage_url_is_the_local_folder(app, treatment, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    app.config["PHOTO_STORAGE_URL"] = str(elsewhere)
    photo = store_photo(treatment)
    assert sorted(path.name for path in elsewhere.iterdir()) == [
        f"{photo.file_key}-screen.jpg",
        f"{photo.file_key}-thumb.jpg",
    ]
    assert not (tmp_path / "uploads").exists()
