"""Fixtures: an app on a freshly migrated database (SQLite, and PostgreSQL when reachable) and builders."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from scheduler_app import create_app
from scheduler_app.auth.services import hash_password, new_session_token
from scheduler_app.extensions import db
from scheduler_app.models import (
    Availability,
    Child,
    GuardianConsent,
    Organisation,
    Role,
    Site,
    SiteSession,
    User,
    Village,
    VisitWindow,
    Volunteer,
)
from tests.forms import csrf_token_in

PASSWORD = "correct horse battery"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
_PASSWORD_HASH: str | None = None


def _pg_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


def _pg_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg
        url = _pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"PostgreSQL not reachable at {_pg_admin_url()}: {exc.__class__.__name__}"
    return None


def _migrate(url: str) -> None:
    """Create the schema with the project's own migrations, as a deployment would."""
    from flask_migrate import upgrade
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrate", "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database file, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A migrated PostgreSQL database for this run, dropped at the end; skipped when none is reachable."""
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    import psycopg
    admin = _pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
    name = f"peiban_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = re.sub(r"/[^/]*$", f"/{name}", _pg_admin_url())
    try:
        _migrate(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """An empty, migrated database: a copy of the SQLite template, or the PostgreSQL one truncated."""
    if request.param == "sqlite":
        path = tmp_path / "peiban.sqlite3"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_database")
    yield url
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [t.name for t in db.metadata.sorted_tables]
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


class RequestIsolatingClient(FlaskClient):
    """A test client whose every request runs in its own app context and database session.

    The tests keep an app context pushed so builders can use ``db.session``; without this,
    requests would reuse it, sharing ``g`` (and so the logged-in user) and the session.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first: on SQLite it would hold the write lock.
        db.session.rollback()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on an empty migrated database, with CSRF protection on as in production."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret", "TESTING": True})
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        yield app
        # A background solve a test started must end before its database is emptied.
        from scheduler_app.rosters import runners
        runners.stop_all()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client; use ``login`` to act as someone."""
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """Fetch a page and read the CSRF token from its form, as a browser would."""
    try:
        return csrf_token_in(client.get(path).get_data(as_text=True))
    except LookupError:
        pytest.fail(f"no CSRF token on {path}")


def post_form(client: FlaskClient, path: str, data: dict, page: str | None = None, **kwargs):
    """POST a form with a valid CSRF token taken from ``page`` (default: the same path)."""
    token = csrf_token(client, page or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


# Figures security tests report at the end of the run (pytest_terminal_summary prints them).
SECURITY_REPORT: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter) -> None:  # pytest's hook signature
    """Print the security figures the tests gathered (e.g. how many cross-organisation requests were refused)."""
    if SECURITY_REPORT:
        terminalreporter.section("security figures")
        for name, line in SECURITY_REPORT.items():
            terminalreporter.write_line(f"{name}: {line}")


@pytest.fixture
def make_org() -> Callable[..., Organisation]:
    """Builder: an organisation (committed)."""
    def build(name: str | None = None, **fields) -> Organisation:
        org = Organisation(name=name or f"Org {uuid.uuid4().hex[:6]}", **fields)
        db.session.add(org)
        db.session.commit()
        return org
    return build


@pytest.fixture
def make_user(make_org) -> Callable[..., User]:
    """Builder: a user with PASSWORD; volunteers get a linked volunteer record."""
    def build(role: Role | str = Role.COORDINATOR, username: str | None = None, org: Organisation | None = None,
              volunteer: Volunteer | None = None, **fields) -> User:
        global _PASSWORD_HASH
        org = org or db.session.execute(db.select(Organisation).limit(1)).scalar_one_or_none() or make_org()
        role = Role(role)
        if role in (Role.VOLUNTEER, Role.SOCIAL_WORKER) and volunteer is None:
            volunteer = Volunteer(organisation_id=org.id, code=f"V{uuid.uuid4().hex[:6]}", name="测试志愿者",
                                  is_visitor=True, home_lat=30.45, home_lon=114.87,
                                  is_social_worker=role == Role.SOCIAL_WORKER)
            db.session.add(volunteer)
        _PASSWORD_HASH = _PASSWORD_HASH or hash_password(PASSWORD)
        user = User(organisation_id=org.id, username=username or f"{role.value}-{uuid.uuid4().hex[:6]}",
                    display_name=fields.pop("display_name", "Tester"), role=role, volunteer=volunteer,
                    password_hash=_PASSWORD_HASH, session_token=new_session_token(), **fields)
        db.session.add(user)
        db.session.commit()
        return user
    return build


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Log the test client in as a user through the real login form."""
    def do(user: User, password: str = PASSWORD) -> FlaskClient:
        response = post_form(client, "/auth/login", {"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client
    return do


@pytest.fixture
def sign_in(app: Flask) -> Callable[[User], FlaskClient]:
    """Builder: a client of its own signed in as a user through the login form (``login`` shares one client)."""
    def do(user: User, password: str = PASSWORD) -> FlaskClient:
        client = app.test_client()
        response = post_form(client, "/auth/login", {"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client
    return do


def _t(hhmm: str) -> dt.time:
    return dt.time.fromisoformat(hhmm)


@pytest.fixture
def make_site(make_org) -> Callable[..., Site]:
    """Builder: a site with sessions on the given days (16:30–18:00)."""
    def build(org: Organisation, code: str = "S1", days: tuple[int, ...] = (0, 2), lat: float = 30.447,
              lon: float = 114.872, **fields) -> Site:
        site = Site(organisation_id=org.id, code=code, name=fields.pop("name", f"站点 {code}"), lat=lat, lon=lon,
                    children_per_tutor=fields.pop("children_per_tutor", 2), min_tutors=fields.pop("min_tutors", 1),
                    **fields)
        site.sessions = [SiteSession(day_index=d, start=_t("16:30"), end=_t("18:00")) for d in days]
        db.session.add(site)
        db.session.commit()
        return site
    return build


@pytest.fixture
def make_volunteer() -> Callable[..., Volunteer]:
    """Builder: a volunteer; availability given as (day_index, "HH:MM", "HH:MM") tuples."""
    def build(org: Organisation, code: str, roles: tuple[str, ...] = ("visitor",),
              availability: tuple[tuple[int, str, str], ...] = ((5, "08:30", "12:00"),), **fields) -> Volunteer:
        v = Volunteer(organisation_id=org.id, code=code, name=fields.pop("name", f"志愿者{code}"),
                      is_tutor="tutor" in roles, is_visitor="visitor" in roles,
                      home_lat=fields.pop("home_lat", 30.45), home_lon=fields.pop("home_lon", 114.87),
                      max_km=fields.pop("max_km", 10.0), **fields)
        v.availability = [Availability(day_index=d, start=_t(a), end=_t(b)) for d, a, b in availability]
        db.session.add(v)
        db.session.commit()
        return v
    return build


@pytest.fixture
def make_child() -> Callable[..., Child]:
    """Builder: a child living in a village, with optional visit windows (day_index, start, end) and a guardian's
    consent to both categories since January 2026 (``consent=()`` for none)."""
    def build(org: Organisation, code: str, windows: tuple[tuple[int, str, str], ...] = ((5, "09:00", "12:00"),),
              village: Village | None = None, **fields) -> Child:
        if village is None and "home_lat" not in fields:
            village = Village(organisation_id=org.id, name=f"村{code}", lat=30.452, lon=114.879)
        consent = fields.pop("consent", ("home", "observations"))
        child = Child(organisation_id=org.id, code=code, name=fields.pop("name", f"儿童{code}"), village=village,
                      **fields)
        child.visit_windows = [VisitWindow(day_index=d, start=_t(a), end=_t(b)) for d, a, b in windows]
        db.session.add(child)
        db.session.flush()
        if consent:
            db.session.add(GuardianConsent(child_id=child.id, given_by="监护人", relationship_to_child="祖母",
                                           given_on=dt.date(2026, 1, 5), method="paper", categories=list(consent)))
        db.session.commit()
        return child
    return build


@pytest.fixture
def make_week() -> Callable[..., object]:
    """Builder: a week's published roster made for the records as they stand (its instance is the real
    contract), holding the given activities: (volunteer, site or child, day_index, "HH:MM", "HH:MM"[, status])."""
    def build(org: Organisation, monday: dt.date, *activities: tuple) -> object:
        from scheduler_app.contract.instance import build_instance
        from scheduler_app.models import Assignment, AssignmentKind, AssignmentStatus, Roster, RosterStatus, Week
        week = Week(organisation_id=org.id, start_date=monday)
        roster = Roster(week=week, status=RosterStatus.PUBLISHED, instance=build_instance(org.id, monday))
        for volunteer, target, day, start, end, *status in activities:
            kind = AssignmentKind.TUTORING if isinstance(target, Site) else AssignmentKind.VISIT
            roster.assignments.append(Assignment(
                kind=kind, volunteer=volunteer, site=target if kind == AssignmentKind.TUTORING else None,
                child=target if kind == AssignmentKind.VISIT else None, day_index=day, start=_t(start),
                end=_t(end), status=status[0] if status else AssignmentStatus.CONFIRMED))
        db.session.add_all([week, roster])
        db.session.commit()
        return roster
    return build


@pytest.fixture
def make_diary() -> Callable[..., object]:
    """Builder: a diary entry of ``minutes`` from 09:00 on ``day`` about a child (a visit) or a site."""
    def build(volunteer: Volunteer, target: Child | Site, day: dt.date, minutes: int, status: str = "submitted",
              concern: bool = False) -> object:
        from scheduler_app.models import DiaryEntry, DiaryStatus
        end = (dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=minutes)).time()
        visit = isinstance(target, Child)
        entry = DiaryEntry(volunteer_id=volunteer.id, child_id=target.id if visit else None,
                           site_id=None if visit else target.id, served_on=day, started_at=dt.time(9), ended_at=end,
                           minutes=minutes, activities=["talk"], what_was_done="聊天", concern=concern,
                           observations={"emotional": "想妈妈"} if concern else {}, status=DiaryStatus(status))
        db.session.add(entry)
        db.session.commit()
        return entry
    return build


@pytest.fixture
def in_request(tmp_path: Path) -> Iterator[Flask]:
    """A request context (for translated messages) on an app with no database, for code that needs none."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test-secret", "TESTING": True})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


# --- messages: a real SMTP server and a real webhook receiver on loopback ---

def free_port() -> int:
    """A loopback port nothing listens on (for a server to take, or for a channel that must be refused)."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What reached the local SMTP server and the local webhook receiver: (address or path, subject, text)."""

    def __init__(self) -> None:
        import threading
        self.mails: list[tuple[str, str, str, str]] = []  # to, subject, text, Message-ID
        self.posts: list[tuple[str, str, str]] = []  # path, title, message
        self.lock = threading.Lock()
        self.stall_at: int | None = None  # the nth e-mail is held, then refused (a sender killed meanwhile)
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.seen = 0

    def texts(self) -> list[str]:
        """Every subject and text that reached either receiver."""
        with self.lock:
            return [part for m in self.mails for part in m[1:3]] + [part for p in self.posts for part in p[1:]]


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) and a webhook receiver (http.server) on loopback ports, recording what they
    take; ``inbox.smtp_port`` and ``inbox.webhook`` (a json:// Apprise URL) point at them. At the end, no message
    any test produced (received, or left in the outbox) may hold a child's full name or a sensitive field."""
    import asyncio
    import email
    import json
    import threading
    from email import policy
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from aiosmtpd.controller import Controller

    box = Inbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
            with box.lock:
                box.seen += 1
                held = box.stall_at is not None and box.seen == box.stall_at
            if held:
                box.stalled.set()
                while not box.release.is_set():  # the sender is killed while it waits for the answer
                    await asyncio.sleep(0.05)
                return "451 Try again later"
            mail = email.message_from_bytes(envelope.content, policy=policy.default)
            with box.lock:
                box.mails.append((", ".join(envelope.rcpt_tos), str(mail["Subject"]),
                                  mail.get_body(("plain",)).get_content(), str(mail["Message-ID"])))
            return "250 OK"

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            with box.lock:
                box.posts.append((self.path, payload.get("title", ""), payload.get("message", "")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    box.smtp_port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=box.smtp_port)
    controller.start()
    http = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    box.webhook = f"json://127.0.0.1:{http.server_address[1]}/peiban"
    try:
        yield box
        _assert_no_child_identified(box)
    finally:
        box.release.set()
        controller.stop()
        http.shutdown()
        http.server_close()


_CHECKED = {"tests": 0, "texts": 0}  # over the run, for the security figures


def _assert_no_child_identified(box: Inbox) -> None:
    """No message (received, or in the outbox) carries a child's full name, guardian, phone, school or
    background: a given name and a village at most."""
    from scheduler_app.models import Child, Message
    db.session.rollback()
    texts = box.texts() + [part for m in db.session.execute(db.select(Message)).scalars()
                           for part in (m.subject, m.body)]
    for child in db.session.execute(db.select(Child)).scalars():
        for field in ("name", "guardian_name", "guardian_phone", "school", "background", "academic_notes",
                      "parents_work_place"):
            value = getattr(child, field) or ""
            if len(value) >= 3:  # a two-character name is her given name too (names.first_name)
                leaking = [t for t in texts if value in t]
                assert not leaking, f"a message holds the child's {field}: {leaking[0]!r}"
    _CHECKED["tests"] += 1
    _CHECKED["texts"] += len(texts)
    SECURITY_REPORT["messages"] = (f"{_CHECKED['texts']} message texts of {_CHECKED['tests']} tests checked: none "
                                   "holds a child's full name or sensitive field")


@pytest.fixture
def make_channel() -> Callable[..., object]:
    """Builder: one of an organisation's channels, saved by the settings service (secret sealed): ``email`` to a
    local SMTP port, or ``apprise`` to a URL."""
    def build(org: Organisation, kind: str = "apprise", *, url: str = "", smtp_port: int = 0,
              label: str | None = None) -> object:
        from scheduler_app.messages.services import ChannelValues, save_channel
        from scheduler_app.models import ChannelKind
        if kind == "email":
            values = ChannelValues(kind=ChannelKind.EMAIL, label=label or "邮件", smtp_host="127.0.0.1",
                                   smtp_port=smtp_port, smtp_security="none", sender="peiban@ngo.example")
        else:
            values = ChannelValues(kind=ChannelKind.APPRISE, label=label or "企业微信群", secret=url)
        return save_channel(org.id, values)
    return build


@pytest.fixture
def reach() -> Callable[..., User]:
    """Builder: a person's message choices (channels, her e-mail address, quiet hours), saved as she would."""
    def choose(user: User, *channels: object, email: str = "", quiet: tuple[str, str] | None = None,
               locale: str | None = None) -> User:
        from scheduler_app.messages.services import Choices, save_choices
        if locale:
            user.locale = locale
        save_choices(user, Choices(email, tuple(c.id for c in channels),
                                   *(tuple(_t(q) for q in quiet) if quiet else (None, None))))
        return user
    return choose
