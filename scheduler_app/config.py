"""Configuration: defaults in code, secrets and the database URL from the environment."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

LANGUAGES = ("zh_CN", "en")
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


class Config:
    """Defaults for every deployment; ``load_config`` overlays the environment."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # None → SQLite in the instance folder
    # hide_parameters: a failed statement's error (and the engine's own log) would otherwise quote its values,
    # a child's name among them, into the logs.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    SQLITE_BUSY_TIMEOUT_MS = 15_000
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; forms may sit open for hours
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = LANGUAGES
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 0
    # A response whose session did not change sends no cookie: a background response (which changes nothing,
    # see auth.services) then cannot overwrite a newer cookie and the messages it holds. The kept session's
    # 30 days are checked on the server from its login.
    SESSION_REFRESH_EACH_REQUEST = False
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # uploads (spreadsheets) above 5 MiB are refused
    SEED_DEMO_WHEN_EMPTY = False
    # Sent only on HTTPS requests (behind a proxy, set ProxyFix so Flask sees them as such); 0 turns it off,
    # e.g. for an install that will go back to plain HTTP on a LAN.
    PEIBAN_HSTS_SECONDS = 365 * 24 * 3600
    # A session ends after this long without a request, and this long after its login, whatever happens.
    PEIBAN_IDLE_MINUTES = 120
    PEIBAN_SESSION_HOURS = 12
    # "Keep me signed in on this phone" (volunteers only): the session lasts this many days, used or not.
    PEIBAN_KEEP_SIGNED_IN_DAYS = 30
    # 1 when the app is served over HTTPS (behind nginx or a tunnel): the session cookie is then Secure and
    # named __Host-…, so it is never sent in clear nor set by another host of the domain.
    PEIBAN_HTTPS = 0
    # The signed cookie that marks a browser an account has logged in on (auth.services.known_device).
    PEIBAN_DEVICE_COOKIE = "peiban_device"
    # How many reverse proxies (nginx, a tunnel) stand in front of the app: their X-Forwarded-For then names the
    # client, for the audit log and the login throttle. 0: the app is reached directly.
    PEIBAN_PROXY_HOPS = 0
    # Login attempts one address may make (a person mistyping needs a few; a sprayer of usernames needs many).
    PEIBAN_LOGIN_RATE = "20 per minute;200 per hour"
    # "json": one JSON line per request (and for every app log record) on standard error; "" Flask's plain lines.
    PEIBAN_LOG_FORMAT = ""
    # Set, /metrics asks for "Authorization: Bearer <token>"; unset, it answers only to this machine (loopback).
    PEIBAN_METRICS_TOKEN = ""
    # Solves run on Redis + RQ workers (`flask solve-worker`) when REDIS_URL is set, else in the web process.
    REDIS_URL = ""
    PEIBAN_SOLVE_QUEUE = "peiban-solves"
    # A running solve whose heartbeat is older than this is marked abandoned (its worker or server died);
    # a queued one that no worker took within PEIBAN_QUEUE_WAIT_SECONDS likewise.
    PEIBAN_STALE_SECONDS = 30.0
    PEIBAN_QUEUE_WAIT_SECONDS = 600.0
    # On the job queue, a week with more children than this is split into parts that share nothing (about
    # this many children each, a county's size), each solved as its own job by whichever worker is free.
    PEIBAN_PART_CHILDREN = 2000
    # Messages (scheduler_app.messages): the app's public address for the links they carry; how long one sending
    # may take; how long a sender's claim on a batch lasts (longer than a batch's sendings can take: a sender
    # killed mid-batch leaves its messages to be taken again after it); how many tries before a message is given
    # up, the first retry's delay (each next one doubles) and the batch size. With REDIS_URL, the RQ queue the
    # sender's jobs go to (`flask message-worker`).
    PEIBAN_BASE_URL = ""
    PEIBAN_MESSAGE_TIMEOUT_SECONDS = 20.0
    PEIBAN_MESSAGE_LEASE_SECONDS = 300.0
    PEIBAN_MESSAGE_ATTEMPTS = 6
    PEIBAN_MESSAGE_RETRY_SECONDS = 60.0
    PEIBAN_MESSAGE_BATCH = 10
    PEIBAN_MESSAGE_QUEUE = "peiban-messages"
    # Backups (`flask backup`, and `flask cron`'s backup job): the folder ("" = instance/backups), an age public
    # key (age1…, from age-keygen) to encrypt every backup to ("" = not encrypted), and how many rotation keeps:
    # the newest of each of the last 7 days, 4 ISO weeks and 12 months that have one.
    PEIBAN_BACKUP_DIR = ""
    PEIBAN_BACKUP_AGE_RECIPIENT = ""
    PEIBAN_BACKUP_KEEP_DAILY = 7
    PEIBAN_BACKUP_KEEP_WEEKLY = 4
    PEIBAN_BACKUP_KEEP_MONTHLY = 12
    # `flask cron` (run it every minute or five): when each job is due, as cron expressions in
    # PEIBAN_CRON_TIMEZONE ("" = BABEL_DEFAULT_TIMEZONE); "" turns a job off. Its last runs are kept in
    # PEIBAN_CRON_STATE ("" = instance/cron-state.json).
    PEIBAN_CRON_BACKUP = "15 2 * * *"
    PEIBAN_CRON_WARNINGS = "0 6 * * *"
    PEIBAN_CRON_PURGE = "30 3 * * *"
    PEIBAN_CRON_MESSAGES = "*/5 * * * *"
    PEIBAN_CRON_TIMEZONE = ""
    PEIBAN_CRON_STATE = ""
    # `flask doctor`: a backup older than this many hours must be looked at (a day, plus slack for a cron that
    # runs every few minutes), and the free space the database's disk must keep.
    PEIBAN_BACKUP_MAX_AGE_HOURS = 25
    PEIBAN_MIN_FREE_MB = 1024


