"""deploy/: the systemd units pass systemd-analyze verify, the compose file names real services and commands, and
every command the units and the compose file run answers --help."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])
INSTALL_ROOT = "/srv/peiban"
SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze"
BIN = Path(sys.executable).parent  # the venv's bin, where the units' /srv/peiban/.venv/bin is


def _exec_starts() -> list[list[str]]:
    """Every unit's ExecStart, as argument lists."""
    commands = []
    for unit in DEPLOY.glob("*.service"):
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                commands.append(shlex.split(line.removeprefix("ExecStart=")))
    return commands


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _compose_commands() -> list[list[str]]:
    return [service["command"] for service in _compose()["services"].values() if "command" in service]


def test_every_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units, with the install folder pointed at this checkout (verify checks that ExecStart exists), have
    no error systemd-analyze verify reports."""
    if not Path(SYSTEMD_ANALYZE).exists():
        pytest.skip("systemd-analyze is not installed on this machine")
    for unit in UNITS:
        text = unit.read_text().replace(INSTALL_ROOT + "/.venv/bin", str(BIN)).replace(INSTALL_ROOT, str(ROOT))
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run([SYSTEMD_ANALYZE, "verify", "--man=no", *(u.name for u in UNITS)],  # noqa: S603
                          cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    if "Failed to" in done.stderr and "bus" in done.stderr.lower():
        pytest.skip(f"systemd-analyze cannot run here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr


def test_the_units_cover_web_workers_and_the_cron_timer() -> None:
    """deploy/ has a unit for gunicorn, the solve workers (a template), the message worker, and cron with its
    timer, which starts that service."""
    names = {unit.name for unit in UNITS}
    assert {"peiban-web.service", "peiban-solve-worker@.service", "peiban-message-worker.service",
            "peiban-cron.service", "peiban-cron.timer"} <= names
    commands = {" ".join(command) for command in _exec_starts()}
    assert any("gunicorn -c gunicorn.conf.py" in c for c in commands)
    assert any(c.endswith(" solve-worker") for c in commands)
    assert any(c.endswith(" cron") for c in commands)
    assert "OnCalendar=" in (DEPLOY / "peiban-cron.timer").read_text()


def test_compose_file_has_web_worker_postgresql_and_redis() -> None:
    """The compose file parses and holds the web app, a solve worker, PostgreSQL and Redis, the app's services
    on the image the Dockerfile builds, with the database and Redis URLs pointing at those services."""
    compose = _compose()
    services = compose["services"]
    assert {"web", "worker", "db", "redis", "cron", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("web", "worker", "cron", "migrate", "message-worker"):
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
        assert "@db:5432/" in service["environment"]["DATABASE_URL"]
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert services["web"]["environment"]["PEIBAN_PROXY_HOPS"] == "1"
    for dependency in (d for s in services.values() for d in s.get("depends_on", {})):
        assert dependency in services


@pytest.mark.parametrize("command", _compose_commands() + _exec_starts(), ids=lambda c: " ".join(c[-2:]))
def test_every_command_deploy_runs_answers_help(command: list[str]) -> None:
    """Each command the units and the compose file run exists and answers --help (exit 0)."""
    program = Path(command[0]).name
    executable = BIN / program
    assert executable.exists(), f"{program} is not installed by requirements.txt"
    done = subprocess.run([str(executable), *command[1:], "--help"],  # noqa: S603 - the repository's own files
                          cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout.lower()


def test_caddy_proxies_to_where_gunicorn_listens() -> None:
    """The Caddyfile forwards to gunicorn's default bind, hides /metrics, and the app is told of one proxy hop
    in the example settings; validated by caddy itself when it is installed."""
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    bind = re.search(r'PEIBAN_BIND", "([^"]+)"', (ROOT / "gunicorn.conf.py").read_text())
    assert bind is not None
    assert f"reverse_proxy {bind[1]}" in caddyfile
    assert "respond @metrics 404" in caddyfile
    settings = (DEPLOY / "peiban.env.example").read_text()
    assert "PEIBAN_PROXY_HOPS=1" in settings and "PEIBAN_HTTPS=1" in settings
    caddy = shutil.which("caddy")
    if caddy:
        done = subprocess.run([caddy, "validate", "--adapter", "caddyfile",  # noqa: S603
                               "--config", str(DEPLOY / "Caddyfile")],
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
