"""Operations: /healthz and /readyz, /metrics and its access rule, request ids and JSON logs without child data."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker

from scheduler_app import create_app
from scheduler_app.extensions import db
from scheduler_app.models import (
    ChannelKind,
    Ending,
    Message,
    MessageChannel,
    MessageState,
    Role,
    RunState,
    SolveRun,
    Week,
)
from scheduler_app.operations import logs, services
from scheduler_app.records import editing
from tests.forms import form_data

REDIS = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> None:
    try:
        Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except RedisError as exc:
        pytest.skip(f"Redis not reachable: {exc.__class__.__name__}")


def _private(body: str) -> list[str]:
    """Whatever of a probe's answer could tell an outsider about the deployment."""
    words = ("sqlite", "postgres", "redis://", "127.0.0.1", "/tmp", "/work", "password", "@")  # noqa: S108
    return [word for word in words if word in body.lower()]


def test_healthz_answers_without_login(client) -> None:
    """The liveness probe answers ok to anyone, as JSON, with a request id."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert len(response.headers["X-Request-Id"]) == 32


def test_readyz_is_ready_on_a_migrated_database(client) -> None:
    """On a migrated database with the catalogues compiled every check passes, and nothing private is said."""
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ready" and body["failed"] == []
    assert set(body["checks"]) == {"database", "migrations", "translations"}  # no Redis configured
    assert not _private(response.get_data(as_text=True))


def test_readyz_names_migrations_not_at_head(tmp_path: Path) -> None:
    """A database nobody migrated is reachable but not ready: 503 naming the migrations."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "SECRET_KEY": "x",
                      "TESTING": True})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["migrations"]
    assert "no revision" in response.get_json()["checks"]["migrations"]["detail"]
    assert not _private(response.get_data(as_text=True))


def test_readyz_names_an_unreachable_database_without_its_url() -> None:
    """A database that does not answer fails the database check; its address (and password) is not shown."""
    url = "postgresql+psycopg://peiban:s3cret@127.0.0.1:1/peiban"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    response = app.test_client().get("/readyz")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database", "migrations"]
    assert "s3cret" not in body and not _private(body)


def test_readyz_names_translations_not_compiled(client, monkeypatch, tmp_path: Path) -> None:
    """Without the compiled Chinese catalogue the app is not ready."""
    monkeypatch.setattr(services, "ZH_CATALOGUE", tmp_path / "messages.mo")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["failed"] == ["translations"]


def test_readyz_with_redis_needs_a_solve_worker(app, client) -> None:
    """With REDIS_URL set: ready only while a solve worker is registered on the solve queue."""
    _redis_or_skip()
    name = f"peiban-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS, PEIBAN_SOLVE_QUEUE=name)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["failed"] == ["solve_workers"]
    assert response.get_json()["checks"]["redis"]["ok"]
    connection = Redis.from_url(REDIS)
    worker = Worker([Queue(name, connection=connection)], connection=connection, name=name)
    worker.register_birth()
    try:
        response = client.get("/readyz")
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["checks"]["solve_workers"]["detail"] == "1 registered"
    finally:
        worker.register_death()
        connection.delete(worker.key)


