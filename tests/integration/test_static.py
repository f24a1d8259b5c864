"""Static files: fingerprinted URLs, a year of caching, compressed copies only when they are current."""

import gzip
import os
import re

import pytest
from flask import url_for

from app.factory import create_app


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setattr("app.factory.PROJECT_ROOT", tmp_path)
    (tmp_path / "static").mkdir()
    script = tmp_path / "static" / "hello.js"
    script.write_text("console.log('hello, version one');" * 20)
    return tmp_path, script


def test_urls_carry_a_content_fingerprint_that_changes_with_the_file(site):
    _, script = site
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        first = url_for("static", filename="hello.js")
        script.write_text("console.log('version two');")
        os.utime(script, (script.stat().st_atime, script.stat().st_mtime + 5))
        second = url_for("static", filename="hello.js")
    assert re.fullmatch(r"/static/hello.js\?v=[0-9a-f]{12}", first)
    assert first != second


def test_static_files_are_cached_for_a_year_and_not_sniffed(site):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/static/hello.js")
    max_age = int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_a_current_compressed_copy_is_served_and_a_stale_one_never(site):
    _, script = site
    (script.parent / "hello.js.gz").write_bytes(gzip.compress(script.read_bytes()))
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/static/hello.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    assert int(response.headers["Content-Length"]) < script.stat().st_size
    response.close()

    script.write_text("console.log('edited after make run compressed it');")
    os.utime(script, (script.stat().st_atime, script.stat().st_mtime + 5))
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/static/hello.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") is None
    assert b"edited after make run" in response.get_data()
    response.close()
