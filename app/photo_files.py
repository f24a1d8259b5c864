"""Where photo files live: a private folder (instance/uploads by default), never under static/.

Files are named by a random key, written whole (a crash never leaves half a
photo under a photo's name, and a failed write leaves no partial file) and
readable by the app's own user only. The database row is the
only way to a file, and app.gallery.access decides who may follow it.
"""

import os
import secrets
from pathlib import Path

from flask import current_app

VARIANTS = ("screen", "thumb")


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"] or Path(current_app.instance_path) / "uploads")


def path_for(file_key: str, variant: str) -> Path:
    if variant not in VARIANTS:
        raise ValueError(variant)
    return folder() / f"{file_key}-{variant}.jpg"


def save(prepared) -> str:
    """Write a prepared photo's two copies; returns their new random key."""
    file_key = secrets.token_urlsafe(24)
    folder().mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    try:
        for variant, data in (("screen", prepared.screen), ("thumb", prepared.thumbnail)):
            path = path_for(file_key, variant)
            _write_private(path, data)
            written.append(path)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return file_key


def remove(file_keys) -> None:
    """Delete the files of these photos (called once their rows are gone), half-written ones too."""
    for file_key in file_keys:
        for variant in VARIANTS:
            path = path_for(file_key, variant)
            path.unlink(missing_ok=True)
            _partial(path).unlink(missing_ok=True)  # left only by a crash mid-write


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def _write_private(path: Path, data: bytes) -> None:
    """Write to a .part file, then rename: the photo appears whole or not at all, and a failed
    write (a full disk) leaves nothing behind."""
    partial = _partial(path)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
