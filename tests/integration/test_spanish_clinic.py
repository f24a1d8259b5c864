"""With Accept-Language: es, the log-in and clinic pages, their errors and their emails are Spanish; so is a
reminder sent later by `flask send-reminders` to a patient whose browser asked for Spanish at log-in."""

from app.models import User
from tests.conftest import log_in
from tests.integration.test_reminders_sending import PUBLIC, health_words_in, send_reminders
from tests.mailbox import text_of

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-ES,es;q=0.9"}


def spanish_client(app):
    client = app.test_client()
    client.environ_base.update(SPANISH)
    return client


def test_the_log_in_page_and_its_errors_are_spanish(app):
    client = spanish_client(app)
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "<h1>Iniciar sesión</h1>" in page and "¿Ha olvidado su contraseña?" in page
    response = client.post("/auth/login", data={"email": "not an email", "password": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Escriba una dirección de correo como nombre@ejemplo.com." in page
    assert "Escriba su contraseña." in page
    assert "2 respuestas necesitan su atención más abajo." in page


def test_the_clinic_dashboard_is_spanish(app, make_clinic, make_practitioner):
    practitioner = make_practitioner(make_clinic("Glow Clinic"))
    client = spanish_client(app)
    log_in(client, practitioner)
    page = client.get("/clinic/").get_data(as_text=True)
    assert "<h1>Pacientes</h1>" in page
    assert "No hay alertas abiertas." in page
    assert "Recibir un aviso cuando un paciente necesite atención" in page


def test_a_missing_page_answers_in_spanish(app):
    response = spanish_client(app).get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Página no encontrada" in page and "Ir a la página de inicio" in page


def test_the_password_reset_email_is_in_the_language_of_the_request(app, mailing_app, smtp_server, make_patient):
    make_patient(email="ada@example.com")
    response = spanish_client(mailing_app).post("/auth/reset-password", data={"email": "ada@example.com"})
    assert response.status_code == 302
    [message] = smtp_server.take("ada@example.com")
    assert message["Subject"] == "Elija una nueva contraseña de Afterglow"
    assert "Hola:" in text_of(message)
    assert "Si no ha sido usted, ignore este correo: su contraseña no ha cambiado." in text_of(message)


def test_a_reminder_to_a_patient_who_logged_in_with_a_spanish_browser_is_spanish(
    mailing_app, smtp_server, db, make_patient, make_session
):
    mailing_app.config["PUBLIC_URL"] = PUBLIC
    ada = make_patient(email="ada@example.com")
    make_session(ada, hours_ago=26)  # its day-1 check-in is due now
    log_in(spanish_client(mailing_app), ada)  # the browser asked for Spanish; the account has no language set
    db.session.expire_all()  # the sender reads the account as the log-in left it, as its own process would
    assert db.session.get(User, ada.id).language is None
    assert db.session.get(User, ada.id).browser_language == "es"

    assert send_reminders(mailing_app) == "1 sent, 0 failed, 0 given up, 0 skipped"

    [message] = smtp_server.take("ada@example.com")
    assert message["Subject"] == "Es hora de su registro en Afterglow"
    text = text_of(message)
    assert "Hola:" in text
    assert "Es hora de su registro: solo le llevará unos segundos." in text
    assert "Para dejar de recibirlos, abra este enlace (no hace falta iniciar sesión):" in text
    assert "Time for your" not in text and "Hello" not in text
    assert health_words_in(message) == []


def test_a_patient_who_chose_english_gets_english_reminders_whatever_the_browser(
    mailing_app, smtp_server, db, make_patient, make_session
):
    mailing_app.config["PUBLIC_URL"] = PUBLIC
    ada = make_patient(email="ada@example.com")
    make_session(ada, hours_ago=26)
    client = spanish_client(mailing_app)
    log_in(client, ada)
    assert client.post("/auth/account/language", data={"language": "en"}).status_code == 302
    db.session.expire_all()

    send_reminders(mailing_app)

    [message] = smtp_server.take("ada@example.com")
    assert message["Subject"] == "Time for your Afterglow check-in"


def test_the_clinic_notification_is_in_the_practitioners_language(
    mailing_app, smtp_server, db, make_clinic, make_practitioner
):
    from app.services import clinic_notifications

    practitioner = make_practitioner(make_clinic("Glow Clinic"))
    practitioner.language = "es"
    db.session.commit()
    with mailing_app.test_request_context(base_url=PUBLIC):
        message = clinic_notifications.attention_message(practitioner)
    assert message.title == "Un paciente necesita atención"
    assert message.body == "Alguien de Glow Clinic necesita atención. Su panel muestra quién."
