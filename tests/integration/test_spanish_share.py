"""Issue 16: the share link's pages in Spanish with Accept-Language: es (the patient's and the doctor's)."""

import pytest

from tests.integration.test_share_links import make_link

ES = {"Accept-Language": "es"}


@pytest.fixture
def session_of_patient(patient, make_session, make_log):
    treatment = make_session(patient, hours_ago=30)
    make_log(treatment, hours_after=2)
    return treatment


def test_the_new_link_form_and_its_errors_are_spanish(patient_client, session_of_patient):
    page = patient_client.get("/sharing/links/new", headers=ES).get_data(as_text=True)
    assert "Compartir con un médico" in page and "Todas mis sesiones (toda la serie)" in page
    assert "7 días" in page and "1 día" in page
    response = patient_client.post("/sharing/links/new", data={"scope": "", "expires_in": "365"}, headers=ES)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Elija una sesión o toda la serie." in page
    assert "Elija durante cuánto tiempo funciona el enlace." in page


def test_the_sharing_page_lists_links_and_views_in_spanish(patient_client, session_of_patient, app):
    token = make_link(patient_client, session_of_patient.id, label="Dra. Rivera")
    app.test_client().get(f"/shared/{token}")
    page = patient_client.get("/sharing", headers=ES).get_data(as_text=True)
    assert "Enlaces para un médico" in page and "Desactivar este enlace" in page
    assert "Abierto 1 vez." in page
    assert "Alguien con su enlace compartido (Dra. Rivera) lo consultó el" in page


def test_the_doctors_page_follows_the_doctors_browser(patient_client, session_of_patient, app):
    token = make_link(patient_client, session_of_patient.id)
    page = app.test_client().get(f"/shared/{token}", headers=ES).get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Compartido por el paciente a través de Afterglow, solo lectura." in page
