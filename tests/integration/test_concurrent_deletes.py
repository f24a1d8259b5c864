"""Deleting a session and one of its logs at the same moment: 404 for whichever came second, never a 500.
The same for a log, a session or a photo changed or added while another request deletes it.

Two requests at once against a real threaded server, each on its own database
connection. The interleaving is made certain rather than left to timing: the
first request is held after its view has loaded the row and accepted the
form, and before it changes anything, until the second request has finished.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.gallery.forms import PhotoForm
from app.models import Photo, SymptomLog, TreatmentSession
from app.patient.forms import LogForm
from app.services import photos
from app.web.forms import ConfirmForm, SessionForm
from tests.conftest import PASSWORD
from tests.sample_images import jpeg

WAIT = 10  # seconds: far longer than any of these requests takes


@pytest.fixture
def server(app):
    """The test app served on a free loopback port, a thread per request."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


@pytest.fixture
def browser(server, patient):
    """A patient's browser, logged in; each post is a request of its own (its own tab)."""
    with requests.Session() as tabs:
        response = tabs.post(
            f"{server}/auth/login",
            data={"email": patient.email, "password": PASSWORD},
            allow_redirects=False,
            timeout=WAIT,
        )
        assert response.status_code == 302

        def post(path, **form):
            return tabs.post(f"{server}{path}", allow_redirects=False, timeout=WAIT, **form)

        yield post


@pytest.fixture
def hold_first(monkeypatch):
    """``hold_first(FormClass)``: hold the first accepted form of that class between loading its
    rows and changing them, until released."""

    def hold(form_class):
        held, release = threading.Event(), threading.Event()
        validate = form_class.validate_on_submit

        def validate_then_wait(form):
            accepted = validate(form)
            if accepted and not held.is_set():
                held.set()
                assert release.wait(WAIT), "the held request was never released"
            return accepted

        monkeypatch.setattr(form_class, "validate_on_submit", validate_then_wait)
        return held, release

    return hold


@pytest.fixture
def hold_first_delete(hold_first):
    """Hold the first confirmed delete between loading its row and deleting it, until released."""
    return hold_first(ConfirmForm)


def first_then_second(post, hold_first_delete, first, second):
    """Start ``first``; while it is held after loading its row, send ``second``; then let ``first`` go on.

    Each is a path to post to, or a function that sends its request.
    """
    held, release = hold_first_delete
    send = lambda request: post(request) if isinstance(request, str) else request()  # noqa: E731
    # A function sent from the pool's thread must not read the test's rows: that thread has no app context.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(send, first)
        try:
            assert held.wait(WAIT), f"{first} never reached its change"
            second_response = send(second)
        finally:
            release.set()
        return pending.result(), second_response


def rows(db, model):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    db.session.rollback()
    return count


@pytest.fixture
def session_with_logs(treatment, make_log):
    return treatment, make_log(treatment, hours_after=2), make_log(treatment, hours_after=20, redness=1)


def test_a_log_deleted_while_its_session_is_being_deleted_answers_404(
    browser, hold_first_delete, session_with_logs, db
):
    treatment, log, _ = session_with_logs
    log_response, session_response = first_then_second(
        browser, hold_first_delete, f"/logs/{log.id}/delete", f"/sessions/{treatment.id}/delete"
    )
    assert session_response.status_code == 302
    assert log_response.status_code == 404
    assert "Page not found" in log_response.text
    assert (rows(db, TreatmentSession), rows(db, SymptomLog)) == (0, 0)


def test_a_session_deleted_while_one_of_its_logs_is_being_deleted_is_deleted(
    browser, hold_first_delete, session_with_logs, db
):
    treatment, log, _ = session_with_logs
    session_response, log_response = first_then_second(
        browser, hold_first_delete, f"/sessions/{treatment.id}/delete", f"/logs/{log.id}/delete"
    )
    assert log_response.status_code == 302
    assert session_response.status_code == 302
    assert (rows(db, TreatmentSession), rows(db, SymptomLog)) == (0, 0)


def test_a_session_deleted_twice_at_once_answers_404_the_second_time(browser, hold_first_delete, session_with_logs, db):
    treatment, _, _ = session_with_logs
    url = f"/sessions/{treatment.id}/delete"
    held_response, other_tab = first_then_second(browser, hold_first_delete, url, url)
    assert other_tab.status_code == 302
    assert held_response.status_code == 404
    assert (rows(db, TreatmentSession), rows(db, SymptomLog)) == (0, 0)


