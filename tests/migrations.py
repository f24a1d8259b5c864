"""A database at an old migration revision, for the tests that take one migration up and back down."""

from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db
from app.factory import create_app
from tests.conftest import make_config


@contextmanager
def app_at_revision(tmp_path, revision, filename):
    """An app on its own database upgraded to ``revision``, emptied afterwards.

    A SQLite file called ``filename``, or the PostgreSQL database of TEST_DATABASE_URL when it is set.
    """
    url = make_config(tmp_path)["SQLALCHEMY_DATABASE_URI"].replace("test.db", filename)
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", revision])
    assert result.exit_code == 0, result.output
    try:
        yield app
    finally:
        runner.invoke(args=["db", "downgrade", "base"])
        with app.app_context():
            db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
