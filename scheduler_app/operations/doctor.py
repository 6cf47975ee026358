"""`flask doctor`: checks a deployment and says what to fix (secret key, HTTPS and HSTS, debug, migrations,
translations, the last backup, the solve workers, disk space)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.helpers import get_debug_flag

from scheduler_app.backup import is_postgresql, newest_backup, sqlite_path
from scheduler_app.config import SECRET_KEY_FILE
from scheduler_app.operations.services import Check, readiness

MIN_SECRET_KEY_CHARS = 32
MIN_HSTS_SECONDS = 180 * 24 * 3600  # browsers' preload lists ask for a year; half of one is the least worth having
# What to do when a readiness check fails, by its name (services.readiness runs them, as /readyz does).
READINESS_FIXES = {
    "database": "check DATABASE_URL and that the database server runs",
    "migrations": "run: flask --app 'scheduler_app:create_app()' db upgrade",
    "translations": "run: pybabel compile -d scheduler_app/translations",
    "redis": "check REDIS_URL and that redis-server runs (systemctl status redis-server)",
    "solve_workers": "start the workers: systemctl enable --now peiban-solve-worker@1 (deploy/)",
}


@dataclass(frozen=True)
class Finding:
    """One check of a deployment: what was found and, when it must be fixed, how."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def __post_init__(self) -> None:
        if not self.ok and not self.fix:
            raise ValueError(f"a failed check ({self.name}) must say how to fix it")

    @property
    def line(self) -> str:
        """The finding as one line: ok or FIX, the check, what was found and what to do."""
        if self.ok:
            return f"ok   {self.name}: {self.detail}"
        return f"FIX  {self.name}: {self.detail}; {self.fix}"


def examine(app: Flask, now: dt.datetime | None = None) -> tuple[Finding, ...]:
    """Every check of the deployment, in the order an operator would fix them (run in an app context)."""
    now = now or dt.datetime.now(dt.UTC)
    found = [secret_key(app), https(app), hsts(app), debug(app)]
    found += [_from_readiness(check) for check in readiness(app).checks]
    found += [last_backup(app, now), disk_space(app)]
    return tuple(found)


def _from_readiness(check: Check) -> Finding:
    return Finding(check.name, check.ok, check.detail, "" if check.ok else READINESS_FIXES[check.name])


def secret_key(app: Flask) -> Finding:
    """A secret key long enough to sign sessions, and, when it is the instance folder's file, private to the
    account."""
    key = app.config.get("SECRET_KEY") or ""
    fix = ("unset PEIBAN_SECRET_KEY (a random key is then kept in instance/secret_key) or set it to "
           "python3 -c 'import secrets; print(secrets.token_hex(32))'")
    if len(key) < MIN_SECRET_KEY_CHARS:
        return Finding("secret_key", False, f"only {len(key)} characters long", fix)
    path = Path(app.instance_path) / SECRET_KEY_FILE
    if not os.environ.get("PEIBAN_SECRET_KEY") and path.is_file():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            return Finding("secret_key", False, f"instance/secret_key is readable by others ({mode:o})",
                           "run: chmod 600 instance/secret_key")
        return Finding("secret_key", True, "instance/secret_key, private; copy it with the backups")
    return Finding("secret_key", True, f"set, {len(key)} characters")


def https(app: Flask) -> Finding:
    """Served over HTTPS (PEIBAN_HTTPS=1: Secure cookies), behind a proxy the app is told about."""
    if not app.config["PEIBAN_HTTPS"]:
        return Finding("https", False, "PEIBAN_HTTPS is 0: cookies go in clear",
                       "serve behind Caddy (deploy/Caddyfile) and set PEIBAN_HTTPS=1 and PEIBAN_PROXY_HOPS=1")
    if not app.config["PEIBAN_PROXY_HOPS"]:
        return Finding("https", False, "PEIBAN_HTTPS is 1 but PEIBAN_PROXY_HOPS is 0: the app cannot see the "
                       "request was HTTPS nor who sent it", "behind Caddy, set PEIBAN_PROXY_HOPS=1")
    return Finding("https", True, f"on, behind {app.config['PEIBAN_PROXY_HOPS']} proxy")


def hsts(app: Flask) -> Finding:
    """Strict-Transport-Security long enough that a browser never falls back to plain HTTP."""
    seconds = app.config["PEIBAN_HSTS_SECONDS"]
    if seconds < MIN_HSTS_SECONDS:
        return Finding("hsts", False, f"PEIBAN_HSTS_SECONDS is {seconds}", "set PEIBAN_HSTS_SECONDS=31536000")
    return Finding("hsts", True, f"{seconds // 86400} days")


def debug(app: Flask) -> Finding:
    """Neither Flask's debug mode (its debugger runs code from the browser; FLASK_DEBUG, which the web server's
    app reads too, or DEBUG) nor testing mode."""
    if get_debug_flag() or app.debug or app.testing:
        return Finding("debug", False, "debug or testing mode is on",
                       "unset FLASK_DEBUG and do not pass TESTING; serve with gunicorn (deploy/peiban-web.service)")
    return Finding("debug", True, "off")


def last_backup(app: Flask, now: dt.datetime) -> Finding:
    """The newest backup in PEIBAN_BACKUP_DIR is younger than PEIBAN_BACKUP_MAX_AGE_HOURS."""
    limit = dt.timedelta(hours=app.config["PEIBAN_BACKUP_MAX_AGE_HOURS"])
    fix = "check that peiban-cron.timer runs (systemctl list-timers) or run: flask backup"
    newest = newest_backup(Path(app.config["PEIBAN_BACKUP_DIR"]))
    if newest is None:
        return Finding("backup", False, "no backup in PEIBAN_BACKUP_DIR", fix)
    age = now - newest[0]
    hours = age.total_seconds() / 3600
    if age > limit:
        return Finding("backup", False, f"the last one, {newest[1].name}, is {hours:.0f} hours old", fix)
    return Finding("backup", True, f"{newest[1].name}, {hours:.1f} hours old")


def disk_space(app: Flask) -> Finding:
    """At least PEIBAN_MIN_FREE_MB free where the backups and (SQLite) the database are written."""
    folders = {Path(app.config["PEIBAN_BACKUP_DIR"]), Path(app.instance_path)}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not is_postgresql(url):
        folders.add(sqlite_path(url).parent)
    minimum = app.config["PEIBAN_MIN_FREE_MB"]
    for folder in sorted(folders):
        existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("/"))
        free_mb = shutil.disk_usage(existing).free // (1024 * 1024)
        if free_mb < minimum:
            return Finding("disk", False, f"{free_mb} MB free for {folder.name or folder}, below {minimum} MB",
                           "free space (old logs, old backups copied elsewhere) or give the machine a bigger disk")
    return Finding("disk", True, f"at least {minimum} MB free")
