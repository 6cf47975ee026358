"""Operations: health and readiness probes for a deployment's supervisor and load balancer."""

from flask import Blueprint

bp = Blueprint("operations", __name__)

from scheduler_app.operations import routes  # noqa: E402,F401
