"""The printable summary in Spanish with Accept-Language: es (needs the merged, compiled catalogue)."""

from tests.conftest import log_in

ES = {"Accept-Language": "es"}


def test_the_patients_series_summary_is_spanish(client, make_patient, make_session, make_log):
    ada = make_patient(email="ada@example.com", name="Ada Alpha", timezone="UTC")
    first = make_session(ada, hours_ago=24 * 40)
    make_log(first, hours_after=2)
    make_log(first, hours_after=24 * 14 + 5, redness=0, swelling=0, improvement="improved")
    make_session(ada, hours_ago=30)
    log_in(client, ada)

    page = client.get("/summary", headers=ES).get_data(as_text=True)

    assert '<html lang="es">' in page
    assert "Resumen de la recuperación de la serie" in page
    assert "2 sesiones" in page
    assert "Evolución del estado" in page
    assert "Valoraciones de la mejoría" in page
    assert "Día 14 (" in page
    assert "Imprimir o guardar como PDF" in page
    assert "microneedling (micropunción)" in page
    assert "Recovery summary" not in page and "Status over time" not in page


def test_the_clinics_summary_of_one_session_is_spanish(
    client, make_clinic, make_practitioner, make_patient, make_session, make_log, share
):
    clinic = make_clinic("Glow Clinic")
    practitioner = make_practitioner(clinic)
    ada = make_patient(email="ada@example.com", name="Ada Alpha")
    treatment = make_session(ada, hours_ago=30)
    make_log(treatment, hours_after=2)
    share(ada, clinic)
    log_in(client, practitioner)

    page = client.get(f"/clinic/patients/{ada.id}/summary?session={treatment.id}&photos=1", headers=ES).get_data(
        as_text=True
    )

    assert "Resumen de la recuperación" in page
    assert "Sesión del " in page
    assert "El paciente ve:" in page
    assert "Señales de alarma y lo que se hizo" in page
    assert "No hay fotos de esta sesión." in page
    assert "Session of" not in page
