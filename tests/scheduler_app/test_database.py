"""The database: migrations from empty, SQLite's settings, and no lost updates under concurrency."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from scheduler_app.extensions import db
from scheduler_app.models import Child, Organisation


def test_migrations_from_empty_match_the_models(app) -> None:
    """Running every migration on an empty database yields exactly the schema the models declare."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


def test_migrations_downgrade_to_empty_and_back(app) -> None:
    """The migrations can be undone to an empty schema and applied again."""
    from flask_migrate import downgrade, upgrade
    downgrade(revision="base")
    with db.engine.connect() as conn:
        remaining = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    upgrade()
    with db.engine.connect() as conn:
        assert "child" in db.inspect(conn).get_table_names()


def test_sqlite_uses_wal_busy_timeout_and_foreign_keys(app) -> None:
    """SQLite connections run in WAL mode, wait when busy, and enforce foreign keys."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]


def test_foreign_keys_are_enforced(app, make_org) -> None:
    """A child pointing at a missing site is refused by the database itself, on every backend."""
    org = make_org()
    db.session.add(Child(organisation_id=org.id, code="C1", name="x", site_id=9999))
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.session.commit()
    db.session.rollback()


def test_concurrent_writers_lose_no_update(app, make_org) -> None:
    """Eight threads each add 1 to the same value 10 times; the total is exactly 80.

    With SQLite's default deferred BEGIN this loses updates or fails with 'database is locked';
    BEGIN IMMEDIATE plus the busy timeout serialises the writers instead.  On PostgreSQL the
    same read-modify-write uses SELECT ... FOR UPDATE, which is what a service would do.
    """
    org = make_org(visit_minutes=10)
    org_id = org.id
    db.session.rollback()  # end this session's own transaction: on SQLite it holds the write lock
    engine = db.engine
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(10):
                with Session(engine) as session, session.begin():
                    stmt = db.select(Organisation).where(Organisation.id == org_id)
                    if engine.dialect.name != "sqlite":
                        stmt = stmt.with_for_update()
                    row = session.execute(stmt).scalar_one()
                    row.visit_minutes += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    assert db.session.get(Organisation, org_id).visit_minutes == 90


def test_concurrent_edit_of_a_child_is_detected_not_overwritten(app, make_org, make_child) -> None:
    """Two coordinators load the same child; the second save fails with a version conflict
    and the first coordinator's change survives."""
    org = make_org()
    child = make_child(org, "C1", risk_level=2)
    child_id = child.id
    db.session.rollback()
    # Each coordinator's page load is its own short transaction, as in two browser requests.
    with Session(db.engine, expire_on_commit=False) as first, Session(db.engine, expire_on_commit=False) as second:
        a = first.get(Child, child_id)
        first.commit()
        b = second.get(Child, child_id)
        second.commit()
        a.risk_level = 4
        first.commit()
        b.risk_level = 1
        with pytest.raises(StaleDataError):
            second.commit()
    db.session.expire_all()
    saved = db.session.get(Child, child_id)
    assert saved.risk_level == 4 and saved.version_id == 2


