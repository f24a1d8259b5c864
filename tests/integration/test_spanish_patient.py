"""The patient's own pages in Spanish when the browser asks for it (Accept-Language: es)."""

import json
import re

import sqlalchemy as sa

from app.models import SymptomLog
from tests.conftest import log_in, store_photo

SPANISH = {"Accept-Language": "es"}


def test_the_home_page_is_in_spanish(patient_client, treatment, make_log):
    make_log(treatment)
    page = patient_client.get("/", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "Sus sesiones" in page
    assert "Registre cómo está su piel ahora" in page
    assert "1 registro, el último el" in page
    assert "Your sessions" not in page


def test_the_log_form_and_its_errors_are_in_spanish(patient_client, treatment, db):
    url = f"/sessions/{treatment.id}/logs/new"
    form = patient_client.get(url, headers=SPANISH).get_data(as_text=True)
    assert "Registre su piel ahora" in form
    assert "Señales de alarma: marque las que tenga" in form
    assert "Guardar registro" in form
    response = patient_client.post(
        url, data={"redness": "1", "swelling": "0", "peeling": "0", "logged_at": "2027-01-01T10:00"}, headers=SPANISH
    )
    assert response.status_code == 422
    assert "Un registro no puede estar en el futuro." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SymptomLog)) == 0


def test_a_saved_log_is_confirmed_in_spanish(patient_client, treatment):
    url = f"/sessions/{treatment.id}/logs/new"
    answers = {"redness": "1", "swelling": "0", "peeling": "0", "logged_at": "2026-06-15T11:30"}
    response = patient_client.post(url, data=answers, headers=SPANISH, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Registro guardado." in page
    assert "Sus registros" in page
    assert "Eliminar sesión" in page


def test_the_photos_page_is_in_spanish(patient_client, treatment):
    store_photo(treatment, hours_after=1)
    page = patient_client.get("/photos", headers=SPANISH).get_data(as_text=True)
    assert "Sus fotos" in page
    assert "Hacer una foto" in page
    assert "antes de la sesión del" in page or "después de la sesión del" in page


def test_the_reminders_page_and_the_scripts_words_are_in_spanish(patient_client):
    page = patient_client.get("/reminders", headers=SPANISH).get_data(as_text=True)
    assert "Cómo recordárselo" in page
    assert "Recordatorios en este teléfono" in page
    assert "Los recordatorios por correo electrónico siguen funcionando." in page
    # The scripts read their words from the page's JSON, in the page's language.
    words = json.loads(re.search(r'<script type="application/json" id="js-strings">(.*?)</script>', page).group(1))
    assert words["pushOn"] == "Las notificaciones están activadas en este teléfono."
    assert words["outboxMany"] == (
        "%(num)s registros están guardados en este teléfono y se enviarán cuando vuelva a tener conexión."
    )


def test_an_account_set_to_spanish_gets_spanish_without_asking(client, make_patient):
    patient = make_patient(language="es")
    log_in(client, patient)
    page = client.get("/my-data").get_data(as_text=True)
    assert "Descargarlo todo" in page
    assert "Eliminar mi cuenta y mis datos" in page


def test_the_words_of_a_list_are_spanish_too(patient_client, make_session, make_log, patient):
    treatment = make_session(patient, hours_ago=30, areas=["face", "neck"])
    make_log(treatment, hours_after=26, redness=1, swelling=0, peeling=0, fever=True, pus=True)
    home = patient_client.get("/", headers=SPANISH).get_data(as_text=True)
    assert "Cara, Cuello" in home and "Face" not in home
    session_page = patient_client.get(f"/sessions/{treatment.id}", headers=SPANISH).get_data(as_text=True)
    assert "Señales de alarma: " in session_page
    assert "Fever" not in session_page


def test_the_home_page_leads_to_the_summary_and_to_sharing_with_a_doctor(patient_client, treatment):
    home = patient_client.get("/", headers=SPANISH).get_data(as_text=True)
    assert 'href="/summary">Resumen para imprimir</a>' in home
    assert 'href="/sharing/links/new">Compartir con un médico</a>' in home


def test_numbers_are_written_the_spanish_way(patient_client, make_session, patient):
    treatment = make_session(patient, hours_ago=30, needle_depth_mm=1.5)
    home = patient_client.get("/", headers=SPANISH).get_data(as_text=True)
    assert "1,5 mm" in home
    assert "1.5 mm" in patient_client.get("/").get_data(as_text=True)
    page = patient_client.get(f"/sessions/{treatment.id}", headers=SPANISH).get_data(as_text=True)
    assert "1,5 mm" in page
