"""Backing up and restoring the database: SQLite through its online backup API and an integrity check,
PostgreSQL through pg_dump/pg_restore; rotation (daily, weekly, monthly), optional encryption to an age public
key (pyrage) and a verification that restores a backup into a temporary database and counts its rows.

The online backup API copies a consistent snapshot while the app keeps writing (WAL readers never block
writers), so a backup can run from cron on a live server; pg_dump likewise reads one snapshot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with argument lists, never a shell
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

# Copy every page in one step, inside one read transaction: in WAL mode writers go on meanwhile, and the copy
# is the snapshot at its start. (In several steps, SQLite restarts the copy whenever another connection writes,
# so under steady writes it might never finish.)
BACKUP_PAGES_PER_STEP = -1
BACKUP_PAUSE_S = 0.0
RESTORE_LOCK_WAIT_S = 60  # a restore waits this long for the running app's write to end


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why and nothing was replaced."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore wrote."""

    path: Path
    size_bytes: int
    tables: int
    rows: int | None  # None for a PostgreSQL dump: its rows are counted when it is verified


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL; BackupError for another database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("flask backup copies a SQLite database file; for PostgreSQL use pg_dump (README)")
    return Path(url.database)


def default_target(database: Path, now: dt.datetime | None = None) -> Path:
    """backups/peiban-YYYYmmdd-HHMMSS.sqlite3 beside the database."""
    now = now or dt.datetime.now(dt.UTC)
    return database.parent / "backups" / f"peiban-{now:%Y%m%d-%H%M%S}.sqlite3"


def check(path: Path) -> tuple[int, int]:
    """PRAGMA integrity_check on a database file; its table and row counts. BackupError if it is damaged."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchall()
            tables = [name for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            # Table names come from sqlite_master itself, quoted.
            rows = sum(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                       for name in tables)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    if verdict != [("ok",)]:
        raise BackupError(f"{path} failed the integrity check: {verdict[:3]}")
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a Peiban database (no alembic_version table)")
    return len(tables), rows


def backup(database: Path, target: Path) -> BackupResult:
    """Copy the live database to ``target`` with the online backup API and check the copy; the copy is written
    beside the target first, so a failed backup never leaves a half file under the target's name."""
    if not database.is_file():
        raise BackupError(f"{database} does not exist")
    if target.exists():
        raise BackupError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    _copy(database, partial)
    try:
        tables, rows = check(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, tables, rows)


def _copy(database: Path, target: Path) -> None:
    """A consistent copy of a live database (its WAL included) through SQLite's online backup."""
    target.unlink(missing_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private before a byte is in it
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=BACKUP_PAGES_PER_STEP, sleep=BACKUP_PAUSE_S)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()


def restore(source: Path, database: Path) -> BackupResult:
    """Replace the database's contents with a checked backup, through SQLite's online backup API into the live
    file: the copy takes the database's own write lock, so an app or worker still running waits for it and then
    goes on with the restored database (a file swapped under it would take every later save to the unlinked
    old file). The old contents are kept as <name>.before-restore."""
    tables, rows = check(source)
    database.parent.mkdir(parents=True, exist_ok=True)
    if not database.exists():  # nothing is open on a database that is not there: a plain copy will do
        _copy(source, database)
        return BackupResult(database, database.stat().st_size, tables, rows)
    _copy(database, database.with_name(database.name + ".before-restore"))
    backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = sqlite3.connect(database, timeout=RESTORE_LOCK_WAIT_S)
    try:
        backup_copy.backup(live)  # one step, under the live database's write lock
    except sqlite3.Error as exc:
        raise BackupError(f"{database} could not be restored ({exc}); nothing was replaced") from None
    finally:
        live.close()
        backup_copy.close()
    check(database)
    return BackupResult(database, database.stat().st_size, tables, rows)


# --- Every database, rotation, encryption, verification ---------------------------------------------------

# peiban-YYYYmmdd-HHMMSS.sqlite3 (SQLite) or .dump (pg_dump's custom format), .age when encrypted.
BACKUP_NAME = re.compile(r"peiban-(?P<stamp>\d{8}-\d{6})\.(?P<kind>sqlite3|dump)(?P<age>\.age)?")
PG_TIMEOUT_S = 3600  # a dump or restore of a prefecture's data takes minutes, never an hour


