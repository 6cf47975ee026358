"""Health and readiness: JSON for probes, no login."""

from __future__ import annotations

from flask import current_app, jsonify

from scheduler_app.operations import bp
from scheduler_app.operations.services import readiness


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

