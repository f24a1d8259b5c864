"""Services: the only code that reads or writes the database (and photo files, and mail).

Views validate a form, call one function here, and redirect; they never touch
``db.session``. Every change to a session, a log or a photo goes through
``app.services.logbook``, which re-assesses the session in the same transaction.
"""