def test_readyz_names_redis_down(app, client) -> None:
    """A Redis that does not answer fails both the Redis and the worker checks, quickly, without its URL."""
    app.config.update(REDIS_URL="redis://:s3cret@127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["redis", "solve_workers"]
    assert "s3cret" not in response.get_data(as_text=True)


def _samples(response) -> dict[tuple[str, tuple], float]:
    """The scrape's samples by (name, sorted labels)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.content_type.startswith("text/plain; version=")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def test_metrics_count_requests_by_endpoint_and_status(client) -> None:
    """Two probes and a missing page are counted by endpoint and status, with their latency."""
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page")
    samples = _samples(client.get("/metrics"))
    ok = (("endpoint", "operations.healthz"), ("method", "GET"), ("status", "200"))
    assert samples[("peiban_http_requests_total", ok)] == 2
    assert samples[("peiban_http_requests_total", (("endpoint", "none"), ("method", "GET"), ("status", "404")))] == 1
    assert samples[("peiban_http_request_duration_seconds_count", (("endpoint", "operations.healthz"),))] == 2


def test_metrics_registry_is_the_apps_own(client, tmp_path: Path) -> None:
    """Another app in the same process starts from zero (no global registry shared between apps)."""
    client.get("/healthz")
    other = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite3'}", "SECRET_KEY": "x",
                        "TESTING": True})
    text = other.test_client().get("/metrics").get_data(as_text=True)
    assert "operations.healthz" not in text


def test_metrics_count_solve_runs_by_state(client, make_org) -> None:
    """Solve runs are counted by state from the database at scrape time, every state present (0 included)."""
    org = make_org()
    week = Week(organisation_id=org.id, start_date=dt.date(2026, 11, 30))
    db.session.add(week)
    db.session.flush()
    db.session.add_all([SolveRun(organisation_id=org.id, week_id=week.id, time_limit_s=10, state=state)
                        for state in (RunState.SUCCEEDED, RunState.SUCCEEDED, RunState.FAILED)])
    db.session.commit()
    samples = _samples(client.get("/metrics"))
    runs = {labels[0][1]: value for (name, labels), value in samples.items() if name == "peiban_solve_runs"}
    assert runs == {"queued": 0, "running": 0, "succeeded": 2, "failed": 1, "abandoned": 0}


def test_metrics_queue_depth_with_redis(app, client) -> None:
    """With REDIS_URL set, the solve queue's depth is reported."""
    _redis_or_skip()
    name = f"peiban-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS, PEIBAN_SOLVE_QUEUE=name)
    queue = Queue(name, connection=Redis.from_url(REDIS))
    queue.enqueue("os.getcwd")
    try:
        assert _samples(client.get("/metrics"))[("peiban_solve_queue_depth", ())] == 1
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


def test_metrics_with_a_token_refuse_without_it(app, client) -> None:
    """With PEIBAN_METRICS_TOKEN set: 401 without the token or with a wrong one, 200 with it, even from afar."""
    app.config["PEIBAN_METRICS_TOKEN"] = "scrape-me-please-0123456789"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics").headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Basic scrape-me-please-0123456789"}).status_code == 401
    far = {"REMOTE_ADDR": "203.0.113.7"}
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please-0123456789"},
                          environ_base=far)
    assert response.status_code == 200 and "peiban_http_requests_total" in response.get_data(as_text=True)


@pytest.mark.parametrize(("address", "headers", "status"), [
    ("127.0.0.1", {}, 200), ("127.8.9.10", {}, 200), ("::1", {}, 200),
    ("203.0.113.7", {}, 403), ("10.0.0.5", {}, 403),
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.7"}, 403),  # a proxy on this machine forwarded it
])
def test_metrics_without_a_token_answer_only_loopback(client, address: str, headers: dict, status: int) -> None:
    """Without a token /metrics answers this machine only; a request a local proxy forwarded is not local."""
    assert client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address}).status_code == status


def test_metrics_scrape_is_quick(client) -> None:
    """A scrape (a database query for the runs) takes well under a second; the time is printed."""
    for _ in range(20):
        client.get("/healthz")
    started = time.perf_counter()
    for _ in range(10):
        assert client.get("/metrics").status_code == 200
    each = (time.perf_counter() - started) / 10
    print(f"/metrics scrape: {each * 1000:.1f} ms")
    assert each < 0.5


@pytest.mark.parametrize(("incoming", "kept"), [
    ("abc-123-DEF", True), ("a" * 64, True), ("a" * 65, False), ("id with spaces", False),
    ("x;Set-Cookie: a=b", False), ("<script>", False), ("../etc", False), ("", False),
])
def test_request_id_kept_only_when_safe(client, incoming: str, kept: bool) -> None:
    """A proxy's X-Request-Id is sent back when it is a safe token, else a new id replaces it."""
    response = client.get("/healthz", headers={"X-Request-Id": incoming} if incoming else {})
    sent = response.headers["X-Request-Id"]
    assert (sent == incoming) is kept
    assert logs.SAFE_REQUEST_ID.fullmatch(sent)


def _json_lines(caplog) -> list[dict]:
    """The request lines the app logged, as the JSON formatter writes them."""
    formatter = logs.JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if getattr(r, "request_fields", None)]


