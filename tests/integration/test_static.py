"""Static files: fingerprinted URLs, a year of caching, current compressed copies; plotly.js built in the repo."""

import gzip
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import url_for

from app.factory import create_app

ROOT = Path(__file__).resolve().parents[2]
PLOTLY_DIR = ROOT / "static" / "vendor" / "plotly"
BUNDLE_TOOL = ROOT / "tools" / "plotly-bundle"


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


def test_plotly_is_the_bundle_built_in_the_repo_from_the_pinned_npm_package_not_a_prebuilt_file():
    assert sorted(p.name for p in PLOTLY_DIR.iterdir() if not p.name.endswith((".gz", ".br"))) == [
        "LICENSE",
        "README",
        "plotly-afterglow.min.js",
    ]
    pinned = json.loads((BUNDLE_TOOL / "package.json").read_text())["devDependencies"]["plotly.js"]
    locked = json.loads((BUNDLE_TOOL / "package-lock.json").read_text())["packages"]["node_modules/plotly.js"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned) and locked["version"] == pinned
    header = (PLOTLY_DIR / "plotly-afterglow.min.js").read_text()[:400]
    assert f"plotly.js (Afterglow: scatter, bar - minified) v{pinned}" in header
    assert f"Built by tools/plotly-bundle (make plotly-bundle) from the npm package plotly.js@{pinned}." in header
    readme = (PLOTLY_DIR / "README").read_text()
    assert "make plotly-bundle" in readme and f"plotly.js {pinned}" in readme


@pytest.mark.skipif(
    not (BUNDLE_TOOL / "node_modules" / "plotly.js").is_dir() or not shutil.which("node"),
    reason="run `make plotly-bundle` once to install the bundle's build tools",
)
def test_the_committed_plotly_bundle_is_exactly_what_the_build_script_makes(tmp_path):
    rebuilt = tmp_path / "plotly.min.js"
    subprocess.run(["node", "build.mjs", "--out", str(rebuilt)], cwd=BUNDLE_TOOL, check=True, capture_output=True)
    assert rebuilt.read_bytes() == (PLOTLY_DIR / "plotly-afterglow.min.js").read_bytes()
