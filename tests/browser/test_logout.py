"""Log-out really logs out, also after "Keep me logged in": Chromium at 360x740."""

import re

from playwright.sync_api import expect

from app.cli import DEMO_PASSWORD, DEMO_PATIENT_EMAIL
from tests.browser.conftest import PHONE
from tests.browser.test_patient_flow import assert_fits_a_phone


def open_my_data(browser, server, cookies):
    """A fresh browser holding only ``cookies`` opens /my-data; returns the page it lands on."""
    context = browser.new_context(viewport=PHONE)
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(server.url + "/my-data")
    return context, page


def test_log_out_after_keep_me_logged_in_ends_it_and_the_copied_remember_cookie_is_refused(browser, seeded_server):
    server = seeded_server
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(server.url + "/auth/login")
        page.get_by_label("Email").fill(DEMO_PATIENT_EMAIL)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_label("Keep me logged in on this device").check()
        assert_fits_a_phone(page)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
        remember = [cookie for cookie in context.cookies() if cookie["name"] == "remember_token"]
        assert len(remember) == 1 and remember[0]["expires"] > 0  # kept after the browser closes

        # The copy works while the log-in lasts: what follows is the log-out's doing.
        other, copied = open_my_data(browser, server, remember)
        expect(copied.get_by_role("heading", name="Your data")).to_be_visible()
        other.close()

        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_text("You are logged out.")).to_be_visible()
        assert not [cookie for cookie in context.cookies() if cookie["name"] == "remember_token"]
        page.goto(server.url + "/my-data")
        expect(page).to_have_url(re.compile(r"/auth/login\?next=%2Fmy-data$"))
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()

        replayed, refused = open_my_data(browser, server, remember)
        try:
            expect(refused).to_have_url(re.compile(r"/auth/login\?next=%2Fmy-data$"))
            expect(refused.get_by_role("heading", name="Your data")).to_have_count(0)
        finally:
            replayed.close()
    finally:
        context.close()
