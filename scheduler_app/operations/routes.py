"""Health, readiness and metrics: JSON and Prometheus text for probes and scrapers, no login."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify

from scheduler_app.operations import metrics
from scheduler_app.operations.services import readiness

bp = Blueprint("operations", __name__)


@bp.route("/healthz")
def healthz():
    """The process answers (a liveness probe: nothing else is checked, so a database outage restarts nothing)."""
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz():
    """200 when the database, migrations, translations (and Redis with a solve worker) are ready, else 503 naming
    the checks that failed."""
    outcome = readiness(current_app)
    body = {"status": "ready" if outcome.ready else "not ready", "failed": outcome.failed,
            "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in outcome.checks}}
    return jsonify(body), 200 if outcome.ready else 503


@bp.route("/metrics")
def metrics_page():
    """Prometheus metrics, for the configured token or, without one, for loopback addresses only."""
    refusal = metrics.refusal(current_app)
    if refusal == 401:
        return Response("token required\n", 401, {"WWW-Authenticate": "Bearer"}, mimetype="text/plain")
    if refusal:
        abort(refusal)
    body, content_type = metrics.exposition(current_app)
    return Response(body, content_type=content_type)
