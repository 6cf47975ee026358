"""The app factory and configuration."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from scheduler_app import create_app
from scheduler_app.config import load_config, normalise_database_url

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_package_touches_no_database_or_config(tmp_path: Path) -> None:
    """Nothing runs at import time: importing every module creates no instance folder or database."""
    code = ("import scheduler_app, scheduler_app.models, scheduler_app.contract, scheduler_app.cli, "
            "scheduler_app.auth.routes, scheduler_app.main.routes, scheduler_app.children.routes, "
            "scheduler_app.admin.routes, seed.demo, solver; import os; "
            "print(sorted(os.listdir('.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,  # noqa: S603
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "[]"


def test_secret_key_is_generated_once_into_the_instance_folder_with_private_permissions(tmp_path: Path,
                                                                                        monkeypatch) -> None:
    """Without PEIBAN_SECRET_KEY a random key is written to the instance folder (0600) and reused."""
    monkeypatch.delenv("PEIBAN_SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    other = tmp_path / "other"
    assert load_config(other)["SECRET_KEY"] != first


def test_environment_supplies_secret_and_database_url(tmp_path: Path, monkeypatch) -> None:
    """PEIBAN_SECRET_KEY and DATABASE_URL from the environment win over the defaults."""
    monkeypatch.setenv("PEIBAN_SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/peiban")
    config = load_config(tmp_path)
    assert config["SECRET_KEY"] == "from-env"
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/peiban"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path, monkeypatch) -> None:
    """With no DATABASE_URL the database is a SQLite file in the instance folder."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config(tmp_path, {"SECRET_KEY": "x"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'peiban.sqlite3'}"


def test_database_url_forms_are_normalised_to_psycopg3() -> None:
    """postgres:// and postgresql:// URLs use the psycopg 3 driver; others pass unchanged."""
    assert normalise_database_url("postgresql://a/b") == "postgresql+psycopg://a/b"
    assert normalise_database_url("postgres://a/b") == "postgresql+psycopg://a/b"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_factory_applies_explicit_config(app) -> None:
    """create_app(config) overrides take effect and every area's blueprint is registered."""
    assert app.config["TESTING"] is True
    assert {"main", "auth", "children", "admin"} <= set(app.blueprints)


def test_security_headers_on_every_page(client) -> None:
    """Pages carry nosniff, a same-origin referrer policy and a CSP without inline script."""
    response = client.get("/auth/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_static_assets_are_served_locally(client) -> None:
    """The stylesheet is shipped with the app, not loaded from a CDN."""
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/static/peiban.css"' in page and "http" not in page.split("<body>")[0].replace(
        'content="width=device-width', "")
    assert client.get("/static/peiban.css").status_code == 200


def test_create_app_twice_gives_independent_apps(database_url: str) -> None:
    """Two apps from the factory do not share configuration."""
    a = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "a"})
    b = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "b"})
    assert a.config["SECRET_KEY"] != b.config["SECRET_KEY"]


def test_peiban_settings_come_from_the_environment_as_their_type(monkeypatch, tmp_path) -> None:
    """PEIBAN_* settings set in the environment override the defaults, read as numbers where they are numbers."""
    from scheduler_app.config import load_config
    monkeypatch.setenv("PEIBAN_IDLE_MINUTES", "30")
    monkeypatch.setenv("PEIBAN_HSTS_SECONDS", "0")
    settings = load_config(tmp_path, {"SECRET_KEY": "x"})
    assert settings["PEIBAN_IDLE_MINUTES"] == 30 and settings["PEIBAN_HSTS_SECONDS"] == 0
    assert settings["PEIBAN_SESSION_HOURS"] == 12


def test_behind_https_the_session_cookie_is_secure_and_host_only(monkeypatch, database_url: str) -> None:
    """With PEIBAN_HTTPS=1 a login sets a __Host- cookie marked Secure (never sent over plain HTTP, never set by
    another host of the domain); without it the cookie stays usable on http://127.0.0.1 (the demo)."""
    plain = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "a"})
    cookie = plain.test_client().get("/auth/login").headers.get("Set-Cookie", "")
    assert "Secure" not in cookie and not cookie.startswith("__Host-")
    monkeypatch.setenv("PEIBAN_HTTPS", "1")
    secure = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "a"})
    cookie = secure.test_client().get("/auth/login", base_url="https://peiban.example").headers["Set-Cookie"]
    assert cookie.startswith("__Host-peiban=") and "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