@dataclass(frozen=True)
class Retention:
    """How many backups rotation keeps: the newest of each of the last ``daily`` days, ``weekly`` ISO weeks
    and ``monthly`` months that have one (so a server that was off for a month still keeps its last seven)."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    def __post_init__(self) -> None:
        for name in ("daily", "weekly", "monthly"):
            if getattr(self, name) < 0:
                raise BackupError(f"PEIBAN_BACKUP_KEEP_{name.upper()} must be 0 or more")


@dataclass(frozen=True)
class Verification:
    """A backup restored into a temporary database: its rows, table by table."""

    path: Path
    rows_per_table: dict[str, int]

    @property
    def rows(self) -> int:
        """All rows of every table."""
        return sum(self.rows_per_table.values())


def is_postgresql(database_url: str) -> bool:
    """Whether the URL names a PostgreSQL database."""
    return make_url(database_url).get_backend_name() == "postgresql"


def backup_time(path: Path) -> dt.datetime | None:
    """The UTC time in a backup's file name, None for a file that is not a backup of ours."""
    match = BACKUP_NAME.fullmatch(path.name)
    if not match:
        return None
    return dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)


def backups_in(directory: Path) -> list[tuple[dt.datetime, Path]]:
    """The backups in a directory with their times, newest first."""
    if not directory.is_dir():
        return []
    found = [(when, path) for path in directory.iterdir() if (when := backup_time(path)) is not None]
    return sorted(found, reverse=True)


def newest_backup(directory: Path) -> tuple[dt.datetime, Path] | None:
    """The newest backup in a directory and its time, or None."""
    found = backups_in(directory)
    return found[0] if found else None


def to_keep(times: list[dt.datetime], retention: Retention) -> set[dt.datetime]:
    """The backup times rotation keeps: per day, ISO week and month the newest backup, for the newest
    ``daily`` days, ``weekly`` weeks and ``monthly`` months that have one."""
    kept: set[dt.datetime] = set()
    periods = ((retention.daily, lambda t: t.date()), (retention.weekly, lambda t: t.isocalendar()[:2]),
               (retention.monthly, lambda t: (t.year, t.month)))
    for count, period_of in periods:
        seen: set[object] = set()
        for when in sorted(times, reverse=True):
            period = period_of(when)
            if period in seen:
                continue
            if len(seen) == count:
                break
            seen.add(period)
            kept.add(when)
    return kept


def rotate(directory: Path, retention: Retention) -> list[Path]:
    """Delete the backups rotation does not keep; the deleted files, oldest first."""
    found = backups_in(directory)
    keep = to_keep([when for when, _ in found], retention)
    removed = [path for when, path in reversed(found) if when not in keep]
    for path in removed:
        path.unlink()
    return removed


def recipient(public_key: str) -> x25519.Recipient:
    """The age recipient of a public key (age1…); BackupError naming the setting when it is not one."""
    try:
        return x25519.Recipient.from_str(public_key.strip())
    except pyrage.RecipientError:
        raise BackupError("PEIBAN_BACKUP_AGE_RECIPIENT is not an age public key (age1…, from age-keygen)") from None


def identities(identity_file: Path) -> list[x25519.Identity]:
    """The age secret keys of an identity file (age-keygen's: comment lines, then AGE-SECRET-KEY-…)."""
    try:
        lines = identity_file.read_text().splitlines()
    except OSError as exc:
        raise BackupError(f"the identity file {identity_file} cannot be read ({exc.strerror})") from None
    try:
        keys = [x25519.Identity.from_str(line.strip()) for line in lines
                if line.strip() and not line.lstrip().startswith("#")]
    except pyrage.IdentityError:
        raise BackupError(f"{identity_file} is not an age identity file (AGE-SECRET-KEY-…)") from None
    if not keys:
        raise BackupError(f"{identity_file} holds no age secret key")
    return keys


def encrypt(path: Path, public_key: str) -> Path:
    """Encrypt a backup to an age public key as <name>.age and delete the plain file."""
    target = path.with_name(path.name + ".age")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        pyrage.encrypt_file(str(path), str(target), [recipient(public_key)])
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        path.unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def readable(path: Path, identity_file: Path | None) -> Iterator[Path]:
    """The backup itself, or, for an .age file, a private decrypted copy in a temporary folder removed after."""
    if not path.name.endswith(".age"):
        yield path
        return
    if identity_file is None:
        raise BackupError(f"{path.name} is encrypted: give the age identity file (--identity KEYFILE)")
    keys = identities(identity_file)
    with tempfile.TemporaryDirectory(prefix="peiban-restore-") as folder:
        plain = Path(folder) / path.name.removesuffix(".age")
        try:
            pyrage.decrypt_file(str(path), str(plain), keys)
        except pyrage.DecryptError:
            raise BackupError(f"{path.name} cannot be decrypted with the keys of {identity_file}") from None
        yield plain


