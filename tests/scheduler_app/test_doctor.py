"""`flask doctor`: a well set up deployment has nothing to fix (exit 0); a bad one is told what to fix (exit 1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scheduler_app import create_app
from scheduler_app.backup import backup_and_rotate
from scheduler_app.extensions import db
from scheduler_app.operations import doctor

GOOD = {"PEIBAN_HTTPS": 1, "PEIBAN_PROXY_HOPS": 1, "PEIBAN_HSTS_SECONDS": 31536000, "PEIBAN_MIN_FREE_MB": 1}


@pytest.fixture
def deployment(database_url: str, tmp_path: Path):
    """Builder: an app as deployed (not TESTING) with these settings, its backups in the test's folder."""
    apps = []

    def build(**settings):
        config = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "k" * 64,
                  "PEIBAN_BACKUP_DIR": str(tmp_path / "backups"), **settings}
        app = create_app(config)
        apps.append(app)
        return app
    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_a_good_deployment_has_nothing_to_fix(deployment) -> None:
    """HTTPS behind one proxy, HSTS a year, a long secret key, debug off, migrations at head, translations
    compiled, a fresh backup, free disk: every check ok and `flask doctor` exits 0."""
    app = deployment(**GOOD)
    with app.app_context():
        backup_and_rotate(app.config)
        findings = doctor.examine(app)
    assert [f.name for f in findings if not f.ok] == []
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("Nothing to fix.")


def test_a_bad_deployment_is_told_what_to_fix(deployment, monkeypatch) -> None:
    """A short secret key, plain HTTP, no HSTS, FLASK_DEBUG on, no backup and too little disk: each named with
    how to fix it, and `flask doctor` exits 1."""
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = deployment(SECRET_KEY="short", PEIBAN_HTTPS=0, PEIBAN_HSTS_SECONDS=0, PEIBAN_MIN_FREE_MB=10**9)
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    to_fix = {line.split()[1].rstrip(":") for line in result.output.splitlines() if line.startswith("FIX")}
    assert to_fix == {"secret_key", "https", "hsts", "debug", "backup", "disk"}
    assert "set PEIBAN_HTTPS=1" in result.output
    assert "flask backup" in result.output
    assert "6 to fix." in result.output


def test_an_old_backup_and_https_without_the_proxy_hop_are_named(deployment) -> None:
    """A backup older than PEIBAN_BACKUP_MAX_AGE_HOURS must be looked at, and HTTPS without PEIBAN_PROXY_HOPS
    is told to set it."""
    app = deployment(**{**GOOD, "PEIBAN_PROXY_HOPS": 0})
    with app.app_context():
        backup_and_rotate(app.config, dt.datetime.now(dt.UTC) - dt.timedelta(hours=30))
        findings = {f.name: f for f in doctor.examine(app)}
    assert not findings["backup"].ok and "30 hours old" in findings["backup"].detail
    assert not findings["https"].ok and "PEIBAN_PROXY_HOPS=1" in findings["https"].fix


def test_doctor_names_migrations_not_at_head(deployment, tmp_path: Path) -> None:
    """A database that was never migrated: the migrations check fails and says to run db upgrade."""
    app = deployment(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.sqlite3'}", **GOOD)
    with app.app_context():
        findings = {f.name: f for f in doctor.examine(app)}
    assert not findings["migrations"].ok
    assert "db upgrade" in findings["migrations"].fix
