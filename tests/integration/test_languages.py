"""Which language a page is in: the account's choice, else the browser's Accept-Language, else English."""

import pytest

from app.web.locale import message_locale
from tests.conftest import log_in


def page_language(response):
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    "accept_language, expected",
    [
        (None, "en"),
        ("es", "es"),
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-GB,en;q=0.9,es;q=0.5", "en"),
        ("fr-FR,fr;q=0.9", "en"),  # no French: English, never a half-translated page
        ("fr;q=0.9,es;q=0.4", "es"),
    ],
)
def test_a_visitors_page_follows_the_browsers_language(client, accept_language, expected):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get("/auth/login", headers=headers)
    assert response.status_code == 200
    assert page_language(response) == expected


def test_a_spanish_browser_gets_spanish_words(client):
    html = client.get("/auth/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Iniciar sesión" in html
    assert "Log in" not in html


def test_the_account_setting_wins_over_the_browser_and_can_be_undone(client, patient, db):
    log_in(client, patient)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    assert page_language(client.get("/auth/account")) == "es"

    response = client.post("/auth/account/language", data={"language": "en"}, follow_redirects=True)
    assert page_language(response) == "en"
    assert "Your language is saved." in response.get_data(as_text=True)
    db.session.refresh(patient)
    assert patient.language == "en"

    response = client.post("/auth/account/language", data={"language": ""}, follow_redirects=True)
    assert page_language(response) == "es"  # following the browser again
    assert "Su idioma se ha guardado." in response.get_data(as_text=True)
    db.session.refresh(patient)
    assert patient.language is None


def test_a_language_we_do_not_have_is_refused_next_to_the_field(patient_client, patient, db):
    response = patient_client.post("/auth/account/language", data={"language": "fr"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose a language from the list." in html
    db.session.refresh(patient)
    assert patient.language is None


def test_messages_go_out_in_the_language_of_the_last_log_in_unless_one_was_chosen(app, client, patient, db):
    assert message_locale(patient) == "en"  # never logged in: English

    client.post(
        "/auth/login",
        data={"email": patient.email, "password": "correct-horse-battery-staple"},
        headers={"Accept-Language": "es-ES,es;q=0.9"},
    )
    db.session.refresh(patient)
    assert patient.browser_language == "es"
    assert message_locale(patient) == "es"

    patient.language = "en"
    db.session.commit()
    assert message_locale(patient) == "en"