def test_a_log_deleted_twice_at_once_answers_404_the_second_time_and_keeps_the_rest(
    browser, hold_first_delete, session_with_logs, db
):
    treatment, log, kept = session_with_logs
    url = f"/logs/{log.id}/delete"
    held_response, other_tab = first_then_second(browser, hold_first_delete, url, url)
    assert other_tab.status_code == 302
    assert held_response.status_code == 404
    assert db.session.scalars(sa.select(SymptomLog.id)).all() == [kept.id]
    assert rows(db, TreatmentSession) == 1


# --- A change to a row another request deletes at the same moment ------------------------------

LOG_ANSWERS = {"redness": "1", "swelling": "0", "peeling": "0"}


def test_a_log_edited_while_its_session_is_deleted_answers_404(browser, hold_first, session_with_logs, db):
    treatment, log, _ = session_with_logs
    edit = f"/logs/{log.id}/edit"
    edit_response, delete_response = first_then_second(
        browser, hold_first(LogForm), lambda: browser(edit, data=LOG_ANSWERS), f"/sessions/{treatment.id}/delete"
    )
    assert delete_response.status_code == 302
    assert edit_response.status_code == 404
    assert (rows(db, TreatmentSession), rows(db, SymptomLog)) == (0, 0)


def test_a_log_edited_while_it_is_deleted_answers_404(browser, hold_first, session_with_logs, db):
    treatment, log, kept = session_with_logs
    edit = f"/logs/{log.id}/edit"
    edit_response, delete_response = first_then_second(
        browser, hold_first(LogForm), lambda: browser(edit, data=LOG_ANSWERS), f"/logs/{log.id}/delete"
    )
    assert delete_response.status_code == 302
    assert edit_response.status_code == 404
    assert db.session.scalars(sa.select(SymptomLog.id)).all() == [kept.id]


def test_a_session_edited_while_it_is_deleted_answers_404(browser, hold_first, session_with_logs, db):
    treatment, _, _ = session_with_logs
    corrected = {"performed_at": "2026-06-10T09:00", "device": "derma_pen", "areas": "face"}
    edit = f"/sessions/{treatment.id}/edit"
    edit_response, delete_response = first_then_second(
        browser, hold_first(SessionForm), lambda: browser(edit, data=corrected), f"/sessions/{treatment.id}/delete"
    )
    assert delete_response.status_code == 302
    assert edit_response.status_code == 404
    assert rows(db, TreatmentSession) == 0


def test_a_log_saved_to_a_session_being_deleted_answers_404(browser, hold_first, session_with_logs, db):
    treatment, _, _ = session_with_logs
    new_log = f"/sessions/{treatment.id}/logs/new"
    save_response, delete_response = first_then_second(
        browser, hold_first(LogForm), lambda: browser(new_log, data=LOG_ANSWERS), f"/sessions/{treatment.id}/delete"
    )
    assert delete_response.status_code == 302
    assert save_response.status_code == 404
    assert (rows(db, TreatmentSession), rows(db, SymptomLog)) == (0, 0)


def test_a_photo_added_to_a_session_being_deleted_answers_404_and_leaves_no_file(
    app, browser, hold_first, treatment, db
):
    photo = {"photo": ("photo.jpg", jpeg(), "image/jpeg")}
    new_photo = f"/sessions/{treatment.id}/photos/new"
    add_response, delete_response = first_then_second(
        browser, hold_first(PhotoForm), lambda: browser(new_photo, files=photo), f"/sessions/{treatment.id}/delete"
    )
    assert delete_response.status_code == 302
    assert add_response.status_code == 404
    assert (rows(db, TreatmentSession), rows(db, Photo)) == (0, 0)
    assert photos.stored_file_names() == []


def test_a_photo_deleted_twice_at_once_answers_404_the_second_time(
    browser, hold_first_delete, treatment, make_photo, db
):
    photo = make_photo(treatment)
    url = f"/photos/{photo.id}/delete"
    held_response, other_tab = first_then_second(browser, hold_first_delete, url, url)
    assert other_tab.status_code == 302
    assert held_response.status_code == 404
    assert rows(db, Photo) == 0