def test_sqlite_transactions_begin_immediate(app) -> None:
    """A second SQLite writer waits for the first instead of failing at commit (BEGIN IMMEDIATE)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite transaction mode")
    statements: list[str] = []

    from sqlalchemy import event

    def capture(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert statements[0] == "BEGIN IMMEDIATE"


def test_sqlite_pages_read_beside_a_writer_and_wait_only_to_write(app, make_org, make_user, make_child,
                                                                     login) -> None:
    """While another connection holds SQLite's write lock, a page that only reads answers at once; a page that
    audits its reading waits for the lock and then writes its audit entry (nothing fails, nothing is lost)."""
    import sqlite3
    import threading
    import time

    from scheduler_app.models import AuditEvent, Role
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite transaction mode")
    org = make_org()
    child = make_child(org, "C1")
    client = login(make_user(Role.COORDINATOR, org=org))
    db.session.rollback()
    writer = sqlite3.connect(db.engine.url.database, timeout=30, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO login_failure (username, failed_at) VALUES ('other', datetime('now'))")
    try:
        started = time.monotonic()
        assert client.get("/children/").status_code == 200
        assert time.monotonic() - started < 5  # far below the 15 s busy timeout: no waiting for the writer
        threading.Timer(1.0, lambda: writer.execute("COMMIT")).start()
        started = time.monotonic()
        assert client.get(f"/children/{child.id}").status_code == 200
        assert time.monotonic() - started >= 0.9  # it waited for the writer to finish
    finally:
        time.sleep(1.2)
        writer.close()
    db.session.rollback()
    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "child_viewed",
                                                          AuditEvent.object_id == child.id)).first()


def test_a_save_that_waits_past_the_busy_timeout_gets_a_try_again_page(app, make_user) -> None:
    """When SQLite's write lock stays taken past the busy timeout, a save is answered 503 with a page that says
    nothing was saved and to try again (not a 500), and the database is as it was."""
    import sqlite3

    from scheduler_app import create_app
    from scheduler_app.models import AuditEvent
    from tests.conftest import post_form
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's single write lock")
    username = make_user().username
    db.session.commit()
    busy = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret",
                       "TESTING": True, "SQLITE_BUSY_TIMEOUT_MS": 200})
    client = busy.test_client()
    client.get("/auth/login")  # the form's token, before the lock is taken
    before = db.session.execute(db.select(func.count()).select_from(AuditEvent)).scalar_one()
    db.session.rollback()
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = post_form(client, "/auth/login", {"username": username, "password": "wrong-wrong"},
                             headers={"Accept-Language": "en"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Nothing was saved" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(db.select(func.count()).select_from(AuditEvent)).scalar_one() == before


def test_a_stored_run_outcome_survives_the_move_to_columns(app, make_org) -> None:
    """Runs stored before outcomes had columns ("key<TAB>detail<TAB>message JSON") read the same after the
    migration: the ending and the reason as a message, the solver's nested message kept for translation."""
    import datetime as dt
    import json

    from flask_migrate import downgrade, upgrade

    from scheduler_app.models import Ending, SolveRun
    from solver.messages import Message
    org_id = make_org().id
    db.session.commit()
    downgrade(revision="b7d2e4f6a8c1")
    solver_message = Message("pinned[%(index)d] cannot be honoured", index=0)
    rows = {"stopped": "stopped",
            "solver": f"solver\tpinned[0] cannot be honoured\t{json.dumps(solver_message.to_json())}",
            "error": "error\tValueError: boom"}
    with db.engine.begin() as conn:
        week = conn.execute(text("INSERT INTO week (organisation_id, start_date) VALUES (:o, :d) RETURNING id"),
                            {"o": org_id, "d": dt.date(2026, 11, 30)}).scalar_one()
        for message in rows.values():
            conn.execute(text("INSERT INTO solve_run (organisation_id, week_id, state, time_limit_s, created_at, "
                              "message) VALUES (:o, :w, 'failed', 30, :t, :m)"),
                         {"o": org_id, "w": week, "t": dt.datetime(2026, 11, 30, tzinfo=dt.UTC), "m": message})
    upgrade()
    db.session.expire_all()
    runs = db.session.execute(db.select(SolveRun).order_by(SolveRun.id)).scalars().all()
    assert [run.ending for run in runs] == [Ending.STOPPED, Ending.SOLVER, Ending.ERROR]
    reasons = [Message.from_json(run.reason) for run in runs]
    assert reasons[0] == "The solver was stopped before it finished; the roster was not changed."
    assert reasons[1] == "The solver could not make a roster: pinned[0] cannot be honoured"
    assert reasons[1].params["detail"].template == "pinned[%(index)d] cannot be honoured"
    assert reasons[2] == "The solve failed (ValueError: boom); the roster was not changed."
