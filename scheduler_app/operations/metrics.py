"""Prometheus metrics on a registry of the app's own: requests by endpoint and status with their latency; read
at scrape time: solve runs by state and by outcome with their duration, messages by state, the last backup's
age, and the solve queue's depth when Redis is set."""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import time
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from scheduler_app.backup import newest_backup
from scheduler_app.extensions import db
from scheduler_app.jobqueue import solve_queue
from scheduler_app.models import Message, MessageState, RunState, SolveRun
from scheduler_app.operations.services import redis_connection

EXTENSION = "peiban_metrics"
# Pages answer in tens of milliseconds; imports, exports and reports take seconds.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Proxies say whom they forward for in these: such a request came through a proxy, whatever its address.
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-Ip")


class AppMetrics:
    """One app's registry and its request metrics (a registry per app: tests and the CLI build many apps)."""

    def __init__(self, app: Flask) -> None:
        self.registry = CollectorRegistry()
        # The endpoint, not the path: paths hold ids, and an unknown path must not add a series per URL.
        self.requests = Counter("peiban_http_requests", "HTTP requests answered, by endpoint and status",
                                ("endpoint", "method", "status"), registry=self.registry)
        self.latency = Histogram("peiban_http_request_duration_seconds", "Time to answer a request, by endpoint",
                                 ("endpoint",), buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(DatabaseCollector(app))


class DatabaseCollector(Collector):
    """Figures read at scrape time: solve runs and messages from the database, the last backup from its folder,
    and the solve queue's depth when Redis is set."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        """Yield the gauges (called by the scrape, inside its request); a figure whose source does not answer is
        left out, and /readyz says why."""
        try:
            figures = list(_solve_runs()) + list(_messages())
        except SQLAlchemyError:
            db.session.rollback()
        else:
            yield from figures
        yield from _last_backup(self.app)
        if self.app.config["REDIS_URL"]:
            yield from _queue_depth(self.app)


def _solve_runs() -> Iterator[Metric]:
    """Runs by state, and the finished ones by outcome (state and ending) with the time they took."""
    runs = GaugeMetricFamily("peiban_solve_runs", "Solve runs recorded, by state", labels=("state",))
    counts: dict[RunState, int] = {state: count for state, count in db.session.execute(
        select(SolveRun.state, func.count()).group_by(SolveRun.state)).all()}
    for state in RunState:
        runs.add_metric((state.value,), counts.get(state, 0))
    yield runs
    # The few columns of finished runs (an organisation makes a few a week): durations summed here work the
    # same on SQLite and PostgreSQL.
    finished_count: dict[tuple[str, str], int] = {}
    finished_seconds: dict[tuple[str, str], float] = {}
    for state, ending, started, finished in db.session.execute(
            select(SolveRun.state, SolveRun.ending, SolveRun.started_at, SolveRun.finished_at)
            .where(SolveRun.finished_at.is_not(None))):
        seconds = (finished - started).total_seconds() if started else 0.0
        outcome = (state.value, ending.value if ending else "")
        finished_count[outcome] = finished_count.get(outcome, 0) + 1
        finished_seconds[outcome] = finished_seconds.get(outcome, 0.0) + seconds
    durations = SummaryMetricFamily("peiban_solve_run_duration_seconds",
                                    "Finished solve runs by outcome (state, and how a failed one ended) and the "
                                    "time from start to finish", labels=("state", "ending"))
    for outcome, count in sorted(finished_count.items()):
        durations.add_metric(outcome, count_value=count, sum_value=finished_seconds[outcome])
    yield durations


def _messages() -> Iterator[Metric]:
    """Messages in the outbox by state: queued, sent, failed (given up)."""
    gauge = GaugeMetricFamily("peiban_messages", "Messages recorded, by state (failed: given up after its tries)",
                              labels=("state",))
    counts: dict[MessageState, int] = {state: count for state, count in db.session.execute(
        select(Message.state, func.count()).group_by(Message.state)).all()}
    for state in MessageState:
        gauge.add_metric((state.value,), counts.get(state, 0))
    yield gauge


def _last_backup(app: Flask) -> Iterator[Metric]:
    """The newest backup's age in PEIBAN_BACKUP_DIR; left out while there is none."""
    newest = newest_backup(Path(app.config["PEIBAN_BACKUP_DIR"]))
    if newest is None:
        return
    gauge = GaugeMetricFamily("peiban_last_backup_age_seconds", "Seconds since the newest backup was taken")
    gauge.add_metric((), (dt.datetime.now(dt.UTC) - newest[0]).total_seconds())
    yield gauge


def _queue_depth(app: Flask) -> Iterator[Metric]:
    """The number of solve jobs waiting on the queue; left out when Redis does not answer."""
    connection = redis_connection(app)
    try:
        depth = solve_queue(app, connection).count
    except RedisError:
        return
    finally:
        connection.close()
    gauge = GaugeMetricFamily("peiban_solve_queue_depth", "Solve jobs waiting on the queue for a worker")
    gauge.add_metric((), depth)
    yield gauge


def init_app(app: Flask) -> None:
    """Create the app's registry and count every request (timed from the clock operations.init_app starts)."""
    app.extensions[EXTENSION] = AppMetrics(app)

    @app.after_request
    def _count(response):
        record = app.extensions[EXTENSION]
        endpoint = request.endpoint or "none"
        record.requests.labels(endpoint, request.method, str(response.status_code)).inc()
        record.latency.labels(endpoint).observe(time.perf_counter() - g.get("request_started", time.perf_counter()))
        return response


def exposition(app: Flask) -> tuple[bytes, str]:
    """The metrics as Prometheus text, and its content type."""
    return generate_latest(app.extensions[EXTENSION].registry), CONTENT_TYPE_LATEST


def refusal(app: Flask) -> int | None:
    """None when this request may read the metrics, else the status refusing it: 401 without the right token
    when PEIBAN_METRICS_TOKEN is set, 403 when none is set and the request is not from this machine."""
    token = app.config["PEIBAN_METRICS_TOKEN"]
    if token:
        given = request.headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
        return None if ok else 401
    # Behind a proxy on the same machine every request comes from loopback: without PEIBAN_PROXY_HOPS (which
    # puts the client's address in remote_addr) a forwarded request is refused rather than taken as local.
    if not app.config["PEIBAN_PROXY_HOPS"] and any(h in request.headers for h in FORWARDING_HEADERS):
        return 403
    try:
        local = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return 403
    return None if local else 403
