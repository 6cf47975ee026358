"""Browser fixtures: the app served over real HTTP on a free port, and Debian's chromium driven by Playwright.

The browser tests run on SQLite only (the HTTP tests already cover PostgreSQL); each test gets its own
copy of a database. They are skipped, with the reason, only where chromium or Playwright is missing:
``python3 dev.py test`` installs both when the machine lets it.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from scheduler_app import create_app
from scheduler_app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("PEIBAN_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("PEIBAN_SCREENSHOTS", ROOT / "build" / "screenshots"))
DEMO_PASSWORD = "peiban-demo"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# Playwright's waits, in ms: a page load on this server takes well under a second, a solve up to
# the time limit chosen on the page plus the watcher's start-up and storing.
PAGE_TIMEOUT_MS = 15_000
LANGUAGES = {"zh_CN": "zh-CN", "en": "en-GB"}
# A form sent back with its errors answers 422, which chromium logs as a failed load: that is the app
# working (the journey checks the page's message), not a problem.
REFUSED_FORM = re.compile(r"status of 422\b")  # the app's language → the browser's Accept-Language


def _browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: python3 dev.py test installs requirements-dev.txt"
    if not CHROMIUM.exists():
        return (f"chromium is not at {CHROMIUM}: python3 dev.py test installs Debian's chromium and fonts-noto-cjk "
                "with apt-get, which needs root or sudo (or set PEIBAN_CHROMIUM to a chromium binary)")
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, for the whole run; the tests are skipped when it cannot start."""
    reason = _browser_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    """The app answering real HTTP on 127.0.0.1 in a background thread."""

    app: Flask
    url: str


def _serve(database: Path) -> tuple[LiveServer, Callable[[], None]]:
    """Serve the app on a copy-owned SQLite database; returns the server and its stopper."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "browser-secret"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="peiban-live-server", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            # A solve the test started must end before its database goes away.
            from scheduler_app.rosters import runners
            runners.stop_all()
            db.engine.dispose()

    return LiveServer(app, f"http://127.0.0.1:{server.server_port}"), stop


@pytest.fixture(scope="session")
def demo_database(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database holding the demo organisation and its six weeks of history, as
    ``python -m seed prepare`` loads it today."""
    from seed.history import load_demo_with_history
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "seed"})
    with app.app_context():
        load_demo_with_history()
        db.engine.dispose()
    return path


@pytest.fixture
def serve(tmp_path: Path, sqlite_template: Path, demo_database: Path) -> Iterator[Callable[..., LiveServer]]:
    """Builder: serve a fresh copy of the demo database (``demo=True``) or of the empty migrated one."""
    stoppers: list[Callable[[], None]] = []

    def build(demo: bool = True) -> LiveServer:
        path = tmp_path / f"live-{len(stoppers)}.sqlite3"
        shutil.copy(demo_database if demo else sqlite_template, path)
        server, stop = _serve(path)
        stoppers.append(stop)
        return server

    yield build
    for stop in stoppers:
        stop()


@pytest.fixture
def journey(browser) -> Iterator[Callable[..., object]]:
    """Builder: a fresh browser page in a language (zh_CN or en), on a phone or a desktop screen, as a
    Journey that saves its screenshots under build/screenshots/<name>/<language>/.

    Any JavaScript error or refused resource (a CSP violation shows up as one) fails the test.
    """
    from tests.browser.pages import Journey
    contexts, journeys = [], []

    def build(language: str, name: str, phone: bool = False) -> Journey:
        context = browser.new_context(locale=LANGUAGES[language], viewport=PHONE if phone else DESKTOP,
                                      accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        folder = SCREENSHOTS / name / language
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        walk = Journey(page, language, folder, phone=phone)
        page.on("pageerror", lambda exc: walk.problems.append(f"JavaScript error: {exc}"))
        page.on("console", lambda msg: walk.problems.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error" and not REFUSED_FORM.search(msg.text) else None)
        journeys.append(walk)
        return walk

    yield build
    for context in contexts:
        context.close()


def log_in(walk, server: LiveServer, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, as a person would: type, then press Enter."""
    page = walk.page
    page.goto(server.url + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)
