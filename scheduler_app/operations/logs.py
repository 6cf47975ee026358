"""Request ids and, with PEIBAN_LOG_FORMAT=json, one JSON line per request through the app logger.

A line holds the method, the path without its query string (a search term can be a child's name), the
endpoint, status, time taken, request id and the user's id: never a form value, a query or a name.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-Id"
# A proxy's id is kept only when it cannot smuggle anything into a log line or a header.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def request_id(incoming: str | None) -> str:
    """The incoming X-Request-Id when it is a safe token (≤ 64 letters, digits and dashes), else a new one."""
    if incoming and SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """Each record as one JSON line: time, level, logger, message, the request's id, and its fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object on one line (a traceback included, escaped)."""
        line = {"time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if has_request_context() and "request_id" in g:
            line["request_id"] = g.request_id
        line.update(getattr(record, "request_fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def init_app(app: Flask) -> None:
    """Send each request's id back as X-Request-Id and, in JSON mode, log a line for it."""
    if app.config["PEIBAN_LOG_FORMAT"] == "json":
        _log_json(app.logger)

    @app.after_request
    def _send_id_and_log(response):
        if "request_id" not in g:  # a request that failed before any hook ran
            g.request_id = request_id(None)
        response.headers[REQUEST_ID_HEADER] = g.request_id
        if app.config["PEIBAN_LOG_FORMAT"] == "json":
            app.logger.info("request", extra={"request_fields": _fields(response.status_code)})
        return response


def _log_json(logger: logging.Logger) -> None:
    """Write records as JSON lines on standard error instead of Flask's plain format: through the root logger
    when nothing configured it (so a server's own log lines, waitress's, come out as JSON too and its
    ``logging.basicConfig`` adds no second, plain copy), else through a handler of the app logger."""
    logger.removeHandler(default_handler)
    logger.setLevel(min(logger.getEffectiveLevel(), logging.INFO))
    root = logging.getLogger()
    target = logger if root.handlers else root
    # Every app of a process shares one logger (named after the package): one JSON handler is enough.
    if any(isinstance(h.formatter, JsonFormatter) for h in (*root.handlers, *logger.handlers)):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    target.addHandler(handler)


def _fields(status: int) -> dict:
    """The request's line: no form value, no query string, no name."""
    # The user already loaded by this request, if any: asking flask_login here could query a database that
    # just failed the request.
    user = g.get("_login_user")
    started = g.get("request_started", time.perf_counter())
    return {"request_id": g.request_id, "method": request.method, "path": request.path,
            "endpoint": request.endpoint, "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None}