def _secret_key(instance_path: Path) -> str:
    """The secret key: from PEIBAN_SECRET_KEY, else a random one kept in the instance folder."""
    from_env = os.environ.get("PEIBAN_SECRET_KEY")
    if from_env:
        return from_env
    path = instance_path / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created with 0600 so other local users cannot forge sessions.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the app's settings: code defaults, then the environment, then explicit overrides."""
    settings = {k: getattr(Config, k) for k in dir(Config) if k.isupper()}
    overrides = dict(overrides or {})
    database_url = overrides.pop("DATABASE_URL", None) or os.environ.get("DATABASE_URL")
    if database_url:
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(database_url)
    settings["REDIS_URL"] = os.environ.get("REDIS_URL", settings["REDIS_URL"])
    for key, default in list(settings.items()):
        # PEIBAN_* settings may come from the environment, read as the type of their default.
        if key.startswith("PEIBAN_") and key in os.environ:
            settings[key] = type(default)(os.environ[key])
    settings.update(overrides)
    settings["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(days=settings["PEIBAN_KEEP_SIGNED_IN_DAYS"])
    if settings["PEIBAN_HTTPS"]:
        settings.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-peiban", REMEMBER_COOKIE_SECURE=True,
                        PEIBAN_DEVICE_COOKIE="__Host-peiban-device",
                        PREFERRED_URL_SCHEME="https")
    settings.setdefault("RATELIMIT_STORAGE_URI", settings["REDIS_URL"] or "memory://")
    settings.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    if not settings.get("SQLALCHEMY_DATABASE_URI"):
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'peiban.sqlite3'}"
    settings["PEIBAN_BACKUP_DIR"] = settings["PEIBAN_BACKUP_DIR"] or str(instance_path / "backups")
    settings["PEIBAN_CRON_STATE"] = settings["PEIBAN_CRON_STATE"] or str(instance_path / "cron-state.json")
    settings["PEIBAN_CRON_TIMEZONE"] = settings["PEIBAN_CRON_TIMEZONE"] or settings["BABEL_DEFAULT_TIMEZONE"]
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = _secret_key(instance_path)
    return settings


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for postgres URLs given in the common postgres:// or postgresql:// form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