def backup_database(database_url: str, directory: Path, now: dt.datetime | None = None,
                    public_key: str = "") -> BackupResult:
    """Back up the app's database (SQLite or PostgreSQL) into ``directory`` under its UTC time, encrypted to
    ``public_key`` when one is given."""
    if public_key:
        recipient(public_key)  # a wrong key is refused before anything is written
    now = now or dt.datetime.now(dt.UTC)
    if is_postgresql(database_url):
        result = pg_dump(database_url, directory / f"peiban-{now:%Y%m%d-%H%M%S}.dump")
    else:
        result = backup(sqlite_path(database_url), directory / f"peiban-{now:%Y%m%d-%H%M%S}.sqlite3")
    if not public_key:
        return result
    encrypted = encrypt(result.path, public_key)
    return BackupResult(encrypted, encrypted.stat().st_size, result.tables, result.rows)


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without its password, and the environment that carries the password (a command line is
    visible to every user of the machine)."""
    url = make_url(database_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    """Run pg_dump or pg_restore; BackupError with its last line of error when it fails."""
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (apt install postgresql-client)")
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_S,  # noqa: S603
                              check=False)
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what}: {args[0]} took longer than {PG_TIMEOUT_S} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what}: {args[0]} failed ({last})")
    return done.stdout


def pg_dump(database_url: str, target: Path) -> BackupResult:
    """pg_dump in its custom format to ``target`` (written beside it first), checked by listing its tables."""
    if target.exists():
        raise BackupError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    url, env = _libpq(database_url)
    try:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={url}"], env,
             "the backup")
        listing = _run(["pg_restore", "--list", str(partial)], env, "the backup's check")
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    tables = sum(1 for line in listing.splitlines() if " TABLE DATA " in line)
    if " alembic_version " not in listing:
        partial.unlink(missing_ok=True)
        raise BackupError("the dump holds no alembic_version table: is DATABASE_URL Peiban's database?")
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, tables, None)


def pg_restore(dump: Path, database_url: str) -> None:
    """Replace a PostgreSQL database's contents with a dump's, in one transaction (all or nothing)."""
    url, env = _libpq(database_url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={url}", str(dump)], env, "the restore")


def rows_per_table(database_url: str) -> dict[str, int]:
    """Each table's row count in a database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            return {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
                    for name in names}
    finally:
        engine.dispose()


def verify(path: Path, database_url: str, identity_file: Path | None = None) -> Verification:
    """Restore a backup into a temporary database (a file for SQLite; a new database on the same server for
    PostgreSQL, dropped after) and count its rows per table. The live database is not touched."""
    with readable(path, identity_file) as plain:
        if plain.name.endswith(".dump"):
            return Verification(path, _verify_dump(plain, database_url))
        with tempfile.TemporaryDirectory(prefix="peiban-verify-") as folder:
            copy = Path(folder) / "verify.sqlite3"
            restore(plain, copy)
            return Verification(path, rows_per_table(f"sqlite:///{copy}"))


def _verify_dump(dump: Path, database_url: str) -> dict[str, int]:
    """pg_restore a dump into a new database beside the app's, count its rows, drop it."""
    if not is_postgresql(database_url):
        raise BackupError("a PostgreSQL dump is verified on a PostgreSQL server: set DATABASE_URL to one")
    name = f"peiban_verify_{uuid.uuid4().hex[:12]}"
    server = create_engine(database_url, isolation_level="AUTOCOMMIT")
    temporary: URL = make_url(database_url).set(database=name)
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as exc:
        server.dispose()
        raise BackupError(f"no temporary database could be created to verify the dump ({type(exc).__name__}: "
                          "the database user needs CREATEDB)") from None
    try:
        pg_restore(dump, temporary.render_as_string(hide_password=False))
        return rows_per_table(temporary.render_as_string(hide_password=False))
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@dataclass(frozen=True)
class BackupRound:
    """One backup into the backup folder and the older backups rotation then deleted."""

    result: BackupResult
    removed: tuple[Path, ...]


def retention_of(settings: Mapping[str, Any]) -> Retention:
    """The rotation the settings ask for (PEIBAN_BACKUP_KEEP_DAILY, _WEEKLY, _MONTHLY)."""
    return Retention(settings["PEIBAN_BACKUP_KEEP_DAILY"], settings["PEIBAN_BACKUP_KEEP_WEEKLY"],
                     settings["PEIBAN_BACKUP_KEEP_MONTHLY"])


def backup_and_rotate(settings: Mapping[str, Any], now: dt.datetime | None = None) -> BackupRound:
    """Back up the app's database into PEIBAN_BACKUP_DIR (encrypted to PEIBAN_BACKUP_AGE_RECIPIENT when set),
    then rotate the folder; the same for `flask backup` and `flask cron`."""
    retention = retention_of(settings)  # a wrong setting is refused before anything is written
    directory = Path(settings["PEIBAN_BACKUP_DIR"])
    result = backup_database(settings["SQLALCHEMY_DATABASE_URI"], directory, now,
                             settings["PEIBAN_BACKUP_AGE_RECIPIENT"])
    return BackupRound(result, tuple(rotate(directory, retention)))
