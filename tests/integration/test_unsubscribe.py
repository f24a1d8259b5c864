"""One-tap unsubscribe, without logging in: the link in a received reminder, with CSRF on as in production.

GET only shows the button (link scanners fetch links); the button's POST unsubscribes; a
mail client's RFC 8058 one-click POST needs no CSRF token; a link we never made answers 404.
"""

import re
from datetime import timedelta

import pytest

from app.models import User
from app.services import email_links, reminders
from tests.conftest import NOW
from tests.integration.test_reminders_sending import DAY_2, PUBLIC, send_reminders
from tests.mailbox import links_in, path_of

GONE = "You will get no more reminder emails from Afterglow."


@pytest.fixture
def ada(make_patient, make_session):
    patient = make_patient(email="ada@example.com", name="Ada Lovelace")
    make_session(patient, hours_ago=26)
    return patient


@pytest.fixture
def sending_app(mailing_app):
    mailing_app.config["PUBLIC_URL"] = PUBLIC
    return mailing_app


@pytest.fixture
def reminder(sending_app, smtp_server, ada):
    """The reminder email Ada received."""
    send_reminders(sending_app)
    [message] = smtp_server.take("ada@example.com")
    return message


@pytest.fixture
def browser(csrf_app, sending_app):
    """A browser that is not logged in, against an app with CSRF protection on."""
    return csrf_app.test_client()


def unsubscribe_link(message):
    [link] = [link for link in links_in(message) if "/unsubscribe/" in link]
    return path_of(link)


def one_click_link(message):
    return path_of(message["List-Unsubscribe"].strip("<>"))


def csrf_token(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def still_subscribed(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id).remind_by_email


def test_the_link_in_the_email_unsubscribes_with_get_then_post_and_no_more_email_is_sent(
    sending_app, smtp_server, db, frozen_time, browser, reminder, ada
):
    link = unsubscribe_link(reminder)
    page = browser.get(link)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Stop reminder emails?" in text and 'type="submit" value="Unsubscribe"' in text
    assert "ada@example.com" not in text and "Ada" not in text
    assert still_subscribed(db, ada)  # showing the page changes nothing

    response = browser.post(link, data={"csrf_token": csrf_token(text)})
    assert response.status_code == 302 and path_of(response.headers["Location"]) == link
    assert not still_subscribed(db, ada)
    done = browser.get(link).get_data(as_text=True)
    assert GONE in done and "Reminders" in done and "/auth/login?next=/reminders" in done

    frozen_time.move_to(DAY_2)  # the next check-in is due
    assert send_reminders(sending_app).startswith("0 sent")
    assert smtp_server.messages == []


def test_the_button_without_a_csrf_token_is_refused(db, browser, reminder, ada):
    response = browser.post(unsubscribe_link(reminder), data={})
    assert response.status_code == 400
    assert still_subscribed(db, ada)


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token(
    sending_app, smtp_server, db, frozen_time, browser, reminder, ada
):
    response = browser.post(one_click_link(reminder), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert GONE in response.get_data(as_text=True)
    assert not still_subscribed(db, ada)
    frozen_time.move_to(DAY_2)
    send_reminders(sending_app)
    assert smtp_server.messages == []


def test_a_post_to_the_one_click_address_without_its_body_changes_nothing(db, browser, reminder, ada):
    for data in ({}, {"List-Unsubscribe": "yes"}, {"email": "ada@example.com"}):
        assert browser.post(one_click_link(reminder), data=data).status_code == 400
    assert still_subscribed(db, ada)


def test_opening_the_one_click_address_shows_the_page_with_its_button(db, browser, reminder, ada):
    response = browser.get(one_click_link(reminder))
    assert response.status_code == 302 and path_of(response.headers["Location"]) == unsubscribe_link(reminder)
    assert still_subscribed(db, ada)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_tampered_or_foreign_token_answers_404(db, browser, reminder, ada, sending_app, method):
    link = unsubscribe_link(reminder)
    token = link.removeprefix("/unsubscribe/")
    with sending_app.test_request_context():
        other_purpose = email_links.make("signup", {"user": ada.id, "list": "reminders"})
        no_list = email_links.make("unsubscribe", {"user": ada.id, "list": "everything"})
    tampered = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token.replace(token[5], "x" if token[5] != "x" else "y", 1),
        other_purpose,
        no_list,
        "not-a-token",
    ]
    for bad in tampered:
        for path in (f"/unsubscribe/{bad}", f"/unsubscribe/{bad}/one-click"):
            data = {"List-Unsubscribe": "One-Click"} if path.endswith("one-click") else {}
            if method == "GET" and path.endswith("one-click"):
                continue  # a redirect to the page, which answers 404
            response = browser.open(path, method=method, data=data)
            expected = 404 if method == "GET" or path.endswith("one-click") else 400  # no CSRF token: 400 first
            assert response.status_code == expected, (bad, path)
    assert still_subscribed(db, ada)


def test_a_tampered_token_with_a_csrf_token_answers_404(db, browser, reminder, ada):
    link = unsubscribe_link(reminder)
    token = csrf_token(browser.get(link).get_data(as_text=True))
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    assert browser.post(tampered, data={"csrf_token": token}).status_code == 404
    assert still_subscribed(db, ada)


def test_an_expired_link_says_to_log_in_and_changes_nothing(db, frozen_time, browser, reminder, ada):
    link = unsubscribe_link(reminder)
    frozen_time.move_to(NOW + timedelta(days=401))
    response = browser.get(link)
    page = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "Log in to choose which emails you get." in page
    response = browser.post(one_click_link(reminder), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 410
    assert still_subscribed(db, ada)


def test_a_link_still_works_after_a_year(db, frozen_time, browser, reminder, ada):
    frozen_time.move_to(NOW + timedelta(days=365))
    response = browser.post(one_click_link(reminder), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not still_subscribed(db, ada)


def test_the_link_of_a_deleted_account_says_the_same_and_reveals_nothing(db, browser, reminder, ada):
    link = unsubscribe_link(reminder)
    db.session.delete(db.session.get(User, ada.id))
    db.session.commit()
    page = browser.get(link).get_data(as_text=True)
    assert GONE in page and "ada@example.com" not in page
    assert browser.post(one_click_link(reminder), data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_unsubscribing_from_reminders_leaves_clinic_emails_alone(db, sending_app, make_clinic, make_practitioner):
    doctor = make_practitioner(make_clinic(), email="doc@example.com")
    doctor.notify_alerts_by_email = True
    db.session.commit()
    with sending_app.test_request_context():
        token = reminders.unsubscribe_url(doctor, reminders.REMINDERS).rsplit("/", 1)[1]
    user_id, email_list = reminders.read_unsubscribe_token(token)
    reminders.unsubscribe(user_id, email_list)
    db.session.expire_all()
    doctor = db.session.get(User, doctor.id)
    assert (doctor.remind_by_email, doctor.notify_alerts_by_email) == (False, True)
