"""A real server in a thread and Debian's Chromium driven by Playwright, at phone size."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.factory import create_app
from tests.conftest import make_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
LARGER_PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize(
    "page", [PHONE, LARGER_PHONE, DESKTOP], indirect=True, ids=["360x740", "390x844", "desktop"]
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is required (REQUIRE_BROWSER is set) but missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _closing_files(app):
    """Every response is read whole and closed before it is sent.

    Werkzeug's development server skips closing a response when the browser
    drops the connection mid-download (a page left while plotly.js was still
    arriving), which leaves an open file for a later test to be blamed for.
    """

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return wsgi


@pytest.fixture
def live_server(tmp_path):
    """The app on a free loopback port, on its own database, with CSRF on as in production."""
    app = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
    threads_before = set(threading.enumerate())
    server = make_server("127.0.0.1", 0, _closing_files(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.flask_app = app  # not server.app: that is the WSGI callable the server runs
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join()
    # Let requests still in flight (a big file the page stopped fetching) finish and close
    # their files, so no open handle is left for a later test to be blamed for.
    for request_thread in set(threading.enumerate()) - threads_before:
        request_thread.join(timeout=10)
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def seeded_server(live_server):
    """The live server with the demo clinic and patients (flask seed-demo)."""
    result = live_server.flask_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return live_server


@pytest.fixture
def page(browser, live_server, request):
    # Asking for live_server makes the tab close before the server stops.
    """A fresh browser tab at 360x740 (parametrize indirectly for another viewport)."""
    viewport = getattr(request, "param", PHONE)
    context = browser.new_context(viewport=viewport, timezone_id="Europe/Paris", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