def test_json_log_line_per_request(database_url: str, make_user, caplog) -> None:
    """With PEIBAN_LOG_FORMAT=json each request is one JSON line: method, path without its query, endpoint,
    status, ms, request id and the logged-in user's id."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "TESTING": True,
                      "PEIBAN_LOG_FORMAT": "json"})
    with app.app_context():
        user = make_user()
        user_id = user.id
        db.session.remove()
    client = app.test_client()
    caplog.set_level(logging.INFO, logger=app.logger.name)
    client.get("/healthz?who=王小明", headers={"X-Request-Id": "probe-1"})
    from tests.conftest import PASSWORD, post_form
    with app.app_context():
        assert post_form(client, "/auth/login", {"username": user.username, "password": PASSWORD}).status_code == 302
        caplog.clear()
        client.get("/children/?q=王小明")
        db.session.remove()
    line = _json_lines(caplog)[-1]
    assert line["path"] == "/children/" and line["endpoint"] == "children.index" and line["status"] == 200
    assert line["method"] == "GET" and line["user_id"] == user_id and isinstance(line["ms"], float)
    assert len(line["request_id"]) == 32 and line["time"].endswith("+00:00")
    assert "王小明" not in json.dumps(line, ensure_ascii=False)
    with app.app_context():
        db.engine.dispose()


def test_engine_hides_parameters(app) -> None:
    """The engine never quotes a statement's values in its errors or logs."""
    assert db.engine.hide_parameters


def test_a_failed_request_logs_no_child_name(app, make_user, login, monkeypatch, caplog) -> None:
    """A request that fails (500) inside a database statement while a child's name is in its form leaves that
    name in no log line of any logger, at any level: not the engine's statements, not the error, not the request
    line; the error itself is logged."""
    app.config.update(PROPAGATE_EXCEPTIONS=False, PEIBAN_LOG_FORMAT="json")
    name = f"王测试{uuid.uuid4().hex[:6]}"
    client = login(make_user())
    form = form_data(client.get("/children/new").get_data(as_text=True))
    form.update(code=["C-LOG"], name=[name], guardian_name=[name + "的奶奶"])

    def fail(spec, organisation_id, record_id, values, **kwargs):
        # A statement carrying the name that the database refuses: its error would quote the name.
        db.session.execute(db.text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": values["name"]})

    monkeypatch.setattr(editing, "save", fail)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)  # the engine's statements and values too
    try:
        response = client.post("/children/new", data=form)
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.NOTSET)
    assert response.status_code == 500
    assert name not in response.get_data(as_text=True)
    logged = caplog.records
    assert any(r.exc_info and "no_such_table" in logging.Formatter().formatException(r.exc_info) for r in logged)
    assert any("INSERT INTO no_such_table" in r.getMessage() for r in logged)  # the engine did log statements
    assert [line["status"] for line in _json_lines(caplog)
            if line["method"] == "POST" and line["path"] == "/children/new"] == [500]
    formatter = logs.JsonFormatter()
    for record in logged:
        for text in (record.getMessage(), formatter.format(record), logging.Formatter().format(record)):
            assert name not in text, text[:300]


@pytest.mark.parametrize(("hops", "recorded"), [(1, "203.0.113.9"), (0, "127.0.0.1")])
def test_behind_a_proxy_the_audit_log_records_the_client(database_url: str, make_user, hops: int,
                                                         recorded: str) -> None:
    """With PEIBAN_PROXY_HOPS=1 the proxy's X-Forwarded-For names the client in the audit log, and with
    PEIBAN_HTTPS=1 the session cookie is Secure and __Host-; with 0 hops the header is not believed."""
    from tests.conftest import PASSWORD, csrf_token
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "TESTING": True,
                      "PEIBAN_PROXY_HOPS": hops, "PEIBAN_HTTPS": 1})
    with app.app_context():
        user = make_user()
        username = user.username
        db.session.remove()
    client = app.test_client()
    # What nginx sends: the client's address after whatever the client claimed, and the scheme it was reached by.
    client.environ_base.update(HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    with app.app_context():
        token = csrf_token(client)
        # On HTTPS Flask-WTF also wants a same-origin Referer, as a browser sends it.
        response = client.post("/auth/login", data={"username": username, "password": PASSWORD,
                                                    "csrf_token": token}, base_url="https://localhost",
                               headers={"Referer": "https://localhost/auth/login"})
        assert response.status_code == 302
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-peiban="))
        assert "Secure" in cookie and "HttpOnly" in cookie
        from scheduler_app.models import AuditEvent
        event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "login")).scalar_one()
        assert event.remote_addr == recorded
        # /metrics without a token: the forwarded client is not this machine, whatever it claimed.
        assert client.get("/metrics").status_code == 403
        db.session.remove()
        db.engine.dispose()


