"""A real S3-compatible server for the photo store's tests: moto's, in a thread, one per test process."""

import functools
import os

BUCKET_PREFIX = "afterglow-test-photos"
REGION = "us-east-1"


def available() -> bool:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def endpoint() -> str:
    """Start moto's S3 server on a free loopback port (once per process) and return its URL.

    The credentials are moto's dummies, set for this test process only: a request never
    reaches a real account, whatever the developer's own AWS settings say.
    """
    from moto.server import ThreadedMotoServer

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        os.environ[name] = value
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


def client():
    """A boto3 client of the test server, for checks the app does not make (ACLs, listings)."""
    from app.services.photo_store import s3_client

    return s3_client(endpoint(), REGION)


@functools.cache
def bucket() -> str:
    """This test process's bucket (one per pytest-xdist worker), made on first use."""
    name = f"{BUCKET_PREFIX}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}".lower()
    client().create_bucket(Bucket=name)
    return name


def object_names(bucket_name, prefix):
    """Every object key under the prefix, sorted."""
    pages = client().get_paginator("list_objects_v2").paginate(Bucket=bucket_name, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
