"""Operations: health and readiness probes, Prometheus metrics, request ids and JSON request logs."""

import time

from flask import Flask, g, request

from scheduler_app.operations import logs, metrics


def init_app(app: Flask) -> None:
    """Give every request an id and a clock, count it for /metrics and, with PEIBAN_LOG_FORMAT=json, log it as
    one line."""
    @app.before_request
    def _start() -> None:
        # Assigned, not set by default: outside a request the tests keep one app context, and g with it.
        g.request_started = time.perf_counter()
        g.request_id = logs.request_id(request.headers.get(logs.REQUEST_ID_HEADER))

    metrics.init_app(app)
    logs.init_app(app)
