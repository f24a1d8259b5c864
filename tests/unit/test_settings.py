import pytest

from app.config import normalise_database_url
from app.factory import create_app


def test_the_app_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    app_kwargs = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    monkeypatch.setattr("app.factory.PROJECT_ROOT", tmp_path)  # an instance/ folder with no key file
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(app_kwargs)


def test_the_key_generated_into_instance_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setattr("app.factory.PROJECT_ROOT", tmp_path)
    (tmp_path / "static").mkdir()
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "secret_key").write_text("k" * 64 + "\n")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "k" * 64


def test_environment_overrides_the_database_and_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@localhost/afterglow")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@localhost/afterglow"


def test_a_deployments_own_settings_are_read_under_their_usual_names(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("PHOTO_STORAGE_URL", "s3://clinic-photos/afterglow")
    app = create_app()
    assert (app.config["REDIS_URL"], app.config["PHOTO_STORAGE_URL"]) == (
        "redis://cache:6379/0",
        "s3://clinic-photos/afterglow",
    )


def test_each_app_server_can_have_its_own_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.setenv("AFTERGLOW_INSTANCE_PATH", str(tmp_path / "server-2"))
    (tmp_path / "server-2").mkdir()
    (tmp_path / "server-2" / "secret_key").write_text("s" * 64)
    app = create_app()
    assert app.instance_path == str(tmp_path / "server-2")
    assert app.config["SECRET_KEY"] == "s" * 64
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'server-2' / 'app.db'}"


def test_sqlite_database_defaults_to_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr("app.factory.PROJECT_ROOT", tmp_path)
    (tmp_path / "static").mkdir()
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'app.db'}"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
        ("postgresql://h/db", "postgresql+psycopg://h/db"),
        ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
    ],
)
def test_database_urls_are_normalised(url, expected):
    assert normalise_database_url(url) == expected


def test_a_database_servers_connections_are_tested_before_use_and_sqlites_are_not(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@localhost/afterglow")
    assert create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/afterglow-settings-test.db")
    assert "pool_pre_ping" not in create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
