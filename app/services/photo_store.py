"""Where photo files live: a private local folder (the default) or an S3 bucket, behind one interface.

``PHOTO_STORAGE_URL`` chooses: unset or a path, the local folder (``UPLOAD_FOLDER``, instance/uploads
when unset); ``s3://bucket/prefix``, that bucket through boto3. Endpoint and credentials come from
boto3's own chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL),
or from ``S3_ENDPOINT_URL`` / ``S3_REGION`` in the config.

Both stores keep the same promises: private (files mode 600; objects with no public grant, encrypted
at rest), a write appears whole or not at all, and nothing but the app's access-checked routes reads
them. A store that cannot be reached raises StoreUnavailable, which the app answers with a 503 page.
"""

import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

VARIANTS = ("screen", "thumb")


class StoreUnavailable(RuntimeError):
    """The photo store could not be reached or refused the request (nothing about the photo in the message)."""


def file_name(file_key: str, variant: str) -> str:
    if variant not in VARIANTS:
        raise ValueError(variant)
    return f"{file_key}-{variant}.jpg"


class LocalStore:
    """Files in a private folder: named by their random key, mode 600, written through a .part file."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path_for(self, file_key, variant) -> Path:
        return self.folder / file_name(file_key, variant)

    def write(self, file_key, variant, data: bytes) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.path_for(file_key, variant)
        partial = _partial(path)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            # The photo appears whole or not at all; a failed write (a full disk) leaves nothing behind.
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def read(self, file_key, variant) -> bytes:
        """The file's bytes; FileNotFoundError if it is not there."""
        return self.path_for(file_key, variant).read_bytes()

    def size(self, file_key, variant) -> int:
        return self.path_for(file_key, variant).stat().st_size

    def delete(self, file_keys) -> None:
        """Delete every variant of these photos, half-written ones too."""
        for file_key in file_keys:
            for variant in VARIANTS:
                path = self.path_for(file_key, variant)
                path.unlink(missing_ok=True)
                _partial(path).unlink(missing_ok=True)  # left only by a crash mid-write

    def names(self) -> list[str]:
        """Every file name in the store, sorted (for checks and tests)."""
        return sorted(path.name for path in self.folder.iterdir()) if self.folder.is_dir() else []

    def problem(self) -> str | None:
        return None  # the database check already covers this server's own disk


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".part")


class S3Store:
    """Objects in a bucket under a prefix: private, encrypted at rest, checksummed on upload."""

    def __init__(self, client, bucket: str, prefix: str):
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    def key_for(self, file_key, variant) -> str:
        name = file_name(file_key, variant)
        return f"{self.prefix}/{name}" if self.prefix else name

    def write(self, file_key, variant, data: bytes) -> None:
        # A PUT is atomic: the object appears whole or not at all. No ACL is sent, so the object
        # is private to the bucket's owner. botocore sends the bytes' SHA-256, S3 refuses an upload
        # that does not match it and keeps it with the object.
        with _store_errors("write"):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.key_for(file_key, variant),
                Body=data,
                ContentType="image/jpeg",
                ServerSideEncryption="AES256",
                ChecksumAlgorithm="SHA256",
            )

    def read(self, file_key, variant) -> bytes:
        with _store_errors("read"):
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=self.key_for(file_key, variant))
            except self.client.exceptions.NoSuchKey:
                raise FileNotFoundError(file_name(file_key, variant)) from None
            return response["Body"].read()

    def size(self, file_key, variant) -> int:
        from botocore.exceptions import ClientError

        with _store_errors("read"):
            try:
                response = self.client.head_object(Bucket=self.bucket, Key=self.key_for(file_key, variant))
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    raise FileNotFoundError(file_name(file_key, variant)) from None
                raise
            return response["ContentLength"]

    def delete(self, file_keys) -> None:
        """Delete every variant of these photos, a thousand objects a request (S3's limit)."""
        keys = [self.key_for(file_key, variant) for file_key in file_keys for variant in VARIANTS]
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            with _store_errors("delete"):
                response = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            if response.get("Errors"):
                codes = sorted({error.get("Code", "?") for error in response["Errors"]})
                log.error("Photo store: %d objects not deleted (%s)", len(response["Errors"]), ", ".join(codes))
                raise StoreUnavailable("delete")

    def names(self) -> list[str]:
        """Every object name under the prefix, without the prefix, sorted (for checks and tests)."""
        start = f"{self.prefix}/" if self.prefix else ""
        names = []
        with _store_errors("list"):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
                names += [item["Key"][len(start) :] for item in page.get("Contents", [])]
        return sorted(names)

    def problem(self) -> str | None:
        """Why the bucket cannot be reached right now, in a few words, or None when it can."""
        try:
            with _store_errors("check"):
                self.client.head_bucket(Bucket=self.bucket)
        except StoreUnavailable:
            return "the photo store cannot be reached"
        return None


@contextmanager
def _store_errors(action):
    """Turn boto3's errors into StoreUnavailable, logging the kind of error only (never a key or a name)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        log.error("Photo store: %s failed (%s)", action, error.response.get("Error", {}).get("Code", "?"))
        raise StoreUnavailable(action) from error
    except BotoCoreError as error:
        log.error("Photo store: %s failed (%s)", action, type(error).__name__)
        raise StoreUnavailable(action) from error


_clients = {}
_clients_lock = threading.Lock()


def s3_client(endpoint_url=None, region=None, max_attempts=3):
    """One boto3 client per endpoint and region for the whole process (boto3 clients are thread-safe)."""
    key = (endpoint_url, region, max_attempts)
    with _clients_lock:
        if key not in _clients:
            import boto3  # only when S3 is configured: the local store needs none of it
            from botocore.config import Config

            config = Config(
                connect_timeout=5,
                read_timeout=15,
                retries={"total_max_attempts": max_attempts, "mode": "standard"},  # the first try included
            )
            session = boto3.session.Session()
            _clients[key] = session.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)
        return _clients[key]


def store():
    """The photo store this app is configured with."""
    config = current_app.config
    url = config.get("PHOTO_STORAGE_URL") or ""
    if url.startswith("s3://"):
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        client = s3_client(
            config.get("S3_ENDPOINT_URL") or None, config.get("S3_REGION") or None, config.get("S3_MAX_ATTEMPTS") or 3
        )
        return S3Store(client, bucket, prefix)
    folder = url.removeprefix("file://") or config["UPLOAD_FOLDER"] or Path(current_app.instance_path) / "uploads"
    return LocalStore(Path(folder))
