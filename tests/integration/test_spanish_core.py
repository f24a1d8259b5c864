"""With Accept-Language: es the core's words are Spanish: status, reasons, chart titles, axes, legends and sentences."""

import json
import re

from tests.conftest import log_in

ES = {"Accept-Language": "es"}


def chart_figures(html):
    """Every figure embedded as JSON on a page."""
    embedded = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    return [json.loads(found) for found in embedded]


def test_the_session_page_gives_status_reasons_and_chart_words_in_spanish(client, make_patient, make_session, make_log):
    patient = make_patient()
    treatment = make_session(patient, hours_ago=30)
    make_log(treatment, hours_after=26, redness=1, swelling=0, peeling=0, fever=True)
    log_in(client, patient)
    html = client.get(f"/sessions/{treatment.id}", headers=ES).get_data(as_text=True)
    assert "Contacte con su clínica" in html
    assert "La fiebre después de un tratamiento de la piel debe revisarse." in html
    assert "Su primera semana frente al rango típico" in html
    assert "Enrojecimiento 1 a las 26 horas: dentro del rango típico (hasta 1)" in html
    figures = chart_figures(html)
    texts = json.dumps(figures, ensure_ascii=False)
    assert "Rango típico" in texts and "Sus registros" in texts and "Días desde la sesión" in texts
    assert "Typical range" not in texts and "Your logs" not in texts


def test_the_log_time_reads_in_spanish(client, make_patient, make_session, make_log):
    patient = make_patient()
    treatment = make_session(patient, hours_ago=30)
    make_log(treatment, hours_after=26)
    log_in(client, patient)
    html = client.get(f"/sessions/{treatment.id}", headers=ES).get_data(as_text=True)
    assert "lun, 15 jun 2026, 08:00" in html  # the log 26 h after a session 30 h before 12:00 on Monday 15 June


def test_english_stays_the_default(client, make_patient, make_session, make_log):
    patient = make_patient()
    treatment = make_session(patient, hours_ago=30)
    make_log(treatment, hours_after=26)
    log_in(client, patient)
    html = client.get(f"/sessions/{treatment.id}").get_data(as_text=True)
    assert "Your first week against the typical range" in html
    assert "Mon 15 Jun 2026, 08:00" in html


def test_a_stored_alert_reads_in_the_clinics_language_where_its_words_are_a_catalogue_sentence(
    client, make_patient, make_session, make_log, make_clinic, make_practitioner, share
):
    clinic = make_clinic("Glow Clinic")
    patient = make_patient()
    share(patient, clinic)
    treatment = make_session(patient, hours_ago=30)
    make_log(treatment, hours_after=26, redness=1, swelling=0, peeling=0, fever=True)  # raises the alert
    practitioner = make_practitioner(clinic)
    log_in(client, practitioner)

    html = client.get(f"/clinic/patients/{patient.id}", headers=ES).get_data(as_text=True)
    assert "La fiebre después de un tratamiento de la piel debe revisarse." in html
    assert "A fever after a skin treatment needs checking." not in html
    english = client.get(f"/clinic/patients/{patient.id}").get_data(as_text=True)
    assert "A fever after a skin treatment needs checking." in english