def test_dev_run_serves_with_waitress_on_the_chosen_port(monkeypatch) -> None:
    """``dev.py run`` ends in waitress with 8 threads (options waitress itself accepts), on --port, else
    PEIBAN_PORT, else 5000."""
    from waitress.adjustments import Adjustments

    import dev
    monkeypatch.delenv("PEIBAN_PORT", raising=False)
    assert dev.serve_port([]) == 5000
    monkeypatch.setenv("PEIBAN_PORT", "8123")
    assert dev.serve_port([]) == 8123 and dev.serve_port(["--port", "5123"]) == 5123
    command = dev.server_command(8123)
    assert command[1:3] == ["-m", "waitress"]
    settings, args = Adjustments.parse_args(command[3:])
    assert args == ["scheduler_app:create_app"] and settings["call"]
    adjustments = Adjustments(**{k: v for k, v in settings.items() if k not in ("call", "help")})
    assert adjustments.threads == 8 and adjustments.port == 8123 and adjustments.host == "127.0.0.1"
    assert not adjustments.clear_untrusted_proxy_headers


def test_metrics_solve_runs_by_outcome_with_duration(client, make_org) -> None:
    """Finished runs are counted by state and ending with the seconds from start to finish summed; a run not yet
    finished is in no outcome."""
    org = make_org()
    week = Week(organisation_id=org.id, start_date=dt.date(2026, 11, 30))
    db.session.add(week)
    db.session.flush()
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    db.session.add_all([
        SolveRun(organisation_id=org.id, week_id=week.id, time_limit_s=60, state=RunState.SUCCEEDED,
                 started_at=start, finished_at=start + dt.timedelta(seconds=seconds)) for seconds in (20, 40)])
    db.session.add(SolveRun(organisation_id=org.id, week_id=week.id, time_limit_s=60, state=RunState.FAILED,
                            ending=Ending.OVERRAN, started_at=start, finished_at=start + dt.timedelta(seconds=80)))
    db.session.add(SolveRun(organisation_id=org.id, week_id=week.id, time_limit_s=60, state=RunState.RUNNING,
                            started_at=start))
    db.session.commit()
    samples = _samples(client.get("/metrics"))
    name = "peiban_solve_run_duration_seconds"
    assert samples[(f"{name}_count", (("ending", ""), ("state", "succeeded")))] == 2
    assert samples[(f"{name}_sum", (("ending", ""), ("state", "succeeded")))] == 60
    assert samples[(f"{name}_count", (("ending", "overran"), ("state", "failed")))] == 1
    assert samples[(f"{name}_sum", (("ending", "overran"), ("state", "failed")))] == 80
    assert not any(labels and ("state", "running") in labels for (n, labels) in samples if n.startswith(name))


def test_metrics_count_messages_sent_and_failed(client, make_user) -> None:
    """Messages are counted by state, every state present (0 included)."""
    user = make_user(Role.COORDINATOR)
    channel = MessageChannel(organisation_id=user.organisation_id, kind=ChannelKind.EMAIL, label="mail")
    db.session.add(channel)
    db.session.flush()
    db.session.add_all([Message(organisation_id=user.organisation_id, user_id=user.id, channel_id=channel.id,
                                event_key=f"test:{n}", kind="reminder", subject="s", body="b", state=state)
                        for n, state in enumerate((MessageState.SENT, MessageState.SENT, MessageState.FAILED))])
    db.session.commit()
    samples = _samples(client.get("/metrics"))
    messages = {labels[0][1]: value for (name, labels), value in samples.items() if name == "peiban_messages"}
    assert messages == {"queued": 0, "sent": 2, "failed": 1}


def test_metrics_report_the_last_backups_age(app, client, tmp_path: Path) -> None:
    """No backup yet: no age; after one taken two hours ago (by its name), the age is about 7,200 s."""
    app.config["PEIBAN_BACKUP_DIR"] = str(tmp_path / "backups")
    assert not any(name == "peiban_last_backup_age_seconds" for name, _ in _samples(client.get("/metrics")))
    (tmp_path / "backups").mkdir()
    taken = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    (tmp_path / "backups" / f"peiban-{taken:%Y%m%d-%H%M%S}.sqlite3.age").write_bytes(b"x")
    age = _samples(client.get("/metrics"))[("peiban_last_backup_age_seconds", ())]
    assert 7200 - 5 <= age <= 7200 + 60
