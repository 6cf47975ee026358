"""Operations: /healthz and /readyz."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker

from scheduler_app import create_app
from scheduler_app.operations import services

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
    """The liveness probe answers ok to anyone, as JSON."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


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
